"""The stored ranking (``RankedApplication``) and its version stamp
(``RankingState``): every change that moves a figure or a place bumps the stamp in
its transaction (``ranking_changed``); after the commit a task refreshes the
stored rows (``refresh_ranking``) to equal the live computation
(``selectors.figures.ranked_applications``)."""

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ..models import RankedApplication, RankingState
from ..selectors.figures import application_figures, criteria_of, review_counts, spreads

# The stored columns a refresh compares and writes (besides the application's pk).
COLUMNS = [
    "priority_field_id",
    "means",
    "total",
    "normalised_total",
    "spread",
    "reviews_done",
    "reviews_open",
    "recusals",
    "rank",
    "field_rank",
    "position",
    "field_position",
    "normalised_rank",
    "normalised_field_rank",
    "normalised_position",
    "normalised_field_position",
]
BATCH = 2000


def _order(key):
    """The ranking's order by ``key``: the total (highest first, unscored last),
    then the earlier submission, then the pk (as the live query's windows)."""

    def sort_key(row):
        total, moment = row[key], row["submitted_at"]
        return (
            total is None,
            -total if total is not None else 0,
            moment is None,
            moment.timestamp() if moment is not None else 0,
            row["pk"],
        )

    return sort_key


def _number(rows, key, rank_name, position_name):
    """Writes the rank (equal totals share it) and the position (1, 2, …) of each
    of ``rows``, which are in order, into each row's dict."""
    previous = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        if position == 1 or row[key] != previous:
            rank = position
        previous = row[key]
        row[rank_name], row[position_name] = rank, position


def _place(rows, key, prefix):
    """Ranks and positions in the order of ``key``, overall and per field."""
    ordered = sorted(rows, key=_order(key))
    _number(ordered, key, f"{prefix}rank", f"{prefix}position")
    by_field = {}
    for row in ordered:
        by_field.setdefault(row["priority_field_id"], []).append(row)
    for rows_of_field in by_field.values():
        _number(rows_of_field, key, f"{prefix}field_rank", f"{prefix}field_position")


def computed_ranking(cycle):
    """{application pk: {column: value}}: every stored figure and place of the
    cycle's ranked applications, computed afresh from the scores."""
    criteria = criteria_of(cycle)
    figures = application_figures(cycle, criteria, normalised=True).values(
        "pk",
        "priority_field_id",
        "submitted_at",
        "total",
        "normalised_total",
        *[f"mean_{c.pk}" for c in criteria],
    )
    rows = list(figures)
    counts = review_counts(cycle=cycle)
    spread_by_app = spreads(criteria, cycle=cycle)
    for row in rows:
        row["means"] = {str(c.pk): row.pop(f"mean_{c.pk}") for c in criteria}
        row["reviews_done"], row["reviews_open"], row["recusals"] = counts.get(row["pk"], (0, 0, 0))
        row["spread"] = spread_by_app.get(row["pk"])
    _place(rows, "total", "")
    _place(rows, "normalised_total", "normalised_")
    return {row["pk"]: {name: row[name] for name in COLUMNS} for row in rows}


def _write(cycle, rows):
    """Inserts or updates the stored rows ``rows``: [(application pk, {column:
    value})]. On PostgreSQL in one statement per batch, with the values passed as
    they are (the ORM's per-value preparation took most of a large refresh)."""
    if connection.vendor != "postgresql":
        RankedApplication.objects.bulk_create(
            [RankedApplication(application_id=pk, cycle_id=cycle.pk, **c) for pk, c in rows],
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["application"],
            update_fields=COLUMNS,
        )
        return
    from psycopg2.extras import Json, execute_values

    names = ", ".join(f'"{name}"' for name in ["application_id", "cycle_id", *COLUMNS])
    updates = ", ".join(f'"{name}" = EXCLUDED."{name}"' for name in COLUMNS)
    sql = (
        f"INSERT INTO {RankedApplication._meta.db_table} ({names}) VALUES %s "
        f'ON CONFLICT ("application_id") DO UPDATE SET {updates}'
    )
    values = [
        (pk, cycle.pk, *[Json(c[n]) if n == "means" else c[n] for n in COLUMNS]) for pk, c in rows
    ]
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, sql, values, page_size=BATCH)


def stored_ranking(cycle):
    """{application pk: {column: value}} as stored."""
    return {
        row.pop("application_id"): row
        for row in RankedApplication.objects.filter(cycle=cycle).values("application_id", *COLUMNS)
    }


def ranking_changed(cycle):
    """Records, in the caller's transaction, that ``cycle``'s figures or places may
    have changed (the stored ranking is stale from then on), and refreshes the
    stored ranking after the commit (a task; at once where tasks run eagerly)."""
    from ..tasks import refresh_ranking as refresh_task

    state, created = RankingState.objects.get_or_create(cycle_id=cycle.pk)
    if not created:
        RankingState.objects.filter(pk=state.pk).update(changed=F("changed") + 1)
    refresh_task.delay_on_commit(cycle.pk)


@transaction.atomic
def refresh_ranking(cycle):
    """Brings the cycle's stored ranking in line with its scores when it is stale:
    computes it afresh, writes the rows that changed (and removes those of
    applications no longer ranked) and records the change it reflects. The
    stamp's row is locked, so refreshes of one cycle run one after the other and
    a change committed meanwhile leaves the stamp stale (its bump waits for the
    lock). Returns the number of rows written or removed."""
    RankingState.objects.get_or_create(cycle_id=cycle.pk)
    state = RankingState.objects.select_for_update().get(cycle_id=cycle.pk)
    if state.is_fresh:
        return 0
    wanted = computed_ranking(cycle)
    stored = stored_ranking(cycle)
    gone = [pk for pk in stored if pk not in wanted]
    if gone:
        RankedApplication.objects.filter(application_id__in=gone).delete()
    changed = [(pk, columns) for pk, columns in wanted.items() if stored.get(pk) != columns]
    _write(cycle, changed)
    state.computed, state.computed_at = state.changed, timezone.now()
    state.save(update_fields=["computed", "computed_at"])
    return len(changed) + len(gone)
