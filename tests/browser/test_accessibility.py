"""The pages of the applicant's journey and the staff list pass axe's automated
accessibility rules (no serious or critical violation)."""

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests import factories

SERIOUS = {"serious", "critical"}


def serious_violations(page):
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def test_public_pages(page, transactional_db, priority_fields):
    factories.CycleFactory(name="NVO izaugsmes inkubators 2027")
    for path in ["/", reverse("account_signup"), reverse("account_login"), "/en/"]:
        page.goto(path)
        assert serious_violations(page) == [], path


def test_applicant_pages(page, force_login, transactional_db, priority_fields):
    applicant = factories.UserFactory()
    organisation = factories.OrganisationFactory(leader=applicant)
    application = factories.ApplicationFactory(organisation=organisation)
    force_login(applicant)
    for path in [
        reverse("applications:dashboard"),
        reverse("applications:edit", args=[application.pk]),
        reverse("organisation_detail", args=[organisation.pk]),
        reverse("organisation_edit", args=[organisation.pk]),
        reverse("profile"),
    ]:
        page.goto(path)
        assert serious_violations(page) == [], path


def test_staff_pages(page, force_login, transactional_db, priority_fields):
    application = factories.ApplicationFactory(submitted=True)
    force_login(factories.StaffFactory())
    for path in [
        reverse("applications:staff_list"),
        reverse("applications:staff_detail", args=[application.pk]),
    ]:
        page.goto(path)
        assert serious_violations(page) == [], path
