"""The organisation's printable report, and the baseline that opens itself on
admission (emailed, reminded, once) like the end assessment staff open."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analysis import follow_up, opening, services
from analysis.models import Assessment, Question
from applications import services as application_services
from cohorts.models import Attendance, JointMeeting
from funding.models import Bid
from incubator.models import Membership
from incubator.notifications.models import Email, Reminder
from mentoring import services as mentoring_services

from . import factories


def _held(place, mentor, days_ago, minutes=60):
    return mentoring_services.log_ad_hoc(
        place,
        mentor,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago, hours=days_ago),
        mode="online",
        by=mentor.user,
        outcome="held",
        minutes=minutes,
        summary="Saruna",
    ).consultation


def _meeting(place, days_ago, status):
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    meeting = JointMeeting.objects.create(
        cycle=place.cycle,
        title=f"Kopīgā tikšanās {days_ago}",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Liepāja",
    )
    Attendance.objects.create(
        meeting=meeting,
        organisation=place.organisation,
        status=status,
        people=2 if status == "present" else 0,
    )
    return meeting


def _bid(place, title, status, requested, awarded=None):
    return Bid.objects.create(
        place=place,
        title=title,
        funder="Liepājas pilsētas pašvaldība",
        status=status,
        amount_requested=Decimal(requested),
        amount_awarded=Decimal(awarded) if awarded else None,
    )


def _grow(place, mentor, staff, n):
    """``n`` more of each: consultations (with an action item from a recommendation
    linked to funding), bids and meetings."""
    call = factories.FundingCallFactory()
    for i in range(n):
        consultation = _held(place, mentor, days_ago=4 + i)
        recommendation = services.add_recommendation(
            place,
            by=staff,
            topic="sustainability",
            area=None,
            text=f"Ieteikums {i}",
            priority=2,
            expertise=None,
        )
        follow_up.add_action_item(
            recommendation,
            consultation=consultation.pk,
            description=f"Uzdevums {i}",
            owner="organisation",
            due_on=timezone.localdate() + datetime.timedelta(days=5),
            by=staff,
        )
        follow_up.link_funding(recommendation, source=call.source_id, call=call.pk, by=staff)
        _bid(place, f"Projekts {i}", "submitted", "1000")
        _meeting(place, days_ago=1 + i, status="present")


@pytest.fixture
def record(place, assigned, staff, applicant):
    """The organisation with an agreed baseline, a consultation, a bid awarded, a
    meeting attended and a recommendation with an action item and funding."""
    services.open_assessments(place.cycle, kind="baseline", by=staff)
    baseline = Assessment.objects.get(organisation=place.organisation, kind="baseline")
    questions = Question.objects.filter(area__instrument=baseline.instrument)
    services.record_agreed(baseline, {str(q.pk): ("2", "") for q in questions}, by=staff)
    consultation = _held(place, assigned.mentor, days_ago=3, minutes=90)
    recommendation = services.add_recommendation(
        place,
        by=assigned.mentor.user,
        topic="communication",
        area=None,
        text="Sagatavot komunikācijas plānu",
        priority=1,
    )
    follow_up.add_action_item(
        recommendation,
        consultation=consultation.pk,
        description="Uzrakstīt plāna melnrakstu",
        owner="organisation",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
        by=assigned.mentor.user,
    )
    call = factories.FundingCallFactory(title="Kopienu iniciatīvu konkurss")
    follow_up.link_funding(recommendation, source=call.source_id, call=call.pk, by=staff)
    services.set_recommendation_status(recommendation, status="accepted", reason="", by=applicant)
    _bid(place, "Jauniešu vasaras skola", "awarded", "5000", "4500")
    _meeting(place, days_ago=5, status="present")
    return place


def test_the_report_shows_the_whole_record_as_a_document(client, record, applicant):
    client.force_login(applicant)
    response = client.get(reverse("analysis:report", args=[record.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Organizācijas pārskats",
        record.organisation.name,
        record.cycle.name,
        "inkubācija no",
        "Kapacitāte cikla sākumā un beigās",
        'data-radar="analysis-radar-data"',
        "Konsultācijas un stundas",
        "1,5",  # 90 minutes held
        "Uzrakstīt plāna melnrakstu",
        "Jauniešu vasaras skola",
        "4\u00a0500 EUR",  # raised
        "Kopīgā tikšanās 5",
        "Sagatavot komunikācijas plānu",
        "Pieņemts",
        "Kopienu iniciatīvu konkurss",
        "data-print",
        "css/report.css",
    ):
        assert text in page, text


def test_the_report_is_for_its_organisation_its_mentor_and_staff(
    client, record, assigned, staff, running_cycle
):
    url = reverse("analysis:report", args=[record.pk])
    for user in (assigned.mentor.user, staff):
        client.force_login(user)
        assert client.get(url).status_code == 200
    other = factories.admit(factories.OrganisationFactory(), running_cycle, staff)
    outsider = factories.UserFactory()
    Membership.objects.create(organisation=other.organisation, user=outsider, role="leader")
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_report_runs_the_same_queries_however_long_the_record(
    client, record, assigned, staff, applicant
):
    url = reverse("analysis:report", args=[record.pk])
    client.force_login(applicant)
    assert client.get(url).status_code == 200

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    _grow(record, assigned.mentor, staff, 6)
    assert count() == small


# --- the baseline opens itself ---------------------------------------------------------


def test_admission_opens_the_baseline_emails_its_people_and_reminds_them_once(
    running_cycle, staff, organisation, applicant, django_capture_on_commit_callbacks, settings
):
    settings.ANALYSIS_BASELINE_DAYS = 21
    application = factories.ApplicationFactory(
        cycle=running_cycle, organisation=organisation, submitted=True
    )
    application_services.decide(
        application, decision="admitted", by=staff, without_review=True, over_places_reason="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_services.publish_decision(application, by=staff)
    baseline = Assessment.objects.get(organisation=organisation, kind="baseline")
    # The incubation has started: 21 days from today.
    assert baseline.due_on == timezone.localdate() + datetime.timedelta(days=21)
    emails = Email.objects.filter(key__startswith=f"assessment:{baseline.pk}:opened")
    assert [e.recipient for e in emails] == [applicant]
    assert "pašnovērtējums" in emails[0].subject
    reminders = Reminder.objects.filter(source="assessment", object_id=baseline.pk)
    assert {r.label for r in reminders} == {"before-7d", "before-2d"}
    # Again (a second delivery of the event): nothing new.
    assert opening.open_baseline(application) == baseline
    assert Assessment.objects.filter(organisation=organisation).count() == 1
    assert Email.objects.filter(key__startswith=f"assessment:{baseline.pk}:opened").count() == 1
    # The place was made too, by the cohorts' receiver of the same event.
    assert organisation.cohort_memberships.filter(cycle=running_cycle).exists()


def test_before_the_incubation_the_baseline_is_due_days_after_it_starts(cycle, settings):
    settings.ANALYSIS_BASELINE_DAYS = 21
    today = cycle.incubation_starts_on - datetime.timedelta(days=40)
    assert opening.baseline_due_on(cycle, today) == cycle.incubation_starts_on + datetime.timedelta(
        days=21
    )


def test_a_rejected_application_opens_nothing(running_cycle, organisation, staff):
    application = factories.ApplicationFactory(
        cycle=running_cycle, organisation=organisation, submitted=True
    )
    assert opening.open_baseline(application) is None
    assert not Assessment.objects.exists()


def test_the_end_assessment_staff_open_is_emailed_and_reminded(place, staff, applicant):
    due = timezone.localdate() + datetime.timedelta(days=30)
    services.open_assessments(place.cycle, kind="baseline", by=staff)
    assert services.open_assessments(place.cycle, kind="end", by=staff, due_on=due) == 1
    end = Assessment.objects.get(organisation=place.organisation, kind="end")
    assert end.due_on == due
    assert {r.label for r in Reminder.objects.filter(source="assessment", object_id=end.pk)} == {
        "before-7d",
        "before-2d",
    }
    assert Email.objects.filter(key=f"assessment:{end.pk}:opened:user:{applicant.pk}").exists()


def test_my_programme_and_the_staffs_application_page_lead_to_the_report(
    client, record, applicant, staff
):
    url = reverse("analysis:report", args=[record.pk])
    client.force_login(applicant)
    assert url in client.get(reverse("cohorts:my_programme")).content.decode()
    client.force_login(staff)
    page = client.get(reverse("applications:staff_detail", args=[record.application_id]))
    assert url in page.content.decode()
