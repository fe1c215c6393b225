"""The staff's pages under a strict Content-Security-Policy (no inline scripts, event
handlers or styles, no eval), in Latvian: picking a cycle, the progress bar, deleting
a deadline after the question, the audit filter, printing the protocol and copying
the calendar address all still work, and the browser reports no violation."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Deadline

from .test_review_journey import sign_in


@pytest.fixture
def strict_page(page, csp_violations):
    """The page under the strict policy, the violations it reports; printing is recorded."""
    page.add_init_script("window.print = () => { window.printed = true; };")
    return page, csp_violations


@pytest.fixture
def programme(transactional_db, priority_fields):
    from cohorts import services
    from tests import factories

    staff = factories.StaffFactory(
        email="santa@inkubators.lv", first_name="Santa", last_name="Kalniņa"
    )
    running = factories.RunningCycleFactory(name="NVO izaugsmes inkubators — pilotcikls")
    upcoming = factories.CycleFactory(name="NVO izaugsmes inkubators — nākamais")
    organisation = factories.OrganisationFactory(
        leader=factories.UserFactory(), priority_field=priority_fields[0]
    )
    factories.admit(organisation, running, staff)
    services.create_deadline(
        cycle=running,
        by=staff,
        cohort=None,
        title="Attīstības plāns",
        description="Iesūtiet plānu",
        due_at=timezone.now() + datetime.timedelta(days=20),
        audience="participants",
    )
    return staff, running, upcoming


def test_the_staff_pages_work_under_a_strict_policy(strict_page, programme):
    from tests.factories import PASSWORD

    page, violations = strict_page
    staff, running, upcoming = programme
    sign_in(page, staff.email, PASSWORD)

    # The cycle picker sends its form when another cycle is chosen.
    page.goto(reverse("cohorts:cohort_list"))
    bar = page.locator(".progress-bar[data-progress]")
    expect(bar).to_have_attribute("style", re.compile(r"width: \d+%"))
    assert bar.evaluate("bar => bar.style.width") == bar.get_attribute("data-progress") + "%"
    page.get_by_label("Cikls").select_option(label=upcoming.name)
    expect(page).to_have_url(re.compile(rf"\?cycle={upcoming.pk}$"))
    page.wait_for_load_state()  # the new page's script is ready, as a person would wait
    page.get_by_label("Cikls").select_option(label=running.name)
    expect(page).to_have_url(re.compile(rf"\?cycle={running.pk}$"))

    # Deleting a deadline asks first: "no" keeps it, "yes" deletes it.
    row = page.get_by_role("row", name=re.compile("Attīstības plāns"))
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Dzēst").click()
    expect(row).to_be_visible()
    assert Deadline.objects.filter(title="Attīstības plāns").exists()
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Dzēst").click()
    expect(page.get_by_text("Termiņš “Attīstības plāns” ir izdzēsts.")).to_be_visible()
    assert not Deadline.objects.filter(title="Attīstības plāns").exists()

    # The audit trail's filter sends its form on a change; the protocol prints.
    page.goto(reverse("applications:review_audit", args=[running.pk]))
    page.get_by_label("Rādīt").select_option(label="Kritēriji")
    expect(page).to_have_url(re.compile(r"kind=criteria"))
    page.goto(reverse("applications:review_protocol", args=[running.pk]))
    page.get_by_role("button", name="Drukāt").click()
    assert page.evaluate("window.printed") is True

    # The calendar address is selected whole with one click, ready to copy.
    page.goto(reverse("profile"))
    page.get_by_role("button", name="Izveidot manu kalendāra adresi").click()
    address = page.get_by_label("Jūsu kalendāra adrese")
    address.click()
    assert address.evaluate("field => [field.selectionStart, field.selectionEnd]") == [
        0,
        len(address.input_value()),
    ]

    assert violations == []
