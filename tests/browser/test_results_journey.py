"""The programme's results in the browser, in Latvian, under the strict policy: staff
open the results dashboard from the analysis menu, see a chart drawn beside its
table, download one table as CSV, open the programme report and press print; then an
anonymous visitor opens the public results page and finds a consenting organisation
named there, and not one that did not consent."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.results_support import programme

from .conftest import sign_in


@pytest.fixture
def world(transactional_db):
    return programme()


def test_staff_read_the_results_and_a_visitor_the_public_page(page, csp_violations, world):
    page.add_init_script("window.print = () => { window.printed = true; };")
    sign_in(page, world.staff.email)

    page.goto(reverse("analysis:cycle", args=[world.cycle.pk]))
    page.get_by_role("link", name="Programmas rezultāti").first.click()
    expect(
        page.get_by_role("heading", name="Programmas rezultāti: Inkubators 2027")
    ).to_be_visible()
    funnel = page.locator("#table-funnel")
    expect(funnel.get_by_role("row", name=re.compile("^Kopā"))).to_contain_text("6")
    # The chart is drawn (Chart.js from static/), with its text alternative.
    chart = funnel.locator("canvas[data-chart]")
    expect(chart).to_have_attribute("data-drawn", "1")
    expect(chart).to_have_attribute("aria-label", re.compile("tie paši skaitļi ir tabulā"))

    bids = page.locator("#table-bids")
    with page.expect_download() as download:
        bids.get_by_role(
            "link", name="Projektu pieteikumi finansējumam pa prioritārajām jomām, CSV"
        ).click()
    saved = download.value
    assert saved.suggested_filename.startswith("inkubators-2027-bids-")
    text = open(saved.path(), encoding="utf-8-sig").read()
    assert "Kopā,4,3,1,1,50,19000.0,8000.0" in text

    page.get_by_role("link", name="Programmas pārskats finansētājam").click()
    expect(page.get_by_role("heading", name="Starpposma pārskats par programmu")).to_be_visible()
    expect(page.get_by_text("Ciklam pieteicās 6 organizācijas")).to_be_visible()
    expect(page.get_by_role("heading", name="5. Piesaistītais finansējums")).to_be_visible()
    page.get_by_role("button", name="Drukāt vai saglabāt kā PDF").click()
    assert page.evaluate("window.printed") is True
    # Printed, the page keeps no menu nor buttons.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Galvenā izvēlne")).to_be_hidden()
    expect(page.get_by_role("button", name="Drukāt vai saglabāt kā PDF")).to_be_hidden()
    page.emulate_media(media="screen")

    page.context.clear_cookies()
    page.goto("/")
    page.get_by_role("link", name="Rezultāti").first.click()
    expect(page.get_by_role("heading", name=re.compile("Inkubators 2027"))).to_be_visible()
    listed = page.locator("#listed-organisations")
    expect(listed).to_contain_text("Biedrība “A kopiena”")
    expect(listed).not_to_contain_text("Biedrība “B kopiena”")
    assert "Biedrība “B kopiena”" not in page.content()

    assert csp_violations == []
