"""Automatic assignment spreads the reviews as evenly as the exclusions allow:
the case that went 5 / 4 / 3, and a property over generated committees (members
of applicant organisations, recusals, reviews already assigned) checked against
every possible assignment."""

from collections import Counter
from itertools import combinations, product

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications import services
from applications.models import ReviewAssignment
from applications.selectors import review_settings
from applications.services.balancing import balanced
from incubator.models import Membership

from . import factories

pytestmark = pytest.mark.django_db


def loads(members):
    active = Counter(
        ReviewAssignment.objects.filter(member__in=members)
        .exclude(status=ReviewAssignment.Status.RECUSED)
        .values_list("member_id", flat=True)
    )
    return [active[m.pk] for m in members]


def test_six_applications_three_reviewers_with_a_recusal_and_a_member_get_4_4_4(cycle, staff):
    members = [factories.CommitteeMemberFactory(cycle=cycle) for _ in range(3)]
    applications = [factories.ApplicationFactory(cycle=cycle, submitted=True) for _ in range(6)]
    recused = services.assign(applications[5], members[0], by=staff)
    services.declare_conflict(recused, by=members[0].user, has_conflict=True, reason="Valdē")
    Membership.objects.create(organisation=applications[4].organisation, user=members[1].user)

    created, short = services.auto_assign(cycle, by=staff, per_application=2)

    assert len(created) == 12 and short == []
    assert loads(members) == [4, 4, 4]
    assert not ReviewAssignment.objects.filter(
        application=applications[4], member=members[1]
    ).exists()
    assert (
        ReviewAssignment.objects.get(application=applications[5], member=members[0]).status
        == ReviewAssignment.Status.RECUSED
    )


def test_the_number_asked_for_becomes_the_cycles_reviewers_per_application(cycle, staff):
    members = [factories.CommitteeMemberFactory(cycle=cycle) for _ in range(3)]
    for _ in range(3):
        factories.ApplicationFactory(cycle=cycle, submitted=True)
    assert review_settings(cycle).reviewers_per_application == 3
    services.auto_assign(cycle, by=staff, per_application=2)
    assert review_settings(cycle).reviewers_per_application == 2
    assert loads(members) == [2, 2, 2]


def test_a_chain_of_hand_overs_evens_out_what_filling_in_order_cannot():
    # Filled in order, A goes to y, B to z and C to y again: x has none. Then y
    # hands A over to z, and z hands B over to x.
    pairs = balanced(
        {"A": 1, "B": 1, "C": 1},
        {"A": ["y", "z"], "B": ["x", "z"], "C": ["y", "z"]},
        {"x": 0, "y": 0, "z": 0},
    )
    assert sorted(pairs) == [("A", "z"), ("B", "x"), ("C", "y")]


# --- the property --------------------------------------------------------------------


@st.composite
def committees(draw):
    """Applications and members, who belongs to which organisation, who recused
    from what, and which reviews are already assigned."""
    applications = draw(st.integers(min_value=1, max_value=5))
    members = draw(st.integers(min_value=1, max_value=4))
    pairs = [(a, m) for a in range(applications) for m in range(members)]
    state = {
        pair: draw(st.sampled_from(["free", "free", "free", "member", "recused", "assigned"]))
        for pair in pairs
    }
    wanted = draw(st.integers(min_value=1, max_value=3))
    return applications, members, state, wanted


def smallest_spread(needs, allowed, load):
    """By brute force: over every assignment that fills as many places as the
    exclusions allow, the smallest difference between the busiest and the least
    busy member, and how many places that is."""
    choices = [list(combinations(allowed[a], min(needs[a], len(allowed[a])))) for a in needs]
    best = None
    for picked in product(*choices):
        counts = Counter(load)
        for chosen in picked:
            counts.update(chosen)
        spread = max(counts.values()) - min(counts.values())
        best = spread if best is None else min(best, spread)
    return best, sum(len(options[0]) for options in choices)


def spread_of(pairs, load):
    counts = Counter(load)
    counts.update(member for _application, member in pairs)
    return max(counts.values()) - min(counts.values())


@st.composite
def problems(draw):
    members = list(range(draw(st.integers(min_value=1, max_value=4))))
    applications = range(draw(st.integers(min_value=1, max_value=6)))
    needs = {a: draw(st.integers(min_value=0, max_value=3)) for a in applications}
    allowed = {a: [m for m in members if draw(st.booleans())] for a in applications}
    load = {m: draw(st.integers(min_value=0, max_value=3)) for m in members}
    return needs, allowed, load


@settings(max_examples=400, deadline=None)
@given(problems())
def test_balanced_fills_every_place_it_can_with_the_smallest_spread(problem):
    needs, allowed, load = problem
    pairs = balanced(needs, allowed, load)
    spread, filled = smallest_spread(needs, allowed, load)
    assert len(pairs) == len(set(pairs)) == filled
    assert all(member in allowed[a] for a, member in pairs)
    assert all(sum(1 for x, _m in pairs if x == a) <= needs[a] for a in needs)
    assert spread_of(pairs, load) == spread


def expected(applications, members, state, wanted):
    """The same problem as the service should see it, from the generated state."""
    needs, allowed = {}, {}
    for a in range(applications):
        active = sum(1 for m in range(members) if state[(a, m)] == "assigned")
        needs[a] = max(wanted - active, 0)
        allowed[a] = [m for m in range(members) if state[(a, m)] == "free"]
    load = {
        m: sum(1 for (_a, x), s in state.items() if x == m and s == "assigned")
        for m in range(members)
    }
    return smallest_spread(needs, allowed, load)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(committees())
def test_the_spread_between_reviewers_is_the_smallest_the_exclusions_allow(db, committee):
    applications, member_count, state, wanted = committee
    with transaction.atomic():
        staff = factories.StaffFactory()
        cycle = factories.CycleFactory()
        members = [factories.CommitteeMemberFactory(cycle=cycle) for _ in range(member_count)]
        apps = [
            factories.ApplicationFactory(cycle=cycle, submitted=True) for _ in range(applications)
        ]
        for (a, m), kind in state.items():
            if kind == "member":
                Membership.objects.create(organisation=apps[a].organisation, user=members[m].user)
            elif kind in ("assigned", "recused"):
                ReviewAssignment.objects.create(
                    application=apps[a],
                    member=members[m],
                    status=kind,
                    has_conflict=kind == "recused",
                )

        created, short = services.auto_assign(cycle, by=staff, per_application=wanted)

        spread, filled = expected(applications, member_count, state, wanted)
        counts = loads(members)
        assert len(created) == filled
        assert max(counts) - min(counts) == spread
        for assignment in created:
            a, m = apps.index(assignment.application), members.index(assignment.member)
            assert state[(a, m)] == "free"
        for application in apps:
            reviewers = ReviewAssignment.objects.filter(application=application).exclude(
                status=ReviewAssignment.Status.RECUSED
            )
            assert (application in short) == (reviewers.count() < wanted)
        transaction.set_rollback(True)
