"""Recommendations that lead somewhere, in Latvian, in headless Chromium under the
strict Content-Security-Policy: the organisation's mentor writes two recommendations,
turns one into an action item of their consultation and links a funding source and
call to the other; the participant sees both with what they lead to, accepts one,
opens the organisation's report and prints it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analysis.models import Recommendation
from mentoring import services as mentoring_services
from mentoring.models import ActionItem
from tests import factories

from .conftest import sign_in, sign_out


@pytest.fixture
def programme(transactional_db, priority_fields, expertise_tags):
    culture = next(f for f in priority_fields if f.code == "culture")
    staff = factories.StaffFactory(email="santa@inkubators.lv")
    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(email="edgars@lbi.lv", first_name="Edgars", last_name="Krūmiņš")
    )
    leader = factories.UserFactory(email="liene@kori.lv", first_name="Liene", last_name="Bērziņa")
    cycle = factories.RunningCycleFactory(name="NVO izaugsmes inkubators — pilotcikls")
    organisation = factories.OrganisationFactory(
        leader=leader, name="Biedrība “Liepājas kori”", priority_field=culture
    )
    place = factories.admit(organisation, cycle, staff)
    assignment = mentoring_services.assign_mentor(cycle, organisation, mentor, by=staff)
    mentoring_services.accept_assignment(assignment, by=mentor.user)
    mentoring_services.log_ad_hoc(
        place,
        mentor,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        mode="online",
        by=mentor.user,
        outcome="held",
        minutes=60,
        summary="Analīzes saruna",
    )
    call = factories.FundingCallFactory(
        title="Kopienu iniciatīvu konkurss",
        source=factories.FundingSourceFactory(name_lv="Liepājas NVO fonds"),
    )
    return mentor, leader, call


def _recommend(page, about, text):
    form = page.get_by_role("region", name="Pievienot ieteikumu")
    form.get_by_label(re.compile(r"^\s*Par ko")).select_option(label=about)
    form.get_by_label(re.compile(r"^\s*Ieteikums")).fill(text)
    form.get_by_role("button", name="Pievienot ieteikumu").click()
    expect(page.get_by_text("Ieteikums pievienots.")).to_be_visible()


def test_the_mentor_turns_recommendations_into_work_and_the_participant_prints_the_report(
    page, csp_violations, programme
):
    mentor, leader, call = programme
    page.add_init_script("window.print = () => { window.printed = true; };")
    due = timezone.localdate() + datetime.timedelta(days=14)

    # The mentor writes two recommendations.
    sign_in(page, mentor.user.email)
    page.get_by_role("link", name="Analīze").click()
    page.get_by_role("link", name="Rezultāti un ieteikumi").click()
    _recommend(page, "Komunikācija", "Vienoties par vienu teikumu, kas apraksta kori.")
    _recommend(page, "Ilgtspēja", "Piesaistīt pašvaldības finansējumu koncertu sezonai.")

    # One becomes an action item of their consultation, reminded before it is due.
    card = page.locator("article", has_text="Vienoties par vienu teikumu")
    card.get_by_text("Izveidot uzdevumu").click()
    card.get_by_label(re.compile(r"^\s*Kas jādara")).fill("Uzrakstīt teikumu un saskaņot valdē")
    card.get_by_label(re.compile(r"^\s*Termiņš")).fill(due.isoformat())
    card.get_by_role("button", name="Pievienot uzdevumu").click()
    expect(page.get_by_text("Uzdevums pievienots.")).to_be_visible()
    item = ActionItem.objects.get(description="Uzrakstīt teikumu un saskaņot valdē")
    assert item.due_on == due and item.owner == "organisation"

    # The other is linked to a funding source of the catalogue and its call.
    card = page.locator("article", has_text="Piesaistīt pašvaldības finansējumu")
    card.get_by_text("Pievienot finansējuma avotu").click()
    card.get_by_label(re.compile(r"^\s*Finansējuma avots")).select_option(
        label="Liepājas NVO fonds"
    )
    card.get_by_label(re.compile(r"^\s*Konkurss")).select_option(
        label="Liepājas NVO fonds: Kopienu iniciatīvu konkurss"
    )
    card.get_by_role("button", name="Pievienot", exact=True).click()
    expect(page.get_by_text("Finansējums pievienots ieteikumam.")).to_be_visible()
    sign_out(page, "Edgars Krūmiņš")

    # The participant sees both, with what they lead to, and accepts one.
    sign_in(page, leader.email)
    page.get_by_role("link", name="Analīze").click()
    page.get_by_role("link", name="Rezultāti un ieteikumi").click()
    first = page.locator("article", has_text="Vienoties par vienu teikumu")
    expect(first).to_contain_text("Uzrakstīt teikumu un saskaņot valdē")
    second = page.locator("article", has_text="Piesaistīt pašvaldības finansējumu")
    expect(second.get_by_role("link", name="Liepājas NVO fonds")).to_be_visible()
    expect(second).to_contain_text("Kopienu iniciatīvu konkurss")
    first.get_by_label("Ko ar to darījāt").select_option(label="Pieņemts")
    first.get_by_role("button", name="Saglabāt").click()
    expect(page.get_by_text("Saglabāts.")).to_be_visible()
    assert Recommendation.objects.get(topic="communication").status == "accepted"

    # The organisation's report: a document with every section, printed.
    page.get_by_role("link", name="Organizācijas pārskats").click()
    expect(
        page.get_by_role("heading", name=re.compile("Organizācijas pārskats: Biedrība"))
    ).to_be_visible()
    for section in ("Kapacitāte cikla sākumā un beigās", "Konsultācijas un stundas", "Ieteikumi"):
        expect(page.get_by_role("heading", name=re.compile(section))).to_be_visible()
    expect(page.locator("article.report")).to_contain_text("Uzrakstīt teikumu un saskaņot valdē")
    expect(page.locator("article.report")).to_contain_text("Pieņemts")
    page.get_by_role("button", name="Drukāt vai saglabāt kā PDF").click()
    assert page.evaluate("window.printed") is True
    assert csp_violations == []
