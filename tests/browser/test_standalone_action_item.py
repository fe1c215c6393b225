"""An action item before any consultation, in Latvian, in headless Chromium under the
strict Content-Security-Policy: right after the baseline analysis the organisation's
mentor turns a recommendation into an action item without a consultation; the
participant finds it on My programme and marks it done."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analysis import services as analysis_services
from mentoring import services as mentoring_services
from mentoring.models import ActionItem
from tests import factories

from .conftest import sign_in, sign_out


@pytest.fixture
def programme(transactional_db, priority_fields, expertise_tags):
    staff = factories.StaffFactory(email="santa@inkubators.lv")
    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(email="edgars@lbi.lv", first_name="Edgars", last_name="Krūmiņš")
    )
    leader = factories.UserFactory(email="liene@kori.lv", first_name="Liene", last_name="Bērziņa")
    cycle = factories.RunningCycleFactory(name="NVO izaugsmes inkubators — pilotcikls")
    organisation = factories.OrganisationFactory(leader=leader, name="Biedrība “Liepājas kori”")
    place = factories.admit(organisation, cycle, staff)
    assignment = mentoring_services.assign_mentor(cycle, organisation, mentor, by=staff)
    mentoring_services.accept_assignment(assignment, by=mentor.user)
    analysis_services.add_recommendation(
        place,
        by=mentor.user,
        topic="communication",
        area=None,
        text="Vienoties par vienu teikumu, kas apraksta kori.",
        priority=1,
    )
    return mentor, leader


def test_an_action_item_before_any_consultation_reaches_my_programme(
    page, csp_violations, programme
):
    mentor, leader = programme
    due = timezone.localdate() + datetime.timedelta(days=14)

    sign_in(page, mentor.user.email)
    page.get_by_role("link", name="Analīze").click()
    page.get_by_role("link", name="Rezultāti un ieteikumi").click()
    card = page.locator("article", has_text="Vienoties par vienu teikumu")
    card.get_by_text("Izveidot uzdevumu").click()
    choice = card.get_by_label(re.compile(r"^\s*Norunāts konsultācijā"))
    expect(choice.locator("option:checked")).to_have_text("Bez konsultācijas")
    card.get_by_label(re.compile(r"^\s*Kas jādara")).fill("Uzrakstīt teikumu un saskaņot valdē")
    card.get_by_label(re.compile(r"^\s*Termiņš")).fill(due.isoformat())
    card.get_by_role("button", name="Pievienot uzdevumu").click()
    expect(page.get_by_text("Uzdevums pievienots.")).to_be_visible()
    item = ActionItem.objects.get(description="Uzrakstīt teikumu un saskaņot valdē")
    assert item.consultation is None and item.due_on == due
    sign_out(page, "Edgars Krūmiņš")

    sign_in(page, leader.email)
    page.get_by_role("link", name="Mana programma").first.click()
    page.get_by_role(
        "button", name="Atzīmēt kā izdarītu: Uzrakstīt teikumu un saskaņot valdē"
    ).click()
    expect(
        page.get_by_text("Atzīmēts kā izdarīts: Uzrakstīt teikumu un saskaņot valdē")
    ).to_be_visible()
    item.refresh_from_db()
    assert item.is_done
    assert csp_violations == []
