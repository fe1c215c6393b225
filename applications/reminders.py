"""The reminder of an offered place, a day before the offer lapses; the same sweep
closes the offers whose time ran out and offers their places on."""

from django.utils.translation import gettext_lazy as _

from incubator.notifications.reminders import Recipient, ReminderSource

from .models import PlaceOffer
from .services import offers


class PlaceOfferReminders(ReminderSource):
    name = offers.SOURCE
    label = _("Offered places")
    template = "applications/emails/place_offer_reminder"
    optional = False

    def recipients(self, reminders):
        open_offers = {
            offer.pk: offer
            for offer in PlaceOffer.objects.filter(
                pk__in={r.object_id for r in reminders}, status=PlaceOffer.Status.OPEN
            )
            .select_related("application__organisation", "application__cycle")
            .prefetch_related("application__organisation__people")
        }
        for reminder in reminders:
            offer = open_offers.get(reminder.object_id)
            if offer is None:
                continue
            for person in offer.application.organisation.people.all():
                yield Recipient(reminder=reminder, user=person, context=offers.offer_context(offer))

    def sync(self, now):
        offers.lapse_offers(now)
