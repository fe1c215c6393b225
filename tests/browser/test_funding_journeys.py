"""Funding journeys in Latvian, in headless Chromium: a visitor without an account
filters the catalogue and opens a source; a participant sees its matches, follows a
call and, when the clock reaches 14 days before its deadline, receives the
reminder; staff import a CSV with one bad row, see the error, fix it and import."""

import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from funding import services
from funding.models import FundingCall, FundingSource
from tests import factories
from tests.funding_support import at, participant

from .conftest import text_of
from .test_meeting_journey import sign_in

LIEPAJA = "Liepājas valstspilsētas pašvaldības Nevalstisko organizāciju projektu"


@pytest.fixture
def catalogue(transactional_db, funding_reference):
    call_command("import_funding_sources", stdout=StringIO())
    liepaja = FundingSource.objects.get(name_lv__startswith=LIEPAJA)
    call = services.save_call(
        source=liepaja,
        by=None,
        values={
            "title": "NVO projektu līdzfinansēšanas konkurss 2027",
            "opens_at": at(-3, 9),
            "deadline": at(21, 23, 59),
            "status": FundingCall.Status.OPEN,
            "budget": None,
            "rules_url": "https://www.liepaja.lv/nvo-projekti/",
        },
    )
    return liepaja, call


def test_a_visitor_filters_the_catalogue_and_opens_a_source(page, catalogue):
    liepaja, call = catalogue
    page.goto("/")
    page.get_by_role("link", name="Finansējums").click()
    expect(page.get_by_role("heading", name="Finansējuma avoti", exact=True)).to_be_visible()
    expect(page.get_by_text("24 finansējuma avoti")).to_be_visible()
    page.get_by_label("Prioritārā joma").select_option(
        label="Vide, pilsētvide un kopienu attīstība"
    )
    page.get_by_label("Juridiskā forma").select_option(label="Biedrība")
    page.get_by_label("Ģeogrāfiskais tvērums").select_option(label="Pašvaldība")
    page.get_by_label("Atvērts tagad").check()
    page.get_by_role("button", name="Atlasīt").click()
    expect(page.get_by_text("1 finansējuma avots")).to_be_visible()
    results = page.get_by_role("region", name="1 finansējuma avots")
    expect(results).to_contain_text("Daļēji apstiprināts: limits from 2019 page")
    expect(results).to_contain_text("300–2 500 EUR")

    # A search in Latvian without its diacritics finds it too on PostgreSQL; the plain
    # search on SQLite needs them.
    page.get_by_label("Meklēt").fill("līdzfinansēšanas")
    page.get_by_role("button", name="Atlasīt").click()
    page.get_by_role("link", name=re.compile("Liepājas valstspilsētas")).click()
    expect(page.get_by_role("heading", name=re.compile("^Liepājas valstspilsētas"))).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("Daļēji apstiprināts.")
    calls = page.get_by_role("region", name="Konkursi")
    expect(calls).to_contain_text("NVO projektu līdzfinansēšanas konkurss 2027")
    expect(calls).to_contain_text("Atvērts tagad")
    expect(page.get_by_role("link", name="Ieejiet, lai sekotu")).to_be_visible()

    # The historic programme is no opportunity: only on request, marked closed.
    page.goto("/funding/?show_historic=1&q=Aktīvo")
    expect(page.get_by_text("Slēgts / vēsturisks")).to_be_visible()


def test_a_participant_follows_a_matched_call_and_is_reminded(page, mailbox, catalogue):
    liepaja, call = catalogue
    leader, organisation, _place = participant("liene@zala-liepaja.lv")
    sign_in(page, leader.email)
    page.get_by_role("link", name="Finansējums").click()
    page.get_by_role("link", name="Piemērotie avoti manai organizācijai").click()
    matches = page.get_by_role("region", name="Jums piemērotie finansējuma avoti")
    expect(matches).to_contain_text(LIEPAJA)
    expect(matches).to_contain_text("Organizācijām: Liepāja")
    expect(matches).to_contain_text("Termiņš pēc 21 dienas")

    # It states what it seeks; the reasons compare it.
    page.get_by_label("Vajadzīgā summa projektam (EUR)").fill("-100")
    page.get_by_role("button", name="Saglabāt").click()
    expect(page.get_by_text("Vajadzīgajai summai jābūt lielākai par nulli.")).to_be_visible()
    page.get_by_label("Vajadzīgā summa projektam (EUR)").fill("2000")
    page.get_by_role("button", name="Saglabāt").click()
    expect(page.get_by_text("Jums vajadzīgie 2 000 EUR iekļaujas tā robežās").first).to_be_visible()

    page.get_by_role("link", name=re.compile("^Liepājas valstspilsētas")).first.click()
    page.get_by_role(
        "button", name="Sekot konkursam NVO projektu līdzfinansēšanas konkurss 2027"
    ).click()
    expect(page.get_by_text("Tagad jūs tam sekojat")).to_be_visible()
    expect(page.get_by_role("button", name="Pārtraukt sekot konkursam")).to_be_visible()
    page.goto("/profile/")
    expect(page.get_by_role("region", name="Finansējums, kam sekoju")).to_contain_text(
        "NVO projektu līdzfinansēšanas konkurss 2027"
    )

    # The clock moves to 14 days before the deadline: the every-minute dispatch runs.
    with time_machine.travel(call.deadline - datetime.timedelta(days=14), tick=False):
        call_command("dispatch_notifications", stdout=StringIO())
    reminder = [m for m in mailbox() if m["To"] == leader.email][-1]
    assert (
        reminder["Subject"]
        .strip()
        .startswith("Finansējuma termiņš: NVO projektu līdzfinansēšanas konkurss 2027")
    )
    body = text_of(reminder)
    assert "Atgādinām par finansējuma termiņu, kam sekojat" in body
    assert f"/funding/sources/{liepaja.pk}/" in body


def test_staff_import_a_csv_with_a_bad_row_fix_it_and_import(page, catalogue, tmp_path):
    staff = factories.StaffFactory(
        email="santa@inkubators.lv", first_name="Santa", last_name="Kalniņa"
    )
    header = (
        "name_lv,name_en,funder,kind,priority_fields,legal_forms,scope,municipalities,"
        "max_eur,verification\n"
    )
    good = (
        "Ventspils NVO konkurss,Ventspils NGO competition,Ventspils valstspilsētas pašvaldība,"
        "grant,culture; youth,association,municipal,Ventspils,3000,confirmed\n"
    )
    bad = (
        "Talsu kopienu fonds,,Talsu novada fonds,grant,environment,company,municipal,"
        "Talsu novads,-1000,partial\n"
    )
    wrong = tmp_path / "avoti.csv"
    wrong.write_text(header + good + bad, encoding="utf-8")
    fixed = tmp_path / "avoti-labots.csv"
    fixed.write_text(
        header
        + good
        + bad.replace(",company,", ",association; foundation,").replace(",-1000,", ",1000,"),
        encoding="utf-8",
    )

    sign_in(page, staff.email)
    page.get_by_role("link", name="Finansējums").click()
    page.get_by_role("link", name="Imports").click()
    page.get_by_label("CSV vai XLSX fails").set_input_files(wrong)
    page.get_by_role("button", name="Pārbaudīt failu").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Failā ir kļūdas, tāpēc nekas netiks saglabāts.")
    expect(alert).to_contain_text(
        "3. rinda, kolonna “legal_forms”: Nezināma juridiskā forma “company”."
    )
    # The row's other error in the same upload, not after the first is fixed.
    expect(alert).to_contain_text(
        "3. rinda, kolonna “max_eur”: Maksimālā summa nevar būt negatīva."
    )
    expect(page.get_by_role("button", name="Apstiprināt importu")).to_have_count(0)
    assert not FundingSource.objects.filter(
        name_lv__in=["Ventspils NVO konkurss", "Talsu kopienu fonds"]
    ).exists()

    page.get_by_role("link", name="Augšupielādēt izlaboto failu").click()
    page.get_by_label("CSV vai XLSX fails").set_input_files(fixed)
    page.get_by_role("button", name="Pārbaudīt failu").click()
    expect(page.get_by_text("Jauni: 2, mainīti: 0, bez izmaiņām: 0, ar kļūdām: 0.")).to_be_visible()
    assert not FundingSource.objects.filter(name_lv="Ventspils NVO konkurss").exists()
    page.get_by_role("button", name="Apstiprināt importu").click()
    expect(page.get_by_text("Importēts: jauni 2, mainīti 0, bez izmaiņām 0.")).to_be_visible()
    talsi = FundingSource.objects.get(name_lv="Talsu kopienu fonds")
    assert set(talsi.legal_forms.values_list("code", flat=True)) == {"association", "foundation"}
    assert talsi.created_by == staff
