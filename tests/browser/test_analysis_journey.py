"""Staff open the baseline assessment; a participant answers the self-assessment, sees
each choice saved as it is made, comes back to find it kept, and submits; the
organisation's mentor sees the answers, records the agreed scores with a comment and
writes two recommendations; the participant finds the figures per area and marks a
recommendation as accepted. In Latvian, in headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

from analysis.models import AgreedScore, Question, Recommendation, Response
from mentoring import services as mentoring_services
from tests import factories

from .conftest import sign_in, sign_out


@pytest.fixture
def programme(transactional_db, priority_fields, expertise_tags):
    culture = next(f for f in priority_fields if f.code == "culture")
    staff = factories.StaffFactory(
        email="santa@inkubators.lv", first_name="Santa", last_name="Kalniņa"
    )
    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(email="edgars@lbi.lv", first_name="Edgars", last_name="Krūmiņš")
    )
    leader = factories.UserFactory(email="liene@kori.lv", first_name="Liene", last_name="Bērziņa")
    other = factories.UserFactory(email="janis@jura.lv", first_name="Jānis", last_name="Ozols")
    cycle = factories.RunningCycleFactory(name="NVO izaugsmes inkubators — pilotcikls")
    for person, name in [(leader, "Biedrība “Liepājas kori”"), (other, "Biedrība “Jūras vārti”")]:
        organisation = factories.OrganisationFactory(
            leader=person, name=name, priority_field=culture
        )
        factories.admit(organisation, cycle, staff)
    assignment = mentoring_services.assign_mentor(
        cycle, leader.organisations.get(), mentor, by=staff
    )
    mentoring_services.accept_assignment(assignment, by=mentor.user)
    return staff, mentor, leader


def _answer(page, questions, level):
    for question in questions:
        page.get_by_role("group", name=question.text_lv).get_by_role("radio").nth(level - 1).check()


def test_a_participant_answers_the_mentor_agrees_and_recommends(page, programme):
    staff, mentor, leader = programme

    # The baseline opened itself when the organisations were admitted: staff opening it
    # for the cycle find nothing left to open.
    sign_in(page, staff.email)
    page.get_by_role("link", name="Analīze").click()
    expect(page.get_by_role("heading", name=re.compile("Organizācijas analīze"))).to_be_visible()
    page.get_by_label(re.compile(r"^\s*Novērtējums")).select_option("baseline")
    page.get_by_role("button", name="Atvērt").click()
    expect(page.get_by_text("Atvērti novērtējumi: 0.")).to_be_visible()
    sign_out(page, "Santa Kalniņa")

    # The participant answers from My programme; each choice is saved as it is made.
    sign_in(page, leader.email)
    page.get_by_role("link", name="Mana programma").click()
    page.get_by_role("region", name="Organizācijas analīze").get_by_role(
        "link", name="Sākuma pašnovērtējums"
    ).click()
    expect(page.get_by_role("heading", name=re.compile("Pašnovērtējums"))).to_be_visible()
    questions = list(Question.objects.order_by("area__order", "order"))
    first = page.get_by_role("group", name=questions[0].text_lv)
    with page.expect_response(lambda response: "/autosave/" in response.url):
        first.get_by_role("radio").nth(2).check()
    expect(page.locator("#autosave-status")).to_contain_text("Saglabāts plkst.")
    # The last change's request carries every answer so far (htmx keeps only the last
    # one queued).
    last = f"q{questions[4].pk}="
    with page.expect_response(
        lambda response: "/autosave/" in response.url and last in response.request.post_data
    ):
        _answer(page, questions[1:5], 2)

    # Coming back later: the answers are there.
    page.reload()
    expect(
        page.get_by_role("group", name=questions[0].text_lv).get_by_role("radio").nth(2)
    ).to_be_checked()
    expect(
        page.get_by_role("group", name=questions[4].text_lv).get_by_role("radio").nth(1)
    ).to_be_checked()

    # Submitting with questions left: a clear message, the answers kept.
    page.get_by_role("button", name="Iesniegt manas atbildes").click()
    expect(page.get_by_role("alert")).to_contain_text("atbildiet uz visiem jautājumiem")
    _answer(page, questions[5:], 3)
    page.get_by_role("button", name="Iesniegt manas atbildes").click()
    expect(page.get_by_text("Paldies! Jūsu atbildes ir iesniegtas.")).to_be_visible()
    response = Response.objects.get(respondent=leader)
    assert response.submitted_at is not None
    assert response.answers.count() == len(questions)
    sign_out(page, "Liene Bērziņa")

    # The mentor records the agreed scores, seeing the answers beside each question.
    sign_in(page, mentor.user.email)
    # The analysis page leads the mentor to the agreed scores, not to a
    # self-assessment only the organisation's people open.
    page.get_by_role("link", name="Analīze").click()
    page.get_by_role("link", name="Saskaņotie vērtējumi", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Saskaņotie vērtējumi"))).to_be_visible()
    expect(page.get_by_text("Liene Bērziņa — iesniegts")).to_be_visible()
    for question in questions:
        page.locator(f"#agreed{question.pk}").select_option("2")
    page.locator(f"#comment{questions[0].pk}").fill("Valde tiekas, bet reti; vienojāmies par 2.")
    page.get_by_role("button", name="Saglabāt saskaņotos vērtējumus").click()
    expect(page.get_by_text(f"Saglabāti saskaņotie vērtējumi: {len(questions)}.")).to_be_visible()
    assert AgreedScore.objects.filter(score=2).count() == len(questions)

    # Two recommendations: one on an area, one on communication.
    page.get_by_role("link", name="Rezultāti un ieteikumi").click()
    form = page.get_by_role("region", name="Pievienot ieteikumu")
    form.get_by_label(re.compile(r"^\s*Par ko")).select_option(label="Novērtējuma joma")
    form.get_by_label(re.compile(r"^\s*Joma")).select_option(
        label="Finansējuma piesaiste un ienākumu dažādība"
    )
    form.get_by_label(re.compile(r"^\s*Ieteikums")).fill(
        "Ieviest biedru naudu un ziedojumu kampaņu."
    )
    form.get_by_label(re.compile(r"^\s*Prioritāte")).select_option(label="Augsta")
    form.get_by_role("button", name="Pievienot ieteikumu").click()
    expect(page.get_by_text("Ieteikums pievienots.")).to_be_visible()
    form = page.get_by_role("region", name="Pievienot ieteikumu")
    form.get_by_label(re.compile(r"^\s*Par ko")).select_option(label="Komunikācija")
    form.get_by_label(re.compile(r"^\s*Ieteikums")).fill(
        "Viens teikums par biedrību visos kanālos."
    )
    form.get_by_role("button", name="Pievienot ieteikumu").click()
    expect(page.get_by_text("Viens teikums par biedrību visos kanālos.")).to_be_visible()
    assert Recommendation.objects.count() == 2
    sign_out(page, "Edgars Krūmiņš")

    # The participant sees the figures per area and accepts a recommendation.
    sign_in(page, leader.email)
    page.get_by_role("link", name="Mana programma").click()
    page.get_by_role("region", name="Organizācijas analīze").get_by_role(
        "link", name=re.compile("Rezultāti un ieteikumi")
    ).click()
    table = page.locator("#figures-table")
    expect(
        table.get_by_role("row", name=re.compile("Pārvaldība un juridiskais pamats"))
    ).to_contain_text("2,0")
    card = page.locator("article", has_text="Viens teikums par biedrību")
    card.get_by_label("Ko ar to darījāt").select_option(label="Pieņemts")
    card.get_by_role("button", name="Saglabāt").click()
    expect(page.get_by_text("Saglabāts.")).to_be_visible()
    assert Recommendation.objects.get(topic="communication").status == "accepted"


def test_the_end_assessment_feedback_results_and_the_public_page(page, programme):
    from analysis import services
    from analysis.models import Assessment, Feedback
    from cohorts.models import CohortMembership

    staff, mentor, leader = programme
    cycle = CohortMembership.objects.first().cycle
    factories.admit(factories.OrganisationFactory(), cycle, staff)
    services.open_assessments(cycle, kind="baseline", by=staff)
    services.open_assessments(cycle, kind="end", by=staff)
    questions = list(Question.objects.order_by("area__order", "order"))
    for assessment in Assessment.objects.filter(kind="baseline"):
        services.record_agreed(assessment, {str(q.pk): ("2", "") for q in questions}, by=staff)
    for assessment in Assessment.objects.filter(kind="end").exclude(
        organisation__memberships__user=leader
    ):
        services.record_agreed(assessment, {str(q.pk): ("3", "") for q in questions}, by=staff)

    # The participant answers the end assessment.
    sign_in(page, leader.email)
    page.get_by_role("link", name="Mana programma").click()
    page.get_by_role("region", name="Organizācijas analīze").get_by_role(
        "link", name="Noslēguma pašnovērtējums"
    ).click()
    _answer(page, questions, 4)
    page.get_by_role("button", name="Iesniegt manas atbildes").click()
    expect(page.get_by_text("Paldies! Jūsu atbildes ir iesniegtas.")).to_be_visible()

    # Its results show the baseline and the end side by side; then the feedback.
    page.get_by_role("link", name="Mana programma").click()
    page.get_by_role("region", name="Organizācijas analīze").get_by_role(
        "link", name=re.compile("Rezultāti un ieteikumi")
    ).click()
    row = page.locator("#figures-table").get_by_role("row", name=re.compile("Digitālie rīki"))
    expect(row).to_contain_text("2,0")
    expect(row).to_contain_text("4,0")
    # The radar chart of the same figures is drawn next to the table.
    expect(page.locator('canvas#analysis-radar[data-drawn="1"]')).to_be_visible()
    page.get_by_role("link", name="Atsauksme par programmu").click()
    for name, value in [
        ("analysis", "4"),
        ("consultations", "5"),
        ("meetings", "3"),
        ("funding_help", "4"),
        ("overall", "5"),
    ]:
        page.locator(f'input[name="{name}"][value="{value}"]').check()
    page.get_by_label("Ko vēl vēlaties mums pastāstīt?").fill("Mentors palīdzēja ar budžetu.")
    page.get_by_label("Rādīt programmas darbiniekiem manu atbildi bez mana vārda").check()
    page.get_by_role("button", name="Nosūtīt atsauksmi").click()
    expect(page.get_by_text("Paldies par atsauksmi!")).to_be_visible()
    assert Feedback.objects.get().anonymous is True
    sign_out(page, "Liene Bērziņa")

    # Staff open the programme's results.
    sign_in(page, staff.email)
    page.get_by_role("link", name="Analīze").click()
    page.get_by_role("link", name="Programmas rezultāti").click()
    expect(page.locator("#capacity-table")).to_contain_text("Digitālie rīki")
    expect(page.get_by_text("Mentors palīdzēja ar budžetu.")).to_be_visible()
    expect(page.get_by_text("Bez vārda")).to_be_visible()
    sign_out(page, "Santa Kalniņa")

    # A visitor opens the public results page from the menu.
    page.goto("/")
    page.get_by_role("link", name="Rezultāti").click()
    expect(page.get_by_role("heading", name=re.compile("Programmas rezultāti"))).to_be_visible()
    expect(page.locator("#headline")).to_contain_text("3")
    expect(page.locator("body")).not_to_contain_text("Liepājas kori")
