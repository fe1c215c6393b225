"""Every list and dashboard page of the evaluation runs a fixed number of queries,
however many applications, reviews and decisions there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import Application

from . import factories
from .helpers import kept_for_the_module, make_priority_fields


def _evaluation(n, staff, priority_fields):
    """A cycle with ``n`` applications over two fields, each reviewed by two of three
    committee members, a third reviewer recused on every fourth one, eligibility
    checked (every seventh fails, the third first), a decision on every other one and
    letters for half of those, normalisation on and the ranking finalised."""
    cycle = factories.CycleFactory()
    criteria = [factories.CriterionFactory(cycle=cycle, weight=w) for w in (3, 2, 1)]
    requirement = cycle.eligibility_requirements.create(text_lv="Latvijā")
    members = [factories.CommitteeMemberFactory(cycle=cycle) for _ in range(3)]
    applications = []
    for i in range(n):
        field = priority_fields[i % 2]
        application = factories.ApplicationFactory(
            cycle=cycle,
            submitted=True,
            organisation=factories.OrganisationFactory(priority_field=field),
        )
        services.record_eligibility(
            application, by=staff, findings={requirement: (i % 7 != 2, "Nē")}
        )
        for j, member in enumerate(members[:2]):
            assignment = services.assign(application, member, by=staff)
            services.declare_conflict(assignment, by=member.user, has_conflict=False)
            services.save_review(
                assignment,
                by=member.user,
                scores={c.pk: ((i + j + c.pk) % 6, "Komentārs") for c in criteria},
                submit=True,
            )
        if i % 4 == 0:
            third = services.assign(application, members[2], by=staff)
            services.declare_conflict(third, by=members[2].user, has_conflict=True, reason="Valdē")
        applications.append(application)
    decided = [a for i, a in enumerate(applications) if i % 2 == 0 and i % 7 != 2]
    services.decide_in_bulk(decided, decision="waitlisted", by=staff, reason="Rezervē")
    services.update_review_settings(
        cycle, by=staff, normalise_scores=True, reviewers_see_other_reviews=True
    )
    services.finalise_ranking(cycle, by=staff)
    services.send_decision_letters(cycle, decided[: len(decided) // 2], by=staff)
    return cycle, applications, members


@pytest.fixture(scope="module")
def evaluated(django_db_setup, django_db_blocker):
    """Both evaluations, small and large, built once for the module (the pages only
    read them): ``{size: (cycle, applications, members)}`` and the staff member."""
    with kept_for_the_module(django_db_blocker):
        staff = factories.StaffFactory(email="darbiniece@inkubators.lv")
        fields = make_priority_fields()
        yield staff, {size: _evaluation(size, staff, fields) for size in (SMALL, LARGE)}


# Both larger than nothing and larger than a page (25 to 50 rows).
SMALL, LARGE = 5, 60


def staff_page(name, **query):
    return lambda cycle, apps: (reverse(name, args=[cycle.pk]), query)


STAFF_PAGES = {
    "ranking": staff_page("applications:review_ranking"),
    "ranking of a field": lambda cycle, apps: (
        reverse("applications:review_ranking", args=[cycle.pk]),
        {"field": apps[0].priority_field_id},
    ),
    "ranking, second page": staff_page("applications:review_ranking", page="2"),
    "progress": staff_page("applications:review_progress"),
    "committee": staff_page("applications:review_committee"),
    "decisions": staff_page("applications:review_decisions"),
    "conflicts": staff_page("applications:review_conflicts"),
    "audit of scores": staff_page("applications:review_audit", kind="scores"),
    "audit of decisions": staff_page("applications:review_audit", kind="decisions"),
    "protocol": staff_page("applications:review_protocol"),
    "letters": staff_page("applications:review_letters_preview", unsent="1"),
    "staff detail": lambda cycle, apps: (
        reverse("applications:staff_detail", args=[apps[0].pk]),
        {},
    ),
}


def count_queries(client, url, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200, url
    return len(queries)


def test_staff_pages_run_as_many_queries_for_5_as_for_60_applications(db, client, evaluated):
    staff, evaluations = evaluated
    small, small_apps, _members = evaluations[SMALL]
    large, large_apps, _members = evaluations[LARGE]
    client.force_login(staff)
    counts = {
        page: (
            count_queries(client, *make(small, small_apps)),
            count_queries(client, *make(large, large_apps)),
        )
        for page, make in STAFF_PAGES.items()
    }
    assert {page: small for page, (small, _large) in counts.items()} == {
        page: large for page, (_small, large) in counts.items()
    }


def test_reviewer_pages_run_as_many_queries_for_5_as_for_60_applications(db, client, evaluated):
    counts = []
    for size in (SMALL, LARGE):
        _cycle, _applications, members = evaluated[1][size]
        client.force_login(members[0].user)
        dashboard = count_queries(client, reverse("applications:reviewer_dashboard"), {})
        # The last review: the other reviewer's is shown (and named) next to it.
        assignment = members[0].assignments.order_by("pk").last()
        review = count_queries(client, reverse("applications:review", args=[assignment.pk]), {})
        counts.append((dashboard, review))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("size", [SMALL, LARGE])
def test_the_ranking_shows_every_ranked_application(db, client, evaluated, size):
    staff, evaluations = evaluated
    cycle, applications, _members = evaluations[size]
    client.force_login(staff)
    ineligible = [a for i, a in enumerate(applications) if i % 7 == 2]
    shown, page, pages = [], 1, 1
    while page <= pages:
        response = client.get(
            reverse("applications:review_ranking", args=[cycle.pk]), {"page": page}
        )
        shown += [row.application.pk for row in response.context["ranking"].rows]
        pages = response.context["page"].paginator.num_pages
        page += 1
    assert pages == (1 if size == SMALL else 2)
    assert sorted(shown) == sorted(a.pk for a in applications if a not in ineligible)
    assert [a.pk for a in response.context["ineligible"]] == sorted(
        (a.pk for a in ineligible),
        key=lambda pk: Application.objects.get(pk=pk).organisation.name,
    )


def test_the_other_reviews_shown_to_a_reviewer_cost_no_query_each(client, staff, review):
    """With reviewers_see_other_reviews on, a submitted review's page lists the
    others' scores per criterion: as many queries for 1 other review of 2 criteria
    as for 3 others of 6."""
    counts = []
    for criteria_count, others in ((2, 1), (6, 3)):
        cycle = factories.CycleFactory()
        criteria = [factories.CriterionFactory(cycle=cycle) for _ in range(criteria_count)]
        services.update_review_settings(cycle, by=staff, reviewers_see_other_reviews=True)
        application = factories.ApplicationFactory(cycle=cycle, submitted=True)
        for _ in range(others):
            review(factories.UserFactory(), application, {c: 3 for c in criteria}, comment="Jā")
        own = review(factories.UserFactory(), application, {c: 4 for c in criteria})
        services.show_other_reviews(own, by=own.member.user)
        client.force_login(own.member.user)
        counts.append(count_queries(client, reverse("applications:review", args=[own.pk]), {}))
    assert counts[0] == counts[1]
