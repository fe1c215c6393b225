"""The analysis pages pass axe's automated accessibility rules (no serious or
critical violation), for a participant, its mentor, staff and a visitor."""

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import Assessment, Question
from mentoring import services as mentoring_services
from tests import factories

from .test_accessibility import serious_violations


@pytest.fixture
def analysed(transactional_db, priority_fields, expertise_tags):
    staff = factories.StaffFactory(email="santa@inkubators.lv")
    mentor = factories.MentorProfileFactory(user=factories.UserFactory(email="edgars@lbi.lv"))
    leader = factories.UserFactory(email="liene@kori.lv")
    cycle = factories.RunningCycleFactory(name="NVO izaugsmes inkubators — pilotcikls")
    place = factories.admit(factories.OrganisationFactory(leader=leader), cycle, staff)
    for _ in range(3):
        factories.admit(factories.OrganisationFactory(), cycle, staff)
    assignment = mentoring_services.assign_mentor(cycle, place.organisation, mentor, by=staff)
    mentoring_services.accept_assignment(assignment, by=mentor.user)
    services.open_assessments(cycle, kind="baseline", by=staff)
    services.open_assessments(cycle, kind="end", by=staff)
    baseline = Assessment.objects.get(organisation=place.organisation, kind="baseline")
    questions = Question.objects.filter(area__instrument=baseline.instrument)
    response = services.response_for(baseline, leader)
    services.save_answers(response, {str(q.pk): "2" for q in questions})
    services.submit_response(response)
    services.record_agreed(baseline, {str(q.pk): ("3", "Labi") for q in questions}, by=staff)
    services.add_recommendation(
        place, by=staff, topic="communication", area=None, text="Vienots vēstījums", priority=1
    )
    return {"staff": staff, "mentor": mentor.user, "leader": leader}, place, baseline


@pytest.mark.parametrize(
    "role, pages",
    [
        (
            "leader",
            lambda place, baseline: [
                reverse("analysis:home"),
                reverse("analysis:assessment", args=[baseline.pk]),
                reverse("analysis:results", args=[place.pk]),
                reverse("analysis:report", args=[place.pk]),
            ],
        ),
        (
            "mentor",
            lambda place, baseline: [
                reverse("analysis:agree", args=[baseline.pk]),
                # With the forms that turn each recommendation into action items and funding.
                reverse("analysis:results", args=[place.pk]),
            ],
        ),
        (
            "staff",
            lambda place, baseline: [
                reverse("analysis:cycle", args=[place.cycle_id]),
                reverse("analysis:dashboard", args=[place.cycle_id]),
                reverse("analysis:programme_report", args=[place.cycle_id]),
            ],
        ),
        (None, lambda place, baseline: [reverse("analysis:public")]),
    ],
)
def test_analysis_pages(page, force_login, analysed, role, pages):
    users, place, baseline = analysed
    if role is not None:
        force_login(users[role])
    for path in pages(place, baseline):
        page.goto(path)
        assert serious_violations(page) == [], path
