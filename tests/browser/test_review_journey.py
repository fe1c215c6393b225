"""Selection, in Latvian, end to end: staff define the criteria, invite a reviewer
and assign; the reviewer chooses a password, declares no conflict of interest and
scores; staff admit and send the letter; the organisation sees the decision and
the letter."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, ReviewAssignment

from .conftest import sign_in, sign_out, text_of

REVIEWER_PASSWORD = "Vērtētāja-parole-2027"


@pytest.fixture
def evaluation(transactional_db, priority_fields):
    from tests import factories

    cycle = factories.CycleFactory(
        name="NVO izaugsmes inkubators 2027",
        call_opens_at=timezone.now() - datetime.timedelta(days=30),
        call_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    applicant = factories.UserFactory(
        email="ilze@kopienas-darzs.lv", first_name="Ilze", last_name="Kalniņa"
    )
    organisation = factories.OrganisationFactory(
        leader=applicant, name="Biedrība “Kopienas dārzs”", priority_field=priority_fields[2]
    )
    factories.ApplicationFactory(
        cycle=cycle, organisation=organisation, submitted=True, created_by=applicant
    )
    # A second organisation, whose review another committee member does.
    factories.ApplicationFactory(
        cycle=cycle,
        organisation=factories.OrganisationFactory(
            name="Biedrība “Jūras vārti”", priority_field=priority_fields[2]
        ),
        submitted=True,
    )
    staff = factories.StaffFactory(
        email="santa@inkubators.lv", first_name="Santa", last_name="Kalniņa"
    )
    return cycle, staff, applicant


def _scored_by_a_colleague(cycle, organisation_name):
    from applications import services
    from tests import factories

    application = Application.objects.get(cycle=cycle, organisation__name=organisation_name)
    member = factories.CommitteeMemberFactory(cycle=cycle)
    assignment = services.assign(application, member, by=None)
    services.declare_conflict(assignment, by=member.user, has_conflict=False)
    services.save_review(
        assignment,
        by=member.user,
        scores={criterion.pk: (2, "") for criterion in cycle.criteria.all()},
        submit=True,
    )


def test_staff_define_assign_a_reviewer_scores_staff_admit_the_applicant_reads_the_letter(
    page, mailbox, evaluation
):
    from tests.factories import PASSWORD

    cycle, staff, applicant = evaluation

    # Staff define two criteria.
    sign_in(page, staff.email, PASSWORD)
    page.get_by_role("link", name="Vērtēšana").click()
    expect(page.get_by_role("heading", name=re.compile(cycle.name))).to_be_visible()
    page.get_by_role("link", name="Kritēriji").click()
    form = page.locator("fieldset.criterion-form").last
    form.get_by_label("Nosaukums (latviski)").fill("Atbilstība programmas mērķim")
    form.get_by_label("Svars").fill("3")
    form.get_by_label("Augstākais vērtējums").fill("5")
    page.get_by_role("button", name="Saglabāt kritērijus").click()
    expect(page.get_by_text("Kritēriji saglabāti.")).to_be_visible()
    form = page.locator("fieldset.criterion-form").last
    form.get_by_label("Nosaukums (latviski)").fill("Ietekme uz kopienu")
    form.get_by_label("Svars").fill("1")
    form.get_by_label("Augstākais vērtējums").fill("5")
    form.get_by_label("Secība").fill("2")
    page.get_by_role("button", name="Saglabāt kritērijus").click()
    expect(page.get_by_text("Svaru summa ir 4.")).to_be_visible()

    # Another committee member has already scored the second organisation.
    _scored_by_a_colleague(cycle, "Biedrība “Jūras vārti”")

    # Invite a committee member who has no account yet, and assign automatically.
    page.get_by_role("link", name="Komisija").click()
    page.get_by_label("E-pasta adrese").fill("ruta@partneris.lv")
    page.get_by_label("Vārds", exact=True).fill("Rūta")
    page.get_by_label("Uzvārds", exact=True).fill("Liepiņa")
    page.get_by_label("Organizācija").fill("Liepājas NVO centrs")
    page.get_by_role("button", name="Uzaicināt").click()
    expect(
        page.get_by_text("Uzaicinājums pievienoties vērtēšanas komisijai nosūtīts: Rūta Liepiņa.")
    ).to_be_visible()
    page.get_by_role("link", name="Gaita").click()
    page.get_by_label("Vērtētāji vienam pieteikumam").fill("1")
    page.get_by_role("region", name="Piešķirt automātiski").get_by_role(
        "button", name="Piešķirt"
    ).click()
    expect(page.get_by_text("Piešķirts 1 vērtējums.")).to_be_visible()
    expect(page.locator(".review-chip", has_text="Rūta Liepiņa")).to_have_count(1)
    sign_out(page, "Santa Kalniņa")

    # The reviewer chooses a password with the link from the invitation.
    invitation = next(
        m for m in mailbox() if m["To"] == "ruta@partneris.lv" and "komisijā" in m["Subject"]
    )
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", text_of(invitation))
    page.goto(urlsplit(link.group(0)).path)
    page.get_by_label("Jaunā parole*", exact=True).fill(REVIEWER_PASSWORD)
    page.get_by_label("Jaunā parole (vēlreiz)*", exact=True).fill(REVIEWER_PASSWORD)
    page.get_by_role("button", name=re.compile("Mainīt paroli|Uzstādīt paroli")).click()
    expect(page.get_by_text("Jūsu parole ir nomainīta.")).to_be_visible()
    sign_in(page, "ruta@partneris.lv", REVIEWER_PASSWORD)

    # She lands on her reviews, declares no conflict of interest and scores.
    expect(page.get_by_role("heading", name="Mani vērtējumi")).to_be_visible()
    page.get_by_role("link", name=re.compile("Biedrība “Kopienas dārzs”")).click()
    expect(page.get_by_text("Vispirms: vai ir interešu konflikts?")).to_be_visible()
    page.get_by_label("Nē, man nav interešu konflikta").check()
    page.get_by_role("button", name="Atbildēt").click()
    page.get_by_role("radiogroup", name="Atbilstība programmas mērķim").get_by_text(
        "4", exact=True
    ).click()
    expect(page.locator("#running-total")).to_contain_text("60,0 %")
    page.get_by_role("radiogroup", name="Ietekme uz kopienu").get_by_text("5", exact=True).click()
    expect(page.locator("#running-total")).to_contain_text("85,0 %")
    comment = page.get_by_label("Komentārs par kritēriju “Ietekme uz kopienu”")
    comment.fill("Skaidra ietekme uz Karostas apkaimi.")
    with page.expect_response(lambda response: "/autosave/" in response.url):
        comment.blur()  # leaving the field saves the draft
    expect(page.locator("#autosave-status")).to_contain_text("Melnraksts saglabāts")
    page.get_by_role("button", name="Iesniegt vērtējumu").click()
    expect(page.get_by_text("Jūsu vērtējums ir iesniegts. Paldies!")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("Paveikts"))).to_contain_text(
        "Biedrība “Kopienas dārzs”"
    )
    mine = ReviewAssignment.objects.get(member__user__email="ruta@partneris.lv")
    assert mine.status == "submitted"
    sign_out(page, "Rūta Liepiņa")

    # Staff see the ranking, admit, read the letter and send it.
    sign_in(page, staff.email, PASSWORD)
    page.get_by_role("link", name="Vērtēšana").click()
    page.get_by_role("link", name="Rangu saraksts").click()
    row = page.get_by_role("row", name=re.compile("Biedrība “Kopienas dārzs”"))
    expect(row).to_contain_text("85,00")
    page.get_by_label("Atlasīt: Biedrība “Kopienas dārzs”").check()
    page.get_by_label("Lēmums").select_option(label="Uzņemts")
    page.get_by_label("Pamatojums organizācijai").fill("Augsts kopvērtējums un skaidra ietekme.")
    page.get_by_role("button", name="Reģistrēt lēmumu").click()
    expect(page.get_by_text("Reģistrēts 1 lēmums.")).to_be_visible()
    page.get_by_label("Atlasīt: Biedrība “Jūras vārti”").check()
    page.get_by_label("Lēmums").select_option(label="Noraidīts")
    page.get_by_label("Pamatojums organizācijai").fill("Zemāks kopvērtējums.")
    page.get_by_role("button", name="Reģistrēt lēmumu").click()
    expect(page.get_by_text("Reģistrēts 1 lēmums.")).to_be_visible()
    # The letters quote the ranking's figures: the committee's ranking is finalised first.
    page.get_by_role("button", name="Apstiprināt rangu sarakstu").click()
    expect(page.get_by_text(re.compile("Rangu saraksts ir apstiprināts"))).to_be_visible()
    page.get_by_role("link", name="Lēmumi un vēstules").click()
    # Staff tick both decisions and read their letters.
    page.get_by_label("Atlasīt: Biedrība “Kopienas dārzs”").check()
    page.get_by_label("Atlasīt: Biedrība “Jūras vārti”").check()
    page.get_by_role("button", name="Izlasīt atlasīto vēstules").click()
    letters = page.get_by_role("article")
    expect(letters).to_have_count(2)
    admitted = page.get_by_role("article", name="Biedrība “Kopienas dārzs”")
    expect(admitted.locator(".letter-text").first).to_contain_text("ir uzņemta programmā")
    rejected = page.get_by_role("article", name="Biedrība “Jūras vārti”")
    expect(rejected.locator(".letter-text").first).to_contain_text("netika uzņemta")
    page.get_by_role("button", name="Nosūtīt 2 vēstules un publicēt lēmumus").click()
    expect(page.get_by_text("2 vēstules ir ceļā")).to_be_visible()
    sign_out(page, "Santa Kalniņa")

    # The applicant sees the decision and reads the letter.
    sign_in(page, applicant.email, PASSWORD)
    page.goto("/dashboard/")
    expect(page.locator(".badge", has_text="Uzņemts").first).to_be_visible()
    page.get_by_role("link", name="Skatīt pieteikumu").click()
    letter = page.locator("#decision-letter")
    expect(letter).to_contain_text("Biedrība “Kopienas dārzs” ir uzņemta programmā")
    expect(letter).to_contain_text("Atbilstība programmas mērķim: 4,0 / 5")
    email = next(m for m in mailbox() if m["To"] == applicant.email and "uzņemta" in m["Subject"])
    assert "85,0 %" in text_of(email)
    admitted = Application.objects.get(organisation__name="Biedrība “Kopienas dārzs”")
    assert admitted.status == "admitted"
