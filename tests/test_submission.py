"""Submitting an application: completeness, the call's window in Riga time, and
what the organisation's people receive."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from applications import services
from applications.models import Application, StatusChange

from . import factories

RIGA = zoneinfo.ZoneInfo("Europe/Riga")
CLOSES = datetime.datetime(2027, 3, 1, 23, 59, 59, tzinfo=RIGA)


@pytest.fixture
def closing_cycle(db):
    return factories.CycleFactory(
        call_opens_at=datetime.datetime(2027, 1, 15, 9, 0, tzinfo=RIGA),
        call_closes_at=CLOSES,
        incubation_starts_on=datetime.date(2027, 4, 1),
        incubation_ends_on=datetime.date(2027, 6, 30),
    )


@pytest.fixture
def complete_draft(closing_cycle, organisation, applicant):
    return factories.ApplicationFactory(
        cycle=closing_cycle, organisation=organisation, complete=True
    )


def test_submitting_one_second_before_closing_is_accepted(complete_draft, applicant):
    with time_machine.travel(CLOSES - datetime.timedelta(seconds=1), tick=False):
        services.submit(complete_draft, by=applicant)
    complete_draft.refresh_from_db()
    assert complete_draft.status == Application.Status.SUBMITTED
    assert complete_draft.submitted_at == CLOSES - datetime.timedelta(seconds=1)


def test_submitting_at_the_closing_second_is_accepted(complete_draft, applicant):
    with time_machine.travel(CLOSES, tick=False):
        services.submit(complete_draft, by=applicant)
    assert Application.objects.get().status == Application.Status.SUBMITTED


def test_submitting_one_second_after_closing_is_refused_and_the_draft_kept(
    complete_draft, applicant
):
    before = Application.objects.values().get(pk=complete_draft.pk)
    with time_machine.travel(CLOSES + datetime.timedelta(seconds=1), tick=False):
        with pytest.raises(ValidationError) as refused:
            services.submit(complete_draft, by=applicant)
    assert refused.value.code == "late"
    # The closing moment in Riga time, as the applicant reads it, and that the draft is kept.
    assert refused.value.messages == [
        "Pieteikšanās ir slēgta, termiņš bija 2027. gada 1. marts, 23:59 (Rīgas laiks), tāpēc "
        "pieteikumu vairs nevar iesniegt. Jūsu melnraksts ir saglabāts, un jūs to joprojām "
        "varat apskatīt."
    ]
    assert Application.objects.values().get(pk=complete_draft.pk) == before
    assert not StatusChange.objects.filter(status=Application.Status.SUBMITTED).exists()


def test_closing_is_judged_in_riga_time_not_utc(complete_draft, applicant):
    # 22:30 UTC on 1 March is already 00:30 on 2 March in Riga: too late.
    utc_evening = datetime.datetime(2027, 3, 1, 22, 30, tzinfo=datetime.UTC)
    with time_machine.travel(utc_evening, tick=False):
        with pytest.raises(ValidationError):
            services.submit(complete_draft, by=applicant)


def test_submitting_before_the_call_opens_is_refused(complete_draft, applicant):
    with time_machine.travel(datetime.datetime(2027, 1, 15, 8, 59, 59, tzinfo=RIGA), tick=False):
        with pytest.raises(ValidationError) as refused:
            services.submit(complete_draft, by=applicant)
    assert refused.value.code == "early"
    assert "2027. gada 15. janvāris, 09:00 (Rīgas laiks)" in refused.value.messages[0]
    assert Application.objects.get().status == Application.Status.DRAFT


def test_every_missing_item_is_reported_at_once(application, applicant):
    services.save_draft(application, by=applicant, motivation="Gribam augt.")
    with pytest.raises(ValidationError) as refused:
        services.submit(application, by=applicant)
    messages = refused.value.messages
    assert len(messages) == 7
    joined = " ".join(messages)
    for label in ["Projekta ideja", "Paredzamie rezultāti", "piekrišana"]:
        assert label.lower() in joined.lower()
    assert "Motivācija" not in joined
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.motivation == "Gribam augt."


def test_blank_answers_count_as_missing(application, applicant):
    services.save_draft(
        application, by=applicant, **{**_complete_answers(), "project_idea": "   \n "}
    )
    with pytest.raises(ValidationError) as refused:
        services.submit(application, by=applicant)
    assert len(refused.value.messages) == 1


def _complete_answers():
    return dict(
        support_needs=["analysis"],
        motivation="M",
        challenges="C",
        project_idea="P",
        expected_results="R",
        participants="Anna",
        meeting_availability="all",
        data_consent=True,
    )


def test_submission_records_the_step_and_emails_every_person(
    application, applicant, django_capture_on_commit_callbacks
):
    colleague = factories.UserFactory(language="en")
    application.organisation.memberships.create(user=colleague)
    services.save_draft(application, by=applicant, **_complete_answers())
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(application, by=applicant)

    change = StatusChange.objects.get(status=Application.Status.SUBMITTED)
    assert change.changed_by == applicant
    assert sorted(m.to[0] for m in mail.outbox) == sorted([applicant.email, colleague.email])
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[applicant.email].subject.startswith("Pieteikums saņemts")
    assert by_recipient[colleague.email].subject.startswith("Application received")
    assert f"/applications/{application.pk}/" in by_recipient[applicant.email].body
    assert by_recipient[colleague.email].alternatives[0][1] == "text/html"


def test_submitted_answers_are_read_only(application, applicant):
    services.save_draft(application, by=applicant, **_complete_answers())
    services.submit(application, by=applicant)
    with pytest.raises(ValidationError) as refused:
        services.save_draft(application, by=applicant, motivation="Changed")
    assert refused.value.code == "locked"
    assert Application.objects.get().motivation == "M"


def test_submitting_twice_is_refused(application, applicant):
    services.save_draft(application, by=applicant, **_complete_answers())
    services.submit(application, by=applicant)
    with pytest.raises(ValidationError):
        services.submit(application, by=applicant)
    assert StatusChange.objects.filter(status=Application.Status.SUBMITTED).count() == 1


def test_withdrawing_a_submitted_application(application, applicant, outbox_emails):
    services.save_draft(application, by=applicant, **_complete_answers())
    services.submit(application, by=applicant)
    services.withdraw(application, by=applicant, reason="Mainījās plāni")
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert StatusChange.objects.filter(status="withdrawn", note="Mainījās plāni").exists()
    assert len(outbox_emails(key__contains=":withdrawn:")) == 1
    with pytest.raises(ValidationError):
        services.withdraw(application, by=applicant)
