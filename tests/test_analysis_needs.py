"""Mentor matching uses what the assessment shows: the expertise of the areas where
an organisation's agreed (else self-assessed) score is low, with its reason, in a
number of queries that does not grow with the cycle. And every link of a mentor's
analysis home page opens for that mentor."""

import importlib
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analysis import needs, services
from analysis.default_instrument import EXPERTISE
from analysis.models import AgreedScore, Area, Assessment, Question
from bench.analysis import grow
from mentoring.models import ExpertiseTag
from mentoring.selectors import matching

from . import factories


@pytest.fixture
def baseline(expertise_tags, place, staff):
    """The applicant's baseline; its application asked for no support, so that only
    the assessment speaks."""
    place.application.support_needs = []
    place.application.save(update_fields=["support_needs"])
    services.open_assessments(place.cycle, kind="baseline", by=staff)
    return Assessment.objects.get(organisation=place.organisation, kind="baseline")


def scores(assessment, weak_area, weak, strong=4):
    return {
        str(q.pk): (str(weak if q.area.code == weak_area else strong), "")
        for q in Question.objects.filter(area__instrument=assessment.instrument).select_related(
            "area"
        )
    }


def test_the_default_areas_carry_the_expertise_that_helps(baseline):
    fundraising = Area.objects.get(instrument=baseline.instrument, code="fundraising")
    assert {t.code for t in fundraising.expertise_tags.all()} == {
        "fundraising",
        "project-applications",
    }
    copy = services.new_version(baseline.instrument)
    assert {t.code for t in copy.areas.get(code="governance").expertise_tags.all()} == {
        "governance",
        "law",
    }


def test_a_low_agreed_fundraising_score_ranks_a_fundraiser_first_with_the_reason(baseline, staff):
    digital = factories.MentorProfileFactory(tags=["digital"], languages=["lv"])
    fundraiser = factories.MentorProfileFactory(tags=["fundraising"], languages=["lv"])
    rows, _mentors, _used = matching.matching(baseline.cycle)
    (row,) = rows
    before = {s.mentor: s.score for s in row.suggestions}
    assert before[fundraiser] == before[digital]
    services.record_agreed(baseline, scores(baseline, "fundraising", 1), by=staff)
    rows, _mentors, _used = matching.matching(baseline.cycle)
    (row,) = rows
    best = row.suggestions[0]
    assert best.mentor == fundraiser
    assert best.score == before[fundraiser] + matching.EXPERTISE_POINTS
    reasons = " | ".join(text for _points, text in best.reasons)
    assert (
        "Finansējuma piesaiste (Novērtējumā vāja joma: "
        "Finansējuma piesaiste un ienākumu dažādība, 1,0)" in reasons
    )
    assert next(s for s in row.suggestions if s.mentor == digital).score == before[digital]


def test_the_agreed_score_wins_over_the_self_assessment_and_two_is_still_weak(
    baseline, applicant, staff
):
    organisation = baseline.organisation_id
    response = services.response_for(baseline, applicant)
    services.save_answers(
        response, {key: score for key, (score, _c) in scores(baseline, "digital", 1).items()}
    )
    services.submit_response(response)
    found = needs.assessment_needs(baseline.cycle, [organisation])
    assert set(found[organisation]) == {"digital"}
    services.record_agreed(baseline, scores(baseline, "people", needs.WEAK_SCORE, 3), by=staff)
    found = needs.assessment_needs(baseline.cycle, [organisation])
    assert set(found[organisation]) == {"volunteers"}
    AgreedScore.objects.filter(assessment=baseline).update(score=3)
    assert needs.assessment_needs(baseline.cycle, [organisation]) == {}


def _count(client, url):
    response = client.get(url)
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_matching_page_with_assessments_does_not_grow(expertise_tags, place, staff):
    for n in range(3):
        factories.MentorProfileFactory(tags=["fundraising", "digital"][: 1 + n % 2])
    client = Client()
    client.force_login(staff)
    url = reverse("mentoring:matching", args=[place.cycle_id])

    def measure(organisations):
        grow(place.cycle, place.cohort.priority_field, staff, organisations=organisations)
        AgreedScore.objects.filter(question__area__code="fundraising").update(score=1)
        return _count(client, url)

    small, page = measure(2)
    assert page.count("Novērtējumā vāja joma") >= 2
    grown, page = measure(18)
    assert page.count("Novērtējumā vāja joma") >= 20
    assert grown == small


def _home_links(user):
    client = Client()
    client.force_login(user)
    page = client.get(reverse("analysis:home")).content.decode()
    links = set(re.findall(r'href="(/analysis/[^"]*)"', page)) - {reverse("analysis:home")}
    return {link: client.get(link, follow=True).status_code for link in links}


def test_every_link_of_the_analysis_home_opens_for_whoever_sees_it(
    place, assigned, staff, applicant
):
    services.open_assessments(place.cycle, kind="baseline", by=staff)
    services.open_assessments(place.cycle, kind="end", by=staff)
    baseline, end = (
        Assessment.objects.get(organisation=place.organisation, kind=kind)
        for kind in ("baseline", "end")
    )
    results = reverse("analysis:results", args=[place.pk])
    agree = {reverse("analysis:agree", args=[a.pk]): 200 for a in (baseline, end)}
    # The mentor and staff agree the scores; the organisation's people answer.
    assert _home_links(assigned.mentor.user) == {**agree, results: 200}
    assert _home_links(staff) == {**agree, results: 200, reverse("analysis:overview"): 200}
    assert _home_links(applicant) == {
        reverse("analysis:assessment", args=[baseline.pk]): 200,
        reverse("analysis:assessment", args=[end.pk]): 200,
        results: 200,
    }


def test_staff_change_an_answered_areas_expertise_but_not_its_name(client, baseline, applicant):
    question = Question.objects.filter(area__instrument=baseline.instrument).first()
    services.save_answers(services.response_for(baseline, applicant), {str(question.pk): "3"})
    area = question.area
    client.force_login(factories.AdminFactory())
    url = reverse("admin:analysis_area_change", args=[area.pk])
    strategy = ExpertiseTag.objects.get(code="strategy")
    data = {
        "instrument": area.instrument_id,
        "code": area.code,
        "name_lv": area.name_lv,
        "name_en": area.name_en,
        "order": area.order,
        "expertise_tags": [strategy.pk],
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
    }
    assert client.post(url, data).status_code == 302
    assert [t.code for t in area.expertise_tags.all()] == ["strategy"]
    response = client.post(url, {**data, "name_lv": "Cits nosaukums"})
    assert response.status_code == 200
    assert "vairs nevar mainīt" in response.content.decode()
    assert Area.objects.get(pk=area.pk).name_lv == area.name_lv


def test_the_data_migration_gives_existing_areas_their_expertise(baseline):
    from django.apps import apps

    migration = importlib.import_module("analysis.migrations.0003_area_expertise_tags")
    assert migration.EXPERTISE == EXPERTISE
    Area.expertise_tags.through.objects.all().delete()
    migration.link(apps, None)
    people = Area.objects.get(instrument=baseline.instrument, code="people")
    assert [t.code for t in people.expertise_tags.all()] == ["volunteers"]
    assert Area.expertise_tags.through.objects.count() == sum(map(len, EXPERTISE.values()))
