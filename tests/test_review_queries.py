"""Every list and dashboard page of the evaluation runs a fixed number of queries,
however many applications, reviews and decisions there are."""

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application

from . import factories


@pytest.fixture
def evaluation(db, cycle, staff, priority_fields):
    """Builds a cycle with ``n`` applications over two fields, each reviewed by two
    of three committee members, a third reviewer recused on every fourth one,
    eligibility checked, a decision on every other one and letters for those."""

    def build(n):
        criteria = [factories.CriterionFactory(cycle=cycle, weight=w) for w in (3, 2, 1)]
        requirement = cycle.eligibility_requirements.create(text_lv="Latvijā")
        members = [factories.CommitteeMemberFactory(cycle=cycle) for _ in range(3)]
        applications = []
        for i in range(n):
            field = priority_fields[i % 2]
            application = factories.ApplicationFactory(
                cycle=cycle, submitted=True,
                organisation=factories.OrganisationFactory(priority_field=field),
            )
            services.record_eligibility(application, by=staff,
                                        findings={requirement: (i % 7 != 6, "Nē")})
            for j, member in enumerate(members[:2]):
                assignment = services.assign(application, member, by=staff)
                services.declare_conflict(assignment, by=member.user, has_conflict=False)
                services.save_review(
                    assignment, by=member.user,
                    scores={c.pk: ((i + j + c.pk) % 6, "Komentārs") for c in criteria},
                    submit=True,
                )
            if i % 4 == 0:
                third = services.assign(application, members[2], by=staff)
                services.declare_conflict(third, by=members[2].user, has_conflict=True,
                                          reason="Valdē")
            applications.append(application)
        decided = [a for i, a in enumerate(applications) if i % 2 == 0 and i % 7 != 6]
        services.decide_in_bulk(decided, decision="waitlisted", by=staff, reason="Rezervē")
        services.update_review_settings(cycle, by=staff, normalise_scores=True)
        services.finalise_ranking(cycle, by=staff)
        services.send_decision_letters(cycle, decided[: len(decided) // 2], by=staff)
        return applications, members

    return build


SIZES = [3, 24]


def staff_page(name, **query):
    return lambda cycle, apps, members: (reverse(name, args=[cycle.pk]), query)


STAFF_PAGES = {
    "ranking": (staff_page("applications:review_ranking"), 18),
    "ranking of a field": (
        lambda cycle, apps, members: (
            reverse("applications:review_ranking", args=[cycle.pk]),
            {"field": apps[0].priority_field_id},
        ),
        18,
    ),
    "progress": (staff_page("applications:review_progress"), 10),
    "committee": (staff_page("applications:review_committee"), 7),
    "decisions": (staff_page("applications:review_decisions"), 15),
    "conflicts": (staff_page("applications:review_conflicts"), 8),
    "audit of scores": (staff_page("applications:review_audit", kind="scores"), 9),
    "audit of decisions": (staff_page("applications:review_audit", kind="decisions"), 8),
    "protocol": (staff_page("applications:review_protocol"), 19),
    "letters": (staff_page("applications:review_letters_preview", unsent="1"), 18),
    "staff detail": (
        lambda cycle, apps, members: (
            reverse("applications:staff_detail", args=[apps[0].pk]), {}
        ),
        18,
    ),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", sorted(STAFF_PAGES))
def test_staff_pages_do_not_grow(client, cycle, staff, evaluation, size, page,
                                 django_assert_max_num_queries):
    applications, members = evaluation(size)
    url, query = STAFF_PAGES[page][0](cycle, applications, members)
    client.force_login(staff)
    with django_assert_max_num_queries(STAFF_PAGES[page][1]):
        response = client.get(url, query)
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_ranking_shows_every_ranked_application(client, cycle, staff, evaluation, size):
    applications, _members = evaluation(size)
    client.force_login(staff)
    response = client.get(reverse("applications:review_ranking", args=[cycle.pk]))
    ineligible = [a for i, a in enumerate(applications) if i % 7 == 6]
    assert len(response.context["ranking"].rows) == size - len(ineligible)
    assert [a.pk for a in response.context["ineligible"]] == sorted(
        (a.pk for a in ineligible),
        key=lambda pk: Application.objects.get(pk=pk).organisation.name,
    )


@pytest.mark.parametrize("size", SIZES)
def test_the_reviewer_dashboard_and_review_page_do_not_grow(
    client, cycle, evaluation, size, django_assert_max_num_queries
):
    _applications, members = evaluation(size)
    client.force_login(members[0].user)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("applications:reviewer_dashboard"))
    assert len(response.context["done"]) == size
    assignment = members[0].assignments.first()
    with django_assert_max_num_queries(11):
        assert client.get(reverse("applications:review", args=[assignment.pk])).status_code == 200
