"""The main menu fits the window at desktop and phone widths, for the staff's long menu
(with a mentor's and a reviewer's roles too), a mentor's and an applicant's: the page is
never wider than the window, and the language switch and *Sign out* are within reach
(on a phone, behind the menu button, opened from the keyboard). In headless Chromium."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories

WIDTHS = [1280, 1366, 1536, 390]


@pytest.fixture
def people(transactional_db, expertise_tags):
    cycle = factories.CycleFactory(name="NVO izaugsmes inkubators 2027")
    # Staff with every entry of the staff's menu, and a mentor's and a reviewer's menus too.
    staff = factories.StaffFactory(first_name="Santa", last_name="Kalniņa")
    factories.MentorProfileFactory(user=staff)
    factories.CommitteeMemberFactory(cycle=cycle, user=staff)
    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(first_name="Edgars", last_name="Krūmiņš")
    ).user
    applicant = factories.UserFactory(first_name="Liene", last_name="Bērziņa")
    factories.OrganisationFactory(leader=applicant, name="Biedrība “Liepājas kori”")
    return [
        (
            staff,
            [
                "/",
                reverse("applications:staff_list"),
                reverse("funding:staff_home"),
                reverse("mentoring:availability"),
            ],
        ),
        (mentor, ["/", reverse("mentoring:availability"), reverse("funding:catalogue")]),
        (applicant, ["/", reverse("applications:dashboard"), reverse("funding:catalogue")]),
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_menu_fits_the_window_and_keeps_sign_out_and_the_language_in_reach(
    page, force_login, people, width
):
    page.set_viewport_size({"width": width, "height": 800})
    nav = page.get_by_role("navigation", name="Galvenā izvēlne")
    toggler = nav.get_by_role("button", name="Izvēlne")
    problems = []
    for user, urls in people:
        page.context.clear_cookies()
        force_login(user)
        for url in urls:
            page.goto(url)
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                problems.append(f"{user.display_name} {url} at {width}: {widths}")
            if width < 1200:
                # On a phone the menu is behind its button, opened from the keyboard.
                expect(toggler).to_be_visible()
                expect(toggler).to_have_attribute("aria-controls", "main-nav")
                expect(toggler).to_have_attribute("aria-expanded", "false")
                toggler.focus()
                page.keyboard.press("Enter")
                expect(toggler).to_have_attribute("aria-expanded", "true")
                # Opened (its transition over: "collapsing" until then).
                expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
            else:
                expect(toggler).to_be_hidden()
            expect(nav.get_by_role("button", name="EN", exact=True)).to_be_visible()
            expect(nav.get_by_role("button", name="LV", exact=True)).to_be_visible()
            nav.get_by_role("button", name=user.display_name).click()
            expect(nav.get_by_role("button", name="Iziet")).to_be_visible()
            # Not cut off at the window's right edge either.
            box = nav.get_by_role("button", name="Iziet").bounding_box()
            if box["x"] + box["width"] > widths[1]:
                problems.append(f"{user.display_name} {url} at {width}: sign out cut off")
    assert problems == []
