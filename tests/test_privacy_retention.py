"""Retention: per cycle, the files and answers of applications that were not
admitted are deleted a set time after the cycle's decisions (12 months unless staff
change it) by a daily task in the static beat schedule, which records what it
deleted and warns staff a week ahead; old outbox emails lose their text."""

import datetime
import os

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import services as applications
from applications.models import Application, Attachment
from incubator.notifications.models import Email
from incubator.privacy import tasks
from incubator.privacy.models import Purge, RetentionPolicy

from . import factories

PDF = b"%PDF-1.4 pielikums"
DECIDED = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=datetime.UTC)


def _decided_cycle(staff, name, decisions):
    """A cycle whose applications were decided and published at DECIDED; returns
    {decision: application}, each with an attachment and its answers."""
    decided = {}
    with time_machine.travel(DECIDED - datetime.timedelta(days=30), tick=False):
        cycle = factories.CycleFactory(name=name)
        for decision in decisions:
            leader = factories.UserFactory()
            application = factories.ApplicationFactory(
                cycle=cycle,
                organisation=factories.OrganisationFactory(leader=leader),
                complete=True,
            )
            applications.add_attachment(
                application, SimpleUploadedFile("plans.pdf", PDF), by=leader
            )
            applications.submit(application, by=leader)
            decided[decision] = application
    with time_machine.travel(DECIDED, tick=False):
        for decision, application in decided.items():
            applications.decide(application, decision=decision, by=staff, without_review=True)
            applications.publish_decision(application, by=staff)
    return cycle, decided


def _run(at, capture):
    with time_machine.travel(at, tick=False), capture(execute=True):
        tasks.apply_retention.delay()


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    staff = [factories.StaffFactory(email=f"darbinieks{n}@inkubators.lv") for n in (1, 2)]
    pilot, pilot_apps = _decided_cycle(
        staff[0], "Pilotcikls", ["admitted", "rejected", "waitlisted"]
    )
    longer, longer_apps = _decided_cycle(staff[0], "Ilgāks cikls", ["rejected"])
    RetentionPolicy.objects.create(cycle=longer, months=24)
    return staff, pilot, pilot_apps, longer, longer_apps


def test_the_daily_task_is_in_the_static_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == tasks.apply_retention.name


def test_staff_are_warned_a_week_ahead_then_it_is_deleted_once(
    world, outbox_emails, django_capture_on_commit_callbacks
):
    staff, pilot, apps, longer, longer_apps = world
    files = {d: a.attachments.get().file.path for d, a in apps.items()}
    due = DECIDED + relativedelta(months=12)  # 1 March 2028

    _run(due - datetime.timedelta(days=8), django_capture_on_commit_callbacks)
    assert not outbox_emails(key__startswith="privacy:retention:")
    for _day in range(2):  # the same warning is written once, however often it runs
        _run(due - datetime.timedelta(days=6), django_capture_on_commit_callbacks)
    warnings = outbox_emails(key__startswith="privacy:retention:")
    assert sorted(w.to for w in warnings) == [s.email for s in staff]
    assert warnings[0].subject == "Pilotcikls: pēc nedēļas ieraksti tiks dzēsti"
    assert "2028. gada 1. marts" in warnings[0].text_body
    assert not Purge.objects.exists()

    _run(due + datetime.timedelta(hours=1), django_capture_on_commit_callbacks)
    (purge,) = Purge.objects.filter(kind="applications")
    assert (purge.cycle, purge.counts) == (pilot, {"applications": 2, "attachments": 2})
    for decision in ("rejected", "waitlisted"):
        application = Application.objects.get(pk=apps[decision].pk)
        assert (application.motivation, application.project_idea, application.support_needs) == (
            "",
            "",
            [],
        )
        assert application.status == decision  # the record of the decision stays
        assert not os.path.exists(files[decision])
    admitted = Application.objects.get(pk=apps["admitted"].pk)
    assert admitted.motivation == "Vēlamies augt." and os.path.exists(files["admitted"])
    # The cycle that keeps them 24 months still has them.
    assert Attachment.objects.filter(application=longer_apps["rejected"]).exists()

    _run(due + datetime.timedelta(days=1), django_capture_on_commit_callbacks)
    assert Purge.objects.filter(kind="applications").count() == 1  # nothing more to delete
    _run(DECIDED + relativedelta(months=24, days=1), django_capture_on_commit_callbacks)
    assert Purge.objects.filter(kind="applications", cycle=longer).count() == 1
    assert not Attachment.objects.filter(application=longer_apps["rejected"]).exists()


def test_old_outbox_emails_lose_their_text(db, django_capture_on_commit_callbacks):
    user = factories.UserFactory()
    now = timezone.now()
    rows = []
    for months_ago, status in [(30, "sent"), (25, "failed"), (23, "sent"), (30, "queued")]:
        rows.append(
            Email.objects.create(
                key=f"test:{months_ago}:{status}",
                recipient=user,
                to=user.email,
                language="lv",
                subject="Sveiki",
                text_body="Teksts",
                html_body="<p>Teksts</p>",
                status=status,
                created_at=now - datetime.timedelta(days=months_ago * 30.5),
            )
        )
    _run(now, django_capture_on_commit_callbacks)
    texts = [Email.objects.get(pk=row.pk).text_body for row in rows]
    assert texts == ["", "", "Teksts", "Teksts"]  # a queued email is still to be sent
    assert Email.objects.get(pk=rows[0].pk).subject == "Sveiki"
    assert Purge.objects.get(kind="outbox").counts == {"email bodies": 2}


def test_staff_set_a_cycle_s_period_and_see_what_goes_when(
    client, world, django_assert_max_num_queries
):
    staff, pilot, apps, longer, longer_apps = world
    client.force_login(staff[0])
    url = reverse("privacy:retention_set", args=[pilot.pk])
    response = client.post(url, {"months": "divpadsmit"}, follow=True)
    assert "“divpadsmit” nav mēnešu skaits no 1 līdz 120." in response.content.decode()
    client.post(url, {"months": "0"})
    assert not RetentionPolicy.objects.filter(cycle=pilot).exists()
    client.post(url, {"months": "18"})
    assert RetentionPolicy.objects.get(cycle=pilot).months == 18

    def page():
        with django_assert_max_num_queries(12):
            response = client.get(reverse("privacy:retention"))
        return response.content.decode()

    content = page()
    assert "2028. gada 1. septembris" in content  # 18 months after the decisions
    assert "2029. gada 1. marts" in content  # the longer cycle: 24 months
    for n in range(3):
        _decided_cycle(staff[0], f"Vēl cikls {n}", ["rejected", "admitted"])
    assert page().count("2028. gada 1. marts") == 3
