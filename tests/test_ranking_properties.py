"""Properties of the aggregation, over generated criteria and scores: the database
computes what the formulas say (raw and normalised per reviewer, each against an
independent computation in Python), a weighted total always lies within 0–100, and
the order of the criteria changes nothing."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications import services
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
            cycle=cycle,
            name_lv=f"K{i}",
            weight=weight,
            scale_min=low,
            scale_max=low + width,
            order=i,
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
            Score(
                assignment=assignment,
                criterion=c,
                value=v,
                scale_min=c.scale_min,
                scale_max=c.scale_max,
            )
            for c, v in zip(criteria, values, strict=True)
        )
    # What the scoring services do whenever a review is submitted.
    services.refresh_reviewer_lines(cycle)
    return cycle, criteria, apps


def expected_total(shapes, values_per_review):
    """The formula, by hand: 100 · Σ w·(mean − lo) / Σ w·(hi − lo)."""
    span = sum(float(w) * width for w, _low, width in shapes)
    points = 0.0
    for i, (weight, low, _width) in enumerate(shapes):
        mean = sum(values[i] for values in values_per_review) / len(values_per_review)
        points += float(weight) * (mean - low)
    return 100 * points / span


def expected_normalised_totals(shapes, applications, reviews):
    """The normalisation, by hand: each score on a 0–1 scale, u = (v − lo)/(hi − lo),
    becomes μ + (σ/σ_r)·(u − μ_r) kept within 0–1 (μ, σ over every submitted score of
    the cycle; μ_r, σ_r over the reviewer's own; σ_r = 0 or σ = 0 leaves μ); the
    total is 100 · Σ w·(hi − lo)·mean(u') / Σ w·(hi − lo). {application: total}."""
    units = {
        key: [(v - low) / width for v, (_w, low, width) in zip(values, shapes, strict=True)]
        for key, values in reviews.items()
    }

    def mean_and_variance(values):
        mean = sum(values) / len(values)
        return mean, sum(u * u for u in values) / len(values) - mean * mean

    everything = [u for values in units.values() for u in values]
    mean, variance = mean_and_variance(everything)
    lines = {}
    for reviewer in {r for _a, r in units}:
        own_mean, own_variance = mean_and_variance(
            [u for (_a, r), values in units.items() if r == reviewer for u in values]
        )
        slope = (variance / own_variance) ** 0.5 if own_variance > 1e-12 and variance > 1e-12 else 0
        lines[reviewer] = (own_mean, slope)
    span = sum(float(w) * width for w, _low, width in shapes)
    totals = {}
    for a in range(applications):
        own = [(r, values) for (x, r), values in units.items() if x == a]
        if not own:
            totals[a] = None
            continue
        points = 0.0
        for i, (weight, _low, width) in enumerate(shapes):
            normalised = [
                min(max(mean + lines[r][1] * (values[i] - lines[r][0]), 0), 1) for r, values in own
            ]
            points += float(weight) * width * sum(normalised) / len(normalised)
        totals[a] = 100 * points / span
    return totals


def totals(cycle, **kwargs):
    return {
        a.pk: (a.total, a.normalised_total)
        for a in ranked_applications(cycle, criteria_of(cycle), **kwargs)
    }


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(evaluations())
def test_the_database_computes_the_formulas_and_stays_within_0_and_100(db, evaluation):
    shapes, applications, reviewers, reviews = evaluation
    with transaction.atomic():
        cycle, _criteria, apps = build(*evaluation)
        computed = totals(cycle, normalised=True)
        expected_normalised = expected_normalised_totals(shapes, applications, reviews)
        for index, application in enumerate(apps):
            total, normalised = computed[application.pk]
            own = [v for (a, _r), v in reviews.items() if a == index]
            if not own:
                assert total is None and normalised is None
                continue
            assert total == pytest.approx(expected_total(shapes, own), abs=0.006)
            assert normalised == pytest.approx(expected_normalised[index], abs=0.006)
            assert 0 <= total <= 100
            assert 0 <= normalised <= 100
        transaction.set_rollback(True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
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
        for before, after in zip(*results, strict=True):
            for x, y in zip(before, after, strict=True):
                # Equal up to the last rounded digit (floating-point sums in another order).
                assert (x is None and y is None) or abs(x - y) <= 0.011
        transaction.set_rollback(True)
