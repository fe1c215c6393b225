"""The bid journey in Latvian, in headless Chromium: a participant starts a bid (a
bad amount first comes back with its message and what was typed), asks its mentor
for a review; the mentor, from the email, comments with a marked-up file; the
participant marks the bid submitted and then awarded with an amount; staff see the
EUR awarded on the board, and move another bid by dragging its card. The mentor
recommends a source to the organisation, whose leader is emailed and reads it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funding.bids import services
from funding.models import Bid, FundingSource
from incubator.models import User
from tests import factories
from tests.bid_support import assign
from tests.funding_support import at, participant, source

from .conftest import text_of
from .test_meeting_journey import sign_in, sign_out
from .test_strict_csp import strict_page  # noqa: F401 (a fixture)

PDF = b"%PDF-1.4 labojumi"


@pytest.fixture
def people(transactional_db, funding_reference):
    leader, organisation, place = participant("liene@zala-liepaja.lv")
    User.objects.filter(pk=leader.pk).update(first_name="Liene", last_name="Bērziņa")
    staff = User.objects.get(email="koordinatore@inkubators.lv")
    User.objects.filter(pk=staff.pk).update(first_name="Santa", last_name="Ozola")
    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(
            email="edgars@mentori.lv", first_name="Edgars", last_name="Krūmiņš"
        )
    ).user
    assign(place, mentor, staff)
    fund = source(
        name_lv="Vides izglītības fonds", funder="Vides aizsardzības fonds", fields=["environment"]
    )
    factories.FundingCallFactory(
        source=fund, title="Skolu vides projekti", deadline=at(25, 23, 59), opens_at=at(-3)
    )
    return {"leader": leader, "place": place, "staff": staff, "mentor": mentor}


def test_a_bid_from_its_start_to_the_award_seen_on_the_board(page, mailbox, people, tmp_path):
    leader = people["leader"]
    sign_in(page, leader.email)
    page.goto("/funding/mine/")
    page.get_by_role("link", name="Mūsu projektu pieteikumi").click()
    page.get_by_role("link", name=re.compile("^Jauns projekta pieteikums")).click()
    page.get_by_label("Projekta nosaukums").fill("Zaļā skola pie jūras")
    page.get_by_label("Finansējuma avots").select_option(label="Vides izglītības fonds")
    page.get_by_label("Prasītā summa (EUR)").fill("-5000")
    page.get_by_label("Izredzes uz atbalstu (%)").fill("60")
    page.get_by_role("button", name="Saglabāt").click()
    expect(page.get_by_label("Projekta nosaukums")).to_have_value("Zaļā skola pie jūras")
    expect(page.locator("#error_1_id_amount_requested")).to_be_visible()
    assert not Bid.objects.exists()
    page.get_by_label("Prasītā summa (EUR)").fill("5000")
    page.get_by_role("button", name="Saglabāt").click()
    expect(page.get_by_text("Projekta pieteikums ir uzsākts.")).to_be_visible()
    expect(page.locator("#bid-status")).to_have_text("Ideja")

    # It asks its mentor for a review.
    page.get_by_label("Kam lūgt atsauksmi").select_option(label="Edgars Krūmiņš")
    page.get_by_label("Kam pievērst uzmanību").fill("Lūdzu, paskatieties budžetu.")
    page.get_by_role("button", name="Lūgt atsauksmi").click()
    expect(page.get_by_text("Atsauksme lūgta: Edgars Krūmiņš.")).to_be_visible()
    expect(page.locator("#bid-status")).to_have_text("Lūgta atsauksme")
    sign_out(page, "Liene Bērziņa")

    # The mentor follows the email's link and comments with a marked-up file.
    asked = [m for m in mailbox() if m["To"] == "edgars@mentori.lv"][-1]
    assert "Zaļā skola pie jūras" in asked["Subject"]
    link = re.search(r"https?://\S+/funding/bids/\d+/", text_of(asked)).group(0)
    sign_in(page, "edgars@mentori.lv")
    page.goto(link)
    page.get_by_label("Komentārs").fill("Budžetā trūkst līdzfinansējuma; skat. failu.")
    marked = tmp_path / "labojumi.pdf"
    marked.write_bytes(PDF)
    page.get_by_label("Fails ar labojumiem (nav obligāts)").set_input_files(marked)
    page.get_by_role("button", name="Pievienot komentāru").click()
    expect(page.get_by_text("Jūsu komentārs ir pievienots.")).to_be_visible()
    thread = page.get_by_role("region", name="Atsauksmes un komentāri")
    expect(thread).to_contain_text("Budžetā trūkst līdzfinansējuma")
    expect(thread.get_by_role("link", name="labojumi.pdf")).to_be_visible()
    expect(page.get_by_role("button", name="Pārvietot")).to_have_count(0)
    sign_out(page, "Edgars Krūmiņš")

    # The participant reads it, submits the bid and later records the award.
    told = [m for m in mailbox() if m["To"] == leader.email][-1]
    assert "Budžetā trūkst līdzfinansējuma" in text_of(told)
    sign_in(page, leader.email)
    page.goto(link)
    expect(page.get_by_role("region", name="Atsauksmes un komentāri")).to_contain_text(
        "Edgars Krūmiņš"
    )
    page.get_by_label("Pārvietot uz").select_option(label="Iesniegts")
    page.get_by_role("button", name="Pārvietot").click()
    expect(page.locator("#bid-status")).to_have_text("Iesniegts")
    page.get_by_label("Pārvietot uz").select_option(label="Piešķirts")
    page.get_by_role("button", name="Pārvietot").click()
    expect(page.get_by_text("Ierakstiet piešķirto summu.")).to_be_visible()
    page.get_by_label("Piešķirtā summa (EUR)").fill("4200")
    page.get_by_role("button", name="Pārvietot").click()
    expect(page.locator("#bid-status")).to_have_text("Piešķirts")
    expect(page.locator("#bid-awarded")).to_have_text(re.compile(r"^4\s?200 EUR$"))
    sign_out(page, "Liene Bērziņa")

    # Staff see the EUR awarded on the board.
    sign_in(page, "koordinatore@inkubators.lv")
    page.goto("/staff/funding/")
    page.get_by_role("link", name="Projektu pieteikumi").click()
    expect(page.locator("#total-awarded")).to_have_text(re.compile(r"4\s?200,00"))
    awarded = page.get_by_role("region", name=re.compile("^Piešķirts"))
    expect(awarded).to_contain_text("Zaļā skola pie jūras")


def test_staff_move_bids_on_the_board_by_keyboard_and_by_dragging(strict_page, people):  # noqa: F811
    """Under a strict Content-Security-Policy: the drag is the board's own script."""
    page, violations = strict_page
    place, leader = people["place"], people["leader"]
    for title in ("Upes talka", "Kopienas dārzs"):
        bid = services.save_bid(
            place=place,
            by=leader,
            values={"title": title, "funder": "Novada fonds", "amount_requested": Decimal("900")},
        )
        services.change_status(bid, "submitted", by=leader)
    page.set_viewport_size({"width": 1900, "height": 1000})  # every column in view
    sign_in(page, "koordinatore@inkubators.lv")
    page.goto("/staff/funding/bids/")
    submitted = page.get_by_role("region", name=re.compile("^Iesniegts"))
    expect(submitted.get_by_role("article")).to_have_count(2)

    # Each "Move to" list is wide enough to read its choices (the longest: "Piešķirts").
    moves = page.get_by_label("Pārvietot “Upes talka” uz")
    assert moves.evaluate("(select) => select.scrollWidth <= select.clientWidth + 1")
    assert moves.bounding_box()["width"] >= 150

    # By keyboard: the card's own list and button.
    page.get_by_label("Pārvietot “Upes talka” uz").focus()
    page.get_by_label("Pārvietot “Upes talka” uz").select_option(label="Noraidīts")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    rejected = page.get_by_role("region", name=re.compile("^Noraidīts"))
    expect(rejected).to_contain_text("Upes talka")

    # By dragging: the card dropped on another column.
    card = page.get_by_role("article", name="Kopienas dārzs")
    card.drag_to(
        page.get_by_role("region", name=re.compile("^Atsaukts")),
        source_position={"x": 6, "y": 6},  # the card itself, not its form
    )
    expect(page.get_by_role("region", name=re.compile("^Atsaukts"))).to_contain_text(
        "Kopienas dārzs"
    )
    assert set(Bid.objects.values_list("status", flat=True)) == {"rejected", "withdrawn"}
    assert violations == []


def test_the_mentor_recommends_funding_and_the_organisation_reads_it(page, mailbox, people):
    leader, place = people["leader"], people["place"]
    organisation = place.organisation.name
    sign_in(page, "edgars@mentori.lv")
    page.goto("/funding/bids/")
    page.get_by_role("link", name=f"Ieteikt finansējumu: {organisation}").click()
    page.get_by_label("Finansējuma avots").select_option(label="Vides izglītības fonds")
    page.get_by_role("button", name="Ieteikt", exact=True).click()
    # No note: its message, the source still chosen.
    expect(page.locator("#error_1_id_note")).to_be_visible()
    fund = FundingSource.objects.get(name_lv="Vides izglītības fonds")
    expect(page.get_by_label("Finansējuma avots")).to_have_value(str(fund.pk))
    page.get_by_label("Piezīme organizācijai").fill("Der jūsu skolu programmai.")
    page.get_by_role("button", name="Ieteikt", exact=True).click()
    expect(page.get_by_text(f"Ieteikts organizācijai {organisation}")).to_be_visible()
    expect(page.get_by_role("region", name="Ieteikts")).to_contain_text(
        "Der jūsu skolu programmai."
    )
    sign_out(page, "Edgars Krūmiņš")

    told = [m for m in mailbox() if m["To"] == leader.email][-1]
    assert "Vides izglītības fonds" in told["Subject"]
    sign_in(page, leader.email)
    page.goto("/funding/mine/")
    expect(page.get_by_text("Der jūsu skolu programmai.")).to_be_visible()
