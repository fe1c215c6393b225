"""Booking consultations: a free time booked by an organisation (or by staff on its
behalf), a request with proposed times when none fits, cancelling and moving.

No double booking: the slot is locked while it is booked; the database refuses a
second booking of a slot (a unique constraint) and, on PostgreSQL, any consultation
overlapping another of the same mentor (an exclusion constraint); the same check
runs here first, so that whoever loses a race gets a clear message, and a refused
booking leaves nothing behind (no row, no email, no reminder)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cohorts.models import CohortMembership
from cohorts.selectors import cycle_end
from incubator.permissions import is_staff
from incubator.wording import DATIVE, date_in_case

from ..models import ACTIVE, Consultation, ConsultationRequest, Slot
from ..selectors.access import bookable_mentors
from . import notices
from .schedule import (
    REQUEST_SOURCE,
    cancel_consultation_reminders,
    cutoff,
    schedule_consultation_reminders,
    schedule_request_reminder,
)


def _taken():
    return ValidationError(
        _("Someone has just booked this time. Please choose another one."), code="taken"
    )


def _moment(value):
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def check_place(place):
    if place.status != CohortMembership.Status.ACTIVE:
        raise ValidationError(
            _("%(organisation)s no longer takes part in the cycle.")
            % {"organisation": place.organisation},
            code="not_taking_part",
        )


def check_mentor(place, mentor):
    if not bookable_mentors(place).filter(pk=mentor.pk).exists():
        raise ValidationError(
            _("%(mentor)s cannot be booked by %(organisation)s.")
            % {"mentor": mentor.name, "organisation": place.organisation},
            code="not_bookable",
        )


def check_time(place, starts_at, now, field=None):
    error = None
    if starts_at <= now:
        error = _("This time has passed. Please choose a time ahead.")
    elif starts_at > cycle_end(place.cycle):
        # “līdz …”: in Latvian a date in the dative.
        error = _("Consultations take place within the cycle, until %(end)s.") % {
            "end": date_in_case(cycle_end(place.cycle), DATIVE)
        }
    if error:
        raise ValidationError({field: error} if field else error, code="time")


def _overlapping(consultation):
    return Consultation.objects.filter(
        status__in=ACTIVE,
        starts_at__lt=consultation.ends_at,
        ends_at__gt=consultation.starts_at,
    ).exclude(pk=consultation.pk)


def save_booking(consultation, *, taken=None):
    """Saves a consultation that takes a time, if the time is free: the same rules as
    the database's constraints, checked first for a clear message, and the
    database's refusal (a race lost) turned into the same message."""
    taken = taken or _taken()
    if _overlapping(consultation).filter(mentor_id=consultation.mentor_id).exists():
        raise taken
    if (
        consultation.slot_id
        and Consultation.objects.filter(slot_id=consultation.slot_id, status__in=ACTIVE)
        .exclude(pk=consultation.pk)
        .exists()
    ):
        raise taken
    if _overlapping(consultation).filter(organisation_id=consultation.organisation_id).exists():
        raise ValidationError(
            _("%(organisation)s already has a consultation at this time.")
            % {"organisation": consultation.organisation},
            code="organisation_busy",
        )
    try:
        with transaction.atomic():
            consultation.save()
    except IntegrityError:
        raise taken from None
    return consultation


def _place_of(organisation_id, cycle_id):
    return (
        CohortMembership.objects.select_related("organisation", "cycle")
        .filter(organisation_id=organisation_id, cycle_id=cycle_id)
        .first()
    )


@transaction.atomic
def book_slot(place, slot, *, topic=None, note="", by, now=None):
    """An organisation's person (or staff on its behalf) books a free time. Both sides
    receive the invitation with its calendar file; reminders follow the cycle's
    moments."""
    now = now or timezone.now()
    slot = (
        Slot.objects.select_for_update(of=("self",))
        .select_related("mentor__user")
        .filter(pk=slot.pk)
        .first()
    )
    if slot is None:
        raise ValidationError(_("This time is no longer offered."), code="gone")
    place = CohortMembership.objects.select_related("organisation", "cycle").get(pk=place.pk)
    check_place(place)
    check_mentor(place, slot.mentor)
    check_time(place, slot.starts_at, now)
    if topic is not None and not topic.is_active:
        raise ValidationError({"topic": _("Choose a topic from the list.")})
    consultation = Consultation(
        cycle=place.cycle,
        organisation=place.organisation,
        mentor=slot.mentor,
        slot=slot,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        mode=slot.mode,
        location=slot.location,
        topic=topic,
        note=note.strip(),
        booked_by=by,
        booked_at=now,
    )
    save_booking(consultation)
    schedule_consultation_reminders(consultation, now)
    notices.tell_consultation(
        consultation, notice="booked", template="consultation_booked", now=now, booked_by=by
    )
    return consultation


def _lock(consultation):
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("cycle", "organisation", "mentor__user", "topic")
        .get(pk=consultation.pk)
    )


def check_changeable(consultation, by, now, *, moving=False):
    """Organisations and mentors may cancel or move a booked consultation until the
    cycle's cut-off before it; staff until it starts."""
    if consultation.status != Consultation.Status.SCHEDULED:
        raise ValidationError(_("Only a booked consultation can be changed."), code="not_booked")
    if consultation.starts_at <= now:
        raise ValidationError(
            _("The consultation has already started; record what happened in its log."),
            code="started",
        )
    if not is_staff(by) and now > cutoff(consultation):
        hours = round((consultation.starts_at - cutoff(consultation)).total_seconds() / 3600)
        if moving:
            message = _(
                "Less than %(hours)d hours before the consultation it can only be moved "
                "by the programme staff. Please write to them."
            )
        else:
            message = _(
                "Less than %(hours)d hours before the consultation it can only be cancelled "
                "by the programme staff. Please write to them."
            )
        raise ValidationError(message % {"hours": hours}, code="cutoff")


@transaction.atomic
def cancel_consultation(consultation, *, by, reason="", now=None, check=True):
    """Cancels a booked consultation: its reminders are dropped, its emails still
    waiting are withdrawn, and both sides are told with a calendar cancellation."""
    now = now or timezone.now()
    consultation = _lock(consultation)
    if check:
        check_changeable(consultation, by, now)
    consultation.status = Consultation.Status.CANCELLED
    consultation.cancelled_by = by
    consultation.cancelled_at = now
    consultation.cancellation_reason = reason.strip()
    consultation.sequence += 1
    consultation._history_user = by
    consultation.save()
    cancel_consultation_reminders(consultation, now)
    notices.withdraw_queued(consultation)
    notices.tell_consultation(
        consultation,
        notice="cancelled",
        template="consultation_cancelled",
        now=now,
        cancelled=True,
        cancelled_by=by,
    )
    return consultation


@transaction.atomic
def reschedule_consultation(consultation, slot, *, by, now=None):
    """Moves a booked consultation to another free time of the same mentor: the same
    calendar UID with a higher sequence, so calendars move their copy."""
    now = now or timezone.now()
    consultation = _lock(consultation)
    check_changeable(consultation, by, now, moving=True)
    slot = Slot.objects.select_for_update(of=("self",)).filter(pk=slot.pk).first()
    if slot is None or slot.mentor_id != consultation.mentor_id:
        raise ValidationError(_("Choose another free time of the same mentor."), code="slot")
    if slot.pk == consultation.slot_id:
        raise ValidationError(_("The consultation is already at this time."), code="same")
    place = _place_of(consultation.organisation_id, consultation.cycle_id)
    check_place(place)
    check_time(place, slot.starts_at, now)
    consultation.slot = slot
    consultation.starts_at, consultation.ends_at = slot.starts_at, slot.ends_at
    consultation.mode, consultation.location = slot.mode, slot.location
    consultation.sequence += 1
    consultation._history_user = by
    save_booking(consultation)
    schedule_consultation_reminders(consultation, now)
    notices.withdraw_queued(consultation)
    notices.tell_consultation(
        consultation,
        notice=f"moved-{consultation.sequence}",
        template="consultation_moved",
        now=now,
        moved_by=by,
    )
    return consultation


# --- requests when no free time fits -------------------------------------------------


def _check_options(place, options, now):
    errors = {}
    for index, option in enumerate(options, start=1):
        if option is None:
            continue
        try:
            check_time(place, option, now)
        except ValidationError as error:
            errors[f"option_{index}"] = error.messages
    given = [o for o in options if o is not None]
    if len(given) < 2:
        errors.setdefault("option_2", _("Propose at least two times."))
    elif len(set(given)) != len(given):
        errors.setdefault("option_2", _("Propose different times."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def request_consultation(place, mentor, *, options, minutes, mode, topic, note="", by, now=None):
    """No free time fits: the organisation proposes two or three times. The mentor is
    told, and reminded if the request is still unanswered after three days."""
    now = now or timezone.now()
    place = CohortMembership.objects.select_related("organisation", "cycle").get(pk=place.pk)
    check_place(place)
    check_mentor(place, mentor)
    options = list(options) + [None] * (3 - len(options))
    _check_options(place, options, now)
    if not 15 <= minutes <= 240:
        raise ValidationError({"minutes": _("A consultation lasts from 15 to 240 minutes.")})
    request = ConsultationRequest.objects.create(
        cycle=place.cycle,
        organisation=place.organisation,
        mentor=mentor,
        option_1=options[0],
        option_2=options[1],
        option_3=options[2],
        minutes=minutes,
        mode=mode,
        topic=topic,
        note=note.strip(),
        requested_by=by,
        created_at=now,
    )
    schedule_request_reminder(request, now)
    notices.tell(
        [mentor.user],
        key=f"consultation-request:{request.pk}:new",
        template="request_new",
        now=now,
        request=request,
    )
    return request


def _lock_request(request):
    request = (
        ConsultationRequest.objects.select_for_update(of=("self",))
        .select_related("cycle", "organisation", "mentor__user", "topic")
        .get(pk=request.pk)
    )
    if not request.is_pending:
        raise ValidationError(_("This request has already been answered."), code="answered")
    return request


@transaction.atomic
def accept_request(request, *, starts_at, location, by, now=None):
    """The mentor accepts one of the proposed times: it becomes a booked consultation,
    under the same rules as any booking."""
    from incubator.notifications import reminders

    now = now or timezone.now()
    request = _lock_request(request)
    if starts_at not in request.options:
        raise ValidationError({"starts_at": _("Choose one of the proposed times.")})
    place = _place_of(request.organisation_id, request.cycle_id)
    check_place(place)
    check_time(place, starts_at, now, field="starts_at")
    if not location.strip():
        raise ValidationError({"location": _("Give the place or the online link.")})
    consultation = Consultation(
        cycle=request.cycle,
        organisation=request.organisation,
        mentor=request.mentor,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=request.minutes),
        mode=request.mode,
        location=location.strip(),
        topic=request.topic,
        note=request.note,
        booked_by=request.requested_by,
        booked_at=now,
    )
    save_booking(
        consultation,
        taken=ValidationError(
            {"starts_at": _("You already have a consultation at this time.")}, code="taken"
        ),
    )
    request.status = ConsultationRequest.Status.ACCEPTED
    request.answered_at = now
    request.consultation = consultation
    request.save()
    reminders.cancel(source=REQUEST_SOURCE, object_id=request.pk, now=now)
    schedule_consultation_reminders(consultation, now)
    notices.tell_consultation(
        consultation, notice="booked", template="consultation_booked", now=now, request=request
    )
    return consultation


@transaction.atomic
def decline_request(request, *, note, by, now=None):
    from incubator.notifications import reminders

    now = now or timezone.now()
    if not note.strip():
        raise ValidationError({"note": _("Tell the organisation why, or what to do instead.")})
    request = _lock_request(request)
    request.status = ConsultationRequest.Status.DECLINED
    request.answered_at = now
    request.answer_note = note.strip()
    request.save()
    reminders.cancel(source=REQUEST_SOURCE, object_id=request.pk, now=now)
    notices.tell(
        notices.organisation_people(request.organisation_id),
        key=f"consultation-request:{request.pk}:declined",
        template="request_declined",
        now=now,
        request=request,
    )
    return request


@transaction.atomic
def withdraw_request(request, *, by, now=None):
    from incubator.notifications import reminders

    now = now or timezone.now()
    request = _lock_request(request)
    request.status = ConsultationRequest.Status.WITHDRAWN
    request.answered_at = now
    request.save()
    reminders.cancel(source=REQUEST_SOURCE, object_id=request.pk, now=now)
    return request
