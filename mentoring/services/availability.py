"""Mentors publish when they can be booked: single free times, weekly patterns over a
date range, and blocked dates (which take away the free times on them and point out
the bookings already there)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import ACTIVE, AvailabilityPattern, BlockedPeriod, Consultation, Mode, Slot
from ..selectors.pages import free_slots

MAX_PATTERN_DAYS = 366
MAX_SLOTS_AT_ONCE = 400
SHOWN_CONFLICTS = 3


def _moment(value):
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _day(value):
    return date_format(value, "DATE_FORMAT")


def check_place(mode, location):
    """Where: an address in person, a link online."""
    location = (location or "").strip()
    if mode not in Mode.values:
        raise ValidationError({"mode": _("Choose in person or online.")})
    if not location:
        raise ValidationError({"location": _("Give the address, or the online link.")})
    if mode == Mode.ONLINE and not location.startswith(("https://", "http://")):
        raise ValidationError(
            {"location": _("For an online consultation give the link, starting with https://.")}
        )
    return location


def booked(slot_ids):
    """Consultations that hold any of these free times."""
    return Consultation.objects.filter(slot_id__in=slot_ids, status__in=ACTIVE)


def _conflicts(mentor, times):
    """The given (start, end) pairs that overlap the mentor's other free times, in one
    query for the whole range."""
    if not times:
        return []
    first, last = min(s for s, _e in times), max(e for _s, e in times)
    existing = list(
        Slot.objects.filter(mentor=mentor, starts_at__lt=last, ends_at__gt=first).values_list(
            "starts_at", "ends_at"
        )
    )
    return [
        (start, end)
        for start, end in times
        if any(s < end and e > start for s, e in existing)
        or sum(1 for s, e in times if s < end and e > start) > 1
    ]


def _refuse_conflicts(conflicts):
    shown = ", ".join(_moment(start) for start, _end in conflicts[:SHOWN_CONFLICTS])
    more = len(conflicts) - SHOWN_CONFLICTS
    message = ngettext(
        "This overlaps one of your other free times: %(times)s.",
        "This overlaps your other free times: %(times)s.",
        len(conflicts),
    ) % {"times": shown}
    if more > 0:
        message += " " + ngettext("And %(n)d more.", "And %(n)d more.", more) % {"n": more}
    raise ValidationError(message, code="overlap")


def _create(slots):
    try:
        with transaction.atomic():
            return Slot.objects.bulk_create(slots)
    except IntegrityError:
        # Another request of the same mentor's, at the same moment.
        raise ValidationError(
            _("This overlaps one of your other free times."), code="overlap"
        ) from None


@transaction.atomic
def add_slot(mentor, *, starts_at, ends_at, mode, location, now=None):
    now = now or timezone.now()
    location = check_place(mode, location)
    if starts_at <= now:
        raise ValidationError({"starts_at": _("This time has passed. Please choose a time ahead.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if ends_at - starts_at > datetime.timedelta(hours=8):
        raise ValidationError({"ends_at": _("A free time lasts at most 8 hours.")})
    if _blocked_days(mentor, [timezone.localdate(starts_at)]):
        raise ValidationError(
            {"starts_at": _("You have blocked this date. Remove the block first.")}
        )
    conflicts = _conflicts(mentor, [(starts_at, ends_at)])
    if conflicts:
        _refuse_conflicts(conflicts)
    (slot,) = _create(
        [Slot(mentor=mentor, starts_at=starts_at, ends_at=ends_at, mode=mode, location=location)]
    )
    return slot


def _blocked_days(mentor, days):
    if not days:
        return set()
    blocks = list(
        BlockedPeriod.objects.filter(
            mentor=mentor, starts_on__lte=max(days), ends_on__gte=min(days)
        )
    )
    return {day for day in days if any(block.covers(day) for block in blocks)}


def _occurrences(pattern, now, days=None):
    """The pattern's (start, end) times ahead of ``now``, on ``days`` if given,
    skipping its blocked dates."""
    day = pattern.valid_from + datetime.timedelta(
        days=(pattern.weekday - pattern.valid_from.weekday()) % 7
    )
    dates = []
    while day <= pattern.valid_until:
        if days is None or day in days:
            dates.append(day)
        day += datetime.timedelta(days=7)
    blocked = _blocked_days(pattern.mentor, dates)
    length = datetime.timedelta(minutes=pattern.slot_minutes)
    times = []
    for date in dates:
        if date in blocked:
            continue
        start = timezone.make_aware(datetime.datetime.combine(date, pattern.start_time))
        last = timezone.make_aware(datetime.datetime.combine(date, pattern.end_time))
        while start + length <= last:
            if start > now:
                times.append((start, start + length))
            start += length
    return times


def _check_pattern(pattern, now):
    errors = {}
    if pattern.end_time <= pattern.start_time:
        errors["end_time"] = _("The end must be after the start.")
    if pattern.valid_until < pattern.valid_from:
        errors["valid_until"] = _("The last day must not be before the first.")
    elif (pattern.valid_until - pattern.valid_from).days > MAX_PATTERN_DAYS:
        errors["valid_until"] = _("A pattern covers at most a year.")
    elif pattern.valid_until < timezone.localdate(now):
        errors["valid_until"] = _("The last day has passed.")
    if not 10 <= (pattern.slot_minutes or 0) <= 480:
        errors["slot_minutes"] = _("A consultation lasts from 10 to 480 minutes.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def publish_pattern(
    mentor,
    *,
    weekday,
    start_time,
    end_time,
    slot_minutes,
    valid_from,
    valid_until,
    mode,
    location,
    now=None,
):
    """A weekly pattern: its free times from ``valid_from`` to ``valid_until``, those
    ahead only and none on blocked dates. Refused, whole, when one of them overlaps
    another free time. Returns (pattern, how many free times)."""
    now = now or timezone.now()
    location = check_place(mode, location)
    pattern = AvailabilityPattern(
        mentor=mentor,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        valid_from=valid_from,
        valid_until=valid_until,
        mode=mode,
        location=location,
    )
    _check_pattern(pattern, now)
    times = _occurrences(pattern, now)
    if not times:
        raise ValidationError(
            _("No free time falls in these dates (they have passed, or are blocked).")
        )
    if len(times) > MAX_SLOTS_AT_ONCE:
        raise ValidationError(
            _("This makes %(count)d free times; publish at most %(max)d at once.")
            % {"count": len(times), "max": MAX_SLOTS_AT_ONCE}
        )
    conflicts = _conflicts(mentor, times)
    if conflicts:
        _refuse_conflicts(conflicts)
    pattern.save()
    _create(
        [
            Slot(
                mentor=mentor,
                pattern=pattern,
                starts_at=start,
                ends_at=end,
                mode=mode,
                location=location,
            )
            for start, end in times
        ]
    )
    return pattern, len(times)


@transaction.atomic
def delete_slot(slot, *, now=None):
    if booked([slot.pk]).exists():
        raise ValidationError(
            _("This time is booked. Cancel the consultation first if you cannot come."),
            code="booked",
        )
    slot.delete()


@transaction.atomic
def withdraw_pattern(pattern, *, now=None):
    """Takes a weekly pattern back: its free times ahead go; booked ones stay booked.
    Returns (free times removed, booked times kept)."""
    now = now or timezone.now()
    ahead = Slot.objects.filter(pattern=pattern, starts_at__gt=now)
    kept = booked(ahead.values("pk")).count()
    removed, _by_model = free_slots().filter(pattern=pattern, starts_at__gt=now).delete()
    pattern.delete()
    return removed, kept


def _day_bounds(starts_on, ends_on):
    start = timezone.make_aware(datetime.datetime.combine(starts_on, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(ends_on + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


@transaction.atomic
def block_dates(mentor, *, starts_on, ends_on, reason="", now=None):
    """Blocks dates: the free times on them go, without redoing any pattern. Returns
    (the block, how many free times were removed, the consultations already booked
    on those dates, to be cancelled or kept by hand)."""
    now = now or timezone.now()
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day must not be before the first.")})
    if ends_on < timezone.localdate(now):
        raise ValidationError({"ends_on": _("These dates have passed.")})
    if (ends_on - starts_on).days > MAX_PATTERN_DAYS:
        raise ValidationError({"ends_on": _("Block at most a year at once.")})
    block = BlockedPeriod.objects.create(
        mentor=mentor, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()
    )
    start, end = _day_bounds(starts_on, ends_on)
    removed, _by_model = (
        free_slots()
        .filter(mentor=mentor, starts_at__gte=max(start, now), starts_at__lt=end)
        .delete()
    )
    bookings = list(
        Consultation.objects.filter(
            mentor=mentor,
            status=Consultation.Status.SCHEDULED,
            starts_at__gte=max(start, now),
            starts_at__lt=end,
        ).select_related("organisation")
    )
    return block, removed, bookings


@transaction.atomic
def unblock(block, *, now=None):
    """Removes a block: the weekly patterns' free times on those dates come back
    (those ahead, where nothing else is now). Returns how many came back."""
    now = now or timezone.now()
    mentor = block.mentor
    days = set()
    day = block.starts_on
    while day <= block.ends_on:
        days.add(day)
        day += datetime.timedelta(days=1)
    block.delete()
    patterns = AvailabilityPattern.objects.filter(
        Q(valid_from__lte=block.ends_on) & Q(valid_until__gte=block.starts_on), mentor=mentor
    ).select_related("mentor")
    created = 0
    for pattern in patterns:
        times = _occurrences(pattern, now, days=days)
        clear = set(times) - set(_conflicts(mentor, times))
        created += len(
            _create(
                [
                    Slot(
                        mentor=mentor,
                        pattern=pattern,
                        starts_at=start,
                        ends_at=end,
                        mode=pattern.mode,
                        location=pattern.location,
                    )
                    for start, end in sorted(clear)
                ]
            )
        )
    return created
