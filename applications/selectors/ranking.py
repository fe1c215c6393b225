"""The figures of the evaluation, computed by the database.

One grouped query over the cycle's applications, their reviews and scores gives,
per application: the mean of each criterion over the submitted reviews, the
weighted total as a percentage of the maximum (raw and, when the cycle asks for it,
normalised per reviewer), the number of reviews, and through window functions the
rank overall and within the priority field, ties and the position in the ranking.
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

import math
from collections import Counter
from dataclasses import dataclass, field as dataclass_field

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Greatest, Least, Rank, Round, RowNumber

from ..models import Application, Criterion, EligibilityCheck, ReviewAssignment, Score

SUBMITTED = ReviewAssignment.Status.SUBMITTED
OPEN_REVIEW = [ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.DRAFT]
RECUSED = ReviewAssignment.Status.RECUSED
# Applications that take part in the ranking (drafts and withdrawals do not).
RANKED_STATUSES = [
    Application.Status.SUBMITTED,
    Application.Status.ADMITTED,
    Application.Status.WAITLISTED,
    Application.Status.REJECTED,
]


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


# --- normalisation ------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """u' = offset + slope · u, the map from one reviewer's scores to the committee's."""

    offset: float
    slope: float


def _unit(prefix=""):
    """A score on a 0–1 scale, from the scale copied onto the score row."""
    value, low, high = (F(f"{prefix}{name}") for name in ("value", "scale_min", "scale_max"))
    return Cast(value - low, FloatField()) / Cast(high - low, FloatField())


def normalisation_lines(cycle):
    """Per committee member, the line that turns their scores into z-scores
    rescaled to the committee's mean and spread. One grouped query."""
    rows = list(
        Score.objects.filter(
            assignment__application__cycle=cycle,
            assignment__status=SUBMITTED,
            value__isnull=False,
        )
        .values("assignment__member")
        .annotate(n=Count("pk"), mean=Avg(_unit()), mean_square=Avg(_unit() * _unit()))
        .order_by()
    )
    count = sum(row["n"] for row in rows)
    if not count:
        return {}
    mean = sum(row["n"] * row["mean"] for row in rows) / count
    deviation = math.sqrt(
        max(sum(row["n"] * row["mean_square"] for row in rows) / count - mean**2, 0.0)
    )
    lines = {}
    for row in rows:
        own_deviation = math.sqrt(max(row["mean_square"] - row["mean"] ** 2, 0.0))
        # A reviewer who gave every application the same score says nothing about
        # their order: their scores all become the committee's mean.
        slope = deviation / own_deviation if own_deviation > 1e-9 else 0.0
        lines[row["assignment__member"]] = Line(mean - slope * row["mean"], slope)
    return lines


def _normalised_unit(lines):
    member = "assignments__member_id"
    offset = Case(
        *[When(**{member: pk}, then=_number(line.offset)) for pk, line in lines.items()],
        default=_number(0),
        output_field=FloatField(),
    )
    slope = Case(
        *[When(**{member: pk}, then=_number(line.slope)) for pk, line in lines.items()],
        default=_number(0),
        output_field=FloatField(),
    )
    return Least(Greatest(offset + slope * _unit("assignments__scores__"), _number(0)), _number(1))


# --- the ranking query ----------------------------------------------------------------


def mean_alias(criterion):
    return f"mean_{criterion.pk}"


def ranked_applications(cycle, criteria, *, lines=None, rank_by_normalised=False):
    """Every ranked application of ``cycle`` (eligible, not withdrawn) with its
    figures and ranks. ``lines`` (from ``normalisation_lines``) adds the normalised
    total; ``rank_by_normalised`` orders by it."""
    submitted = Q(assignments__status=SUBMITTED)
    annotations = {
        "reviews_done": Count("assignments", filter=submitted, distinct=True),
        "reviews_open": Count(
            "assignments", filter=Q(assignments__status__in=OPEN_REVIEW), distinct=True
        ),
        "recusals": Count("assignments", filter=Q(assignments__status=RECUSED), distinct=True),
    }
    normalised_unit = _normalised_unit(lines) if lines else None
    for criterion in criteria:
        in_criterion = submitted & Q(assignments__scores__criterion_id=criterion.pk)
        annotations[mean_alias(criterion)] = Avg(
            "assignments__scores__value", filter=in_criterion, output_field=FloatField()
        )
        if lines:
            annotations[f"normalised_{criterion.pk}"] = Avg(
                normalised_unit, filter=in_criterion, output_field=FloatField()
            )
    queryset = (
        Application.objects.filter(cycle=cycle, status__in=RANKED_STATUSES)
        .exclude(is_ineligible())
        .select_related("organisation", "priority_field")
        .only(
            "pk", "cycle", "status", "priority_field", "submitted_at", "decision_published_at",
            "organisation__name", "organisation__registration_number",
            "organisation__municipality",
        )
        .annotate(**annotations)
    )
    span = span_of(criteria)
    if criteria:
        raw = sum(
            _number(c.weight) * (F(mean_alias(c)) - _number(c.scale_min)) for c in criteria
        )
        totals = {"total": Round(_number(100) * raw / _number(span), 2)}
        if lines:
            normalised = sum(
                _number(float(c.weight) * (c.scale_max - c.scale_min)) * F(f"normalised_{c.pk}")
                for c in criteria
            )
            totals["normalised_total"] = Round(_number(100) * normalised / _number(span), 2)
    else:
        totals = {"total": Value(None, output_field=FloatField())}
    if "normalised_total" not in totals:
        totals["normalised_total"] = Value(None, output_field=FloatField())
    queryset = queryset.annotate(**totals)

    key = "normalised_total" if (lines and rank_by_normalised) else "total"
    order = F(key).desc(nulls_last=True)
    tie_break = [F("organisation__name").asc(), F("pk").asc()]
    return queryset.annotate(
        ranking_total=F(key),
        rank=Window(Rank(), order_by=order),
        field_rank=Window(Rank(), partition_by=[F("priority_field")], order_by=order),
        ties=Window(Count("pk"), partition_by=[F(key)]),
        field_ties=Window(Count("pk"), partition_by=[F("priority_field"), F(key)]),
        position=Window(RowNumber(), order_by=[order, *tie_break]),
        field_position=Window(
            RowNumber(), partition_by=[F("priority_field")], order_by=[order, *tie_break]
        ),
        field_of_row=_as_window(F("priority_field")),
        id_of_row=_as_window(F("pk")),
    ).order_by("position")


def review_totals(criteria, *, application_ids=None, cycle=None):
    """The weighted total of each submitted review of the given applications (or of
    the whole cycle), with the highest and the lowest per application."""
    span = span_of(criteria)
    if not span:
        return ReviewAssignment.objects.none()
    points = Sum(
        Cast(F("scores__criterion__weight"), FloatField())
        * Cast(F("scores__value") - F("scores__criterion__scale_min"), FloatField()),
        output_field=FloatField(),
    )
    return (
        ReviewAssignment.objects.filter(
            Q(application__cycle=cycle) if cycle is not None
            else Q(application_id__in=application_ids),
            status=SUBMITTED,
        )
        .values("pk", "application_id", "member_id")
        .annotate(total=Round(_number(100) * points / _number(span), 2))
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


# --- the suggested selection ----------------------------------------------------------


@dataclass
class Candidate:
    pk: int
    field_id: int | None
    total: float | None
    field_position: int


def suggest(candidates, places, quotas):
    """The applications a committee would admit by the numbers: first each field's
    guaranteed minimum (its best ``minimum`` applications), then the remaining
    places in order of the total, never more than a field's maximum.

    ``candidates`` are in ranking order and must include, for every field, its
    best ``places`` applications; ``quotas`` maps a field id to (minimum, maximum
    or None). Returns (the chosen pks in ranking order, the pks tied at the cut)."""
    scored = [c for c in candidates if c.total is not None]
    chosen = [
        c for c in scored if c.field_position <= quotas.get(c.field_id, (0, None))[0]
    ][:places]
    chosen_pks = {c.pk for c in chosen}
    open_places = places - len(chosen)
    contenders = [
        c for c in scored
        if c.pk not in chosen_pks
        and (quotas.get(c.field_id, (0, None))[1] is None
             or c.field_position <= quotas[c.field_id][1])
    ]
    taken = contenders[:max(open_places, 0)]
    chosen_pks |= {c.pk for c in taken}
    tied = set()
    if taken and len(contenders) > len(taken):
        last = taken[-1].total
        if contenders[len(taken)].total == last:
            tied = {c.pk for c in contenders if c.total == last}
    return [c.pk for c in scored if c.pk in chosen_pks], tied


# --- what the pages get ----------------------------------------------------------------


@dataclass
class Row:
    """One application's line in the ranking."""

    application: Application
    means: list
    total: float | None
    normalised_total: float | None
    rank: int | None
    field_rank: int | None
    position: int
    field_position: int
    reviews_done: int
    reviews_open: int
    recusals: int
    tied: bool = False
    spread: float | None = None
    flagged: bool = False
    suggested: bool = False
    tied_at_cut: bool = False
    incomplete: bool = False
    eligibility_checked: bool = False
    cut_after: bool = False


@dataclass
class Ranking:
    cycle: object
    settings: object
    criteria: list
    rows: list
    page: object = None
    field: object = None
    normalised: bool = False
    chosen: list = dataclass_field(default_factory=list)
    summary: list = dataclass_field(default_factory=list)
    count: int = 0


def _row(application, criteria, *, by_field):
    scored = application.ranking_total is not None
    return Row(
        application=application,
        means=[getattr(application, mean_alias(c)) for c in criteria],
        total=application.total,
        normalised_total=application.normalised_total,
        rank=(application.field_rank if by_field else application.rank) if scored else None,
        field_rank=application.field_rank if scored else None,
        position=application.field_position if by_field else application.position,
        field_position=application.field_position,
        reviews_done=application.reviews_done,
        reviews_open=application.reviews_open,
        recusals=application.recusals,
        tied=scored and (application.field_ties if by_field else application.ties) > 1,
    )


def _candidates(applications):
    return [
        Candidate(a.pk, a.priority_field_id, a.ranking_total, a.field_position)
        for a in sorted(applications, key=lambda a: a.position)
    ]


def ranking_query(cycle, settings, criteria):
    lines = normalisation_lines(cycle) if settings.normalise_scores else None
    return ranked_applications(cycle, criteria, lines=lines, rank_by_normalised=bool(lines))


def ranking(cycle, settings, *, page_number=1, per_page=50, field=None, quotas=None,
            fields=()):
    """One page of the ranking (overall, or of one priority field) with the
    suggested selection and a summary per field. A fixed number of queries,
    however many applications there are."""
    from django.core.paginator import Paginator

    criteria = criteria_of(cycle)
    quotas = quotas or {}
    counts = {
        row["priority_field"]: row
        for row in Application.objects.filter(cycle=cycle, status__in=RANKED_STATUSES)
        .exclude(is_ineligible())
        .values("priority_field")
        .annotate(
            n=Count("pk"),
            admitted=Count("pk", filter=Q(status=Application.Status.ADMITTED)),
            waitlisted=Count("pk", filter=Q(status=Application.Status.WAITLISTED)),
        )
        .order_by()
    }
    count = counts.get(field.pk, {}).get("n", 0) if field else sum(r["n"] for r in counts.values())
    page = Paginator(range(count), per_page).get_page(page_number)
    start, end = (page.start_index() - 1, page.end_index()) if count else (0, 0)
    by_field = field is not None
    position = "field_position" if by_field else "position"
    in_page = Q(**{f"{position}__gt": start, f"{position}__lte": end})
    if by_field:
        in_page &= Q(field_of_row=field.pk)
    shortlist = Q(field_position__lte=cycle.places)
    fetched = list(ranking_query(cycle, settings, criteria).filter(in_page | shortlist))

    chosen, tied = suggest(_candidates(fetched), cycle.places, quotas)
    chosen_set = set(chosen)
    page_apps = sorted(
        (
            a for a in fetched
            if start < getattr(a, position) <= end
            and (not by_field or a.priority_field_id == field.pk)
        ),
        key=lambda a: getattr(a, position),
    )
    ids = [a.pk for a in page_apps]
    spread_by_app = spreads(criteria, application_ids=ids)
    checked = _eligibility_checked(cycle, ids)
    threshold = float(settings.spread_threshold)
    wanted = settings.reviewers_per_application
    rows = []
    for application in page_apps:
        row = _row(application, criteria, by_field=by_field)
        row.spread = spread_by_app.get(application.pk)
        row.flagged = row.spread is not None and row.spread > threshold
        row.suggested = application.pk in chosen_set
        row.tied_at_cut = application.pk in tied
        row.incomplete = row.reviews_done < wanted or row.reviews_open > 0
        row.eligibility_checked = application.pk in checked
        rows.append(row)
    in_scope = [
        a for a in fetched
        if a.pk in chosen_set and (not by_field or a.priority_field_id == field.pk)
    ]
    if in_scope:
        last = max(getattr(a, position) for a in in_scope)
        for row in rows:
            row.cut_after = row.position == last
    chosen_by_field = Counter(
        a.priority_field_id for a in fetched if a.pk in chosen_set
    )
    summary = [
        {
            "field": f,
            "applications": counts.get(f.pk, {}).get("n", 0),
            "minimum": quotas.get(f.pk, (0, None))[0],
            "maximum": quotas.get(f.pk, (0, None))[1],
            "suggested": chosen_by_field.get(f.pk, 0),
            "admitted": counts.get(f.pk, {}).get("admitted", 0),
            "waitlisted": counts.get(f.pk, {}).get("waitlisted", 0),
        }
        for f in fields
    ]
    return Ranking(
        cycle=cycle,
        settings=settings,
        criteria=criteria,
        rows=rows,
        page=page,
        field=field,
        normalised=settings.normalise_scores,
        chosen=chosen,
        summary=summary,
        count=count,
    )


def _eligibility_checked(cycle, application_ids):
    """The applications (of the given) whose every requirement has been checked."""
    from ..models import EligibilityRequirement

    required = EligibilityRequirement.objects.filter(cycle=cycle).count()
    if not required:
        return set(application_ids)
    return set(
        EligibilityCheck.objects.filter(application_id__in=application_ids)
        .values("application_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=required)
        .values_list("application_id", flat=True)
    )


def full_ranking(cycle, settings):
    """Every ranked application in order, for exports and the protocol: (criteria,
    rows). The suggestion is computed as on the ranking page."""
    criteria = criteria_of(cycle)
    applications = list(ranking_query(cycle, settings, criteria))
    from .review import quotas as quotas_of

    chosen, tied = suggest(_candidates(applications), cycle.places, quotas_of(cycle))
    chosen = set(chosen)
    spread_by_app = spreads(criteria, cycle=cycle)
    threshold = float(settings.spread_threshold)
    rows = []
    for application in applications:
        row = _row(application, criteria, by_field=False)
        row.spread = spread_by_app.get(application.pk)
        row.flagged = row.spread is not None and row.spread > threshold
        row.suggested = application.pk in chosen
        row.tied_at_cut = application.pk in tied
        row.incomplete = (
            row.reviews_done < settings.reviewers_per_application or row.reviews_open > 0
        )
        rows.append(row)
    return criteria, rows


def figures_for(cycle, settings, application_ids):
    """The ranking rows of a few applications (for letters and detail pages),
    ranked among all of the cycle's applications. {application id: Row}."""
    criteria = criteria_of(cycle)
    applications = ranking_query(cycle, settings, criteria).filter(
        id_of_row__in=list(application_ids)
    )
    return criteria, {a.pk: _row(a, criteria, by_field=False) for a in applications}


def waiting_list(cycle, settings, limit=5):
    """The best wait-listed applications, in the order of the ranking."""
    criteria = criteria_of(cycle)
    return list(
        ranking_query(cycle, settings, criteria)
        .filter(status=Application.Status.WAITLISTED)[:limit]
    )
