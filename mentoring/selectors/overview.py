"""The staff's overview of a cycle's mentoring: hours per organisation, mentor,
expert, cohort (priority field) and month; action items open and overdue; ratings;
and the warnings (consultations without a log two days on, organisations without a
consultation for three weeks, mentors beyond their capacity). Every figure is summed
in the database; the page runs the same queries for 10 consultations as for 500."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cohorts.models import CohortMembership

from ..models import ActionItem, Consultation, ConsultationLog, MentorAssignment, MentorProfile
from .access import ready_profiles
from .pages import CONSULTATION_RELATED, LENGTH, minutes_to_hours

QUIET_DAYS = 21
LOG_GRACE = datetime.timedelta(hours=48)
LISTED = 50

HELD = Q(status=Consultation.Status.HELD)


@dataclass
class Line:
    """One row of a table of figures."""

    subject: object
    held: int = 0
    scheduled: int = 0
    minutes: int = 0
    booked_minutes: int = 0
    rating: Decimal | None = None
    ratings: int = 0
    last_at: datetime.datetime | None = None
    next_at: datetime.datetime | None = None
    open_items: int = 0
    overdue_items: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def hours(self):
        return minutes_to_hours(self.minutes)

    @property
    def booked_hours(self):
        return minutes_to_hours(self.booked_minutes)

    def add(self, other):
        self.held += other.held
        self.scheduled += other.scheduled
        self.minutes += other.minutes
        self.open_items += other.open_items
        self.overdue_items += other.overdue_items


def _figures(consultations, key, now):
    """{key value: dict of figures} for ``consultations`` grouped by ``key``."""
    return {
        row[key]: row
        for row in consultations.values(key)
        .annotate(
            held=Count("pk", filter=HELD),
            scheduled=Count("pk", filter=Q(status=Consultation.Status.SCHEDULED, ends_at__gt=now)),
            minutes=Sum("log__minutes", filter=HELD),
            booked=Sum(LENGTH, filter=Q(status=Consultation.Status.SCHEDULED)),
            rating=Avg("log__rating"),
            ratings=Count("log__rating"),
            last_at=Max("starts_at", filter=Q(starts_at__lte=now) & ~Q(status="cancelled")),
            next_at=Min(
                "starts_at", filter=Q(status=Consultation.Status.SCHEDULED, starts_at__gt=now)
            ),
        )
        .order_by()
    }


def _fill(line, row):
    if not row:
        return line
    line.held, line.scheduled = row["held"], row["scheduled"]
    line.minutes = row["minutes"] or 0
    line.booked_minutes = int(row["booked"].total_seconds() // 60) if row["booked"] else 0
    line.rating = round(Decimal(row["rating"]), 1) if row["rating"] is not None else None
    line.ratings = row["ratings"]
    line.last_at, line.next_at = row["last_at"], row["next_at"]
    return line


@dataclass
class Overview:
    cycle: object
    organisations: list
    mentors: list
    experts: list
    cohorts: list
    months: list
    totals: Line
    overdue: list
    ratings: dict
    unlogged: list
    quiet: list
    over_capacity: list
    statuses: dict


def overview(cycle, now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    consultations = Consultation.objects.filter(cycle=cycle)
    places = list(
        CohortMembership.objects.filter(cycle=cycle)
        .exclude(status=CohortMembership.Status.LEFT)
        .select_related("organisation", "cohort__priority_field")
        .order_by("cohort__priority_field__order", "organisation__name")
    )
    by_organisation = _figures(consultations, "organisation", now)
    items = ActionItem.objects.filter(cycle=cycle, done_at__isnull=True)
    overdue_q = Q(due_on__lt=today)
    item_counts = {
        row["organisation"]: row
        for row in items.values("organisation")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q))
        .order_by()
    }
    mentors_of = defaultdict(list)
    for assignment in MentorAssignment.objects.filter(
        cycle=cycle, status__in=MentorAssignment.OPEN
    ).select_related("mentor__user"):
        mentors_of[assignment.organisation_id].append(assignment)

    organisations, cohorts, totals = [], {}, Line(cycle)
    for place in places:
        line = _fill(Line(place), by_organisation.get(place.organisation_id))
        counts = item_counts.get(place.organisation_id, {})
        line.open_items, line.overdue_items = counts.get("open", 0), counts.get("overdue", 0)
        line.extra["mentors"] = mentors_of[place.organisation_id]
        organisations.append(line)
        cohort = cohorts.setdefault(place.cohort_id, Line(place.cohort))
        cohort.add(line)
        totals.add(line)
        cohort.extra["organisations"] = cohort.extra.get("organisations", 0) + 1

    by_mentor = _figures(consultations, "mentor", now)
    used = dict(
        MentorAssignment.objects.filter(cycle=cycle, status__in=MentorAssignment.OPEN)
        .values_list("mentor")
        .annotate(count=Count("pk"))
        .order_by()
    )
    # Every mentor and expert taking part, and any other who worked in the cycle.
    profiles = (
        MentorProfile.objects.filter(
            Q(pk__in=list(by_mentor))
            | Q(pk__in=list(used))
            | Q(pk__in=ready_profiles().values("pk"))
        )
        .select_related("user", "partner")
        .order_by("user__last_name", "user__first_name")
    )
    mentors, experts, over_capacity = [], [], []
    for profile in profiles:
        line = _fill(Line(profile), by_mentor.get(profile.pk))
        line.extra["organisations"] = used.get(profile.pk, 0)
        hours = minutes_to_hours(line.minutes + line.booked_minutes)
        line.extra["over_hours"] = hours > profile.capacity_hours
        line.extra["over_organisations"] = (
            not profile.is_expert and line.extra["organisations"] > profile.capacity
        )
        (experts if profile.is_expert else mentors).append(line)
        if line.extra["over_hours"] or line.extra["over_organisations"]:
            over_capacity.append(line)

    months = [
        {
            "month": row["month"],
            "held": row["held"],
            "count": row["count"],
            "hours": minutes_to_hours(row["minutes"]),
        }
        for row in consultations.exclude(status=Consultation.Status.CANCELLED)
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(
            count=Count("pk"),
            held=Count("pk", filter=HELD),
            minutes=Sum("log__minutes", filter=HELD),
        )
        .order_by("month")
    ]
    ratings = dict(
        ConsultationLog.objects.filter(consultation__cycle=cycle, rating__isnull=False)
        .values_list("rating")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rating_total = sum(ratings.values())
    average = (
        round(Decimal(sum(r * c for r, c in ratings.items())) / rating_total, 1)
        if rating_total
        else None
    )
    unlogged = list(
        consultations.filter(status=Consultation.Status.SCHEDULED, ends_at__lte=now - LOG_GRACE)
        .select_related(*CONSULTATION_RELATED)
        .order_by("starts_at")[:LISTED]
    )
    quiet = []
    if cycle.incubation_starts_on <= today - datetime.timedelta(days=QUIET_DAYS) and (
        today <= cycle.incubation_ends_on
    ):
        since = now - datetime.timedelta(days=QUIET_DAYS)
        quiet = [
            line
            for line in organisations
            if line.subject.status == CohortMembership.Status.ACTIVE
            and (line.last_at is None or line.last_at < since)
        ]
    statuses = dict(consultations.values_list("status").annotate(count=Count("pk")).order_by())
    return Overview(
        cycle=cycle,
        organisations=organisations,
        mentors=mentors,
        experts=experts,
        cohorts=list(cohorts.values()),
        months=months,
        totals=totals,
        overdue=list(
            items.filter(overdue_q)
            .select_related("organisation", "mentor__user")
            .order_by("due_on")[:LISTED]
        ),
        ratings={
            "average": average,
            "count": rating_total,
            "by_value": [(value, ratings.get(value, 0)) for value in range(5, 0, -1)],
        },
        unlogged=unlogged,
        quiet=quiet,
        over_capacity=over_capacity,
        statuses=statuses,
    )


def export_lines(cycle):
    """One line per consultation of the cycle, for the CSV and XLSX exports: three
    queries."""
    places = {
        p.organisation_id: p
        for p in CohortMembership.objects.filter(cycle=cycle).select_related(
            "cohort__priority_field"
        )
    }
    consultations = (
        Consultation.objects.filter(cycle=cycle)
        .select_related(*CONSULTATION_RELATED, "mentor__partner", "log")
        .annotate(
            items=Count("action_items", distinct=True),
            open_items=Count(
                "action_items", filter=Q(action_items__done_at__isnull=True), distinct=True
            ),
        )
        .order_by("starts_at", "pk")
    )
    for consultation in consultations:
        yield consultation, places.get(consultation.organisation_id)
