"""The waiting list moves, in Latvian: an admitted organisation leaves the
programme, the next organisation on the waiting list receives the offered place by
email, and its leader accepts it on the portal."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from applications.models import Application, PlaceOffer

from .conftest import sign_in, sign_out, text_of


@pytest.fixture
def waiting_list(transactional_db, priority_fields):
    """One place, taken by “Kopienas dārzs”; “Jūras vārti”, “Liepu aleja” and
    “Vecā osta” wait, in that order of the ranking; every decision has been sent."""
    from applications import services
    from tests import factories

    cycle = factories.CycleFactory(name="NVO izaugsmes inkubators 2027", places=1)
    criterion = factories.CriterionFactory(cycle=cycle, name_lv="Atbilstība", scale_max=5)
    staff = factories.StaffFactory(email="santa@inkubators.lv")
    people = {}
    applications = []
    for name, leader, value in (
        ("Biedrība “Kopienas dārzs”", ("ilze@kopienas-darzs.lv", "Ilze", "Kalniņa"), 5),
        ("Biedrība “Jūras vārti”", ("janis@juras-varti.lv", "Jānis", "Ozols"), 4),
        ("Biedrība “Liepu aleja”", ("anna@liepu-aleja.lv", "Anna", "Liepa"), 3),
        ("Biedrība “Vecā osta”", ("peteris@veca-osta.lv", "Pēteris", "Krūmiņš"), 2),
    ):
        email, first, last = leader
        user = factories.UserFactory(email=email, first_name=first, last_name=last)
        people[name] = user
        application = factories.ApplicationFactory(
            cycle=cycle,
            submitted=True,
            organisation=factories.OrganisationFactory(
                name=name, leader=user, priority_field=priority_fields[2]
            ),
        )
        factories_review(services, factories, cycle, application, criterion, value)
        applications.append(application)
    admitted, *waiting = applications
    services.decide(admitted, decision="admitted", by=staff, reason="Augsts vērtējums")
    for application in waiting:
        services.decide(application, decision="waitlisted", by=staff, reason="Rezervē")
    services.finalise_ranking(cycle, by=staff)
    services.send_decision_letters(cycle, applications, by=staff)
    return admitted, waiting, people


def factories_review(services, factories, cycle, application, criterion, value):
    member = factories.CommitteeMemberFactory(cycle=cycle)
    assignment = services.assign(application, member, by=None)
    services.declare_conflict(assignment, by=member.user, has_conflict=False)
    services.save_review(
        assignment, by=member.user, scores={criterion.pk: (value, "")}, submit=True
    )


def test_a_participant_leaves_and_the_next_on_the_waiting_list_accepts_the_place(
    page, mailbox, waiting_list
):
    admitted, (first, second, third), people = waiting_list

    # The participant leaves the programme.
    sign_in(page, "ilze@kopienas-darzs.lv")
    page.goto(f"/applications/{admitted.pk}/")
    page.get_by_role("link", name="Izstāties no programmas").click()
    notice = re.compile("nākamajai organizācijai gaidīšanas sarakstā")
    expect(page.get_by_text(notice)).to_be_visible()
    page.get_by_label("Iemesls (nav obligāts)").fill("Mainījās valde.")
    page.get_by_role("button", name="Atsaukt").click()
    expect(page.get_by_text("Pieteikums ir atsaukts.")).to_be_visible()
    sign_out(page, "Ilze Kalniņa")

    # The next organisation's leader finds the offer in the mail.
    offer_mail = next(
        m
        for m in mailbox()
        if m["To"] == "janis@juras-varti.lv" and "piedāvāta vieta" in m["Subject"]
    )
    assert not any(m["To"] == "anna@liepu-aleja.lv" and "vieta" in m["Subject"] for m in mailbox())
    link = re.search(r"https?://\S+/offers/\d+/", text_of(offer_mail)).group(0)
    sign_in(page, "janis@juras-varti.lv")
    page.goto(urlsplit(link).path)
    expect(
        page.get_by_role("heading", name="No gaidīšanas saraksta piedāvāta vieta")
    ).to_be_visible()
    expect(page.get_by_text(re.compile("Biedrība “Jūras vārti” ir nākamā"))).to_be_visible()
    page.get_by_role("button", name="Pieņemt vietu").click()
    expect(page.get_by_text("Jūs pieņēmāt vietu: laipni lūdzam programmā!")).to_be_visible()
    expect(page.get_by_text(re.compile("Piedāvājuma stāvoklis: Pieņemts"))).to_be_visible()

    first.refresh_from_db()
    assert (first.status, first.visible_status) == ("admitted", "admitted")
    assert PlaceOffer.objects.get().status == "accepted"
    assert Application.objects.get(pk=second.pk).status == "waitlisted"
    # On the dashboard the organisation is admitted.
    page.goto("/dashboard/")
    expect(page.locator(".badge", has_text="Uzņemts").first).to_be_visible()
