"""The waiting list moves: a free place is offered to the next wait-listed
application by the ranking (within the field quotas), by email with links to
accept or decline on the portal. The offer is open for the days the cycle sets and
reminded a day before it lapses; declined or lapsed, the place goes to the next
one. Accepting admits the organisation as any admission does."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.models import Cycle
from incubator.notifications import reminders
from incubator.notifications import services as notifications

from ..models import Application, FieldQuota, PlaceOffer
from ..selectors.figures import criteria_of
from ..selectors.ranking import ranking_query
from ..selectors.review import review_settings
from .application import decide, publish_decision

SOURCE = "place-offer"
REMIND = {"before-1d": timedelta(days=1)}
Status = Application.Status


def _taken(cycle):
    """{field id or None: places taken (admitted or offered)} and the total."""
    rows = (
        Application.objects.filter(cycle=cycle)
        .filter(
            Q(status=Status.ADMITTED)
            | Q(place_offers__status=PlaceOffer.Status.OPEN, status=Status.WAITLISTED)
        )
        .values("priority_field")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    by_field = {row["priority_field"]: row["n"] for row in rows}
    return by_field, sum(by_field.values())


def _candidates(cycle):
    """The wait-listed applications that were told so and were never offered a
    place, in the order of the ranking."""
    query = (
        ranking_query(cycle, review_settings(cycle), criteria_of(cycle))
        .filter(status=Status.WAITLISTED, published_decision=Status.WAITLISTED)
        .exclude(place_offers__isnull=False)
        .order_by("position", "pk")
    )
    return list(query.select_related("organisation", "priority_field"))


@transaction.atomic
def offer_free_places(cycle, *, by=None, now=None):
    """Offers each free place of ``cycle`` to the next wait-listed application by
    the ranking, skipping those whose priority field has reached its maximum.
    Returns the offers made (none when no place is free or nobody waits)."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    now = now or timezone.now()
    by_field, taken = _taken(cycle)
    maximum = {
        q.priority_field_id: q.maximum_places
        for q in FieldQuota.objects.filter(cycle=cycle).exclude(maximum_places=None)
    }
    days = review_settings(cycle).offer_days
    offers = []
    for application in _candidates(cycle):
        if taken >= cycle.places:
            break
        field = application.priority_field_id
        if field in maximum and by_field.get(field, 0) >= maximum[field]:
            continue
        offers.append(_offer(application, by=by, now=now, days=days))
        by_field[field] = by_field.get(field, 0) + 1
        taken += 1
    return offers


def _offer(application, *, by, now, days):
    offer = PlaceOffer.objects.create(
        cycle=application.cycle,
        application=application,
        offered_at=now,
        expires_at=now + timedelta(days=days),
        offered_by=by,
    )
    reminders.schedule(
        source=SOURCE, object_id=offer.pk, event_at=offer.expires_at, offsets=REMIND, now=now
    )
    for person in application.organisation.people.all():
        notifications.queue(
            key=f"{SOURCE}:{offer.pk}:offered:user:{person.pk}",
            recipient=person,
            template="applications/emails/place_offer",
            context=offer_context(offer),
            expires_at=offer.expires_at,
        )
    return offer


def offer_context(offer):
    return {
        "offer": offer,
        "application": offer.application,
        "link": settings.SITE_URL + reverse("applications:offer", args=[offer.pk]),
    }


def _lock_open(offer):
    offer = PlaceOffer.objects.select_for_update().select_related("application").get(pk=offer.pk)
    if not offer.is_open:
        raise ValidationError(
            _("This offer is no longer open (%(status)s).")
            % {"status": offer.get_status_display().lower()},
            code="answered",
        )
    return offer


def _close(offer, status, *, by, now):
    offer.status = status
    offer.answered_at = now
    offer.answered_by = by
    offer.save(update_fields=["status", "answered_at", "answered_by"])
    reminders.cancel(source=SOURCE, object_id=offer.pk, now=now)


@transaction.atomic
def accept_offer(offer, *, by, now=None):
    """The organisation takes the offered place: it is admitted and joins the
    programme (the decision is published at once; the offer was its letter)."""
    now = now or timezone.now()
    offer = _lock_open(offer)
    if offer.expires_at <= now:
        _lapse(offer, now)
        raise ValidationError(
            _("The offer lapsed before it was accepted; the place has been offered on."),
            code="lapsed",
        )
    application = decide(
        offer.application,
        decision=Status.ADMITTED,
        by=by,
        reason=_("Accepted the place offered from the waiting list."),
        without_review=True,
        over_places_reason=_("The place was offered from the waiting list."),
    )
    publish_decision(application, by=by, now=now)
    _close(offer, PlaceOffer.Status.ACCEPTED, by=by, now=now)
    return offer


@transaction.atomic
def decline_offer(offer, *, by, now=None):
    """The organisation declines: it stays on the waiting list, and the place is
    offered to the next one."""
    now = now or timezone.now()
    offer = _lock_open(offer)
    _close(offer, PlaceOffer.Status.DECLINED, by=by, now=now)
    offer_free_places(offer.cycle, now=now)
    return offer


def _lapse(offer, now):
    _close(offer, PlaceOffer.Status.LAPSED, by=None, now=now)
    offer_free_places(offer.cycle, now=now)


def lapse_offers(now=None):
    """Closes the offers whose time ran out and offers their places on (the
    reminder sweep calls this every minute). Returns how many lapsed."""
    now = now or timezone.now()
    lapsed = 0
    for pk in PlaceOffer.objects.filter(
        status=PlaceOffer.Status.OPEN, expires_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            offer = (
                PlaceOffer.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=PlaceOffer.Status.OPEN)
                .first()
            )
            if offer is not None:
                _lapse(offer, now)
                lapsed += 1
    return lapsed
