"""The ranking as staff see it: pages of the full order (overall or per priority
field), the selection the numbers suggest against the places, and the same rows
for exports, letters and detail pages. The figures come from ``figures.py``."""

from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.paginator import Paginator
from django.db.models import Count, F, Max, OuterRef, Q, Subquery

from incubator.models import PriorityField
from incubator.wording import decimals

from ..models import (
    Application,
    EligibilityCheck,
    EligibilityRequirement,
    RankedApplication,
    RankingState,
)
from .figures import (
    _as_window,
    attach_organisations,
    criteria_of,
    is_ineligible,
    mean_alias,
    ranked_applications,
    review_counts,
    reviews_incomplete,
    spreads,
)
from .review import quotas as quotas_of

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
    chosen = [c for c in scored if c.field_position <= quotas.get(c.field_id, (0, None))[0]][
        :places
    ]
    chosen_pks = {c.pk for c in chosen}
    open_places = places - len(chosen)
    contenders = [
        c
        for c in scored
        if c.pk not in chosen_pks
        and (
            quotas.get(c.field_id, (0, None))[1] is None
            or c.field_position <= quotas[c.field_id][1]
        )
    ]
    taken = contenders[: max(open_places, 0)]
    chosen_pks |= {c.pk for c in taken}
    tied = set()
    if taken and len(contenders) > len(taken):
        last = taken[-1].total
        if contenders[len(taken)].total == last:
            tied = {c.pk for c in contenders if c.total == last}
    return [c.pk for c in scored if c.pk in chosen_pks], tied


def ranking_is_fresh(cycle):
    """Do the stored rows (``RankedApplication``) reflect the cycle's last change?"""
    return RankingState.objects.filter(cycle_id=cycle.pk, computed=F("changed")).exists()


# --- what the pages get ----------------------------------------------------------------


@dataclass
class Written:
    """A row's figures as the ranking page writes them, in the active language:
    each mean, the total the ranking follows, the raw total, the spread ("—" for
    none), and the total for its bar (unlocalised; None: no bar)."""

    means: list
    total: str
    raw_total: str
    spread: str
    bar: str | None


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
    written: Written | None = None


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


def _rows(
    applications,
    criteria,
    settings,
    *,
    by_field,
    chosen,
    tied,
    tied_at_cut,
    counts,
    spread_by_app,
    checked=None,
):
    """The ranking's rows of ``applications`` with their marks: the suggestion, ties,
    the spread flag, incomplete reviews and (given ``checked``) eligibility."""
    threshold = float(settings.spread_threshold)
    rows = []
    for application in applications:
        row = _row(application, criteria, by_field=by_field, counts=counts)
        row.spread = spread_by_app.get(application.pk)
        row.flagged = row.spread is not None and row.spread > threshold
        row.suggested = application.pk in chosen
        row.tied = application.pk in tied
        row.tied_at_cut = application.pk in tied_at_cut
        row.incomplete = reviews_incomplete(
            row.reviews_done, row.reviews_open, settings.reviewers_per_application
        )
        row.eligibility_checked = checked is None or application.pk in checked
        rows.append(row)
    return rows


def tied_rows(applications):
    """The pks of the applications (in ranking order) whose total equals that of
    the one before or after them."""
    tied = set()
    for before, after in zip(applications, applications[1:], strict=False):
        if before.ranking_total is not None and before.ranking_total == after.ranking_total:
            tied |= {before.pk, after.pk}
    return tied


def _candidates(applications):
    return [
        Candidate(a.pk, a.priority_field_id, a.ranking_total, a.field_position)
        for a in sorted(applications, key=lambda a: a.position)
    ]


def _fetch(queryset, settings):
    """The rows of a ranking query, each with ``ranking_total``: the total the
    ranking follows (the normalised one when the cycle normalises)."""
    applications = list(queryset)
    for application in applications:
        application.ranking_total = (
            application.normalised_total if settings.normalise_scores else application.total
        )
    return applications


def ranking_query(cycle, settings, criteria):
    return ranked_applications(
        cycle,
        criteria,
        normalised=settings.normalise_scores,
        rank_by_normalised=settings.normalise_scores,
    )


def ranking_page(
    cycle, settings, *, page_number=1, per_page=50, field=None, quotas=None, fields=()
):
    """One page of the ranking (overall, or of one priority field) with the
    suggested selection and a summary per field. A fixed number of queries,
    however many applications there are: the page's rows and the shortlist are
    computed from the whole order, the page is sliced from them, and only its rows
    are then decorated with organisations, review counts and spreads.

    When the stored ranking (``RankedApplication``) is fresh, everything comes
    from it: the page's rows and the shortlists are read by the indexes on (cycle,
    position) and (cycle, field, position in the field). Until a change has been
    refreshed, the page computes the same from the scores (the live query)."""
    criteria = criteria_of(cycle)
    quotas = quotas or {}
    fresh = ranking_is_fresh(cycle)
    counts = _stored_field_counts(cycle) if fresh else _live_field_counts(cycle)
    count, page, window = _window(counts, field, page_number, per_page)
    if fresh:
        fetched = _read(cycle, settings, criteria, window, counts)
    else:
        fetched = _compute(cycle, settings, criteria, window)
    chosen, tied_at_cut = suggest(_candidates(fetched), cycle.places, quotas)
    page_apps, tied = _slice(fetched, window)
    rows = (_decorate_stored if fresh else _decorate_live)(
        cycle,
        settings,
        criteria,
        page_apps,
        window=window,
        fields=fields,
        chosen=set(chosen),
        tied=tied,
        tied_at_cut=tied_at_cut,
    )
    _mark_cut_line(rows, fetched, set(chosen), window)
    _write_figures(rows, settings)
    return Ranking(
        cycle=cycle,
        settings=settings,
        criteria=criteria,
        rows=rows,
        page=page,
        field=field,
        normalised=settings.normalise_scores,
        chosen=chosen,
        summary=_summary(fields, counts, quotas, fetched, set(chosen)),
        count=count,
    )


@dataclass
class _Window:
    """The stretch of the order a page shows: overall (by ``position``) or within
    one priority field (by ``field_position``), after ``start`` up to ``end``."""

    field: object
    start: int
    end: int

    @property
    def position(self):
        return "field_position" if self.field is not None else "position"

    def place(self, application):
        return getattr(application, self.position)

    def shows(self, application):
        return self.field is None or application.priority_field_id == self.field.pk


def _stored_field_counts(cycle):
    """{priority field id: {n, admitted, waitlisted}} of the ranked applications.
    Positions run 1, 2, … within the cycle and within each field, so each count is
    a last position, read by the index on the position (never all the rows); the
    decisions are few, and read by the index on (cycle, status)."""
    stored = RankedApplication.objects.filter(cycle=cycle)
    last_in_field = (
        stored.filter(priority_field=OuterRef("pk"))
        .order_by("-field_position")
        .values("field_position")[:1]
    )
    counts = {
        pk: {"n": n, "admitted": 0, "waitlisted": 0}
        for pk, n in PriorityField.objects.annotate(n=Subquery(last_in_field))
        .filter(n__isnull=False)
        .values_list("pk", "n")
        .order_by()
    }
    total = stored.aggregate(n=Max("position"))["n"] or 0
    if without_field := total - sum(row["n"] for row in counts.values()):
        counts[None] = {"n": without_field, "admitted": 0, "waitlisted": 0}
    decided = (
        Application.objects.filter(
            cycle=cycle,
            status__in=[Application.Status.ADMITTED, Application.Status.WAITLISTED],
            ranked__isnull=False,
        )
        .values("ranked__priority_field", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in decided:
        empty = {"n": 0, "admitted": 0, "waitlisted": 0}
        counts.setdefault(row["ranked__priority_field"], empty)[row["status"]] = row["n"]
    return counts


def _live_field_counts(cycle):
    """{priority field id: {n, admitted, waitlisted}} of the ranked applications."""
    return {
        row["priority_field"]: row
        for row in Application.objects.filter(cycle=cycle, status__in=Application.EVALUATED)
        .exclude(is_ineligible())
        .values("priority_field")
        .annotate(
            n=Count("pk"),
            admitted=Count("pk", filter=Q(status=Application.Status.ADMITTED)),
            waitlisted=Count("pk", filter=Q(status=Application.Status.WAITLISTED)),
        )
        .order_by()
    }


def _window(counts, field, page_number, per_page):
    """(rows in the ranking shown, the page, its ``_Window``)."""
    if field is not None:
        count = counts.get(field.pk, {}).get("n", 0)
    else:
        count = sum(row["n"] for row in counts.values())
    page = Paginator(range(count), per_page).get_page(page_number)
    start, end = (page.start_index() - 1, page.end_index()) if count else (0, 0)
    return count, page, _Window(field, start, end)


def _compute(cycle, settings, criteria, window):
    """Compute: the page's applications and every field's shortlist, with their
    figures, from the ranking of the whole cycle (one query). One row more on each
    side of the page shows whether its first or last row shares its total with a
    row on the next page."""
    position = window.position
    in_page = Q(**{f"{position}__gte": window.start, f"{position}__lte": window.end + 1})
    query = ranking_query(cycle, settings, criteria)
    if window.field is not None:
        query = query.annotate(field_of_row=_as_window(F("priority_field")))
        in_page &= Q(field_of_row=window.field.pk)
    shortlist = Q(field_position__lte=cycle.places)
    return _fetch(query.filter(in_page | shortlist), settings)


# What the page shows of a stored row's application and organisation.
SHOWN = [
    "application__status",
    "application__priority_field",
    "application__organisation",
    "application__submitted_at",
    "application__decision_published_at",
    "application__organisation__name",
]


def _read(cycle, settings, criteria, window, counts):
    """Read: the page's applications and every field's shortlist, with their
    figures, from the stored ranking (one query, by its indexes: the page by the
    position, each shortlist by (field, position in the field), for the fields in
    ``counts``). One row more on each side of the page shows whether its first or
    last row shares its total with a row on the next page."""
    prefix = "normalised_" if settings.normalise_scores else ""
    position = f"{prefix}{window.position}"
    in_page = Q(**{f"{position}__gte": window.start, f"{position}__lte": window.end + 1})
    if window.field is not None:
        in_page &= Q(priority_field=window.field.pk)
    top = Q(**{f"{prefix}field_position__lte": cycle.places})
    shortlist = Q(priority_field__in=[pk for pk in counts if pk is not None]) & top
    if None in counts:
        shortlist |= Q(priority_field__isnull=True) & top
    stored = (
        RankedApplication.objects.filter(cycle=cycle)
        .filter(in_page | shortlist)
        .select_related("application__organisation")
        .only(*[f.name for f in RankedApplication._meta.concrete_fields], *SHOWN)
        .order_by()
    )
    return [_from_stored(row, settings, criteria, prefix) for row in stored]


def _from_stored(row, settings, criteria, prefix):
    """The stored row's application, with its figures as the live query annotates
    them (``ranking_query``), and the stored row itself as ``stored``."""
    application = row.application
    application.stored = row
    application.total = row.total
    application.normalised_total = row.normalised_total if settings.normalise_scores else None
    application.ranking_total = (
        application.normalised_total if settings.normalise_scores else application.total
    )
    for name in ("rank", "field_rank", "position", "field_position"):
        setattr(application, name, getattr(row, f"{prefix}{name}"))
    for criterion in criteria:
        setattr(application, mean_alias(criterion), row.means.get(str(criterion.pk)))
    return application


def _slice(fetched, window):
    """Slice: (the page's applications in order, the pks tied with a neighbour,
    on this page or across its edges)."""
    in_view = sorted((a for a in fetched if window.shows(a)), key=window.place)
    edges = [a for a in in_view if window.start <= window.place(a) <= window.end + 1]
    page_apps = [a for a in in_view if window.start < window.place(a) <= window.end]
    return page_apps, tied_rows(edges)


def _decorate_stored(cycle, settings, criteria, page_apps, *, window, fields, **marks):
    """Decorate: the page's rows with their priority fields, review counts and
    spreads (stored with them) and eligibility (read for these rows only)."""
    if fields:
        by_pk = {f.pk: f for f in fields}
        for application in page_apps:
            application.priority_field = by_pk.get(application.priority_field_id)
    else:
        attach_organisations(page_apps)
    ids = [a.pk for a in page_apps]
    stored = [a.stored for a in page_apps]
    return _rows(
        page_apps,
        criteria,
        settings,
        by_field=window.field is not None,
        counts={r.pk: (r.reviews_done, r.reviews_open, r.recusals) for r in stored},
        spread_by_app={r.pk: r.spread for r in stored if r.spread is not None},
        checked=_eligibility_checked(cycle, ids),
        **marks,
    )


def _decorate_live(cycle, settings, criteria, page_apps, *, window, fields, **marks):
    """Decorate: the page's rows with their organisations, review counts, spreads
    and eligibility, read for these rows only."""
    attach_organisations(page_apps, fields=fields or None)
    ids = [a.pk for a in page_apps]
    return _rows(
        page_apps,
        criteria,
        settings,
        by_field=window.field is not None,
        counts=review_counts(application_ids=ids),
        spread_by_app=spreads(criteria, application_ids=ids),
        checked=_eligibility_checked(cycle, ids),
        **marks,
    )


def _mark_cut_line(rows, fetched, chosen, window):
    """The line after the last suggested application of the order shown."""
    places = [window.place(a) for a in fetched if a.pk in chosen and window.shows(a)]
    if places:
        last = max(places)
        for row in rows:
            row.cut_after = row.position == last


def _write_figures(rows, settings):
    """Writes each row's figures for the page (``row.written``), in the active
    language, as ``floatformat`` would: two decimals, one for the spread."""
    two, one = decimals(2), decimals(1)
    for row in rows:
        ranked = row.normalised_total if settings.normalise_scores else row.total
        row.written = Written(
            means=[two(mean) for mean in row.means],
            total=two(ranked),
            raw_total=two(row.total),
            spread=one(row.spread),
            bar=None if ranked is None else str(ranked),
        )


def _summary(fields, counts, quotas, fetched, chosen):
    """Per priority field: its applications, places (minimum, maximum), how many
    the numbers suggest and how many are admitted or wait-listed."""
    chosen_by_field = Counter(a.priority_field_id for a in fetched if a.pk in chosen)
    return [
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


def _eligibility_checked(cycle, application_ids):
    """The applications (of the given) whose every requirement has been checked."""
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
        _fetch(ranking_query(cycle, settings, criteria).order_by("position"), settings)
    )
    chosen, tied_at_cut = suggest(_candidates(applications), cycle.places, quotas_of(cycle))
    return criteria, _rows(
        applications,
        criteria,
        settings,
        by_field=False,
        chosen=set(chosen),
        tied=tied_rows(applications),
        tied_at_cut=tied_at_cut,
        counts=review_counts(cycle=cycle),
        spread_by_app=spreads(criteria, cycle=cycle),
    )


def figures_for(cycle, settings, application_ids):
    """The ranking rows of a few applications (for letters and detail pages),
    ranked among all of the cycle's applications. {application id: Row}."""
    criteria = criteria_of(cycle)
    applications = _fetch(
        ranking_query(cycle, settings, criteria)
        .annotate(id_of_row=_as_window(F("pk")))
        .filter(id_of_row__in=list(application_ids)),
        settings,
    )
    counts = review_counts(application_ids=[a.pk for a in applications])
    return criteria, {a.pk: _row(a, criteria, by_field=False, counts=counts) for a in applications}


def waiting_list(cycle, settings, limit=5):
    """The best wait-listed applications, in the order of the ranking."""
    criteria = criteria_of(cycle)
    return attach_organisations(
        _fetch(
            ranking_query(cycle, settings, criteria)
            .filter(status=Application.Status.WAITLISTED)
            .order_by("position")[:limit],
            settings,
        )
    )
