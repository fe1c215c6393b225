"""The administration shows the incubation cycle's records, and the reminder table,
with real rows: every list (searched) and every change page opens."""

import datetime

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from incubator.notifications import reminders

from . import factories

MODELS = [
    "cohorts.Cohort",
    "cohorts.CohortMembership",
    "cohorts.CycleReminders",
    "cohorts.JointMeeting",
    "cohorts.MeetingMaterial",
    "cohorts.MeetingResponse",
    "cohorts.Attendance",
    "cohorts.Deadline",
    "mentoring.MentorProfile",
    "notifications.Reminder",
    "notifications.Email",
]


@pytest.fixture
def records(place, staff, applicant):
    starts = timezone.now() - datetime.timedelta(days=1)
    held = services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Notikusi",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )
    ahead = services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        cohort=place.cohort,
        title="Gaidāma",
        starts_at=starts + datetime.timedelta(days=20),
        ends_at=starts + datetime.timedelta(days=20, hours=2),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )
    services.add_material(held, SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"), by=staff)
    services.respond(
        ahead, organisation=place.organisation, answer="yes", by=applicant, attendees=[applicant]
    )
    services.record_attendance(held, [(place.organisation, "present", 2, "")], by=staff)
    services.update_reminder_settings(place.cycle, meetings="7d", deadlines="1d", call_closing="3d")
    services.sync_cycle_deadlines(place.cycle)
    services.move_membership(place, cohort=place.cohort, by=staff)
    factories.MentorProfileFactory()
    reminders.sweep()


@pytest.mark.parametrize("label", MODELS)
def test_admin_pages_open_with_rows(client, records, label):
    from django.apps import apps

    model = apps.get_model(label)
    assert model in admin.site._registry
    client.force_login(factories.AdminFactory())
    info = model._meta.app_label, model._meta.model_name
    changelist = reverse(f"admin:{info[0]}_{info[1]}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "a"}).status_code == 200
    instance = model.objects.first()
    assert instance is not None
    assert (
        client.get(reverse(f"admin:{info[0]}_{info[1]}_change", args=[instance.pk])).status_code
        == 200
    )


def test_the_membership_history_opens(client, records, place):
    client.force_login(factories.AdminFactory())
    url = reverse("admin:cohorts_cohortmembership_history", args=[place.pk])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("label", ["cohorts.JointMeeting", "cohorts.Deadline"])
def test_meetings_and_deadlines_are_not_deleted_in_the_admin(client, records, label):
    """Deleting bypasses the services: nobody would be told, reminders would stay."""
    from django.apps import apps

    model = apps.get_model(label)
    instance = model.objects.first()
    client.force_login(factories.AdminFactory())
    info = model._meta.app_label, model._meta.model_name
    assert (
        client.get(reverse(f"admin:{info[0]}_{info[1]}_delete", args=[instance.pk])).status_code
        == 403
    )
    page = client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist")).content.decode()
    assert "delete_selected" not in page
    assert model.objects.filter(pk=instance.pk).exists()
