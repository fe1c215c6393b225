"""The Django admin shows every model: its list (with search and filters) and its
form open for an administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

from . import factories


@pytest.fixture
def populated(db, staff):
    application = factories.ApplicationFactory(submitted=True)
    application.status_changes.create(status="submitted", changed_by=staff)
    application.attachments.create(
        name="a.pdf", content_type="application/pdf", size=3, file="a.pdf"
    )
    from incubator.notifications import services

    services.queue(
        key="test:1",
        recipient=staff,
        template="applications/emails/withdrawn",
        context={"application": application, "withdrawn_by": staff, "reason": ""},
    )
    return application


OUR_APPS = ("incubator", "notifications", "applications", "cohorts", "mentoring", "funding")


def our_models():
    return [m for m in admin.site._registry if m._meta.app_label in OUR_APPS]


def test_every_model_of_ours_is_registered():
    from django.apps import apps

    ours = {m for m in apps.get_models() if m._meta.app_label in OUR_APPS}
    ours = {m for m in ours if not m._meta.auto_created and not m.__name__.startswith("Historical")}
    assert ours <= set(admin.site._registry), ours - set(admin.site._registry)


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_changelist_search_and_change_form_open(client, populated, model):
    client.force_login(factories.AdminFactory())
    model_admin = admin.site._registry[model]
    info = model._meta.app_label, model._meta.model_name
    changelist = reverse(f"admin:{info[0]}_{info[1]}_changelist")
    assert client.get(changelist).status_code == 200
    if model_admin.search_fields:
        assert client.get(changelist, {"q": "a"}).status_code == 200
    assert model_admin.list_display != ("__str__",), "list columns are chosen"
    instance = model.objects.first()
    if instance is not None:
        assert (
            client.get(reverse(f"admin:{info[0]}_{info[1]}_change", args=[instance.pk])).status_code
            == 200
        )


@pytest.mark.parametrize("tampered", ["abc", "99999999999999999999", "-5"])
def test_a_tampered_autocomplete_value_is_a_form_error(client, db, tampered):
    organisation = factories.OrganisationFactory()
    client.force_login(factories.AdminFactory())
    response = client.post(
        reverse("admin:incubator_membership_add"),
        {"user": tampered, "organisation": organisation.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"]


def test_tampered_attendees_are_a_form_error(client, place, running_cycle):
    from datetime import timedelta

    from django.utils import timezone

    from cohorts.models import JointMeeting, MeetingResponse

    starts = timezone.now() + timedelta(days=3)
    meeting = JointMeeting.objects.create(
        cycle=running_cycle,
        title="Kopā",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Liepāja",
    )
    response_row = MeetingResponse.objects.create(
        meeting=meeting, organisation=place.organisation, answer="maybe"
    )
    client.force_login(factories.AdminFactory())
    url = reverse("admin:cohorts_meetingresponse_change", args=[response_row.pk])
    page = client.post(
        url,
        {
            "meeting": response_row.meeting_id,
            "organisation": response_row.organisation_id,
            "answer": "yes",
            "attendees": ["99999999999999999999", "abc"],
            "note": "",
        },
    )
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["attendees"]
    assert MeetingResponse.objects.get(pk=response_row.pk).answer == response_row.answer


@pytest.mark.parametrize(
    "name", ["applications_attachment", "applications_statuschange", "cohorts_meetingmaterial"]
)
def test_records_written_by_the_portal_cannot_be_added_in_the_admin(client, db, name):
    client.force_login(factories.AdminFactory())
    assert client.get(reverse(f"admin:{name}_add")).status_code == 403


def test_every_model_that_keeps_history_shows_it_on_its_admin_history_page():
    from simple_history.admin import SimpleHistoryAdmin
    from simple_history.models import registered_models

    kept = set(registered_models.values())
    assert {m._meta.label for m in kept} >= {"applications.Application", "incubator.Organisation"}
    for model in kept:
        assert isinstance(admin.site._registry.get(model), SimpleHistoryAdmin), model


def test_an_applications_admin_history_lists_its_answers_submission_and_decision(
    client, cycle, staff
):
    from applications import services

    applications = []
    for name in ("Zaļā", "Jauniešu", "Kultūras"):
        organisation = factories.OrganisationFactory(name=f"Biedrība {name}")
        application = factories.ApplicationFactory(
            cycle=cycle, organisation=organisation, complete=True
        )
        applicant = factories.UserFactory()
        services.save_draft(application, by=applicant, motivation=f"{name} motivācija")
        services.submit(application, by=applicant)
        applications.append(application)
    services.decide(applications[0], decision="admitted", by=staff, without_review=True)
    services.decide(applications[1], decision="rejected", by=staff)
    client.force_login(factories.AdminFactory())
    pages = [
        client.get(reverse("admin:applications_application_history", args=[a.pk]))
        for a in applications
    ]
    assert all(page.status_code == 200 for page in pages)
    texts = [page.content.decode() for page in pages]
    assert all("Objektam nav izmaiņu vēstures" not in text for text in texts)
    assert [len(page.context["page_obj"].object_list) for page in pages] == [4, 4, 3]
    assert "Zaļā motivācija" in texts[0] and "admitted" in texts[0]
    assert "rejected" in texts[1] and "submitted" in texts[2] and "admitted" not in texts[2]


def test_an_admin_history_page_speaks_latvian(client, db):
    organisation = factories.OrganisationFactory(name="Biedrība Zaļā")
    organisation.name = "Biedrība Zaļā Latvija"
    organisation.save()
    client.force_login(factories.AdminFactory())
    url = reverse("admin:incubator_organisation_history", args=[organisation.pk])
    html = client.get(url, headers={"accept-language": "lv"}).content.decode()
    headers = ["Objekts", "Datums/laiks", "Komentārs", "Mainīja", "Izmaiņu iemesls", "Izmaiņas"]
    for header in headers:
        assert f'<th scope="col">{header}</th>' in html
    assert "Izveidots" in html and "Mainīts" in html
    assert "2 ieraksti" in " ".join(html.split())
    for english in ("Date/time", "Changed by", "Change reason", "Created", "entries"):
        assert english not in html
