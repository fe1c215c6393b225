"""Reads for the staff's pages: cohorts, meetings, attendance."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from incubator.models import Cycle, Membership

from ..models import (
    Attendance,
    Cohort,
    CohortMembership,
    Deadline,
    JointMeeting,
    MeetingResponse,
)
from .access import VISIBLE


def staff_cycles():
    return list(Cycle.objects.order_by("-incubation_starts_on", "-pk"))


def cohort_list(cycle, now=None):
    """The cycle's cohorts with their member counts and next meeting, in one query."""
    now = now or timezone.now()
    next_meeting = (
        JointMeeting.objects.filter(
            Q(cohort=OuterRef("pk")) | Q(cohort__isnull=True),
            cycle=OuterRef("cycle"),
            starts_at__gt=now,
            status=JointMeeting.Status.SCHEDULED,
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    status = CohortMembership.Status
    return (
        Cohort.objects.filter(cycle=cycle)
        .select_related("priority_field", "coordinator")
        .annotate(
            active_count=Count("memberships", filter=Q(memberships__status=status.ACTIVE)),
            completed_count=Count("memberships", filter=Q(memberships__status=status.COMPLETED)),
            left_count=Count("memberships", filter=Q(memberships__status=status.LEFT)),
            next_meeting_at=Subquery(next_meeting),
        )
    )


def meetings_of_cycle(cycle, cohort=None):
    """Meetings with what the staff lists show: answers, attendance, materials."""
    meetings = JointMeeting.objects.filter(cycle=cycle)
    if cohort is not None:
        meetings = meetings.filter(Q(cohort=cohort) | Q(cohort__isnull=True))
    Answer = MeetingResponse.Answer
    return meetings.select_related("cohort__priority_field").annotate(
        yes_count=Count("responses", filter=Q(responses__answer=Answer.YES), distinct=True),
        maybe_count=Count("responses", filter=Q(responses__answer=Answer.MAYBE), distinct=True),
        no_count=Count("responses", filter=Q(responses__answer=Answer.NO), distinct=True),
        present_count=Count(
            "attendance", filter=Q(attendance__status=Attendance.Status.PRESENT), distinct=True
        ),
        material_count=Count("materials", distinct=True),
    )


def deadlines_of_cycle(cycle, cohort=None):
    deadlines = Deadline.objects.filter(cycle=cycle).select_related("cohort__priority_field")
    if cohort is not None:
        deadlines = deadlines.filter(Q(cohort=cohort) | Q(cohort__isnull=True))
    return deadlines


def cohort_members(cohort, staff=False):
    """The cohort's organisations with their contact people (``organisation.contacts``)
    and how many of the cycle's meetings each attended. Staff see every place, those
    that left too, with all the organisation's active people; a participant sees the
    organisations taking part or completed, each with its active leaders only."""
    people = (
        Membership.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("-role", "created_at")
    )
    places = CohortMembership.objects.filter(cohort=cohort)
    if not staff:
        people = people.filter(role=Membership.Role.LEADER)
        places = places.filter(status__in=VISIBLE)
    return (
        places.select_related("organisation")
        .prefetch_related(
            Prefetch("organisation__memberships", queryset=people, to_attr="contacts")
        )
        .annotate(
            attended=Count(
                "organisation__meeting_attendance",
                filter=Q(
                    organisation__meeting_attendance__meeting__cycle_id=cohort.cycle_id,
                    organisation__meeting_attendance__status=Attendance.Status.PRESENT,
                ),
            )
        )
        .order_by("status", "organisation__name")
    )


def meetings_held(cycle, cohort=None, now=None):
    """How many of the cycle's meetings (for everyone, or for ``cohort``) have taken
    place, counted in the database."""
    meetings = JointMeeting.objects.filter(
        cycle=cycle, status=JointMeeting.Status.SCHEDULED, starts_at__lte=now or timezone.now()
    )
    if cohort is not None:
        meetings = meetings.filter(Q(cohort=cohort) | Q(cohort__isnull=True))
    return meetings.count()


def meeting_roster(meeting):
    """The organisations a meeting is for (and any that left but were recorded),
    each with its answer and its attendance, for the attendance page."""
    places = CohortMembership.objects.filter(cycle_id=meeting.cycle_id)
    if meeting.cohort_id:
        places = places.filter(cohort_id=meeting.cohort_id)
    recorded = Attendance.objects.filter(meeting=meeting, organisation=OuterRef("organisation"))
    places = places.filter(Q(status__in=VISIBLE) | Q(Exists(recorded)))
    return (
        places.select_related("organisation", "cohort__priority_field")
        .prefetch_related(
            Prefetch(
                "organisation__meeting_responses",
                queryset=MeetingResponse.objects.filter(meeting=meeting).prefetch_related(
                    "attendees"
                ),
                to_attr="responses_here",
            ),
            Prefetch(
                "organisation__meeting_attendance",
                queryset=Attendance.objects.filter(meeting=meeting),
                to_attr="attendance_here",
            ),
        )
        .order_by("organisation__name")
    )


@dataclass
class AttendanceRow:
    """One organisation on a meeting's attendance page: its place, its answer to
    the invitation and its attendance record (None when there is none)."""

    place: CohortMembership
    response: MeetingResponse | None
    record: Attendance | None


def attendance_rows(meeting):
    """The rows of a meeting's attendance page, from ``meeting_roster``: the same
    queries however many organisations there are."""
    return [
        AttendanceRow(
            place,
            next(iter(place.organisation.responses_here), None),
            next(iter(place.organisation.attendance_here), None),
        )
        for place in meeting_roster(meeting)
    ]


def attendance_report(cycle, cohort=None, now=None):
    """Organisations × meetings held, with totals per meeting and per organisation
    counted in the database. Returns (meetings, rows, meeting totals) where a row is
    (membership, [attendance or None per meeting], present count, people count)."""
    now = now or timezone.now()
    meetings = list(
        JointMeeting.objects.filter(
            cycle=cycle, starts_at__lte=now, status=JointMeeting.Status.SCHEDULED
        )
        .filter(Q(cohort=cohort) | Q(cohort__isnull=True) if cohort else Q())
        .select_related("cohort__priority_field")
        .order_by("starts_at")
    )
    places = CohortMembership.objects.filter(cycle=cycle)
    if cohort is not None:
        places = places.filter(cohort=cohort)
    present = Q(status=Attendance.Status.PRESENT)
    records = Attendance.objects.filter(meeting__in=meetings)
    by_organisation = {
        row["organisation"]: row
        for row in records.values("organisation")
        .annotate(present=Count("pk", filter=present), people=Sum("people"))
        .order_by()
    }
    by_meeting = {
        row["meeting"]: row
        for row in records.values("meeting")
        .annotate(
            present=Count("pk", filter=present),
            excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
            absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
            people=Sum("people"),
        )
        .order_by()
    }
    cells = {(a.organisation_id, a.meeting_id): a for a in records}
    rows = []
    for place in places.select_related("organisation", "cohort__priority_field").order_by(
        "cohort__priority_field__order", "organisation__name"
    ):
        totals = by_organisation.get(place.organisation_id, {})
        rows.append(
            (
                place,
                [cells.get((place.organisation_id, m.pk)) for m in meetings],
                totals.get("present", 0),
                totals.get("people") or 0,
            )
        )
    empty = {"present": 0, "excused": 0, "absent": 0, "people": 0}
    totals = [by_meeting.get(m.pk, empty) for m in meetings]
    return meetings, rows, totals


def attendance_lines(cycle):
    """One line per organisation and meeting held, for the CSV export."""
    meetings, rows, _totals = attendance_report(cycle)
    responses = {
        (r.organisation_id, r.meeting_id): r
        for r in MeetingResponse.objects.filter(meeting__in=meetings)
    }
    for place, cells, _present, _people in rows:
        for meeting, attendance in zip(meetings, cells, strict=True):
            yield place, meeting, responses.get((place.organisation_id, meeting.pk)), attendance
