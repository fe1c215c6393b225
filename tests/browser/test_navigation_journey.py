"""A mentor and a reviewer sign in and land on their own pages, with a menu of what
they can use; a mentor who also leads an organisation finds its pages grouped under
its name; and an email written while the portal runs on a port other than 8000
links to that port. In Latvian, in headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

from .conftest import sign_in, sign_out, text_of


@pytest.fixture
def people(transactional_db, expertise_tags):
    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(email="edgars@lbi.lv", first_name="Edgars", last_name="Krūmiņš")
    ).user
    reviewer = factories.UserFactory(email="ilze@komisija.lv", first_name="Ilze", last_name="Ozola")
    cycle = factories.CycleFactory(name="NVO izaugsmes inkubators 2027")
    factories.CommitteeMemberFactory(cycle=cycle, user=reviewer)
    return mentor, reviewer


def test_a_mentor_and_a_reviewer_land_on_their_own_pages(page, people):
    mentor, reviewer = people
    nav = page.get_by_role("navigation", name="Galvenā izvēlne")

    sign_in(page, mentor.email)
    expect(page.get_by_role("heading", name="Mans mentorings", level=1)).to_be_visible()
    expect(nav.get_by_role("link", name="Mani brīvie laiki")).to_be_visible()
    expect(nav.get_by_role("link", name="Mani pieteikumi")).to_have_count(0)
    expect(nav.get_by_role("link", name="Mani vērtējumi")).to_have_count(0)
    nav.get_by_role("link", name="Mans mentora profils").click()
    expect(page).to_have_url(re.compile(r"/mentoring/profile/$"))
    sign_out(page, "Edgars Krūmiņš")

    sign_in(page, reviewer.email)
    expect(page.get_by_role("heading", name="Mani vērtējumi", level=1)).to_be_visible()
    expect(nav.get_by_role("link", name="Mani vērtējumi")).to_be_visible()
    expect(nav.get_by_role("link", name="Mani pieteikumi")).to_have_count(0)
    expect(nav.get_by_role("link", name="Mana programma")).to_have_count(0)
    sign_out(page, "Ilze Ozola")

    # The mentor leads an organisation too: both roles, the organisation's grouped.
    factories.OrganisationFactory(leader=mentor, name="Biedrība “Liepājas kori”")
    sign_in(page, mentor.email)
    expect(page.get_by_role("heading", name="Mans mentorings", level=1)).to_be_visible()
    nav.get_by_role("button", name="Mana organizācija").click()
    nav.get_by_role("link", name="Mani pieteikumi").click()
    expect(page.get_by_role("heading", name="Mani pieteikumi", level=1)).to_be_visible()
    expect(page.get_by_text("Biedrība “Liepājas kori”").first).to_be_visible()


def test_an_email_written_on_another_port_links_to_that_port(
    page, live_server, settings, mailbox, db
):
    settings.SITE_URL = "http://localhost:8000"  # what the portal would say without a request
    leader = factories.UserFactory(email="liene@kori.lv", first_name="Liene", last_name="Bērziņa")
    organisation = factories.OrganisationFactory(leader=leader, name="Biedrība “Liepājas kori”")
    assert not live_server.url.endswith(":8000")

    sign_in(page, leader.email)
    page.goto(f"/organisations/{organisation.pk}/")
    for address in ["anna@kori.lv", "janis@kori.lv"]:
        page.get_by_label("Kolēģa e-pasta adrese").fill(address)
        page.get_by_role("button", name="Uzaicināt kolēģi").click()
        expect(page.get_by_role("alert").filter(has_text=address)).to_be_visible()

    invitations = [m for m in mailbox() if m["To"] in ("anna@kori.lv", "janis@kori.lv")]
    assert len(invitations) == 2
    for message in invitations:
        text = text_of(message)
        assert "localhost:8000" not in text
        link = re.search(r"http://\S+/invitations/", text).group(0)
        assert link.startswith(live_server.url)
    sign_out(page, "Liene Bērziņa")
    page.goto(link)  # the invited colleague follows the link: to sign in (or sign up) first
    assert page.url.startswith(live_server.url)
    expect(page.get_by_label("E-pasts")).to_be_visible()
