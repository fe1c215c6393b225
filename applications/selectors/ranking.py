"""The figures of the evaluation, computed by the database.

One grouped query over the cycle's applications, their reviews and scores gives,
per application: the mean of each criterion over the submitted reviews, the
weighted total as a percentage of the maximum (raw and, when the cycle asks for it,
normalised per reviewer through the ``ReviewerLine`` view), and through window
functions the rank overall and within the priority field and the position in
the ranking (ties are next to each other in that order). Small queries then add, for the rows shown only, the organisations,
the number of reviews and the spread between reviewers.
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

from collections import Counter
from dataclasses import dataclass, field as dataclass_field

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

from ..models import Application, Criterion, EligibilityCheck, ReviewAssignment

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


# --- the ranking query ----------------------------------------------------------------


def _unit(prefix=""):
    """A score on a 0–1 scale, from the scale copied onto the score row."""
    value, low, high = (F(f"{prefix}{name}") for name in ("value", "scale_min", "scale_max"))
    return Cast(value - low, FloatField()) / Cast(high - low, FloatField())


def _normalised_unit():
    """The score on a 0–1 scale after its reviewer's normalisation (the
    ``ReviewerLine`` view), kept within 0–1."""
    line = "submitted__member__line__"
    return Least(
        Greatest(
            F(f"{line}intercept") + F(f"{line}slope") * _unit("submitted__scores__"),
            _number(0),
        ),
        _number(1),
    )


def _percent(points, span):
    """100 · points / span, rounded to two decimals (equal totals must compare
    equal, whatever order the database added them up in)."""
    return Floor(_number(100) * points / _number(span) * _number(100) + _number(0.5)) / _number(100)


def mean_alias(criterion):
    return f"mean_{criterion.pk}"


def ranked_applications(cycle, criteria, *, normalised=False, rank_by_normalised=False):
    """Every ranked application of ``cycle`` (eligible, not withdrawn) with its
    figures and ranks; ``position`` is its place in the ranking's order (the
    queryset itself is left unordered, for the database to sort only once).
    ``normalised`` adds the normalised total; ``rank_by_normalised`` orders by it.
    The organisation is not joined (so that the database groups by the application
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
        Application.objects.filter(cycle=cycle, status__in=RANKED_STATUSES)
        .exclude(is_ineligible())
        .only("pk", "cycle", "organisation", "status", "priority_field", "submitted_at",
              "decision_published_at")
        # Only submitted reviews count: joined as such, not filtered row by row.
        .annotate(submitted=FilteredRelation(
            "assignments", condition=Q(assignments__status=SUBMITTED)
        ))
        .annotate(**annotations)
    )
    span = span_of(criteria)
    nothing = Value(None, output_field=FloatField())
    totals = {"total": nothing, "normalised_total": nothing}
    if criteria:
        raw = sum(
            _number(c.weight) * (F(mean_alias(c)) - _number(c.scale_min)) for c in criteria
        )
        totals["total"] = _percent(raw, span)
        if normalised:
            points = sum(
                _number(float(c.weight) * (c.scale_max - c.scale_min)) * F(f"normalised_{c.pk}")
                for c in criteria
            )
            totals["normalised_total"] = _percent(points, span)
    queryset = queryset.annotate(**totals)

    key = "normalised_total" if (normalised and rank_by_normalised) else "total"
    order = F(key).desc(nulls_last=True)
    by_field = [F("priority_field")]
    # Equal totals are listed in the order the applications were submitted.
    tie_break = [F("submitted_at").asc(nulls_last=True), F("pk").asc()]
    return queryset.annotate(
        ranking_total=F(key),
        rank=Window(Rank(), order_by=order),
        field_rank=Window(Rank(), partition_by=by_field, order_by=order),
        position=Window(RowNumber(), order_by=[order, *tie_break]),
        field_position=Window(RowNumber(), partition_by=by_field, order_by=[order, *tie_break]),
    ).order_by()


def attach_organisations(applications, fields=None):
    """Gives each application its organisation and priority field (from ``fields``
    when the caller has them), read in one query each for all of them."""
    from incubator.models import Organisation, PriorityField

    organisations = Organisation.objects.in_bulk({a.organisation_id for a in applications})
    if fields is None:
        fields = PriorityField.objects.in_bulk(
            {a.priority_field_id for a in applications} - {None}
        )
    else:
        fields = {f.pk: f for f in fields}
    for application in applications:
        application.organisation = organisations[application.organisation_id]
        application.priority_field = fields.get(application.priority_field_id)
    return applications


def review_counts(*, application_ids=None, cycle=None):
    """{application id: (submitted reviews, open reviews, recusals)}."""
    rows = (
        ReviewAssignment.objects.filter(
            Q(application__cycle=cycle) if cycle is not None
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


def _row(application, criteria, *, by_field, counts=None):
    scored = application.ranking_total is not None
    done, open_reviews, recusals = (counts or {}).get(application.pk, (0, 0, 0))
    return Row(
        application=application,
        means=[getattr(application, mean_alias(c)) for c in criteria],
        total=application.total,
        normalised_total=application.normalised_total,
        rank=(application.field_rank if by_field else application.rank) if scored else None,
        field_rank=application.field_rank if scored else None,
        position=application.field_position if by_field else application.position,
        field_position=application.field_position,
        reviews_done=done,
        reviews_open=open_reviews,
        recusals=recusals,
    )


def tied_rows(applications):
    """The pks of the applications (in ranking order) whose total equals that of
    the one before or after them."""
    tied = set()
    for before, after in zip(applications, applications[1:]):
        if before.ranking_total is not None and before.ranking_total == after.ranking_total:
            tied |= {before.pk, after.pk}
    return tied


def _candidates(applications):
    return [
        Candidate(a.pk, a.priority_field_id, a.ranking_total, a.field_position)
        for a in sorted(applications, key=lambda a: a.position)
    ]


def ranking_query(cycle, settings, criteria):
    return ranked_applications(
        cycle, criteria, normalised=settings.normalise_scores,
        rank_by_normalised=settings.normalise_scores,
    )


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
    # One row more on each side of the page shows whether its first or last row
    # shares its total with a row on the next page.
    in_page = Q(**{f"{position}__gte": start, f"{position}__lte": end + 1})
    query = ranking_query(cycle, settings, criteria)
    if by_field:
        query = query.annotate(field_of_row=_as_window(F("priority_field")))
        in_page &= Q(field_of_row=field.pk)
    shortlist = Q(field_position__lte=cycle.places)
    fetched = list(query.filter(in_page | shortlist))

    chosen, tied_at_cut = suggest(_candidates(fetched), cycle.places, quotas)
    chosen_set = set(chosen)
    in_view = sorted(
        (a for a in fetched if not by_field or a.priority_field_id == field.pk),
        key=lambda a: getattr(a, position),
    )
    tied = tied_rows(
        [a for a in in_view if start <= getattr(a, position) <= end + 1]
    )
    page_apps = [a for a in in_view if start < getattr(a, position) <= end]
    attach_organisations(page_apps, fields=fields or None)
    ids = [a.pk for a in page_apps]
    counts_by_app = review_counts(application_ids=ids)
    spread_by_app = spreads(criteria, application_ids=ids)
    checked = _eligibility_checked(cycle, ids)
    threshold = float(settings.spread_threshold)
    wanted = settings.reviewers_per_application
    rows = []
    for application in page_apps:
        row = _row(application, criteria, by_field=by_field, counts=counts_by_app)
        row.spread = spread_by_app.get(application.pk)
        row.flagged = row.spread is not None and row.spread > threshold
        row.suggested = application.pk in chosen_set
        row.tied = application.pk in tied
        row.tied_at_cut = application.pk in tied_at_cut
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
    applications = attach_organisations(
        list(ranking_query(cycle, settings, criteria).order_by("position"))
    )
    from .review import quotas as quotas_of

    chosen, tied_at_cut = suggest(_candidates(applications), cycle.places, quotas_of(cycle))
    chosen = set(chosen)
    tied = tied_rows(applications)
    spread_by_app = spreads(criteria, cycle=cycle)
    counts_by_app = review_counts(cycle=cycle)
    threshold = float(settings.spread_threshold)
    rows = []
    for application in applications:
        row = _row(application, criteria, by_field=False, counts=counts_by_app)
        row.spread = spread_by_app.get(application.pk)
        row.flagged = row.spread is not None and row.spread > threshold
        row.suggested = application.pk in chosen
        row.tied = application.pk in tied
        row.tied_at_cut = application.pk in tied_at_cut
        row.incomplete = (
            row.reviews_done < settings.reviewers_per_application or row.reviews_open > 0
        )
        rows.append(row)
    return criteria, rows


def figures_for(cycle, settings, application_ids):
    """The ranking rows of a few applications (for letters and detail pages),
    ranked among all of the cycle's applications. {application id: Row}."""
    criteria = criteria_of(cycle)
    applications = list(
        ranking_query(cycle, settings, criteria)
        .annotate(id_of_row=_as_window(F("pk")))
        .filter(id_of_row__in=list(application_ids))
    )
    counts = review_counts(application_ids=[a.pk for a in applications])
    return criteria, {
        a.pk: _row(a, criteria, by_field=False, counts=counts) for a in applications
    }


def waiting_list(cycle, settings, limit=5):
    """The best wait-listed applications, in the order of the ranking."""
    criteria = criteria_of(cycle)
    return attach_organisations(list(
        ranking_query(cycle, settings, criteria)
        .filter(status=Application.Status.WAITLISTED)
        .order_by("position")[:limit]
    ))
