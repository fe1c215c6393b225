"""A reviewer whose cycle shows the committee's reviews to each other, in Latvian:
opening and reloading the page leaves their review theirs to reopen; they read the
others only by pressing the button that says their review then locks."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import ReviewAssignment

from .test_review_journey import sign_in


@pytest.fixture
def reviewed(transactional_db, priority_fields, review):
    from applications import services
    from tests import factories

    staff = factories.StaffFactory()
    cycle = factories.CycleFactory(name="NVO izaugsmes inkubators 2027")
    criterion = factories.CriterionFactory(
        cycle=cycle, name_lv="Atbilstība programmas mērķim", scale_max=5
    )
    services.update_review_settings(cycle, by=staff, reviewers_see_other_reviews=True)
    application = factories.ApplicationFactory(
        cycle=cycle,
        submitted=True,
        organisation=factories.OrganisationFactory(name="Biedrība “Kopienas dārzs”"),
    )
    review(factories.UserFactory(), application, {criterion: 2}, comment="Vājš budžets.")
    review(factories.UserFactory(), application, {criterion: 5}, comment="Spēcīga komanda.")
    reviewer = factories.UserFactory(
        email="ruta@partneris.lv", first_name="Rūta", last_name="Liepiņa"
    )
    return review(reviewer, application, {criterion: 4})


def test_the_reviewer_reads_the_others_only_by_pressing_the_button(page, reviewed):
    from tests.factories import PASSWORD

    sign_in(page, "ruta@partneris.lv", PASSWORD)
    page.get_by_role("link", name=re.compile("Biedrība “Kopienas dārzs”")).click()
    others = page.get_by_role("region", name="Pārējie vērtējumi")
    expect(others).to_contain_text("2 citi šī pieteikuma vērtējumi ir iesniegti.")
    expect(others).to_contain_text("jūsu vērtējums tiek bloķēts")
    expect(others).not_to_contain_text("Spēcīga komanda.")

    # A reload (or a prefetch) changes nothing: the review is still hers to reopen.
    page.reload()
    expect(page.get_by_role("button", name="Atvērt manu vērtējumu no jauna")).to_be_visible()
    assert ReviewAssignment.objects.get(pk=reviewed.pk).others_seen_at is None

    others.get_by_role("button", name="Izlasīt pārējos vērtējumus un bloķēt manu").click()
    expect(others).to_contain_text("Spēcīga komanda.")
    expect(others).to_contain_text("Vājš budžets.")
    expect(page.get_by_role("button", name="Atvērt manu vērtējumu no jauna")).to_have_count(0)
    expect(page.get_by_text("Jūs jau izlasījāt pārējos vērtējumus", exact=False)).to_be_visible()
    assert ReviewAssignment.objects.get(pk=reviewed.pk).others_seen_at is not None
