"""*My data*: a copy of everything the portal holds about a person, as a ZIP built
by a task and emailed as a signed, time-limited link that only that person opens."""

import datetime
import io
import json
import re
import zipfile

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from incubator.notifications.models import Email
from incubator.privacy import services
from incubator.privacy.models import DataExport

from . import factories
from .privacy_support import PDF, PNG, rich_person


@pytest.fixture
def person(expertise_tags):
    return rich_person(expertise_tags)


def _request(client, user, capture):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("privacy:export_request"))
    assert response.status_code == 302
    return DataExport.objects.get(user=user)


def _link(user):
    record = Email.objects.get(key__startswith="privacy:export:", recipient=user)
    assert record.sensitive and record.text_body == ""  # staff never read the link
    (delivered,) = [m for m in mail.outbox if m.to == [user.email] and "/download/" in m.body]
    return re.search(r"http://localhost:8000(/my-data/download/\S+/)", delivered.body).group(1)


def _zip(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_copy_holds_profile_organisations_applications_reviews_and_more(
    client, person, django_capture_on_commit_callbacks
):
    export = _request(client, person.user, django_capture_on_commit_callbacks)
    assert export.status == "ready" and export.size > 0
    archive = _zip(client.get(_link(person.user)))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "profile.json",
        "organisations.json",
        "applications.json",
        "reviews.json",
        "consultations.json",
        "meeting_responses.json",
        "emails.json",
        "funding.json",
    } <= names

    def read(name):
        return json.loads(archive.read(name))

    profile = read("profile.json")
    assert (profile["email"], profile["last_name"], profile["phone"]) == (
        "anna@biedriba.lv",
        "Bērziņa",
        "+371 20000001",
    )
    assert sorted(o["name"] for o in read("organisations.json")) == [
        "Biedrība “Zaļā Liepāja”",
        "Nodibinājums “Jūras vārti”",
    ]
    applications = {a["id"]: a for a in read("applications.json")}
    assert set(applications) == {person.admitted.pk, person.draft.pk, person.submitted.pk}
    assert applications[person.draft.pk]["motivation"] == "Vēlamies augt."
    assert applications[person.admitted.pk]["status"] == "admitted"
    # Whether the organisation agreed to be named on the public results page.
    assert applications[person.admitted.pk]["listing_consent"] is False
    files = applications[person.submitted.pk]["attachments"]
    assert [f["name"] for f in files] == ["statuti.pdf", "logo.png"]
    assert archive.read(files[0]["file"]) == PDF
    assert archive.read(files[1]["file"]) == PNG
    draft_file = applications[person.draft.pk]["attachments"][0]["file"]
    assert draft_file.startswith(f"files/applications/{person.draft.pk}/")
    assert archive.read(draft_file) == PDF

    (review,) = read("reviews.json")
    assert review["organisation"] == person.reviewed.organisation.name
    assert review["scores"][0]["score"] == 4
    assert review["scores"][0]["comment"] == "Skaidrs plāns."
    (consultation,) = read("consultations.json")
    assert consultation["note"] == "Fondu meklēšana" and consultation["status"] == "scheduled"
    (rsvp,) = read("meeting_responses.json")
    assert (rsvp["meeting"], rsvp["answer"], rsvp["you_come"]) == (
        "Otrā kopīgā tikšanās",
        "yes",
        True,
    )
    emails = read("emails.json")
    assert len(emails) >= 3 and all(e["to"] == "anna@biedriba.lv" for e in emails)
    assert any(e["subject"] == "Pieteikums saņemts: Reģionālais inkubators" for e in emails)
    assert len(read("funding.json")["follows"]) == 1


def test_a_later_copy_names_the_earlier_link_email_without_its_link(
    person, django_capture_on_commit_callbacks
):
    for _n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            export = services.request_export(person.user)
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        emails = json.loads(zipfile.ZipFile(handle).read("emails.json"))
    (ready,) = [e for e in emails if e["subject"] == "Jūsu datu kopija ir gatava"]
    assert ready["text"] == ""  # a link to personal data is never kept readable


def test_the_copy_leaves_out_other_people_and_internal_decisions(
    client, person, expertise_tags, django_capture_on_commit_callbacks
):
    from applications import services as applications

    applications.decide(person.submitted, decision="rejected", by=person.staff)  # not published
    other = factories.OrganisationFactory(name="Cita biedrība")
    factories.ApplicationFactory(organisation=other, complete=True)
    _request(client, person.user, django_capture_on_commit_callbacks)
    archive = _zip(client.get(_link(person.user)))
    applications_json = json.loads(archive.read("applications.json"))
    assert "Cita biedrība" not in archive.read("applications.json").decode()
    submitted = next(a for a in applications_json if a["id"] == person.submitted.pk)
    assert submitted["status"] == "submitted"
    # The mentor's own note stays with the mentor.
    assert json.loads(archive.read("consultations.json"))[0]["log"] is None


def test_only_that_person_opens_the_link_and_only_for_a_while(
    client, person, django_capture_on_commit_callbacks
):
    _request(client, person.user, django_capture_on_commit_callbacks)
    link = _link(person.user)
    client.force_login(person.staff)
    assert client.get(link).status_code == 404
    client.force_login(person.mentor.user)
    assert client.get(link).status_code == 404
    client.logout()
    assert client.get(link).status_code == 302  # to the sign-in page
    client.force_login(person.user)
    assert client.get(link[:-3] + "xx/").status_code == 404  # a forged signature
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=73)):
        response = client.get(link)
    assert response.status_code == 410
    assert "Saite vairs nav derīga" in response.content.decode()


def test_asking_twice_while_it_is_prepared_makes_one_copy(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = services.request_export(person.user)
        second = services.request_export(person.user)
    assert first == second and DataExport.objects.count() == 1
    services.build_export(first.pk)
    services.build_export(first.pk)  # a task delivered twice builds nothing more
    assert Email.objects.filter(key__startswith="privacy:export:").count() == 1
    # A copy whose task was lost does not block the person for ever.
    with django_capture_on_commit_callbacks(execute=False):
        lost = services.request_export(person.user)
    DataExport.objects.filter(pk=lost.pk).update(
        requested_at=lost.requested_at - datetime.timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = services.request_export(person.user)
    again.refresh_from_db()
    assert again != lost and again.status == "ready"


def test_my_data_page_lists_copies_with_a_constant_number_of_queries(
    client, person, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(person.user)

    def page():
        with django_assert_max_num_queries(12):
            response = client.get(reverse("privacy:my_data"))
        assert response.status_code == 200
        return response.content.decode()

    content = page()
    assert "Pieprasīt manu datu kopiju" in content
    for _n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            export = services.request_export(person.user)
        assert export.status == "pending"
    content = page()
    assert content.count("Lejupielādēt (") == 3


def test_expired_copies_lose_their_file(person, django_capture_on_commit_callbacks):
    from incubator.privacy import retention

    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_export(person.user)
    export.refresh_from_db()
    path = export.file.path
    later = export.expires_at + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        records = retention.run(now=later)
    export.refresh_from_db()
    assert export.status == "expired" and not export.file
    assert not __import__("os").path.exists(path)
    assert any(r.kind == "exports" and r.counts == {"files": 1} for r in records)
