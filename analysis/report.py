"""The organisation's report for a cycle: the document the programme hands over at
the end (and anyone of its people, its mentor or staff can print at any time). It
reads every app's figures for one place, each in one query whatever the number of
consultations, bids or recommendations; sums and counts are made in the database."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from cohorts.models import Attendance, JointMeeting
from funding.models import Bid
from incubator.models import Membership
from mentoring.models import ActionItem, Consultation
from mentoring.selectors.pages import minutes_to_hours

from . import follow_up, selectors
from .models import Recommendation

SUBMITTED = [Bid.Status.SUBMITTED, Bid.Status.AWARDED, Bid.Status.REJECTED]


@dataclass
class Report:
    place: object
    leader: object
    figures: dict
    consultations: list
    consultation_totals: dict
    action_items: list
    bids: list
    bid_totals: dict
    meetings: list
    attended: int
    recommendations: list
    state_counts: list
    made_at: object


def _consultations(place):
    rows = list(
        Consultation.objects.filter(cycle_id=place.cycle_id, organisation_id=place.organisation_id)
        .exclude(status=Consultation.Status.CANCELLED)
        .select_related("mentor__user", "topic", "log")
        .order_by("starts_at", "pk")
    )
    totals = Consultation.objects.filter(
        cycle_id=place.cycle_id, organisation_id=place.organisation_id
    ).aggregate(
        held=Count("pk", filter=Q(status=Consultation.Status.HELD)),
        minutes=Sum("log__minutes", filter=Q(status=Consultation.Status.HELD)),
        mentors=Count("mentor", filter=Q(status=Consultation.Status.HELD), distinct=True),
    )
    totals["hours"] = minutes_to_hours(totals["minutes"])
    return rows, totals


def _action_items(place):
    return list(
        ActionItem.objects.filter(cycle_id=place.cycle_id, organisation_id=place.organisation_id)
        .exclude(consultation__status=Consultation.Status.CANCELLED)
        .select_related("mentor__user")
        .order_by("done_at", "due_on", "pk")
    )


def _bids(place):
    rows = list(
        Bid.objects.filter(place=place)
        .select_related("source", "call")
        .order_by("-status_changed_at", "-pk")
    )
    totals = Bid.objects.filter(place=place).aggregate(
        count=Count("pk"),
        submitted=Count("pk", filter=Q(status__in=SUBMITTED)),
        awarded=Count("pk", filter=Q(status=Bid.Status.AWARDED)),
        requested=Sum("amount_requested", filter=Q(status__in=SUBMITTED)),
        raised=Sum("amount_awarded", filter=Q(status=Bid.Status.AWARDED)),
    )
    return rows, totals


def _meetings(place, now):
    """The cycle's meetings for the organisation (joint, or its cohort's) that have
    taken place, each with its recorded attendance."""
    attendance = Attendance.objects.filter(
        meeting=OuterRef("pk"), organisation_id=place.organisation_id
    )
    return list(
        JointMeeting.objects.filter(cycle_id=place.cycle_id, starts_at__lte=now)
        .filter(Q(cohort__isnull=True) | Q(cohort_id=place.cohort_id))
        .exclude(status=JointMeeting.Status.CANCELLED)
        .annotate(
            attendance_status=Subquery(attendance.values("status")[:1]),
            attendance_people=Subquery(attendance.values("people")[:1]),
        )
        .order_by("starts_at", "pk")
    )


def _state_counts(recommendations):
    counts = {}
    for row in recommendations:
        counts[row.status] = counts.get(row.status, 0) + 1
    return [
        (label, counts[status])
        for status, label in Recommendation.Status.choices
        if counts.get(status)
    ]


def organisation_report(place, now=None):
    """Everything the report of ``place`` (an organisation in a cycle) shows."""
    now = now or timezone.now()
    consultations, consultation_totals = _consultations(place)
    bids, bid_totals = _bids(place)
    meetings = _meetings(place, now)
    recommendations = follow_up.with_follow_up(
        Recommendation.objects.filter(
            cycle_id=place.cycle_id, organisation_id=place.organisation_id
        ).order_by("priority", "created_at")
    )
    leader = (
        Membership.objects.filter(
            organisation_id=place.organisation_id, role=Membership.Role.LEADER
        )
        .select_related("user")
        .first()
    )
    return Report(
        place=place,
        leader=leader.user if leader else None,
        figures=selectors.results(place),
        consultations=consultations,
        consultation_totals=consultation_totals,
        action_items=_action_items(place),
        bids=bids,
        bid_totals=bid_totals,
        meetings=meetings,
        attended=sum(1 for m in meetings if m.attendance_status == Attendance.Status.PRESENT),
        recommendations=recommendations,
        state_counts=_state_counts(recommendations),
        made_at=now,
    )
