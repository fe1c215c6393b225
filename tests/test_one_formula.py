"""The weighted total is one formula: the ranking, each review's total (its spread)
and the reviewer's running total all read it from ``weighted_points``; the
application form shows the service's own list of draft answers."""

import pytest

from applications import selectors
from applications.forms import ApplicationForm
from applications.selectors.figures import ranked_applications, review_totals
from applications.services import DRAFT_FIELDS

from . import factories


@pytest.fixture
def reviewed(db, review):
    """One application, two criteria of different weights and scales, one review."""
    cycle = factories.CycleFactory()
    heavy = factories.CriterionFactory(cycle=cycle, weight=3, scale_min=1, scale_max=5)
    light = factories.CriterionFactory(cycle=cycle, weight=1, scale_min=0, scale_max=10)
    application = factories.ApplicationFactory(cycle=cycle, submitted=True)
    assignment = review(factories.UserFactory(), application, {heavy: 4, light: 7})
    return cycle, [heavy, light], application, assignment


def test_the_three_totals_of_one_review_agree(reviewed):
    cycle, criteria, application, assignment = reviewed
    # 100 · (3·(4 − 1) + 1·(7 − 0)) / (3·(5 − 1) + 1·(10 − 0)) = 100 · 16 / 22
    expected = round(100 * 16 / 22, 2)

    ranked = ranked_applications(cycle, criteria).get(pk=application.pk)
    (single,) = review_totals(criteria, application_ids=[application.pk])
    running = selectors.running_total(assignment, criteria)

    assert ranked.total == pytest.approx(expected)
    assert single["total"] == pytest.approx(expected)
    assert running["percent"] == pytest.approx(100 * 16 / 22)
    assert (running["scored"], running["criteria"]) == (2, 2)


def test_the_ranking_totals_the_means_of_two_reviews(reviewed, review):
    cycle, (heavy, light), application, _assignment = reviewed
    review(factories.UserFactory(), application, {heavy: 2, light: 3})
    ranked = ranked_applications(cycle, [heavy, light]).get(pk=application.pk)
    # Means 3 and 5: 100 · (3·(3 − 1) + 1·5) / 22
    assert ranked.total == pytest.approx(round(100 * 11 / 22, 2))
    totals = sorted(row["total"] for row in review_totals([heavy, light], cycle=cycle))
    assert totals == pytest.approx([round(100 * 6 / 22, 2), round(100 * 16 / 22, 2)])


def test_the_application_form_shows_the_services_draft_answers():
    assert list(ApplicationForm().fields) == DRAFT_FIELDS
