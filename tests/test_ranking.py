"""The figures of the evaluation against hand-computed cases: weights, scales that
do not start at zero, missing and unfinished reviews, recusals, the spread between
reviewers, per-reviewer normalisation, ties and the suggested cut line."""

import pytest
from django.core.exceptions import ValidationError

from applications import selectors, services
from applications.models import ReviewerLine, ReviewSettings
from applications.selectors.figures import (
    criteria_of,
    ranked_applications,
    review_counts,
    spreads,
)
from applications.selectors.ranking import Candidate, suggest

from . import factories


def figures(cycle, **kwargs):
    criteria = criteria_of(cycle)
    return {a.pk: a for a in ranked_applications(cycle, criteria, **kwargs)}, criteria


@pytest.fixture
def two_criteria(cycle):
    """A: weight 3 on 0–5; B: weight 1 on 0–10. The most a review can give is
    3·5 + 1·10 = 25 weighted points."""
    return (
        factories.CriterionFactory(cycle=cycle, weight=3, scale_max=5, order=1),
        factories.CriterionFactory(cycle=cycle, weight=1, scale_max=10, order=2),
    )


def submitted(cycle, **kwargs):
    return factories.ApplicationFactory(cycle=cycle, submitted=True, **kwargs)


def test_weighted_total_is_a_percentage_of_the_maximum(cycle, two_criteria, review):
    a, b = two_criteria
    x, y = submitted(cycle), submitted(cycle)
    first, second = factories.UserFactory(), factories.UserFactory()
    review(first, x, {a: 5, b: 4})
    review(second, x, {a: 3, b: 8})
    review(first, y, {a: 2, b: 10})
    review(second, y, {a: 2, b: 10})

    rows, criteria = figures(cycle)
    # x: means A = 4, B = 6 → (3·4 + 1·6) / 25 = 18/25 = 72 %
    assert (getattr(rows[x.pk], f"mean_{a.pk}"), getattr(rows[x.pk], f"mean_{b.pk}")) == (4, 6)
    assert rows[x.pk].total == pytest.approx(72.0)
    # y: (3·2 + 1·10) / 25 = 16/25 = 64 %
    assert rows[y.pk].total == pytest.approx(64.0)
    assert (rows[x.pk].rank, rows[y.pk].rank) == (1, 2)
    assert review_counts(application_ids=[x.pk]) == {x.pk: (2, 0, 0)}


def test_spread_is_the_difference_between_the_reviewers_totals(cycle, two_criteria, review):
    a, b = two_criteria
    x = submitted(cycle)
    review(factories.UserFactory(), x, {a: 5, b: 4})  # 19/25 = 76 %
    review(factories.UserFactory(), x, {a: 3, b: 8})  # 17/25 = 68 %
    review(factories.UserFactory(), x, {a: 1, b: 10})  # 13/25 = 52 %
    assert spreads(criteria_of(cycle), application_ids=[x.pk]) == {x.pk: pytest.approx(24.0)}


def test_a_scale_that_does_not_start_at_zero(cycle, review):
    c = factories.CriterionFactory(cycle=cycle, weight=2, scale_min=1, scale_max=5)
    x, y = submitted(cycle), submitted(cycle)
    review(factories.UserFactory(), x, {c: 1})
    review(factories.UserFactory(), y, {c: 4})
    rows, _criteria = figures(cycle)
    assert rows[x.pk].total == pytest.approx(0.0)  # the lowest score is 0 %
    assert rows[y.pk].total == pytest.approx(75.0)  # (4 − 1) / (5 − 1)


def test_drafts_recusals_and_missing_reviews_do_not_count(cycle, two_criteria, review):
    a, b = two_criteria
    x, unscored = submitted(cycle), submitted(cycle)
    review(factories.UserFactory(), x, {a: 5, b: 10})
    review(factories.UserFactory(), x, {a: 0, b: 0}, submit=False)  # a draft
    recused = factories.CommitteeMemberFactory(cycle=cycle)
    assignment = services.assign(x, recused, by=None)
    services.declare_conflict(assignment, by=recused.user, has_conflict=True, reason="Valdē")

    rows, _criteria = figures(cycle)
    assert rows[x.pk].total == pytest.approx(100.0)
    assert review_counts(application_ids=[x.pk]) == {x.pk: (1, 1, 1)}
    assert rows[unscored.pk].total is None  # no submitted review: no figure
    assert rows[unscored.pk].position == 2  # and it comes last

    ranking = selectors.ranking_page(
        cycle, ReviewSettings(cycle=cycle, reviewers_per_application=2)
    )
    by_pk = {row.application.pk: row for row in ranking.rows}
    assert by_pk[x.pk].incomplete and by_pk[unscored.pk].incomplete
    assert by_pk[unscored.pk].rank is None


def test_changing_a_weight_recomputes_every_figure(cycle, two_criteria, review, staff):
    a, b = two_criteria
    x = submitted(cycle)
    review(factories.UserFactory(), x, {a: 5, b: 0})
    assert figures(cycle)[0][x.pk].total == pytest.approx(60.0)  # 15/25
    services.save_criteria(cycle, by=staff, changes=[(b, {"weight": 5}, False)])
    assert figures(cycle)[0][x.pk].total == pytest.approx(23.08)  # 15/(3·5 + 5·10)


def test_withdrawn_and_ineligible_applications_leave_the_ranking(
    cycle, two_criteria, review, staff
):
    a, b = two_criteria
    kept, withdrawn, ineligible = submitted(cycle), submitted(cycle), submitted(cycle)
    for application in (kept, withdrawn, ineligible):
        review(factories.UserFactory(), application, {a: 3, b: 3})
    services.withdraw(withdrawn, by=staff)
    requirement = cycle.eligibility_requirements.create(text_lv="Reģistrēta Latvijā")
    services.record_eligibility(
        ineligible, by=staff, findings={requirement: (False, "Reģistrēta Lietuvā")}
    )
    rows, _criteria = figures(cycle)
    assert set(rows) == {kept.pk}
    assert [a.pk for a in selectors.ineligible_applications(cycle)] == [ineligible.pk]


# --- normalisation ---------------------------------------------------------------------


@pytest.fixture
def harsh_and_lenient(cycle):
    """One criterion on 0–4. The harsh reviewer scores A1 and A2 with 1 and 3; the
    lenient one B1 and B2 with 2 and 4: the same judgement, shifted by one point."""
    criterion = factories.CriterionFactory(cycle=cycle, weight=1, scale_max=4)
    harsh, lenient = factories.UserFactory(), factories.UserFactory()
    apps = {
        name: submitted(cycle, organisation=factories.OrganisationFactory(name=name))
        for name in ("A1", "A2", "B1", "B2")
    }
    return criterion, harsh, lenient, apps


def test_normalisation_corrects_a_harsh_and_a_lenient_reviewer(cycle, harsh_and_lenient, review):
    criterion, harsh, lenient, apps = harsh_and_lenient
    review(harsh, apps["A1"], {criterion: 1})
    review(harsh, apps["A2"], {criterion: 3})
    review(lenient, apps["B1"], {criterion: 2})
    review(lenient, apps["B2"], {criterion: 4})

    rows, _criteria = figures(cycle, normalised=True, rank_by_normalised=True)
    total = {name: rows[a.pk].total for name, a in apps.items()}
    normalised = {name: rows[a.pk].normalised_total for name, a in apps.items()}
    # Raw: 25, 75, 50, 100 %.
    assert total == {"A1": 25.0, "A2": 75.0, "B1": 50.0, "B2": 100.0}
    # On a 0–1 scale the harsh reviewer's scores are .25 and .75 (mean .5, sd .25),
    # the lenient one's .5 and 1 (mean .75, sd .25); the committee's mean is .625
    # and its sd √.078125 ≈ .2795. A score u becomes .625 + .2795·(u − μ_r)/.25:
    # both reviewers' lower scores become .3455 and their higher ones .9045.
    assert normalised == {
        "A1": pytest.approx(34.55),
        "A2": pytest.approx(90.45),
        "B1": pytest.approx(34.55),
        "B2": pytest.approx(90.45),
    }
    # The database view holds each reviewer's line: slope σ/σ_r, intercept μ − slope·μ_r.
    harsh_line = ReviewerLine.objects.get(member__user=harsh)
    assert (harsh_line.scores, harsh_line.mean) == (2, pytest.approx(0.5))
    assert harsh_line.slope == pytest.approx(0.078125**0.5 / 0.25)
    assert harsh_line.intercept == pytest.approx(0.625 - harsh_line.slope * 0.5)
    # Ranked by the normalised total, the pairs tie.
    assert rows[apps["A2"].pk].rank == rows[apps["B2"].pk].rank == 1
    assert rows[apps["A1"].pk].rank == rows[apps["B1"].pk].rank == 3


def test_another_cycles_scores_do_not_move_the_normalisation(cycle, harsh_and_lenient, review):
    criterion, harsh, lenient, apps = harsh_and_lenient
    review(harsh, apps["A1"], {criterion: 1})
    review(harsh, apps["A2"], {criterion: 3})
    review(lenient, apps["B1"], {criterion: 2})
    review(lenient, apps["B2"], {criterion: 4})
    before, _criteria = figures(cycle, normalised=True, rank_by_normalised=True)
    # The same people review in another cycle, very differently.
    other = factories.CycleFactory()
    other_criterion = factories.CriterionFactory(cycle=other, weight=1, scale_max=4)
    for person, value in ((harsh, 4), (harsh, 4), (lenient, 0), (lenient, 1)):
        review(person, submitted(other), {other_criterion: value})
    after, _criteria = figures(cycle, normalised=True, rank_by_normalised=True)
    assert {pk: a.normalised_total for pk, a in after.items()} == {
        pk: a.normalised_total for pk, a in before.items()
    }
    assert ReviewerLine.objects.get(member__user=harsh, member__cycle=cycle).mean == 0.5


def test_the_lines_follow_submitted_and_reopened_reviews(cycle, harsh_and_lenient, review):
    criterion, harsh, lenient, apps = harsh_and_lenient
    review(harsh, apps["A1"], {criterion: 1})
    second = review(harsh, apps["A2"], {criterion: 3})
    review(lenient, apps["B1"], {criterion: 2}, submit=False)  # a draft does not count
    line = ReviewerLine.objects.get(member__user=harsh)
    assert (line.scores, line.mean, line.committee_mean) == (2, 0.5, 0.5)
    assert not ReviewerLine.objects.filter(member__user=lenient).exists()
    services.reopen_review(second, by=harsh)
    line.refresh_from_db()
    assert (line.scores, line.mean, line.slope) == (1, 0.25, 0)
    review(lenient, apps["B1"], {criterion: 4})
    line.refresh_from_db()
    assert (line.scores, line.committee_mean) == (1, pytest.approx(0.625))


def test_a_reviewer_who_gives_everyone_the_same_score_becomes_neutral(cycle, review):
    criterion = factories.CriterionFactory(cycle=cycle, weight=1, scale_max=4)
    same, varied = factories.UserFactory(), factories.UserFactory()
    x, y = submitted(cycle), submitted(cycle)
    review(same, x, {criterion: 4})
    review(same, y, {criterion: 4})
    review(varied, x, {criterion: 0})
    review(varied, y, {criterion: 4})
    rows, _criteria = figures(cycle, normalised=True, rank_by_normalised=True)
    # The committee's mean is .75; "same" gives everyone .75 after normalisation.
    # "varied" has mean .5, sd .5; the committee's sd is √(.75 − .5625) = .4330:
    # x: .75 + .4330·(0 − .5)/.5 = .3170; y: .75 + .4330 = 1.1830 → kept at 1.
    assert rows[x.pk].normalised_total == pytest.approx(100 * (0.75 + 0.31699) / 2, abs=0.01)
    assert rows[y.pk].normalised_total == pytest.approx(100 * (0.75 + 1.0) / 2, abs=0.01)


def test_the_ranking_page_follows_the_normalised_total_when_the_cycle_asks(
    cycle, harsh_and_lenient, review
):
    criterion, harsh, lenient, apps = harsh_and_lenient
    review(harsh, apps["A1"], {criterion: 1})
    review(harsh, apps["A2"], {criterion: 3})
    review(lenient, apps["B1"], {criterion: 2})
    review(lenient, apps["B2"], {criterion: 4})
    raw = selectors.ranking_page(cycle, ReviewSettings(cycle=cycle))
    assert [r.application.organisation.name for r in raw.rows] == ["B2", "A2", "B1", "A1"]
    normalised = selectors.ranking_page(cycle, ReviewSettings(cycle=cycle, normalise_scores=True))
    assert [r.application.organisation.name for r in normalised.rows] == ["A2", "B2", "A1", "B1"]
    assert all(r.tied for r in normalised.rows)


# --- the suggested selection -------------------------------------------------------------


def candidates(*rows):
    """(pk, field, total) in ranking order → Candidates with positions per field."""
    seen = {}
    result = []
    for pk, field, total in rows:
        seen[field] = seen.get(field, 0) + 1
        result.append(Candidate(pk, field, total, seen[field]))
    return result


def test_without_quotas_the_best_take_the_places():
    rows = candidates((1, "a", 90), (2, "a", 80), (3, "b", 70), (4, "b", 60))
    assert suggest(rows, 3, {}) == ([1, 2, 3], set())


def test_a_minimum_reserves_places_for_a_field():
    rows = candidates((1, "a", 90), (2, "a", 80), (3, "a", 75), (4, "b", 60))
    # Field b is guaranteed one place, so the third of field a gives way.
    assert suggest(rows, 3, {"b": (1, None)}) == ([1, 2, 4], set())


def test_a_maximum_caps_a_field():
    rows = candidates((1, "a", 90), (2, "a", 80), (3, "a", 75), (4, "b", 60), (5, "c", 50))
    assert suggest(rows, 3, {"a": (0, 2)}) == ([1, 2, 4], set())


def test_a_tie_at_the_cut_line_is_marked():
    rows = candidates((1, "a", 90), (2, "b", 80), (3, "c", 80), (4, "d", 70))
    chosen, tied = suggest(rows, 2, {})
    assert chosen == [1, 2]
    assert tied == {2, 3}


def test_unscored_applications_are_never_suggested():
    rows = candidates((1, "a", 90), (2, "a", None))
    assert suggest(rows, 2, {}) == ([1], set())


def test_the_ranking_page_draws_the_cut_line_after_the_places(cycle, review):
    cycle.places = 2
    cycle.save()
    criterion = factories.CriterionFactory(cycle=cycle, scale_max=10)
    apps = [submitted(cycle) for _ in range(4)]
    for application, value in zip(apps, [9, 7, 7, 3], strict=True):
        review(factories.UserFactory(), application, {criterion: value})
    result = selectors.ranking_page(cycle, ReviewSettings(cycle=cycle))
    marks = [(r.rank, r.suggested, r.tied_at_cut, r.cut_after) for r in result.rows]
    assert marks == [
        (1, True, False, False),
        (2, True, True, True),
        (2, False, True, False),
        (4, False, False, False),
    ]


def test_a_page_of_the_ranking_is_a_slice_of_the_whole_order(cycle, review):
    criterion = factories.CriterionFactory(cycle=cycle, scale_max=10)
    apps = [submitted(cycle) for _ in range(7)]
    for value, application in enumerate(apps):
        review(factories.UserFactory(), application, {criterion: value})
    second = selectors.ranking_page(cycle, ReviewSettings(cycle=cycle), page_number=2, per_page=3)
    assert [r.rank for r in second.rows] == [4, 5, 6]
    assert [r.application.pk for r in second.rows] == [apps[3].pk, apps[2].pk, apps[1].pk]
    assert second.count == 7


def test_a_field_page_ranks_within_the_field(cycle, review, priority_fields):
    culture, it = priority_fields[0], priority_fields[1]
    criterion = factories.CriterionFactory(cycle=cycle, scale_max=10)
    best_it = submitted(cycle, organisation=factories.OrganisationFactory(priority_field=it))
    culture_apps = [
        submitted(cycle, organisation=factories.OrganisationFactory(priority_field=culture))
        for _ in range(2)
    ]
    review(factories.UserFactory(), best_it, {criterion: 10})
    review(factories.UserFactory(), culture_apps[0], {criterion: 8})
    review(factories.UserFactory(), culture_apps[1], {criterion: 6})
    result = selectors.ranking_page(
        cycle, ReviewSettings(cycle=cycle), field=culture, fields=priority_fields
    )
    assert [(r.application.pk, r.rank) for r in result.rows] == [
        (culture_apps[0].pk, 1),
        (culture_apps[1].pk, 2),
    ]
    summary = {s["field"]: s for s in result.summary}
    assert summary[culture]["applications"] == 2 and summary[it]["applications"] == 1


def test_quotas_cannot_promise_more_places_than_the_cycle_has(cycle, staff, priority_fields):
    with pytest.raises(ValidationError):
        services.update_review_settings(
            cycle, by=staff, quotas={f: (3, None) for f in priority_fields}
        )
