"""An organisation's people, in Latvian: the leader invites two colleagues, one with
an account and one without; both accept (the second after signing up); one leaves."""

import re

import pytest
from playwright.sync_api import expect

from incubator.models import Membership
from tests.factories import PASSWORD as FACTORY_PASSWORD

from .conftest import sign_in, sign_out, text_of

PASSWORD = "Liepāja-inkubators-2027"


@pytest.fixture
def organisation(transactional_db, priority_fields):
    from tests import factories

    leader = factories.UserFactory(
        email="ilze@kopienas-darzs.lv", first_name="Ilze", last_name="Kalniņa"
    )
    factories.UserFactory(email="maris@kopienas-darzs.lv", first_name="Māris", last_name="Ozols")
    return factories.OrganisationFactory(leader=leader, name="Biedrība “Kopienas dārzs”")


def link_in(message):
    return re.search(r"https?://\S+/invitations/", text_of(message)).group(0)


def test_the_leader_invites_two_colleagues_both_accept_and_one_leaves(page, mailbox, organisation):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, "ilze@kopienas-darzs.lv")
    page.goto(f"/organisations/{organisation.pk}/")
    people = page.get_by_role("region", name="Cilvēki")

    # Two invitations: the answer and the list do not tell who has an account.
    notices = []
    for email in ["maris@kopienas-darzs.lv", "anna@kopienas-darzs.lv"]:
        people.get_by_label("Kolēģa e-pasta adrese").fill(email)
        people.get_by_role("button", name="Uzaicināt kolēģi").click()
        notice = page.get_by_text("Uzaicinājums nosūtīts uz")
        expect(notice).to_be_visible()
        notices.append(notice.inner_text().replace(email, "…"))
    assert notices[0] == notices[1]
    expect(people.get_by_text("Uzaicināts, uzaicinājums vēl nav pieņemts")).to_have_count(2)
    expect(people).not_to_contain_text("Māris")
    expect(people).not_to_contain_text("Ozols")
    sign_out(page, "Ilze Kalniņa")

    # Māris, who has an account, follows the link in the email, signs in and accepts.
    invitation = next(m for m in mailbox() if m["To"] == "maris@kopienas-darzs.lv")
    page.goto(link_in(invitation))
    page.get_by_label("E-pasts").fill("maris@kopienas-darzs.lv")
    page.get_by_label("Parole").fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Ieiet").click()
    expect(page.get_by_role("heading", name="Biedrība “Kopienas dārzs”")).to_be_visible()
    page.get_by_role("button", name="Pieņemt un pievienoties").click()
    expect(page.get_by_text("Jūs pievienojāties organizācijai")).to_be_visible()
    expect(page.get_by_role("heading", name="Biedrība “Kopienas dārzs”", level=1)).to_be_visible()
    sign_out(page, "Māris Ozols")

    # Anna has no account: she signs up with the invited address, confirms it and
    # lands on the invitation.
    invitation = next(m for m in mailbox() if m["To"] == "anna@kopienas-darzs.lv")
    page.goto(link_in(invitation))
    page.get_by_role("link", name="Reģistrēties").first.click()
    page.get_by_label("Vārds*", exact=True).fill("Anna")
    page.get_by_label("Uzvārds*", exact=True).fill("Liepa")
    page.get_by_label("E-pasts*", exact=True).fill("anna@kopienas-darzs.lv")
    page.get_by_label("Parole*", exact=True).fill(PASSWORD)
    page.get_by_label("Parole (vēlreiz)*", exact=True).fill(PASSWORD)
    page.get_by_label("Izlasīju privātuma paziņojumu").check()
    page.get_by_role("button", name="Reģistrēties").click()
    verification = mailbox()[-1]
    assert verification["To"] == "anna@kopienas-darzs.lv"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", text_of(verification)).group(0)
    page.goto(link)
    page.get_by_role("button", name="Apstiprināt").click()
    page.get_by_role("button", name="Pieņemt un pievienoties").click()
    expect(page.get_by_text("Jūs pievienojāties organizācijai")).to_be_visible()
    people = page.get_by_role("region", name="Cilvēki")
    expect(people.get_by_text("Māris Ozols")).to_be_visible()
    expect(people.get_by_text("Uzaicināts, uzaicinājums vēl nav pieņemts")).to_have_count(0)

    # Anna leaves again.
    people.get_by_role("button", name="Izstāties no organizācijas").click()
    expect(page.get_by_text("Jūs izstājāties no organizācijas")).to_be_visible()
    assert sorted(
        Membership.objects.filter(organisation=organisation).values_list("user__email", flat=True)
    ) == ["ilze@kopienas-darzs.lv", "maris@kopienas-darzs.lv"]
    # All of it under the portal's strict Content-Security-Policy, without a violation.
    assert violations == []
