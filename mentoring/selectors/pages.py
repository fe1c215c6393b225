"""What the mentoring pages show: the mentor's dashboard, the booking page's week,
a consultation with its log, a mentor's view of an organisation. Each runs a constant
number of queries however many consultations there are."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Sum,
)
from django.utils import timezone

from cohorts.models import CohortMembership
from cohorts.selectors import cycle_end
from incubator.models import Cycle

from ..models import (
    ACTIVE,
    ActionItem,
    Consultation,
    ConsultationLog,
    ConsultationRequest,
    MentorAssignment,
    Slot,
)
from .access import bookable_mentors

CONSULTATION_RELATED = ("cycle", "organisation", "mentor__user", "topic")
LENGTH = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())


def minutes_to_hours(minutes):
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"))


def running_cycles(today=None):
    today = today or timezone.localdate()
    return Cycle.objects.filter(
        incubation_starts_on__lte=today, incubation_ends_on__gte=today
    ).order_by("-incubation_starts_on", "-pk")


def _with_log(queryset):
    return queryset.select_related(*CONSULTATION_RELATED).prefetch_related(
        Prefetch("log", queryset=ConsultationLog.objects.all())
    )


@dataclass
class CycleLoad:
    """A mentor's work in one cycle against their capacity."""

    cycle: object
    organisations: int = 0
    held_minutes: int = 0
    booked_minutes: int = 0
    capacity: int = 0
    capacity_hours: Decimal = Decimal("0")

    @property
    def held_hours(self):
        return minutes_to_hours(self.held_minutes)

    @property
    def booked_hours(self):
        return minutes_to_hours(self.booked_minutes)

    @property
    def hours(self):
        return minutes_to_hours(self.held_minutes + self.booked_minutes)

    @property
    def percent(self):
        if not self.capacity_hours:
            return 100 if self.hours else 0
        return min(100, round(100 * self.hours / self.capacity_hours))

    @property
    def over_hours(self):
        return self.hours > self.capacity_hours

    @property
    def over_organisations(self):
        return self.organisations > self.capacity


def loads(profile, cycles):
    """{cycle id: CycleLoad} for ``profile`` in ``cycles``, summed in the database:
    two queries."""
    result = {
        c.pk: CycleLoad(c, capacity=profile.capacity, capacity_hours=profile.capacity_hours)
        for c in cycles
    }
    for row in (
        MentorAssignment.objects.filter(
            mentor=profile, cycle__in=result, status__in=MentorAssignment.OPEN
        )
        .values("cycle")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        result[row["cycle"]].organisations = row["count"]
    for row in (
        Consultation.objects.filter(mentor=profile, cycle__in=result)
        .values("cycle")
        .annotate(
            held=Sum("log__minutes", filter=Q(status=Consultation.Status.HELD)),
            booked=Sum(LENGTH, filter=Q(status=Consultation.Status.SCHEDULED)),
        )
        .order_by()
    ):
        load = result[row["cycle"]]
        load.held_minutes = row["held"] or 0
        load.booked_minutes = int(row["booked"].total_seconds() // 60) if row["booked"] else 0
    return result


# The latest consultations logged, on the mentor's dashboard; the earlier ones are on
# each organisation's page.
PAST_SHOWN = 10


@dataclass
class Dashboard:
    profile: object
    proposed: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    to_log: list = field(default_factory=list)
    past: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    items: list = field(default_factory=list)
    loads: list = field(default_factory=list)


def dashboard(profile, now=None):
    """The mentor's dashboard: assignments to answer, my organisations (with their
    consultations held, hours and the next one), consultations ahead, those still to
    log, the latest ones logged (an expert reaches them only from here), requests to
    answer, the action items I own, and my hours in each running
    cycle against my capacity."""
    now = now or timezone.now()
    mine = Consultation.objects.filter(mentor=profile)
    assignments = list(
        MentorAssignment.objects.filter(mentor=profile, status__in=MentorAssignment.OPEN)
        .filter(cycle__incubation_ends_on__gte=timezone.localdate(now))
        .select_related("cycle", "organisation__priority_field", "assigned_by")
        .order_by("organisation__name")
    )
    stats = {
        (row["cycle"], row["organisation"]): row
        for row in mine.filter(cycle__in={a.cycle_id for a in assignments})
        .values("cycle", "organisation")
        .annotate(
            held=Count("pk", filter=Q(status=Consultation.Status.HELD)),
            minutes=Sum("log__minutes", filter=Q(status=Consultation.Status.HELD)),
        )
        .order_by()
    }
    for assignment in assignments:
        row = stats.get((assignment.cycle_id, assignment.organisation_id), {})
        assignment.held = row.get("held", 0)
        assignment.hours = minutes_to_hours(row.get("minutes"))
    board = Dashboard(profile)
    board.proposed = [a for a in assignments if a.status == MentorAssignment.Status.PROPOSED]
    board.organisations = [a for a in assignments if a.status == MentorAssignment.Status.ACCEPTED]
    # The scheduled ones in one query: those not over yet are ahead, the others
    # still to log.
    scheduled = list(
        mine.filter(status=Consultation.Status.SCHEDULED)
        .select_related(*CONSULTATION_RELATED)
        .order_by("starts_at")
    )
    board.upcoming = [c for c in scheduled if c.ends_at > now]
    board.to_log = [c for c in scheduled if c.ends_at <= now]
    board.past = list(
        mine.exclude(status__in=[Consultation.Status.SCHEDULED, Consultation.Status.CANCELLED])
        .select_related(*CONSULTATION_RELATED, "log")
        .order_by("-starts_at")[:PAST_SHOWN]
    )
    board.requests = list(
        ConsultationRequest.objects.filter(
            mentor=profile, status=ConsultationRequest.Status.PENDING
        )
        .select_related("organisation", "topic")
        .order_by("created_at")
    )
    board.items = list(
        ActionItem.objects.filter(
            mentor=profile, owner=ActionItem.Owner.MENTOR, done_at__isnull=True
        ).select_related("organisation")
    )
    cycles = list(running_cycles(timezone.localdate(now)))
    board.loads = list(loads(profile, cycles).values())
    return board


# --- the booking page ------------------------------------------------------------------


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


def _bounds(first_day, days):
    start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(first_day + datetime.timedelta(days=days), datetime.time.min)
    )
    return start, end


def free_slots():
    """Free times: no consultation of the mentor's that holds its time overlaps them."""
    taken = Consultation.objects.filter(
        mentor=OuterRef("mentor"),
        status__in=ACTIVE,
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    )
    return Slot.objects.exclude(Exists(taken))


@dataclass
class Week:
    place: object
    first_day: datetime.date
    mentors: list
    days: list  # [(date, [slots])]
    next_free: object = None
    previous: datetime.date = None
    following: datetime.date = None
    consultations: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    @property
    def has_slots(self):
        return any(slots for _day, slots in self.days)


def week(place, first_day, now=None, mentor_id=None, tag_id=None):
    """The booking page: a week (Monday to Sunday) of the free times ``place``'s
    organisation may book, by the mentors it may book (filtered by one mentor or by an
    area of expertise), the next free time after the week, and the organisation's
    consultations and requests ahead. Six queries."""
    now = now or timezone.now()
    first_day = week_start(first_day)
    mentors = list(
        bookable_mentors(place)
        .select_related("user", "partner")
        .prefetch_related("expertise_tags")
        .order_by("kind", "user__last_name", "user__first_name")
    )
    chosen = [
        m
        for m in mentors
        if (mentor_id is None or m.pk == mentor_id)
        and (tag_id is None or any(t.pk == tag_id for t in m.expertise_tags.all()))
    ]
    by_id = {m.pk: m for m in mentors}
    start, end = _bounds(first_day, 7)
    offered = free_slots().filter(
        mentor_id__in=[m.pk for m in chosen],
        starts_at__gt=now,
        starts_at__lte=cycle_end(place.cycle),
    )
    slots = list(offered.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at"))
    days = []
    for offset in range(7):
        day = first_day + datetime.timedelta(days=offset)
        on_day = [s for s in slots if timezone.localdate(s.starts_at) == day]
        for slot in on_day:
            slot.mentor = by_id[slot.mentor_id]
        days.append((day, on_day))
    next_free = offered.filter(starts_at__gte=end).order_by("starts_at").first()
    today = week_start(timezone.localdate(now))
    previous = first_day - datetime.timedelta(days=7)
    result = Week(
        place=place,
        first_day=first_day,
        mentors=mentors,
        days=days,
        next_free=next_free,
        previous=previous if previous >= today else None,
        following=first_day + datetime.timedelta(days=7),
    )
    result.consultations = list(
        Consultation.objects.filter(
            organisation_id=place.organisation_id,
            cycle_id=place.cycle_id,
            status=Consultation.Status.SCHEDULED,
            ends_at__gt=now,
        )
        .select_related(*CONSULTATION_RELATED)
        .order_by("starts_at")
    )
    result.requests = list(
        ConsultationRequest.objects.filter(
            organisation_id=place.organisation_id,
            cycle_id=place.cycle_id,
            status=ConsultationRequest.Status.PENDING,
        ).select_related("mentor__user", "topic")
    )
    return result


def reschedule_options(consultation, now=None, days=28):
    """Free times of the same mentor in the four weeks ahead, to move to."""
    now = now or timezone.now()
    return list(
        free_slots()
        .filter(
            mentor_id=consultation.mentor_id,
            starts_at__gt=now,
            starts_at__lt=now + datetime.timedelta(days=days),
            starts_at__lte=cycle_end(consultation.cycle),
        )
        .order_by("starts_at")
    )


# --- one consultation ---------------------------------------------------------------------


def consultation_detail(consultation):
    """The consultation's log (if any), action items and files, three queries."""
    log = (
        ConsultationLog.objects.filter(consultation=consultation)
        .select_related("confirmed_by", "rated_by", "logged_by")
        .prefetch_related("topics")
        .first()
    )
    items = list(consultation.action_items.select_related("done_by"))
    files = list(consultation.files.all())
    return log, items, files


# --- a mentor's view of an organisation ------------------------------------------------


def organisation_for_mentor(organisation, profile, staff=False):
    """What a mentor sees of an organisation: its profile as participants see it, its
    places in cycles, and its consultations with this mentor (staff: with anyone)."""
    places = list(
        CohortMembership.objects.filter(organisation=organisation)
        .select_related("cycle", "cohort__priority_field")
        .order_by("-cycle__incubation_starts_on")
    )
    consultations = Consultation.objects.filter(organisation=organisation)
    if not staff:
        consultations = consultations.filter(mentor=profile)
    consultations = list(_with_log(consultations).order_by("-starts_at"))
    items = list(
        ActionItem.objects.filter(consultation__in=[c.pk for c in consultations])
        .select_related("consultation")
        .order_by("done_at", "due_on")
    )
    mentors = list(
        MentorAssignment.objects.filter(
            organisation=organisation, status=MentorAssignment.Status.ACCEPTED
        ).select_related("mentor__user", "cycle")
    )
    return places, consultations, items, mentors
