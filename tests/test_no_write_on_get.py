"""A GET changes nothing: a prefetch, a crawler or a reload never writes. Reading the
other reviews is an explicit action (a POST behind a button that says the review
then locks), not a side effect of opening the reviewer's page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import ReviewAssignment

from . import factories
from .test_permissions import CASES, ROLES, world  # noqa: F401 (world is a fixture)

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _writes(queries):
    return [q["sql"] for q in queries if WRITE.match(q["sql"])]


def test_no_page_of_the_table_writes_on_a_get(client, world):  # noqa: F811
    """Every GET of the role matrix, for every role: not one INSERT, UPDATE or DELETE."""
    offenders = []
    for name, (method, args, data, _expected) in sorted(CASES.items()):
        if method != "get":
            continue
        url = reverse(name, args=args(world))
        for role in ROLES:
            client.logout()
            if world.users[role] is not None:
                client.force_login(world.users[role])
            with CaptureQueriesContext(connection) as queries:
                client.get(url, data or {})
            offenders += [(name, role, sql) for sql in _writes(queries.captured_queries)]
    assert offenders == []


@pytest.fixture
def submitted(db, review, staff):
    """A reviewer's submitted review of an application that two others reviewed, in a
    cycle that shows reviewers each other's reviews."""
    cycle = factories.CycleFactory()
    criteria = [factories.CriterionFactory(cycle=cycle) for _ in range(2)]
    services.update_review_settings(cycle, by=staff, reviewers_see_other_reviews=True)
    application = factories.ApplicationFactory(cycle=cycle, submitted=True)
    review(factories.UserFactory(), application, {c: 1 for c in criteria}, comment="Vāji")
    review(factories.UserFactory(), application, {c: 5 for c in criteria}, comment="Izcili")
    return review(factories.UserFactory(), application, {c: 3 for c in criteria})


def test_opening_the_review_page_again_and_again_writes_nothing(client, submitted):
    client.force_login(submitted.member.user)
    url = reverse("applications:review", args=[submitted.pk])
    versions = submitted.history.count()
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert _writes(queries.captured_queries) == []
        # The others are offered, with what reading them means, not shown.
        assert "2 citi šī pieteikuma vērtējumi ir iesniegti." in page
        assert "Izlasīt pārējos vērtējumus un bloķēt manu" in page
        assert "Izcili" not in page and "Vāji" not in page
        assert reverse("applications:review_reopen", args=[submitted.pk]) in page
    submitted.refresh_from_db()
    assert submitted.others_seen_at is None
    assert submitted.history.count() == versions


def test_reading_the_others_is_a_post_that_locks_the_review(client, submitted):
    reviewer = submitted.member.user
    client.force_login(reviewer)
    response = client.post(reverse("applications:review_others", args=[submitted.pk]))
    assert response.url == reverse("applications:review", args=[submitted.pk]) + "#other-reviews"
    page = client.get(response.url).content.decode()
    assert "Izcili" in page and "Vāji" in page
    assert reverse("applications:review_reopen", args=[submitted.pk]) not in page
    submitted.refresh_from_db()
    seen = submitted.others_seen_at
    assert seen is not None
    # Recorded once, with its author, in the review's history (the audit trail).
    latest = submitted.history.latest()
    assert (latest.history_user, latest.others_seen_at) == (reviewer, seen)
    client.post(reverse("applications:review_others", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert submitted.others_seen_at == seen
    with pytest.raises(Exception, match="izlasījāt"):
        services.reopen_review(submitted, by=reviewer)


def test_nothing_to_read_locks_nothing(client, review, staff):
    cycle = factories.CycleFactory()
    criterion = factories.CriterionFactory(cycle=cycle)
    services.update_review_settings(cycle, by=staff, reviewers_see_other_reviews=True)
    application = factories.ApplicationFactory(cycle=cycle, submitted=True)
    alone = review(factories.UserFactory(), application, {criterion: 2})
    client.force_login(alone.member.user)
    page = client.get(reverse("applications:review", args=[alone.pk])).content.decode()
    assert "Neviens cits vērtējums vēl nav iesniegts." in page
    assert reverse("applications:review_others", args=[alone.pk]) not in page
    response = client.post(reverse("applications:review_others", args=[alone.pk]), follow=True)
    assert "Neviens cits vērtējums vēl nav iesniegts." in response.content.decode()
    alone.refresh_from_db()
    assert alone.others_seen_at is None


@pytest.mark.parametrize("state", ["draft", "not shown in this cycle"])
def test_the_others_stay_hidden_before_submitting_or_where_the_cycle_hides_them(
    client, review, staff, state
):
    cycle = factories.CycleFactory()
    criterion = factories.CriterionFactory(cycle=cycle)
    application = factories.ApplicationFactory(cycle=cycle, submitted=True)
    review(factories.UserFactory(), application, {criterion: 1}, comment="Slepeni")
    if state == "draft":
        services.update_review_settings(cycle, by=staff, reviewers_see_other_reviews=True)
    own = review(factories.UserFactory(), application, {criterion: 4}, submit=state != "draft")
    client.force_login(own.member.user)
    response = client.post(reverse("applications:review_others", args=[own.pk]), follow=True)
    page = response.content.decode()
    assert "Slepeni" not in page
    assert reverse("applications:review_others", args=[own.pk]) not in page
    assert ReviewAssignment.objects.get(pk=own.pk).others_seen_at is None
