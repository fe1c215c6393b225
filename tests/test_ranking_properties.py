"""Properties of the aggregation, over generated criteria and scores: the database
computes what the formula says, a weighted total always lies within 0–100 (raw and
normalised), and the order of the criteria changes nothing."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings, strategies as st

from applications.models import Criterion, ReviewAssignment, Score
from applications.selectors.figures import criteria_of, ranked_applications

from . import factories

pytestmark = pytest.mark.django_db

criterion_shapes = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10"), places=2),
        st.integers(min_value=0, max_value=3),  # lowest score
        st.integers(min_value=1, max_value=10),  # width of the scale
    ),
    min_size=1,
    max_size=4,
)


@st.composite
def evaluations(draw):
    """Criteria, and for each (application, reviewer) either no review or one
    score per criterion within its scale."""
    shapes = draw(criterion_shapes)
    applications = draw(st.integers(min_value=1, max_value=3))
    reviewers = draw(st.integers(min_value=1, max_value=3))
    reviews = {}
    for a in range(applications):
        for r in range(reviewers):
            if draw(st.booleans()) or (a, r) == (0, 0):
                reviews[(a, r)] = [
                    draw(st.integers(min_value=low, max_value=low + width))
                    for _weight, low, width in shapes
                ]
    return shapes, applications, reviewers, reviews


def build(shapes, applications, reviewers, reviews):
    cycle = factories.CycleFactory()
    criteria = [
        Criterion.objects.create(
            cycle=cycle, name_lv=f"K{i}", weight=weight, scale_min=low,
            scale_max=low + width, order=i,
        )
        for i, (weight, low, width) in enumerate(shapes)
    ]
    apps = [factories.ApplicationFactory(cycle=cycle, submitted=True) for _ in range(applications)]
    members = [factories.CommitteeMemberFactory(cycle=cycle) for _ in range(reviewers)]
    for (a, r), values in reviews.items():
        assignment = ReviewAssignment.objects.create(
            application=apps[a], member=members[r], status="submitted", has_conflict=False
        )
        Score.objects.bulk_create(
            Score(assignment=assignment, criterion=c, value=v, scale_min=c.scale_min,
                  scale_max=c.scale_max)
            for c, v in zip(criteria, values)
        )
    return cycle, criteria, apps


def expected_total(shapes, values_per_review):
    """The formula, by hand: 100 · Σ w·(mean − lo) / Σ w·(hi − lo)."""
    span = sum(float(w) * width for w, _low, width in shapes)
    points = 0.0
    for i, (weight, low, _width) in enumerate(shapes):
        mean = sum(values[i] for values in values_per_review) / len(values_per_review)
        points += float(weight) * (mean - low)
    return 100 * points / span


def totals(cycle, **kwargs):
    return {
        a.pk: (a.total, a.normalised_total)
        for a in ranked_applications(cycle, criteria_of(cycle), **kwargs)
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(evaluations())
def test_the_database_computes_the_formula_and_stays_within_0_and_100(db, evaluation):
    shapes, applications, reviewers, reviews = evaluation
    with transaction.atomic():
        cycle, _criteria, apps = build(*evaluation)
        computed = totals(cycle, normalised=True)
        for index, application in enumerate(apps):
            total, normalised = computed[application.pk]
            own = [v for (a, _r), v in reviews.items() if a == index]
            if not own:
                assert total is None and normalised is None
                continue
            assert total == pytest.approx(expected_total(shapes, own), abs=0.006)
            assert 0 <= total <= 100
            assert 0 <= normalised <= 100
        transaction.set_rollback(True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(evaluations(), st.randoms(use_true_random=False))
def test_the_order_of_the_criteria_changes_nothing(db, evaluation, random):
    shapes, applications, reviewers, reviews = evaluation
    permutation = list(range(len(shapes)))
    random.shuffle(permutation)
    shuffled = (
        [shapes[i] for i in permutation],
        applications,
        reviewers,
        {key: [values[i] for i in permutation] for key, values in reviews.items()},
    )
    with transaction.atomic():
        results = []
        for variant in (evaluation, shuffled):
            cycle, _criteria, apps = build(*variant)
            computed = totals(cycle, normalised=True)
            results.append([computed[a.pk] for a in apps])
        for before, after in zip(*results):
            for x, y in zip(before, after):
                # Equal up to the last rounded digit (floating-point sums in another order).
                assert (x is None and y is None) or abs(x - y) <= 0.011
        transaction.set_rollback(True)
