"""Reads of cohorts, meetings and deadlines, always scoped to who is asking; each
runs a constant number of queries however many rows there are."""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from applications.models import Application
from incubator.models import Cycle, Membership
from incubator.permissions import is_staff

from . import audiences
from .models import (
    Attendance,
    Cohort,
    CohortMembership,
    Deadline,
    JointMeeting,
    MeetingResponse,
)

VISIBLE = [CohortMembership.Status.ACTIVE, CohortMembership.Status.COMPLETED]


def cycle_end(cycle):
    """The last moment of the incubation: 23:59 on its last day, Riga time."""
    return timezone.make_aware(
        datetime.datetime.combine(cycle.incubation_ends_on, datetime.time(23, 59))
    )


def cycle_window(cycle):
    """Meetings and deadlines of a cycle fall between its call opening and its end."""
    return cycle.call_opens_at, cycle_end(cycle)


# --- who belongs where --------------------------------------------------------------


def memberships_of(user):
    """The cohort places of the organisations ``user`` belongs to (not those that left)."""
    if not user.is_authenticated:
        return CohortMembership.objects.none()
    return (
        CohortMembership.objects.filter(organisation__memberships__user=user, status__in=VISIBLE)
        .select_related(
            "organisation", "cycle", "cohort__priority_field", "cohort__coordinator"
        )
        .order_by("-cycle__incubation_starts_on", "organisation__name")
    )


def cohorts_for(user):
    """Cohorts a user may open: staff all, participants their own."""
    cohorts = Cohort.objects.select_related("cycle", "priority_field", "coordinator")
    if is_staff(user):
        return cohorts
    if not user.is_authenticated:
        return cohorts.none()
    return cohorts.filter(pk__in=memberships_of(user).values("cohort_id"))


def meetings_for(user):
    """Meetings a user may open: staff all; participants those of their cycle that
    are for everyone or for their cohort."""
    meetings = JointMeeting.objects.select_related("cycle", "cohort__priority_field")
    if is_staff(user):
        return meetings
    if not user.is_authenticated:
        return meetings.none()
    mine = memberships_of(user)
    return meetings.filter(
        Q(cohort__isnull=True, cycle__in=mine.values("cycle_id"))
        | Q(cohort__in=mine.values("cohort_id"))
    )


def deadlines_for(user):
    deadlines = Deadline.objects.select_related("cycle", "cohort__priority_field")
    if is_staff(user):
        return deadlines
    if not user.is_authenticated:
        return deadlines.none()
    return deadlines.filter(audiences.concerning(user))


def meeting_organisations(meeting, user):
    """The user's organisations that are invited to ``meeting`` (to answer for)."""
    places = CohortMembership.objects.filter(
        cycle_id=meeting.cycle_id,
        status=CohortMembership.Status.ACTIVE,
        organisation__memberships__user=user,
    )
    if meeting.cohort_id:
        places = places.filter(cohort_id=meeting.cohort_id)
    return places.select_related("organisation")


def participant_people(cycle_ids):
    """Everyone to tell about a cycle's meetings and deadlines: a list of
    (cycle_id, cohort_id, organisation, user) for the people of every organisation
    taking part, in two queries."""
    places = list(
        CohortMembership.objects.filter(
            cycle_id__in=cycle_ids, status=CohortMembership.Status.ACTIVE
        ).values_list("organisation_id", "cycle_id", "cohort_id")
    )
    people = Membership.objects.filter(
        organisation_id__in={org for org, _cycle, _cohort in places}, user__is_active=True
    ).select_related("user", "organisation").order_by("organisation_id", "-role", "pk")
    by_organisation = {}
    for membership in people:
        by_organisation.setdefault(membership.organisation_id, []).append(membership)
    return [
        (cycle_id, cohort_id, membership.organisation, membership.user)
        for organisation_id, cycle_id, cohort_id in places
        for membership in by_organisation.get(organisation_id, [])
    ]


def audience_of(people, cycle_id, cohort_id):
    """From ``participant_people``: the (user, organisation) pairs a meeting or
    deadline of ``cycle_id`` (and ``cohort_id``, if any) concerns, each person once."""
    seen, result = set(), []
    for person_cycle, person_cohort, organisation, user in people:
        if person_cycle != cycle_id or (cohort_id and person_cohort != cohort_id):
            continue
        if user.pk not in seen:
            seen.add(user.pk)
            result.append((user, organisation))
    return result


def draft_people(cycle_ids):
    """{cycle_id: [(user, application)]} for every person of an organisation whose
    application to the cycle is still a draft."""
    drafts = {
        application.organisation_id: application
        for application in Application.objects.filter(
            cycle_id__in=cycle_ids, status=Application.Status.DRAFT
        ).select_related("organisation", "cycle")
    }
    people = Membership.objects.filter(
        organisation_id__in=drafts, user__is_active=True
    ).select_related("user")
    result = {}
    for membership in people:
        application = drafts[membership.organisation_id]
        result.setdefault(application.cycle_id, []).append((membership.user, application))
    return result


# --- staff pages -------------------------------------------------------------------


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
            completed_count=Count(
                "memberships", filter=Q(memberships__status=status.COMPLETED)
            ),
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


def cohort_members(cohort):
    """The cohort's organisations with their people and how many of the cycle's
    meetings each attended."""
    people = Membership.objects.select_related("user").order_by("-role", "created_at")
    return (
        CohortMembership.objects.filter(cohort=cohort)
        .select_related("organisation")
        .prefetch_related(Prefetch("organisation__memberships", queryset=people))
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
        for row in records.values("organisation").annotate(
            present=Count("pk", filter=present), people=Sum("people")
        ).order_by()
    }
    by_meeting = {
        row["meeting"]: row
        for row in records.values("meeting").annotate(
            present=Count("pk", filter=present),
            excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
            absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
            people=Sum("people"),
        ).order_by()
    }
    cells = {(a.organisation_id, a.meeting_id): a for a in records}
    rows = []
    for place in places.select_related("organisation", "cohort__priority_field").order_by(
        "cohort__priority_field__order", "organisation__name"
    ):
        totals = by_organisation.get(place.organisation_id, {})
        rows.append((
            place,
            [cells.get((place.organisation_id, m.pk)) for m in meetings],
            totals.get("present", 0),
            totals.get("people") or 0,
        ))
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
        for meeting, attendance in zip(meetings, cells):
            yield place, meeting, responses.get((place.organisation_id, meeting.pk)), attendance


# --- "my programme" ------------------------------------------------------------------


def programme_for(user, now=None):
    """What a participant sees on "my programme": for each of their organisations'
    places in a cycle, where the cycle stands, its meetings with their answer, the
    deadlines ahead and the cohort. A constant number of queries."""
    now = now or timezone.now()
    places = list(memberships_of(user))
    if not places:
        return []
    organisation_ids = {p.organisation_id for p in places}
    meetings = list(
        meetings_for(user)
        .filter(cycle_id__in={p.cycle_id for p in places})
        .prefetch_related(
            "materials",
            Prefetch(
                "responses",
                queryset=MeetingResponse.objects.filter(
                    organisation_id__in=organisation_ids
                ).prefetch_related("attendees"),
                to_attr="own_responses",
            ),
        )
        .order_by("starts_at")
    )
    deadlines = list(
        deadlines_for(user)
        .filter(cycle_id__in={p.cycle_id for p in places})
        .order_by("due_at")
    )
    peers = {}
    for peer in (
        CohortMembership.objects.filter(
            cohort_id__in={p.cohort_id for p in places}, status__in=VISIBLE
        )
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        peers.setdefault(peer.cohort_id, []).append(peer.organisation)
    people = {}
    for membership in Membership.objects.filter(
        organisation_id__in=organisation_ids
    ).select_related("user").order_by("-role", "created_at"):
        people.setdefault(membership.organisation_id, []).append(membership.user)

    result = []
    for place in places:
        cycle = place.cycle
        own = [
            m for m in meetings
            if m.cycle_id == cycle.pk and m.cohort_id in (None, place.cohort_id)
        ]
        for meeting in own:
            meeting.response = next(
                (r for r in meeting.own_responses if r.organisation_id == place.organisation_id),
                None,
            )
        ahead = [m for m in own if m.ends_at > now]
        held = [m for m in own if m.ends_at <= now and not m.is_cancelled]
        own_deadlines = [
            d for d in deadlines
            if d.cycle_id == cycle.pk and d.cohort_id in (None, place.cohort_id)
        ]
        result.append({
            "place": place,
            "cycle": cycle,
            "progress": progress(cycle, now),
            "next_meeting": next((m for m in ahead if not m.is_cancelled), None),
            "meetings_ahead": ahead,
            "meetings_held": held,
            "deadlines_ahead": [d for d in own_deadlines if d.due_at > now],
            "timeline": timeline(cycle, own, own_deadlines, now),
            "peers": [o for o in peers.get(place.cohort_id, []) if o.pk != place.organisation_id],
            "people": people.get(place.organisation_id, []),
            "to_answer": [
                m for m in ahead if not m.is_cancelled and m.response is None
            ],
        })
    return result


def progress(cycle, now=None):
    """How far the incubation is: percent of its days gone, days left."""
    today = timezone.localdate(now or timezone.now())
    total = (cycle.incubation_ends_on - cycle.incubation_starts_on).days or 1
    gone = min(max((today - cycle.incubation_starts_on).days, 0), total)
    return {
        "percent": round(100 * gone / total),
        "days_left": max((cycle.incubation_ends_on - today).days, 0),
        "started": today >= cycle.incubation_starts_on,
        "ended": today > cycle.incubation_ends_on,
    }


def timeline(cycle, meetings, deadlines, now):
    """The cycle's milestones, meetings and deadlines in order, each done or ahead;
    the first one ahead is marked current."""
    start = timezone.make_aware(
        datetime.datetime.combine(cycle.incubation_starts_on, datetime.time(9))
    )
    steps = [{"at": start, "kind": "start", "label": None, "object": cycle}]
    steps += [
        {"at": m.starts_at, "kind": "meeting", "label": m.title, "object": m}
        for m in meetings if not m.is_cancelled
    ]
    steps += [
        {"at": d.due_at, "kind": "deadline", "label": d.name, "object": d}
        for d in deadlines if d.kind != Deadline.Kind.CALL_CLOSES
    ]
    steps.sort(key=lambda step: step["at"])
    current_marked = False
    for step in steps:
        if step["at"] <= now:
            step["state"] = "done"
        elif not current_marked:
            step["state"] = "current"
            current_marked = True
        else:
            step["state"] = "ahead"
    return steps


def upcoming_for_feed(user, since):
    """Meetings and deadlines for a person's calendar feed, from ``since`` on."""
    meetings = meetings_for(user).filter(ends_at__gte=since).order_by("starts_at")
    deadlines = deadlines_for(user).filter(due_at__gte=since).order_by("due_at")
    return list(meetings), list(deadlines)
