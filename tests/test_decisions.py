"""Decisions on submitted applications, and the event admission announces."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services, signals
from applications.models import Application, StatusChange

from . import factories


@pytest.fixture
def admitted_events():
    received = []

    def receiver(sender, application, **kwargs):
        received.append(application.pk)

    signals.application_admitted.connect(receiver)
    yield received
    signals.application_admitted.disconnect(receiver)


def test_admitting_records_who_and_why_and_announces_once_published_and_committed(
    staff, admitted_events, django_capture_on_commit_callbacks
):
    application = factories.ApplicationFactory(submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            application,
            decision="admitted",
            by=staff,
            reason="Augsts vērtējums",
            without_review=True,
        )
    assert admitted_events == []  # a decision is internal until published
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.publish_decision(application, by=staff)
    assert admitted_events == []  # nothing is announced before the commit
    for callback in callbacks:
        callback()
    assert admitted_events == [application.pk]
    change = StatusChange.objects.get(application=application, status="admitted")
    assert (change.changed_by, change.note) == (staff, "Augsts vērtējums")


@pytest.mark.parametrize("status", ["draft", "withdrawn", "admitted"])
def test_drafts_withdrawals_and_admissions_are_not_admitted(staff, status, admitted_events):
    application = factories.ApplicationFactory(status=status)
    with pytest.raises(ValidationError):
        services.decide(application, decision="admitted", by=staff, without_review=True)
    assert Application.objects.get().status == status


def test_a_waitlisted_application_can_be_admitted_later(staff):
    application = factories.ApplicationFactory(submitted=True)
    services.decide(application, decision="waitlisted", by=staff, without_review=True)
    services.decide(application, decision="admitted", by=staff, without_review=True)
    assert [c.status for c in application.status_changes.all()] == ["waitlisted", "admitted"]


def test_staff_decide_from_the_admin_with_the_same_service(client, db, review):
    admin = factories.AdminFactory()
    submitted = factories.ApplicationFactory(submitted=True)
    review(
        factories.UserFactory(), submitted, {factories.CriterionFactory(cycle=submitted.cycle): 4}
    )
    draft = factories.ApplicationFactory()
    client.force_login(admin)
    response = client.post(
        reverse("admin:applications_application_changelist"),
        {"action": "admit", "_selected_action": [submitted.pk, draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert submitted.status == "admitted"
    assert draft.status == "draft"
    assert StatusChange.objects.filter(application=submitted, changed_by=admin).exists()


def test_the_admin_cannot_publish_a_decision_without_its_letter(client, db):
    from django.contrib import admin

    from applications.models import Application as Model

    client.force_login(factories.AdminFactory())
    application = factories.ApplicationFactory(submitted=True)
    model_admin = admin.site._registry[Model]
    request = client.get(reverse("admin:applications_application_changelist")).wsgi_request
    assert "publish" not in model_admin.get_actions(request)
    client.post(
        reverse("admin:applications_application_changelist"),
        {"action": "publish", "_selected_action": [application.pk]},
    )
    application.refresh_from_db()
    assert application.decision_published_at is None


def test_the_organisation_sees_a_decision_only_once_published(
    client, staff, applicant, application, admitted_events, django_capture_on_commit_callbacks
):
    application.status = "submitted"
    application.save()
    services.decide(application, decision="admitted", by=staff, without_review=True)
    client.force_login(applicant)
    page = client.get(reverse("applications:dashboard")).content.decode()
    assert "Uzņemts" not in page and "Iesniegts" in page
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_decision(application, by=staff)
        services.publish_decision(application, by=staff)  # publishing again: nothing new
    assert admitted_events == [application.pk]
    page = client.get(reverse("applications:dashboard")).content.decode()
    assert "Uzņemts" in page


def test_an_undecided_application_cannot_be_published(staff):
    with pytest.raises(ValidationError):
        services.publish_decision(factories.ApplicationFactory(submitted=True), by=staff)
