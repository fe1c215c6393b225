"""Reminders before a bid's submission deadline (FUNDING_DEADLINE_REMINDERS, by
default 14 and 3 days before) to the organisation's people, while the bid is still
being prepared. Registered with the kernel's reminder engine in apps.py."""

from django.utils.translation import gettext_lazy as _

from incubator.notifications.reminders import Recipient, ReminderSource

from ..services import organisation_people
from . import services
from .models import Bid


class BidDeadlineReminders(ReminderSource):
    name = services.BID_SOURCE
    label = _("Bid deadlines")
    template = "funding/emails/bid_deadline_reminder"

    def recipients(self, reminders):
        bids = {
            bid.pk: bid
            for bid in Bid.objects.filter(
                pk__in={r.object_id for r in reminders}, status__in=Bid.PREPARING
            ).select_related("place__organisation", "source")
        }
        people = organisation_people({bid.place.organisation_id for bid in bids.values()})
        for reminder in reminders:
            bid = bids.get(reminder.object_id)
            if bid is None:
                continue
            for person in people.get(bid.place.organisation_id, []):
                yield Recipient(reminder=reminder, user=person, context={"bid": bid})
