"""Reads for "my programme" and the calendar feed."""

import copy
import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from incubator.models import Membership

from ..models import CohortMembership, Deadline, JointMeeting, MeetingResponse
from .access import VISIBLE, deadlines_for, meetings_for, memberships_of


def programme_for(user, now=None):
    """What a participant sees on "my programme": for each of their organisations'
    places in a cycle, where the cycle stands, its meetings with their answer, the
    deadlines ahead and the cohort. One loader per section of the page, each a
    query for all the places: a constant number of queries."""
    now = now or timezone.now()
    places = list(memberships_of(user))
    if not places:
        return []
    meetings = _meetings(user, places)
    deadlines = _deadlines(user, places)
    peers = _peers(places)
    people = _people(places)
    return [_programme(place, meetings, deadlines, peers, people, now) for place in places]


def _meetings(user, places):
    """The meetings of the places' cycles the user may see (those for everyone in the
    cycle or for their cohort, as ``meetings_for``), each with the answers of the
    user's organisations (``own_responses``) and its materials; their cohorts are
    the places' own, not read again."""
    meetings = list(
        JointMeeting.objects.filter(_for_places(places))
        .prefetch_related(
            "materials",
            Prefetch(
                "responses",
                queryset=MeetingResponse.objects.filter(
                    organisation_id__in={p.organisation_id for p in places}
                ).prefetch_related("attendees"),
                to_attr="own_responses",
            ),
        )
        .order_by("starts_at")
    )
    return _with_cohorts(meetings, places)


def _deadlines(user, places):
    deadlines = list(
        deadlines_for(user).select_related(None).filter(_for_places(places)).order_by("due_at")
    )
    return _with_cohorts(deadlines, places)


def _for_places(places):
    """Meetings or deadlines for everyone in the places' cycles or for their cohorts."""
    return Q(cycle_id__in={p.cycle_id for p in places}, cohort__isnull=True) | Q(
        cohort_id__in={p.cohort_id for p in places}
    )


def _with_cohorts(items, places):
    cohorts = {p.cohort_id: p.cohort for p in places}
    for item in items:
        if item.cohort_id is not None:
            item.cohort = cohorts[item.cohort_id]
    return items


def _peers(places):
    """{cohort id: [organisations taking part or completed]}, by name."""
    peers = {}
    for peer in (
        CohortMembership.objects.filter(
            cohort_id__in={p.cohort_id for p in places}, status__in=VISIBLE
        )
        .select_related("organisation")
        .only("cohort_id", "organisation__name")
        .order_by("organisation__name")
    ):
        peers.setdefault(peer.cohort_id, []).append(peer.organisation)
    return peers


def _people(places):
    """{organisation id: [its active people]}, leaders first."""
    people = {}
    for membership in (
        Membership.objects.filter(
            organisation_id__in={p.organisation_id for p in places}, user__is_active=True
        )
        .select_related("user")
        .order_by("-role", "created_at")
    ):
        people.setdefault(membership.organisation_id, []).append(membership.user)
    return people


def _of_place(items, place):
    """The meetings or deadlines of the place's cycle that are for everyone in it or
    for its cohort."""
    return [
        item
        for item in items
        if item.cycle_id == place.cycle_id and item.cohort_id in (None, place.cohort_id)
    ]


def _with_answer(meeting, place):
    """The meeting as the place's organisation sees it, with its ``response`` (or
    None). A copy: a person in two organisations sees each one's own answer."""
    meeting = copy.copy(meeting)
    meeting.response = next(
        (r for r in meeting.own_responses if r.organisation_id == place.organisation_id), None
    )
    return meeting


def _programme(place, meetings, deadlines, peers, people, now):
    own = [_with_answer(meeting, place) for meeting in _of_place(meetings, place)]
    ahead = [m for m in own if m.ends_at > now]
    own_deadlines = _of_place(deadlines, place)
    return {
        "place": place,
        "cycle": place.cycle,
        "progress": progress(place.cycle, now),
        "next_meeting": next((m for m in ahead if not m.is_cancelled), None),
        "meetings_ahead": ahead,
        "meetings_held": [m for m in own if m.ends_at <= now and not m.is_cancelled],
        "deadlines_ahead": [d for d in own_deadlines if d.due_at > now],
        "timeline": timeline(place.cycle, own, own_deadlines, now),
        "peers": [o for o in peers.get(place.cohort_id, []) if o.pk != place.organisation_id],
        "people": people.get(place.organisation_id, []),
        "to_answer": [m for m in ahead if m.accepts_answers(now) and m.response is None],
    }


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
        for m in meetings
        if not m.is_cancelled
    ]
    steps += [
        {"at": d.due_at, "kind": "deadline", "label": d.name, "object": d}
        for d in deadlines
        if d.kind != Deadline.Kind.CALL_CLOSES
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
