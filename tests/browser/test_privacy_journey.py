"""*My data* in Latvian, in headless Chromium, under the strict Content-Security-Policy:
a leader of two organisations asks for a copy of their data, receives the emailed
link, downloads the ZIP from the page and through the link, and another person's
browser gets nothing from that link; a person asks to be erased and staff, told by
email, carry it out (refusing first without a reason is refused)."""

import io
import json
import re
import zipfile
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from applications import services as applications
from incubator.models import Membership
from tests import factories

from .conftest import sign_in, sign_out, text_of

PDF = b"%PDF-1.4 statuti"


@pytest.fixture
def violations(csp_violations):
    return csp_violations


def test_a_leader_requests_and_downloads_a_copy_of_their_data(
    page, violations, mailbox, transactional_db, priority_fields
):
    anna = factories.UserFactory(email="anna@biedriba.lv", first_name="Anna", last_name="Liepa")
    first = factories.OrganisationFactory(leader=anna, name="Biedrība “Zaļā Liepāja”")
    second = factories.OrganisationFactory(leader=anna, name="Nodibinājums “Jūras vārti”")
    cycles = [factories.CycleFactory(name=f"Inkubators {n}") for n in (2027, 2028, 2029)]
    drafts = [
        factories.ApplicationFactory(cycle=cycles[0], organisation=first, complete=True),
        factories.ApplicationFactory(cycle=cycles[1], organisation=first, complete=True),
        factories.ApplicationFactory(cycle=cycles[2], organisation=second, complete=True),
    ]
    applications.add_attachment(drafts[2], SimpleUploadedFile("statuti.pdf", PDF), by=anna)
    factories.UserFactory(email="cits@biedriba.lv", first_name="Cits")

    sign_in(page, anna.email)
    page.get_by_role("button", name="Anna Liepa").click()
    page.get_by_role("link", name="Mani dati").click()
    expect(page.get_by_role("heading", name="Mani dati", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Jūsu dalība organizācijās")).to_be_visible()
    page.get_by_role("button", name="Pieprasīt manu datu kopiju").click()
    expect(page.get_by_text("Gatavojam jūsu datu kopiju.")).to_be_visible()

    (letter,) = [m for m in mailbox() if m["Subject"] == "Jūsu datu kopija ir gatava"]
    assert letter["To"] == "anna@biedriba.lv"
    link = re.search(r"http://\S+/my-data/download/\S+/", text_of(letter)).group(0)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Lejupielādēt")).click()
    archive = zipfile.ZipFile(download.value.path())
    assert download.value.suggested_filename.endswith(".zip")
    organisations = json.loads(archive.read("organisations.json"))
    assert sorted(o["name"] for o in organisations) == [
        "Biedrība “Zaļā Liepāja”",
        "Nodibinājums “Jūras vārti”",
    ]
    exported = json.loads(archive.read("applications.json"))
    assert sorted(a["id"] for a in exported) == sorted(d.pk for d in drafts)
    (with_file,) = [a for a in exported if a["attachments"]]
    assert archive.read(with_file["attachments"][0]["file"]) == PDF

    # The emailed link gives the same copy, to Anna only.
    response = page.request.get(link)
    assert response.status == 200 and response.headers["content-type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(response.body())).namelist() == archive.namelist()
    sign_out(page, "Anna Liepa")
    sign_in(page, "cits@biedriba.lv")
    assert page.request.get(link).status == 404
    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", name="Lapa nav atrasta")).to_be_visible()
    assert violations == []


def test_a_person_asks_to_be_erased_and_staff_carry_it_out(
    page, violations, mailbox, transactional_db, priority_fields
):
    juris = factories.UserFactory(email="juris@biedriba.lv", first_name="Juris", last_name="Ozols")
    factories.OrganisationFactory(leader=juris, name="Biedrība “Kopā”")
    colleague = factories.UserFactory(email="liga@biedriba.lv")
    Membership.objects.create(organisation=juris.organisations.get(), user=colleague, role="leader")
    factories.StaffFactory(email="santa@inkubators.lv", first_name="Santa", last_name="Kalniņa")

    sign_in(page, juris.email)
    page.get_by_role("button", name="Juris Ozols").click()
    page.get_by_role("link", name="Mani dati").click()
    expect(page.get_by_role("cell", name="Jūsu vērtējumi un punkti")).to_be_visible()
    page.get_by_label("Kas programmas darbiniekiem būtu jāzina").fill("Esmu pametis biedrību.")
    page.get_by_role("button", name="Lūgt dzēst manu kontu").click()
    expect(page.get_by_text("Jūsu pieprasījums nosūtīts programmas darbiniekiem.")).to_be_visible()
    expect(page.get_by_role("button", name="Atsaukt manu pieprasījumu")).to_be_visible()
    sign_out(page, "Juris Ozols")

    (told,) = [m for m in mailbox() if m["To"] == "santa@inkubators.lv"]
    assert told["Subject"] == "Pieprasījums dzēst kontu"
    sign_in(page, "santa@inkubators.lv")
    page.get_by_role("link", name="Personas dati").click()
    page.get_by_role("link", name="Juris Ozols").click()
    expect(page.get_by_text("Esmu pametis biedrību.")).to_be_visible()
    # Refusing needs a reason: an empty one is refused with a clear message.
    page.get_by_role("button", name="Atteikt pieprasījumu").click()
    expect(page.get_by_text("Norādiet iemeslu: to paziņo personai.")).to_be_visible()
    page.get_by_role("button", name="Dzēst kontu").click()
    expect(page.get_by_text("Konts ir dzēsts.")).to_be_visible()
    expect(page.get_by_role("cell", name="Dalība organizācijās")).to_be_visible()
    juris.refresh_from_db()
    assert not juris.is_active and juris.email.endswith("@erased.invalid")
    assert violations == []
