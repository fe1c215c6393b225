"""The figures a letter quotes: an admission or a place on the waiting list needs a
submitted review unless staff decide deliberately without one (and that letter
prints no empty figures); with normalisation on, the letter and the feedback state
the total the ranking followed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import selectors, services
from applications.models import Application, StatusChange

from . import factories

EMPTY_FIGURES = ("—", "{total}", "{scores}", "{field_rank}", " %  ", "ir  no")


def _organisation(name):
    return factories.OrganisationFactory(name=name, leader=factories.UserFactory())


@pytest.fixture
def unscored(cycle, staff):
    """Three submitted applications nobody has scored (the cycle has a criterion)."""
    factories.CriterionFactory(cycle=cycle, name_lv="Atbilstība", scale_max=5)
    return [
        factories.ApplicationFactory(cycle=cycle, submitted=True, organisation=_organisation(n))
        for n in ("Biedrība “Pirmā”", "Biedrība “Otrā”", "Biedrība “Trešā”")
    ]


def test_admitting_or_wait_listing_an_unscored_application_is_refused(unscored, staff):
    first, second, third = unscored
    for application, decision in ((first, "admitted"), (second, "waitlisted")):
        with pytest.raises(ValidationError, match="nav neviena iesniegta vērtējuma") as error:
            services.decide(application, decision=decision, by=staff, reason="Labi")
        assert error.value.code == "unreviewed"
    # A rejection quotes no figure it lacks: it needs no confirmation.
    services.decide(third, decision="rejected", by=staff, reason="Neatbilst")
    assert [a.status for a in Application.objects.order_by("pk")] == [
        "submitted",
        "submitted",
        "rejected",
    ]


def test_staff_decide_deliberately_from_the_page_and_it_is_recorded(client, unscored, staff):
    first = unscored[0]
    client.force_login(staff)
    url = reverse("applications:decide", args=[first.pk])
    response = client.post(url, {"decision": "admitted", "reason": "Labi"}, follow=True)
    assert "Lemt bez iesniegta vērtējuma" in response.content.decode()
    assert "nav neviena iesniegta vērtējuma" in response.content.decode()
    first.refresh_from_db()
    assert first.status == "submitted"
    client.post(url, {"decision": "admitted", "reason": "Labi", "without_review": "on"})
    first.refresh_from_db()
    assert first.status == "admitted"
    change = StatusChange.objects.get(application=first, status="admitted")
    assert change.without_review and change.changed_by == staff


def test_the_ranking_page_decides_in_bulk_without_a_review_only_when_ticked(
    client, cycle, unscored, staff
):
    client.force_login(staff)
    url = reverse("applications:review_decide", args=[cycle.pk])
    data = {"applications": [a.pk for a in unscored], "decision": "waitlisted", "reason": "R"}
    response = client.post(url, data, follow=True)
    assert response.content.decode().count("nav neviena iesniegta vērtējuma") == 3
    assert not Application.objects.filter(status="waitlisted").exists()
    client.post(url, {**data, "without_review": "on"})
    assert Application.objects.filter(status="waitlisted").count() == 3


def test_the_letters_of_unscored_decisions_print_no_empty_figures(cycle, unscored, staff):
    first, second, third = unscored
    services.decide(first, decision="admitted", by=staff, reason="", without_review=True)
    services.decide(second, decision="waitlisted", by=staff, reason="Gaidām.", without_review=True)
    services.decide(third, decision="rejected", by=staff, reason="Neatbilst mērķim.")
    letters = {
        letter.application.pk: letter for letter in services.prepare_letters(cycle, unscored)
    }
    for letter in letters.values():
        for language in ("lv", "en"):
            subject, body = letter.text(language)
            for empty in EMPTY_FIGURES:
                assert empty not in body, (language, empty, body)
            assert "{" not in body and "\n\n\n" not in body
            assert "Kritēriju vidējie vērtējumi" not in body
            assert "mean scores" not in body
    admitted = letters[first.pk].text("lv")[1]
    assert "Biedrība “Pirmā” ir uzņemta programmā" in admitted
    assert "kopvērtējums" not in admitted and "Inkubācija notiks" in admitted
    waiting = letters[second.pk].text("lv")[1]
    assert "ir iekļāvusi Biedrība “Otrā” gaidīšanas sarakstā." in waiting
    assert "Gaidām." in waiting and "Ja kāda vieta atbrīvosies" in waiting
    waiting_en = letters[second.pk].text("en")[1]
    assert "has placed Biedrība “Otrā” on the waiting list." in waiting_en
    assert "Neatbilst mērķim." in letters[third.pk].text("lv")[1]


def test_a_scored_letter_keeps_every_figure(cycle, application, review, staff):
    criterion = factories.CriterionFactory(cycle=cycle, name_lv="Atbilstība", scale_max=5)
    application.status = "submitted"
    application.save()
    review(factories.UserFactory(), application, {criterion: 4})
    services.decide(application, decision="waitlisted", by=staff, reason="")
    (letter,) = services.prepare_letters(cycle, [application])
    body = letter.text("lv")[1]
    assert "kopvērtējums ir 80,0 % no maksimālā, 1. vieta" in body
    assert "Atbilstība: 4,0 / 5" in body


# --- normalisation ----------------------------------------------------------------------


@pytest.fixture
def harsh_and_lenient(cycle, review, staff):
    """The harsh reviewer scores A1 and A2 with 1 and 3 (of 4); the lenient one B1
    and B2 with 2 and 4. Normalised, A2 and B2 both have 90.45 %; A2's raw total is
    75 %."""
    criterion = factories.CriterionFactory(cycle=cycle, weight=1, scale_max=4)
    harsh, lenient = factories.UserFactory(), factories.UserFactory()
    apps = {
        name: factories.ApplicationFactory(
            cycle=cycle, submitted=True, organisation=_organisation(name)
        )
        for name in ("A1", "A2", "B1", "B2")
    }
    review(harsh, apps["A1"], {criterion: 1}, comment="Vāji")
    review(harsh, apps["A2"], {criterion: 3}, comment="Labi")
    review(lenient, apps["B1"], {criterion: 2})
    review(lenient, apps["B2"], {criterion: 4})
    services.update_review_settings(
        cycle, by=staff, normalise_scores=True, applicants_see_feedback=True
    )
    return apps


def _percent(value):
    from django.utils import formats

    return formats.number_format(round(value, 1), 1) + " %"


def test_with_normalisation_the_letter_and_feedback_state_the_ranking_figure(
    client, cycle, harsh_and_lenient, staff, django_capture_on_commit_callbacks
):
    apps = harsh_and_lenient
    settings_row = selectors.review_settings(cycle)
    _criteria, rows = selectors.figures_for(cycle, settings_row, [a.pk for a in apps.values()])
    a2 = rows[apps["A2"].pk]
    assert a2.total == pytest.approx(75.0) and a2.normalised_total == pytest.approx(90.45)
    normalised, raw = _percent(a2.normalised_total), _percent(a2.total)
    services.save_letter_template(
        cycle,
        decision="admitted",
        by=staff,
        subject_lv="Uzņemti: {organisation}",
        body_lv="Kopvērtējums {total} (bez normalizācijas {raw_total}), {field_rank}. vieta.",
        subject_en="",
        body_en="",
    )
    for name in ("A2", "B2", "A1"):
        services.decide(
            apps[name],
            decision="admitted" if name != "A1" else "rejected",
            by=staff,
            reason="Labi",
        )
    services.finalise_ranking(cycle, by=staff)
    letters = {
        letter.application.pk: letter
        for letter in services.prepare_letters(cycle, [apps["A2"], apps["A1"]])
    }
    assert letters[apps["A2"].pk].text("lv")[1] == (
        f"Kopvērtējums {normalised} (bez normalizācijas {raw}), 1. vieta."
    )
    # The built-in rejection letter says the ranking's figure too.
    a1 = rows[apps["A1"].pk]
    rejection = letters[apps["A1"].pk].text("lv")[1]
    assert _percent(a1.normalised_total) in rejection or "kopvērtējums" not in rejection
    with django_capture_on_commit_callbacks(execute=True):
        services.send_decision_letters(cycle, [apps["A2"], apps["A1"]], by=staff)

    leader = apps["A2"].organisation.people.first()
    client.force_login(leader)
    page = client.get(reverse("applications:edit", args=[apps["A2"].pk])).content.decode()
    assert f"normalizēts kā rangu sarakstā: {normalised}" in page.replace("\xa0", " ")
    assert f"Pirms normalizācijas: {raw}" in page.replace("\xa0", " ")
    assert "Kopvērtējums: 75,0" not in page
