"""The organisation analysis: the instrument and its versions, the self-assessment
with autosave, colleagues asked to answer, the spread of their answers, the agreed
scores with their history, the results per area and the recommendations."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from analysis import selectors, services
from analysis.default_instrument import AREAS
from analysis.models import AgreedScore, Answer, Assessment, Instrument, Question, Recommendation
from incubator.models import Invitation, Membership

from . import factories


@pytest.fixture
def baseline(place, staff):
    services.open_assessments(place.cycle, kind="baseline", by=staff)
    return Assessment.objects.get(organisation=place.organisation, kind="baseline")


def questions_of(assessment):
    return list(Question.objects.filter(area__instrument=assessment.instrument))


def all_at(assessment, score):
    return {str(q.pk): str(score) for q in questions_of(assessment)}


def colleague(organisation, email):
    user = factories.UserFactory(email=email)
    Membership.objects.create(organisation=organisation, user=user)
    return user


# --- the instrument --------------------------------------------------------------------


def test_the_default_instrument_has_nine_areas_of_three_to_five_questions(running_cycle):
    instrument = services.ensure_instrument(running_cycle)
    areas = list(instrument.areas.prefetch_related("questions"))
    assert len(areas) == 9 == len(AREAS)
    for area in areas:
        questions = list(area.questions.all())
        assert 3 <= len(questions) <= 5, area.code
        for question in questions:
            assert question.text_lv and question.text_en
            assert all(question.localised(f"level_{n}") for n in (1, 2, 3, 4))
            assert all(getattr(question, f"level_{n}_en") for n in (1, 2, 3, 4))
    # Idempotent: a second call returns the same instrument.
    assert services.ensure_instrument(running_cycle) == instrument
    assert Instrument.objects.filter(cycle=running_cycle).count() == 1


def test_the_seed_command_gives_every_cycle_an_instrument_once(db):
    cycles = [factories.CycleFactory(), factories.RunningCycleFactory()]
    call_command("seed_instruments", verbosity=0)
    call_command("seed_instruments", verbosity=0)
    for cycle in cycles:
        assert Instrument.objects.filter(cycle=cycle).count() == 1


def test_an_answered_instrument_is_frozen_and_a_new_version_copies_it(baseline, applicant):
    instrument = baseline.instrument
    assert not instrument.is_frozen
    services.check_editable(instrument)
    response = services.response_for(baseline, applicant)
    services.save_answers(response, {str(questions_of(baseline)[0].pk): "2"})
    assert instrument.is_frozen
    with pytest.raises(ValidationError):
        services.check_editable(instrument)
    copy = services.new_version(instrument)
    assert copy.version == 2 and not copy.is_frozen
    assert copy.areas.count() == 9
    assert Question.objects.filter(area__instrument=copy).count() == len(questions_of(baseline))
    # The opened assessment keeps its version.
    assert Assessment.objects.get(pk=baseline.pk).instrument == instrument


def test_the_admin_refuses_to_change_a_question_of_an_answered_instrument(
    client, baseline, applicant
):
    question = questions_of(baseline)[0]
    services.save_answers(services.response_for(baseline, applicant), {str(question.pk): "3"})
    client.force_login(factories.AdminFactory())
    url = reverse("admin:analysis_question_change", args=[question.pk])
    data = {
        "area": question.area_id,
        "order": 1,
        **{
            name: getattr(question, name) or "x"
            for name in services.QUESTION_FIELDS
            if name != "order"
        },
    }
    data["text_lv"] = "Cits jautājums"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "vairs nevar mainīt" in response.content.decode()
    assert Question.objects.get(pk=question.pk).text_lv == question.text_lv


# --- opening assessments ---------------------------------------------------------------


def test_opening_the_baseline_gives_each_organisation_one_once(running_cycle, staff):
    places = [
        factories.admit(factories.OrganisationFactory(), running_cycle, staff) for _ in range(3)
    ]
    assert services.open_assessments(running_cycle, kind="baseline", by=staff) == 3
    assert services.open_assessments(running_cycle, kind="baseline", by=staff) == 0
    assert set(
        Assessment.objects.filter(cycle=running_cycle).values_list("organisation", flat=True)
    ) == {p.organisation_id for p in places}


def test_the_end_assessment_repeats_each_baselines_version(baseline, place, staff, applicant):
    services.save_answers(
        services.response_for(baseline, applicant), {str(questions_of(baseline)[0].pk): "2"}
    )
    services.new_version(baseline.instrument)
    later = factories.admit(factories.OrganisationFactory(), place.cycle, staff)
    services.open_assessments(place.cycle, kind="end", by=staff)
    ends = {a.organisation_id: a for a in Assessment.objects.filter(kind="end")}
    assert ends[place.organisation_id].instrument_id == baseline.instrument_id
    assert ends[later.organisation_id].instrument.version == 2


# --- the self-assessment ---------------------------------------------------------------


def test_three_people_answer_and_submit_on_their_own(baseline, applicant, place):
    people = [
        applicant,
        colleague(place.organisation, "a@b.lv"),
        colleague(place.organisation, "c@d.lv"),
    ]
    for score, person in enumerate(people, start=1):
        response = services.response_for(baseline, person)
        services.save_answers(response, all_at(baseline, score))
        services.submit_response(response)
    assert Answer.objects.filter(response__assessment=baseline).count() == 3 * len(
        questions_of(baseline)
    )
    spread = selectors.spread(baseline)
    first = questions_of(baseline)[0]
    assert spread[first.pk]["scores"] == [1, 1, 1, 0]
    assert spread[first.pk]["wide"] is True
    assert spread[first.pk]["mean"] == 2


def test_submitting_needs_every_answer_and_then_nothing_changes(baseline, applicant):
    response = services.response_for(baseline, applicant)
    first = questions_of(baseline)[0]
    services.save_answers(response, {str(first.pk): "3"})
    with pytest.raises(ValidationError, match="atbildiet uz visiem"):
        services.submit_response(response)
    services.save_answers(response, all_at(baseline, 2))
    services.submit_response(response)
    with pytest.raises(ValidationError, match="iesniedzāt"):
        services.save_answers(response, {str(first.pk): "4"})
    assert Answer.objects.get(response=response, question=first).score == 2


@pytest.mark.parametrize(
    "bad",
    [
        lambda b, other: {"question": "5"},  # not a question id
        lambda b, other: {"__Q__": "0"},  # outside the scale
        lambda b, other: {"__Q__": "5"},
        lambda b, other: {"__Q__": "tris"},
        lambda b, other: {str(other.pk): "2"},  # another version's question
        lambda b, other: {"999999999": "2"},  # a tampered id
    ],
)
def test_bad_answers_save_nothing(baseline, applicant, bad, running_cycle):
    response = services.response_for(baseline, applicant)
    first, second = questions_of(baseline)[:2]
    copy = services.new_version(baseline.instrument)
    other = Question.objects.filter(area__instrument=copy).first()
    scores = {str(second.pk): "3"}
    for key, value in bad(baseline, other).items():
        scores[key.replace("__Q__", str(first.pk))] = value
    with pytest.raises(ValidationError):
        services.save_answers(response, scores)
    assert not Answer.objects.filter(response=response).exists()


def test_the_page_autosaves_and_keeps_what_was_typed_on_a_bad_submit(client, baseline, applicant):
    client.force_login(applicant)
    url = reverse("analysis:assessment", args=[baseline.pk])
    page = client.get(url)
    assert page.status_code == 200
    first, second = questions_of(baseline)[:2]
    assert first.text_lv in page.content.decode()
    saved = client.post(reverse("analysis:autosave", args=[baseline.pk]), {f"q{first.pk}": "3"})
    assert saved.status_code == 200 and "Saglabāts plkst." in saved.content.decode()
    refused = client.post(reverse("analysis:autosave", args=[baseline.pk]), {f"q{first.pk}": "7"})
    assert refused.status_code == 409 and "no 1 līdz 4" in refused.content.decode()
    # Submitting with a gap: a clear message, the new choice shown, nothing half-saved.
    response = client.post(url, {f"q{first.pk}": "4", f"q{second.pk}": "2", "action": "submit"})
    assert response.status_code == 400
    assert "bez atbildes" in response.content.decode()
    assert "nav iesniegtas" in response.content.decode()
    answers = dict(
        Answer.objects.filter(response__respondent=applicant).values_list("question", "score")
    )
    assert answers[first.pk] == 4  # saved, but not submitted
    assert not baseline.responses.get().submitted_at
    bad = client.post(url, {f"q{first.pk}": "9", f"q{second.pk}": "1", "action": "save"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "no 1 līdz 4" in text
    assert f'id="q{second.pk}-1" value="1" checked' in text
    assert Answer.objects.get(question=second).score == 2


def test_another_organisation_cannot_open_the_assessment(client, baseline):
    client.force_login(factories.UserFactory())
    assert client.get(reverse("analysis:assessment", args=[baseline.pk])).status_code == 404


# --- invitations -----------------------------------------------------------------------


def test_the_leader_asks_five_people_and_no_more(client, baseline, applicant, place, outbox_emails):
    member = colleague(place.organisation, "valde@biedriba.lv")
    client.force_login(applicant)
    url = reverse("analysis:invite", args=[baseline.pk])
    emails = ["valde@biedriba.lv", "a@x.lv", "b@x.lv", "c@x.lv", "d@x.lv"]
    for email in emails:
        assert client.post(url, {"email": email}).status_code == 302
    assert baseline.invitees.count() == 5
    # The member got the portal's request; the others a kernel invitation to the organisation.
    assert outbox_emails(recipient=member)
    assert set(
        Invitation.objects.filter(organisation=place.organisation).values_list("email", flat=True)
    ) == set(emails[1:])
    refused = client.post(url, {"email": "e@x.lv"})
    assert refused.status_code == 400 and "ne vairāk kā 5" in refused.content.decode()
    again = client.post(url, {"email": "a@x.lv"})
    assert again.status_code == 400
    assert baseline.invitees.count() == 5


def test_a_colleague_who_is_not_the_leader_cannot_invite(client, baseline, place):
    member = colleague(place.organisation, "biedrs@biedriba.lv")
    client.force_login(member)
    url = reverse("analysis:invite", args=[baseline.pk])
    assert client.post(url, {"email": "x@y.lv"}).status_code == 403
    assert not baseline.invitees.exists()


# --- agreed scores ---------------------------------------------------------------------


def test_the_mentor_records_agreed_scores_with_comments_and_history(
    client, baseline, assigned, applicant
):
    services.save_answers(services.response_for(baseline, applicant), all_at(baseline, 2))
    services.submit_response(baseline.responses.get())
    mentor = assigned.mentor.user
    client.force_login(mentor)
    url = reverse("analysis:agree", args=[baseline.pk])
    page = client.get(url)
    assert page.status_code == 200
    questions = questions_of(baseline)
    data = {f"agreed{q.pk}": "3" for q in questions}
    data[f"comment{questions[0].pk}"] = "Valde tiekas reizi ceturksnī."
    assert client.post(url, data).status_code == 302
    assessment = Assessment.objects.get(pk=baseline.pk)
    assert assessment.agreed_at is not None
    assert AgreedScore.objects.filter(assessment=baseline, score=3).count() == len(questions)
    data[f"agreed{questions[0].pk}"] = "2"
    client.post(url, data)
    agreed = AgreedScore.objects.get(assessment=baseline, question=questions[0])
    assert agreed.score == 2 and agreed.comment == "Valde tiekas reizi ceturksnī."
    assert [h.score for h in agreed.history.order_by("history_date")] == [3, 2]
    assert agreed.history.first().history_user == mentor


def test_a_bad_agreed_score_saves_none_and_keeps_the_input(client, baseline, assigned):
    client.force_login(assigned.mentor.user)
    first, second = questions_of(baseline)[:2]
    response = client.post(
        reverse("analysis:agree", args=[baseline.pk]),
        {
            f"agreed{first.pk}": "3",
            f"comment{first.pk}": "Labi",
            f"agreed{second.pk}": "6",
            f"comment{second.pk}": "Par daudz",
        },
    )
    assert response.status_code == 400
    assert "no 1 līdz 4" in response.content.decode()
    assert 'value="Par daudz"' in response.content.decode()
    assert not AgreedScore.objects.exists()


def test_another_mentor_and_the_organisation_cannot_agree(client, baseline, assigned, applicant):
    other = factories.MentorProfileFactory(user=factories.UserFactory(email="cits@m.lv")).user
    client.force_login(other)
    assert client.get(reverse("analysis:agree", args=[baseline.pk])).status_code == 404
    client.force_login(applicant)
    assert client.get(reverse("analysis:agree", args=[baseline.pk])).status_code == 403


# --- results ---------------------------------------------------------------------------


def test_results_per_area_with_the_cohorts_average(client, baseline, place, staff, applicant):
    others = [
        factories.admit(
            factories.OrganisationFactory(priority_field=place.organisation.priority_field),
            place.cycle,
            staff,
        )
        for _ in range(2)
    ]
    services.open_assessments(place.cycle, kind="baseline", by=staff)
    response = services.response_for(baseline, applicant)
    services.save_answers(response, all_at(baseline, 2))
    services.submit_response(response)
    services.record_agreed(baseline, {k: (v, "") for k, v in all_at(baseline, 3).items()}, by=staff)
    for other, score in zip(others, (1, 2), strict=True):
        assessment = Assessment.objects.get(organisation=other.organisation, kind="baseline")
        services.record_agreed(
            assessment, {k: (str(score), "") for k in all_at(assessment, 1)}, by=staff
        )
    figures = selectors.results(place)
    assert len(figures["areas"]) == 9
    row = figures["areas"][0]
    assert row["baseline_self"] == 2
    assert row["baseline_agreed"] == 3
    assert row["baseline_cohort"] == pytest.approx(2)
    assert row["end_agreed"] is None
    client.force_login(applicant)
    page = client.get(reverse("analysis:results", args=[place.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="figures-table"' in text and 'id="analysis-radar-data"' in text


# --- recommendations -------------------------------------------------------------------


def test_the_mentor_writes_recommendations_and_the_organisation_answers(
    client, baseline, place, assigned, applicant
):
    client.force_login(assigned.mentor.user)
    url = reverse("analysis:recommendation_add", args=[place.pk])
    area = baseline.instrument.areas.get(code="fundraising")
    assert (
        client.post(
            url, {"topic": "area", "area": area.pk, "text": "Ieviest biedru naudu.", "priority": 1}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"topic": "communication", "text": "Vienots vēstījums.", "priority": 2}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"topic": "positioning", "text": "Pozicionēšana.", "priority": 3}
        ).status_code
        == 302
    )
    refused = client.post(url, {"topic": "area", "text": "Bez jomas", "priority": 1})
    assert refused.status_code == 400 and "Bez jomas" in refused.content.decode()
    recommendations = list(Recommendation.objects.order_by("priority"))
    assert [r.subject for r in recommendations][1:] == ["Komunikācija", "Pozicionēšana"]
    assert recommendations[0].area == area
    client.force_login(applicant)
    status_url = reverse("analysis:recommendation_status", args=[recommendations[0].pk])
    assert client.post(status_url, {"status": "in_progress"}).status_code == 302
    missing = client.post(
        reverse("analysis:recommendation_status", args=[recommendations[1].pk]),
        {"status": "not_relevant", "reason": ""},
    )
    assert missing.status_code == 400 and "kāpēc" in missing.content.decode()
    client.post(
        reverse("analysis:recommendation_status", args=[recommendations[1].pk]),
        {"status": "not_relevant", "reason": "To jau dara partneri."},
    )
    states = dict(Recommendation.objects.values_list("pk", "status"))
    assert states == {
        recommendations[0].pk: "in_progress",
        recommendations[1].pk: "not_relevant",
        recommendations[2].pk: "new",
    }
    assert recommendations[0].history.count() == 2


def test_the_organisation_cannot_write_recommendations(client, place, applicant, baseline):
    client.force_login(applicant)
    response = client.post(
        reverse("analysis:recommendation_add", args=[place.pk]),
        {"topic": "communication", "text": "x", "priority": 1},
    )
    assert response.status_code == 403
    assert not Recommendation.objects.exists()


# --- programme results -----------------------------------------------------------------


def _agreed_all(assessment, score, staff):
    services.record_agreed(
        assessment, {k: (str(score), "") for k in all_at(assessment, 1)}, by=staff
    )


def test_the_capacity_change_per_area_counts_organisations_with_both(client, running_cycle, staff):
    places = [
        factories.admit(factories.OrganisationFactory(), running_cycle, staff) for _ in range(4)
    ]
    services.open_assessments(running_cycle, kind="baseline", by=staff)
    services.open_assessments(running_cycle, kind="end", by=staff)
    # Improved, unchanged, worse; the fourth has no end agreed and is left out.
    for place, (before, after) in zip(places, [(2, 3), (3, 3), (2, 1), (1, None)], strict=True):
        kinds = {a.kind: a for a in Assessment.objects.filter(organisation=place.organisation)}
        _agreed_all(kinds["baseline"], before, staff)
        if after:
            _agreed_all(kinds["end"], after, staff)
    rows = selectors.capacity_change(running_cycle.pk)
    assert len(rows) == 9
    for row in rows:
        assert row["organisations"] == 3
        assert row["baseline"] == pytest.approx(7 / 3, abs=0.01)
        assert row["end"] == pytest.approx(7 / 3, abs=0.01)
        assert row["change"] == 0
        assert row["improved"] == 33
    client.force_login(staff)
    page = client.get(reverse("analysis:dashboard", args=[running_cycle.pk]))
    assert page.status_code == 200 and 'id="capacity-table"' in page.content.decode()
    csv_text = client.get(reverse("analysis:export_csv", args=[running_cycle.pk])).content
    lines = csv_text.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 10 and lines[1].endswith(",3,2.33,2.33,0.0,33")
    xlsx = client.get(reverse("analysis:export_xlsx", args=[running_cycle.pk]))
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet.max_row == 10 and sheet.cell(row=2, column=3).value == 3


def test_an_organisation_named_like_a_formula_is_exported_as_text(client, running_cycle, staff):
    place = factories.admit(factories.OrganisationFactory(), running_cycle, staff)
    services.open_assessments(running_cycle, kind="baseline", by=staff)
    services.open_assessments(running_cycle, kind="end", by=staff)
    for assessment in Assessment.objects.filter(organisation=place.organisation):
        _agreed_all(assessment, 2, staff)
    area = services.current_instrument(running_cycle).areas.first()
    area.name_lv = "=SUM(A1)"
    area.save()
    client.force_login(staff)
    text = client.get(reverse("analysis:export_csv", args=[running_cycle.pk])).content.decode()
    assert "'=SUM(A1)" in text


# --- the public results page -----------------------------------------------------------


def test_the_public_page_shows_aggregates_and_hides_figures_of_fewer_than_three(
    client, running_cycle, staff, priority_fields
):
    culture, youth = priority_fields[0], priority_fields[3]
    places = [
        factories.admit(
            factories.OrganisationFactory(name=f"Biedrība Nr. {n}", priority_field=culture),
            running_cycle,
            staff,
        )
        for n in range(4)
    ]
    factories.admit(
        factories.OrganisationFactory(name="Jauniešu klubs", priority_field=youth),
        running_cycle,
        staff,
    )
    factories.CriterionFactory(cycle=running_cycle, name_lv="Atbilstība mērķim", weight=2)
    services.open_assessments(running_cycle, kind="baseline", by=staff)
    services.open_assessments(running_cycle, kind="end", by=staff)
    for place, (before, after) in zip(places, [(2, 3), (2, 3), (3, 3), (1, 2)], strict=True):
        for kind, score in (("baseline", before), ("end", after)):
            _agreed_all(
                Assessment.objects.get(organisation=place.organisation, kind=kind), score, staff
            )
    # Only two organisations got recommendations: not shown.
    for place in places[:2]:
        services.add_recommendation(
            place, by=staff, topic="communication", area=None, text="Teksts", priority=1
        )
    response = client.get(reverse("analysis:public"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Atbilstība mērķim" in text
    assert "Biedrība Nr." not in text and "Jauniešu klubs" not in text
    figures = response.context["figures"]
    assert figures["organisations"] == 5
    fields = {row["field"].code: row for row in figures["fields"]}
    assert fields[culture.code]["admitted"] == 4
    assert fields[youth.code]["admitted"] is None  # one organisation: not shown
    assert figures["recommendations"] is None
    assert len(figures["capacity"]) == 9
    assert figures["capacity"][0]["organisations"] == 4
    assert figures["capacity"][0]["improved"] == 75


def test_a_cycle_that_has_not_begun_has_no_public_page(client, cycle):
    assert client.get(reverse("analysis:public_cycle", args=[cycle.pk])).status_code == 404


# --- reminders -------------------------------------------------------------------------


def test_reminders_before_the_answer_by_day_skip_those_who_submitted(
    running_cycle, staff, place, applicant
):
    import datetime

    from django.utils import timezone

    from analysis import reminders
    from incubator.notifications import reminders as engine
    from incubator.notifications.models import Email

    for n in range(2):
        factories.admit(
            factories.OrganisationFactory(leader=factories.UserFactory(email=f"v{n}@x.lv")),
            running_cycle,
            staff,
        )
    colleague(place.organisation, "biedre@biedriba.lv")
    due = timezone.localdate() + datetime.timedelta(days=10)
    services.open_assessments(running_cycle, kind="end", by=staff, due_on=due)
    end = Assessment.objects.get(organisation=place.organisation, kind="end")
    response = services.response_for(end, applicant)
    services.save_answers(response, all_at(end, 3))
    services.submit_response(response)
    moment = reminders.answer_by(due) - datetime.timedelta(days=7, minutes=-1)
    engine.sweep(now=moment)
    sent = Email.objects.filter(reminder__source="assessment")
    assert sorted(sent.values_list("to", flat=True)) == sorted(
        ["biedre@biedriba.lv", "v0@x.lv", "v1@x.lv"]
    )
    engine.sweep(now=moment + datetime.timedelta(minutes=5))
    assert Email.objects.filter(reminder__source="assessment").count() == 3


# --- feedback --------------------------------------------------------------------------

RATINGS = {"analysis": 4, "consultations": 5, "meetings": 3, "funding_help": 4, "overall": 5}


def test_an_organisation_gives_its_feedback_once_and_staff_read_it(
    client, place, applicant, staff, running_cycle
):
    from analysis.models import Feedback

    url = reverse("analysis:feedback", args=[place.pk])
    client.force_login(applicant)
    bad = client.post(url, {**RATINGS, "overall": 9, "comment": "Paldies mentorei!"})
    assert bad.status_code == 400 and "Paldies mentorei!" in bad.content.decode()
    assert not Feedback.objects.exists()
    sent = client.post(url, {**RATINGS, "comment": "Paldies mentorei!", "anonymous": "on"})
    assert sent.status_code == 302
    member = colleague(place.organisation, "otra@biedriba.lv")
    client.force_login(member)
    again = client.post(url, {**RATINGS, "overall": 1})
    assert again.status_code == 400 and "Paldies" in again.content.decode()
    assert Feedback.objects.get().overall == 5
    # Two more organisations answer: the public page shows the satisfaction.
    for n in range(2):
        other = factories.admit(factories.OrganisationFactory(), running_cycle, staff)
        services.give_feedback(other, by=staff, **{**RATINGS, "overall": 3 + n})
    figures = selectors.feedback_figures(running_cycle.pk)
    assert figures["count"] == 3 and figures["overall"] == 4
    assert figures["comments"] == [("Paldies mentorei!", None)]
    client.force_login(staff)
    page = client.get(reverse("analysis:dashboard", args=[running_cycle.pk])).content.decode()
    assert "Paldies mentorei!" in page and applicant.display_name not in page
    public = client.get(reverse("analysis:public_cycle", args=[running_cycle.pk]))
    assert public.context["figures"]["satisfaction"] == 4.0


def test_feedback_with_a_rating_outside_the_scale_is_refused(place, applicant):
    with pytest.raises(ValidationError):
        services.give_feedback(place, by=applicant, **{**RATINGS, "meetings": 0})


def test_opening_the_self_assessment_writes_nothing(client, baseline, applicant):
    from analysis.models import Response

    client.force_login(applicant)
    assert client.get(reverse("analysis:assessment", args=[baseline.pk])).status_code == 200
    assert not Response.objects.exists()
