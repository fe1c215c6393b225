"""The stored ranking (``RankedApplication``) never disagrees with the scores:
after any sequence of scores, reopened reviews, weight changes, eligibility
findings, recusals and withdrawals made through the services, the stored ranking
is either marked stale (and the page computes live) or equal to a fresh
computation, and after the refresh that follows each change it is fresh and
equal, its places those of the live ranking query. The page reads the stored
rows by their indexes, shows the same as the live computation, and never writes."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications import selectors, services
from applications.models import (
    Application,
    EligibilityRequirement,
    RankedApplication,
    RankingState,
    ReviewSettings,
)
from applications.selectors.figures import criteria_of, ranked_applications
from applications.selectors.ranking import ranking_is_fresh
from applications.services.ranking import computed_ranking, refresh_ranking, stored_ranking
from incubator.models import PriorityField

from . import factories

pytestmark = pytest.mark.django_db

APPLICATIONS = 4
REVIEWERS = 3

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("score"),
            st.integers(0, APPLICATIONS - 1),
            st.integers(0, REVIEWERS - 1),
            st.integers(0, 5),
            st.integers(0, 10),
        ),
        st.tuples(
            st.just("reopen"), st.integers(0, APPLICATIONS - 1), st.integers(0, REVIEWERS - 1)
        ),
        st.tuples(
            st.just("weight"),
            st.integers(0, 1),
            st.decimals(min_value=Decimal("0.5"), max_value=Decimal("5"), places=1),
        ),
        st.tuples(st.just("eligibility"), st.integers(0, APPLICATIONS - 1), st.booleans()),
        st.tuples(
            st.just("recuse"), st.integers(0, APPLICATIONS - 1), st.integers(0, REVIEWERS - 1)
        ),
        st.tuples(st.just("withdraw"), st.integers(0, APPLICATIONS - 1)),
    ),
    min_size=1,
    max_size=12,
)


class World:
    """A cycle with two criteria, four applications in two priority fields, three
    reviewers assigned to every application and one eligibility requirement."""

    def __init__(self):
        self.staff = factories.StaffFactory()
        self.cycle = factories.CycleFactory(places=2)
        culture, it = (
            factories.PriorityFieldFactory(code="k"),
            factories.PriorityFieldFactory(code="i"),
        )
        self.criteria = [
            factories.CriterionFactory(cycle=self.cycle, weight=3, scale_max=5, order=1),
            factories.CriterionFactory(cycle=self.cycle, weight=1, scale_max=10, order=2),
        ]
        self.apps = [
            factories.ApplicationFactory(
                cycle=self.cycle,
                submitted=True,
                organisation=factories.OrganisationFactory(priority_field=(culture, it)[i % 2]),
            )
            for i in range(APPLICATIONS)
        ]
        self.members = [
            factories.CommitteeMemberFactory(cycle=self.cycle) for _ in range(REVIEWERS)
        ]
        self.reviews = {
            (a, r): services.assign(application, member, by=self.staff)
            for a, application in enumerate(self.apps)
            for r, member in enumerate(self.members)
        }
        self.requirement = EligibilityRequirement.objects.create(cycle=self.cycle, text_lv="NVO")

    def fresh(self, key):
        review = self.reviews[key]
        review.refresh_from_db()
        review.application.refresh_from_db()
        return review

    def score(self, a, r, first, second):
        review = self.fresh((a, r))
        if review.status in ("submitted", "recused") or review.application.status == "withdrawn":
            return
        user = review.member.user
        services.declare_conflict(review, by=user, has_conflict=False)
        scores = {self.criteria[0].pk: (first, ""), self.criteria[1].pk: (second, "")}
        services.save_review(review, by=user, scores=scores, submit=True)

    def reopen(self, a, r):
        review = self.fresh((a, r))
        if review.status == "submitted":
            services.reopen_review(review, by=self.staff, as_staff=True)

    def weight(self, index, value):
        criterion = criteria_of(self.cycle)[index]
        services.save_criteria(
            self.cycle, by=self.staff, changes=[(criterion, {"weight": value}, False)]
        )

    def eligibility(self, a, met):
        application = self.apps[a]
        application.refresh_from_db()
        if application.status == "withdrawn":
            return
        finding = (met, "" if met else "Nav reģistrēta")
        services.record_eligibility(
            application, by=self.staff, findings={self.requirement: finding}
        )

    def recuse(self, a, r):
        review = self.fresh((a, r))
        if review.status in ("assigned", "draft") and review.application.status != "withdrawn":
            services.declare_conflict(
                review, by=review.member.user, has_conflict=True, reason="Esmu valdē"
            )

    def withdraw(self, a):
        application = self.apps[a]
        application.refresh_from_db()
        if application.status == "submitted":
            services.withdraw(application, by=self.staff)


def live_places(cycle, *, by_normalised):
    """{pk: (total, normalised total, rank, field rank, position, field position)}
    from the live ranking query (the database's window functions)."""
    return {
        a.pk: (a.total, a.normalised_total, a.rank, a.field_rank, a.position, a.field_position)
        for a in ranked_applications(
            cycle, criteria_of(cycle), normalised=True, rank_by_normalised=by_normalised
        )
    }


def stored_places(cycle, prefix):
    names = ["rank", "field_rank", "position", "field_position"]
    return {
        row.pk: (row.total, row.normalised_total, *[getattr(row, prefix + n) for n in names])
        for row in RankedApplication.objects.filter(cycle=cycle)
    }


def assert_stored_equals_fresh(cycle):
    assert ranking_is_fresh(cycle)
    assert stored_ranking(cycle) == computed_ranking(cycle)
    assert stored_places(cycle, "") == live_places(cycle, by_normalised=False)
    assert stored_places(cycle, "normalised_") == live_places(cycle, by_normalised=True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
def test_after_any_changes_the_stored_ranking_equals_a_fresh_computation(db, changes):
    with transaction.atomic():
        world = World()
        refresh_ranking(world.cycle)
        assert_stored_equals_fresh(world.cycle)
        for kind, *arguments in changes:
            getattr(world, kind)(*arguments)
            # Never fresh and different: either stale (the page computes live) or equal.
            if ranking_is_fresh(world.cycle):
                assert stored_ranking(world.cycle) == computed_ranking(world.cycle)
            # What the task does after the commit.
            refresh_ranking(world.cycle)
            assert_stored_equals_fresh(world.cycle)
        transaction.set_rollback(True)


def test_the_ranking_page_shows_the_stored_rows_as_the_live_query_orders_them(db, review):
    world = World()
    for a, values in enumerate([(5, 2), (3, 9), (3, 9), (0, 1)]):
        for r in range(2):
            world.score(a, r, *values)
    world.eligibility(3, False)
    assert not ranking_is_fresh(world.cycle)
    live = selectors.ranking_page(world.cycle, ReviewSettings(cycle=world.cycle))
    refresh_ranking(world.cycle)
    result = selectors.ranking_page(world.cycle, ReviewSettings(cycle=world.cycle))
    assert result.rows == live.rows
    assert (result.summary, result.chosen, result.count) == (live.summary, live.chosen, live.count)
    live = sorted(live_places(world.cycle, by_normalised=False).items(), key=lambda x: x[1][4])
    assert [r.application.pk for r in result.rows] == [pk for pk, _places in live]
    assert [(r.total, r.rank) for r in result.rows] == [(p[0], p[2]) for _pk, p in live]
    assert [r.reviews_done for r in result.rows] == [2, 2, 2]
    # (3, 9) twice: 72 % each, then (5, 2): 68 %.
    assert [r.tied for r in result.rows] == [True, True, False]
    assert world.apps[3].pk not in [r.application.pk for r in result.rows]


def test_reading_the_ranking_page_writes_nothing_and_reads_by_position(client, db):
    world = World()
    world.score(0, 0, 4, 4)
    refresh_ranking(world.cycle)
    client.force_login(world.staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("applications:review_ranking", args=[world.cycle.pk]))
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert not [s for s in sql if "applications_score" in s]
    assert any("applications_rankedapplication" in s and "position" in s for s in sql)


def test_a_committed_change_marks_the_ranking_stale_and_the_refresh_follows_it(
    db, django_capture_on_commit_callbacks
):
    world = World()
    refresh_ranking(world.cycle)
    state = RankingState.objects.get(cycle=world.cycle)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world.score(1, 0, 5, 10)
    state.refresh_from_db()
    assert state.changed > state.computed and not ranking_is_fresh(world.cycle)
    assert callbacks  # the refresh task, once committed
    for callback in callbacks:
        callback()
    assert_stored_equals_fresh(world.cycle)
    assert RankedApplication.objects.get(pk=world.apps[1].pk).reviews_done == 1


def test_a_page_read_while_stale_computes_live_and_writes_nothing(client, db):
    world = World()
    refresh_ranking(world.cycle)
    world.score(2, 1, 3, 3)
    client.force_login(world.staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("applications:review_ranking", args=[world.cycle.pk]))
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    rows = response.context["ranking"].rows
    assert rows[0].application.pk == world.apps[2].pk and rows[0].reviews_done == 1


def test_the_fresh_page_runs_as_many_queries_for_few_and_many_applications(client, db):
    world = World()
    world.score(0, 0, 4, 4)
    refresh_ranking(world.cycle)
    client.force_login(world.staff)
    url = reverse("applications:review_ranking", args=[world.cycle.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert ranking_is_fresh(world.cycle)
        return len(captured)

    few = queries()
    for application in [
        factories.ApplicationFactory(cycle=world.cycle, submitted=True) for _ in range(6)
    ]:
        world.apps.append(application)
        services.assign(application, world.members[0], by=world.staff)
    refresh_ranking(world.cycle)
    assert queries() == few


def test_the_stored_page_counts_each_field_as_the_live_one_does(db, review):
    """The page counts each field's ranked applications by their last position in the
    stored rows: the same counts, decisions included, as counted live, with an
    application of no priority field among them."""
    world = World()
    for a in range(APPLICATIONS):
        world.score(a, 0, a + 1, 2 * a)
    Application.objects.filter(pk=world.apps[1].pk).update(priority_field=None)
    services.decide(world.apps[1], decision="waitlisted", by=world.staff, reason="Rezervē")
    services.decide(world.apps[2], decision="admitted", by=world.staff, reason="Labi")
    refresh_ranking(world.cycle)  # the decisions themselves move nothing stored
    assert ranking_is_fresh(world.cycle)
    fields = list(PriorityField.objects.all())
    stored = selectors.ranking_page(world.cycle, ReviewSettings(cycle=world.cycle), fields=fields)
    RankingState.objects.filter(cycle=world.cycle).update(computed=0)
    live = selectors.ranking_page(world.cycle, ReviewSettings(cycle=world.cycle), fields=fields)
    assert not ranking_is_fresh(world.cycle)
    assert (stored.summary, stored.count, stored.rows) == (live.summary, live.count, live.rows)
    assert stored.count == APPLICATIONS
    by_field = {
        line["field"].code: (line["applications"], line["admitted"], line["waitlisted"])
        for line in stored.summary
    }
    # Culture: applications 0 and 2 (admitted); IT: 3 (1 has no field now, wait-listed).
    assert (by_field["k"], by_field["i"]) == ((2, 1, 0), (1, 0, 0))
