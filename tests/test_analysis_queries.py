"""The analysis pages run the same number of queries for a small cycle as for a
grown one: each page is loaded, the cycle grows (organisations in the same cohort,
each with answered and agreed baseline and end assessments and recommendations),
and the page is loaded again. The pages upstream that show the analysis (My
programme, the staff's page of an application) are counted too."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analysis import services
from analysis.models import Assessment
from bench.analysis import grow
from incubator.models import Membership

from . import factories


def _queries(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)  # warm up: sessions, caches, templates
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def pages(place, assigned, staff, applicant):
    services.open_assessments(place.cycle, kind="baseline", by=staff)
    baseline = Assessment.objects.get(organisation=place.organisation, kind="baseline")
    mentor = assigned.mentor.user

    def count():
        return {
            "home (staff)": _queries(staff, reverse("analysis:home")),
            "home (mentor)": _queries(mentor, reverse("analysis:home")),
            "cycle": _queries(staff, reverse("analysis:cycle", args=[place.cycle_id])),
            "dashboard": _queries(staff, reverse("analysis:dashboard", args=[place.cycle_id])),
            "public": _queries(None, reverse("analysis:public_cycle", args=[place.cycle_id])),
            "results": _queries(applicant, reverse("analysis:results", args=[place.pk])),
            "results (mentor)": _queries(mentor, reverse("analysis:results", args=[place.pk])),
            "assessment": _queries(applicant, reverse("analysis:assessment", args=[baseline.pk])),
            "agree": _queries(mentor, reverse("analysis:agree", args=[baseline.pk])),
            "programme": _queries(applicant, reverse("cohorts:my_programme")),
            "application": _queries(
                staff, reverse("applications:staff_detail", args=[place.application_id])
            ),
        }

    return baseline, count


def _respondents(baseline, count):
    for n in range(count):
        person = factories.UserFactory()
        Membership.objects.create(organisation=baseline.organisation, user=person)
        response = services.response_for(baseline, person)
        questions = baseline.instrument.areas.values_list("questions", flat=True)
        services.save_answers(response, {str(q): str(1 + (n + q) % 4) for q in questions})
        services.submit_response(response)
        services.invite_respondent(baseline, email=f"kolega{person.pk}@example.lv", by=person)


def test_the_analysis_pages_do_not_grow_with_the_cycle(pages, place, staff):
    baseline, count = pages
    grow(place.cycle, place.cohort.priority_field, staff, organisations=2)
    _respondents(baseline, 1)
    # One recommendation from the start: with none, its links are not even looked up.
    services.add_recommendation(
        place, by=staff, topic="communication", area=None, text="Vēstījums", priority=3
    )
    small = count()
    grow(place.cycle, place.cohort.priority_field, staff, organisations=12)
    _respondents(baseline, 3)
    services.add_recommendation(
        place, by=staff, topic="sustainability", area=None, text="Rezerves", priority=1
    )
    services.add_recommendation(
        place, by=staff, topic="positioning", area=None, text="Nišas", priority=2
    )
    assert count() == small
