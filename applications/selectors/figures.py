"""The figures of the evaluation, computed by the database (the ranking's query;
``ranking.py`` lays its rows out in pages and suggests the selection).

One grouped query over the cycle's applications, their reviews and scores gives,
per application: the mean of each criterion over the submitted reviews, the
weighted total as a percentage of the maximum (raw and, when the cycle asks for it,
normalised per reviewer through each member's ``ReviewerLine``), and through window
functions the rank overall and within the priority field and the position in
the ranking (ties are next to each other in that order). Small queries then add, for
the rows shown only, the organisations, the number of reviews and the spread between reviewers.
Pages and shortlists are picked from the full ranking after it is computed, so a
page of the ranking is always a slice of the whole order.

Formulas (w = weight, [lo, hi] = the criterion's scale, m = mean of its scores):

    total      = 100 · Σ w·(m − lo) / Σ w·(hi − lo)
    normalised : each score u = (v − lo)/(hi − lo) on a 0–1 scale becomes
                 u' = μ + σ·(u − μ_r)/σ_r, kept within 0–1, where μ_r, σ_r are the
                 mean and standard deviation of the reviewer's own scores in the
                 cycle and μ, σ those of the whole committee; the total is then
                 100 · Σ w·(hi − lo)·mean(u') / Σ w·(hi − lo).
    spread     = the highest minus the lowest weighted total of the individual
                 reviews of an application, in percentage points.
"""

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    Func,
    OuterRef,
    Q,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Floor, Greatest, Least, Rank, RowNumber

from incubator.models import Organisation, PriorityField

from ..models import Application, Criterion, EligibilityCheck, ReviewAssignment, Score

SUBMITTED = ReviewAssignment.Status.SUBMITTED
OPEN_REVIEW = [ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.DRAFT]
RECUSED = ReviewAssignment.Status.RECUSED


class WindowMax(Func):
    """MAX(...) as a window function over grouped rows (Django's Max refuses to
    take an aggregate as its argument, which is what a window over a GROUP BY does)."""

    function = "MAX"
    window_compatible = True


class WindowMin(Func):
    function = "MIN"
    window_compatible = True


def _number(value):
    return Value(float(value), output_field=FloatField())


def _as_window(expression):
    """The same value computed as a window over the row itself, so that filtering on
    it happens after the ranking is computed rather than before."""
    return Window(WindowMax(expression), partition_by=[F("pk")])


def criteria_of(cycle):
    return list(Criterion.objects.filter(cycle=cycle).order_by("order", "pk"))


def span_of(criteria):
    """The largest weighted total a review can reach: Σ w·(hi − lo)."""
    return sum(float(c.weight) * (c.scale_max - c.scale_min) for c in criteria)


def is_ineligible():
    return Exists(EligibilityCheck.objects.filter(application=OuterRef("pk"), met=False))


# --- the ranking query ----------------------------------------------------------------


def _unit(prefix=""):
    """A score on a 0–1 scale, from the scale copied onto the score row."""
    value, low, high = (F(f"{prefix}{name}") for name in ("value", "scale_min", "scale_max"))
    return Cast(value - low, FloatField()) / Cast(high - low, FloatField())


def line_of_each_member(cycle):
    """(member id, number of scores, mean, mean of squares) of each committee member
    of ``cycle`` with submitted scores, each score on a 0–1 scale. One query grouped
    by member: as many rows as the committee has members."""
    unit = _unit()
    return [
        (row["assignment__member_id"], row["n"], row["mean"], row["mean_square"])
        for row in Score.objects.filter(
            assignment__member__cycle=cycle,
            assignment__status=SUBMITTED,
            value__isnull=False,
        )
        .values("assignment__member_id")
        .annotate(
            n=Count("pk"),
            mean=Avg(unit, output_field=FloatField()),
            mean_square=Avg(unit * unit, output_field=FloatField()),
        )
        .order_by("assignment__member_id")
    ]


def normalisation_lines(rows):
    """From ``line_of_each_member``'s rows, each member's (member id, scores, mean,
    committee mean, slope, intercept): see ``ReviewerLine``."""
    count = sum(n for _member, n, _mean, _square in rows)
    if not count:
        return []
    mean = sum(n * own for _member, n, own, _square in rows) / count
    variance = sum(n * square for _member, n, _own, square in rows) / count - mean * mean
    lines = []
    for member_id, n, own, square in rows:
        own_variance = square - own * own
        slope = (
            (variance / own_variance) ** 0.5 if own_variance > 1e-12 and variance > 1e-12 else 0.0
        )
        lines.append((member_id, n, own, mean, slope, mean - slope * own))
    return lines


def _normalised_unit():
    """The score on a 0–1 scale after its reviewer's normalisation (their
    ``ReviewerLine``), kept within 0–1."""
    line = "submitted__member__line__"
    return Least(
        Greatest(
            F(f"{line}intercept") + F(f"{line}slope") * _unit("submitted__scores__"),
            _number(0),
        ),
        _number(1),
    )


def weighted_points(weight, value, low):
    """w·(v − lo): the points a score (or a criterion's mean score) ``value`` adds to
    a weighted total, as a float. The one formula of every weighted total: the
    ranking's, each review's and the reviewer's running total."""
    return Cast(weight, FloatField()) * Cast(value - low, FloatField())


def score_points(prefix=""):
    """Σ w·(v − lo) over the scores at ``prefix`` (a path to Score rows), each with
    its criterion's weight and scale."""
    return Sum(
        weighted_points(
            F(f"{prefix}criterion__weight"), F(f"{prefix}value"), F(f"{prefix}criterion__scale_min")
        ),
        output_field=FloatField(),
    )


def _percent(points, span):
    """100 · points / span, rounded to two decimals (equal totals must compare
    equal, whatever order the database added them up in)."""
    return Floor(_number(100) * points / _number(span) * _number(100) + _number(0.5)) / _number(100)


def mean_alias(criterion):
    return f"mean_{criterion.pk}"


def application_figures(cycle, criteria, *, normalised=False):
    """Every ranked application of ``cycle`` (eligible, not withdrawn) with its
    figures: the mean of each criterion (``mean_<pk>``, and with ``normalised``
    ``normalised_<pk>``), ``total`` and ``normalised_total``; no ranks. The
    organisation is not joined (so that the database groups by the application
    alone); see ``attach_organisations``."""
    annotations = {}
    for criterion in criteria:
        in_criterion = Q(submitted__scores__criterion_id=criterion.pk)
        annotations[mean_alias(criterion)] = Avg(
            "submitted__scores__value", filter=in_criterion, output_field=FloatField()
        )
        if normalised:
            annotations[f"normalised_{criterion.pk}"] = Avg(
                _normalised_unit(), filter=in_criterion, output_field=FloatField()
            )
    queryset = (
        Application.objects.filter(cycle=cycle, status__in=Application.EVALUATED)
        .exclude(is_ineligible())
        .only(
            "pk",
            "cycle",
            "organisation",
            "status",
            "priority_field",
            "submitted_at",
            "decision_published_at",
        )
        # Only submitted reviews count: joined as such, not filtered row by row.
        .annotate(
            submitted=FilteredRelation("assignments", condition=Q(assignments__status=SUBMITTED))
        )
        .annotate(**annotations)
    )
    span = span_of(criteria)
    nothing = Value(None, output_field=FloatField())
    totals = {"total": nothing, "normalised_total": nothing}
    if criteria:
        raw = sum(
            weighted_points(_number(c.weight), F(mean_alias(c)), _number(c.scale_min))
            for c in criteria
        )
        totals["total"] = _percent(raw, span)
        if normalised:
            points = sum(
                _number(float(c.weight) * (c.scale_max - c.scale_min)) * F(f"normalised_{c.pk}")
                for c in criteria
            )
            totals["normalised_total"] = _percent(points, span)
    return queryset.annotate(**totals)


def ranked_applications(cycle, criteria, *, normalised=False, rank_by_normalised=False):
    """Every ranked application of ``cycle`` with its figures (see
    ``application_figures``) and ranks; ``position`` is its place in the ranking's
    order (the queryset itself is left unordered, for the database to sort only
    once). ``normalised`` adds the normalised total; ``rank_by_normalised`` orders
    by it. This is the live computation; the ranking page reads the same figures
    stored (``RankedApplication``)."""
    queryset = application_figures(cycle, criteria, normalised=normalised)
    key = "normalised_total" if (normalised and rank_by_normalised) else "total"
    order = F(key).desc(nulls_last=True)
    by_field = [F("priority_field")]
    # Equal totals are listed in the order the applications were submitted.
    tie_break = [F("submitted_at").asc(nulls_last=True), F("pk").asc()]
    return queryset.annotate(
        rank=Window(Rank(), order_by=order),
        field_rank=Window(Rank(), partition_by=by_field, order_by=order),
        position=Window(RowNumber(), order_by=[order, *tie_break]),
        field_position=Window(RowNumber(), partition_by=by_field, order_by=[order, *tie_break]),
    ).order_by()


def attach_organisations(applications, fields=None):
    """Gives each application its organisation and priority field (from ``fields``
    when the caller has them), read in one query each for all of them."""
    organisations = Organisation.objects.in_bulk({a.organisation_id for a in applications})
    if fields is None:
        fields = PriorityField.objects.in_bulk({a.priority_field_id for a in applications} - {None})
    else:
        fields = {f.pk: f for f in fields}
    for application in applications:
        application.organisation = organisations[application.organisation_id]
        application.priority_field = fields.get(application.priority_field_id)
    return applications


def reviews_missing(done, open_reviews, wanted):
    """How many more reviewers an application needs: ``wanted`` minus its reviews
    submitted or still open (recusals do not count)."""
    return max(wanted - done - open_reviews, 0)


def reviews_incomplete(done, open_reviews, wanted):
    """An application's figures are not final while it lacks reviewers or a review
    is still open."""
    return reviews_missing(done, open_reviews, wanted) > 0 or open_reviews > 0


def review_counts(*, application_ids=None, cycle=None):
    """{application id: (submitted reviews, open reviews, recusals)}."""
    rows = (
        ReviewAssignment.objects.filter(
            Q(application__cycle=cycle)
            if cycle is not None
            else Q(application_id__in=application_ids)
        )
        .values("application_id")
        .annotate(
            done=Count("pk", filter=Q(status=SUBMITTED)),
            open=Count("pk", filter=Q(status__in=OPEN_REVIEW)),
            recused=Count("pk", filter=Q(status=RECUSED)),
        )
        .order_by()
    )
    return {row["application_id"]: (row["done"], row["open"], row["recused"]) for row in rows}


def review_totals(criteria, *, application_ids=None, cycle=None):
    """The weighted total of each submitted review of the given applications (or of
    the whole cycle), with the highest and the lowest per application."""
    span = span_of(criteria)
    if not span:
        return ReviewAssignment.objects.none()
    points = score_points("scores__")
    return (
        ReviewAssignment.objects.filter(
            Q(application__cycle=cycle)
            if cycle is not None
            else Q(application_id__in=application_ids),
            status=SUBMITTED,
        )
        .values("pk", "application_id", "member_id")
        .annotate(total=_percent(points, span))
        .annotate(
            highest=Window(WindowMax(F("total")), partition_by=[F("application_id")]),
            lowest=Window(WindowMin(F("total")), partition_by=[F("application_id")]),
        )
        .order_by("application_id", "pk")
    )


def spreads(criteria, *, application_ids=None, cycle=None):
    """{application id: the highest minus the lowest review total, in percentage
    points} for the given applications (or the whole cycle)."""
    result = {}
    for row in review_totals(criteria, application_ids=application_ids, cycle=cycle):
        if row["highest"] is not None and row["lowest"] is not None:
            result[row["application_id"]] = round(row["highest"] - row["lowest"], 2)
    return result
