"""Bids: the staff's board of a cycle as it grows, and its figures counted in the
database against counting them in Python.

Seeds (bulk inserts) a cycle with organisations in five cohorts and bids in every
status, with amounts, chances and the record of each submission. Prints:

    bid_board_queries_small: N   queries of the staff's board with 20 bids
    bid_board_queries_large: N   ... with 2,000 (target: equal)
    bid_board_ms: T              median time, in ms, of the board page (the full
                                 Django request) with 2,000 bids (each column shows
                                 its first cards and a link to more; its count is
                                 of all its bids)
    bid_figures_ms: T            median time, in ms, of the board's figures (totals
                                 and per cohort, in the database)
    bid_figures_db_over_python: R  those figures / the same figures counted in
                                 Python over every bid loaded (target < 1)

BENCH_SIZE=quick: 200 bids instead of 2,000. Before timing, the database's figures
and Python's must be equal.
"""

import statistics
import time
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import scaled, with_authenticator
from bench.mentoring import _cycle, _organisations

LARGE = scaled(2000, 200)
RUNS = scaled(11, 3)
STATUSES = ["idea", "drafting", "review", "submitted", "awarded", "rejected", "withdrawn"]
EVER_SUBMITTED = {"submitted", "awarded", "rejected"}


def _seed(count):
    """A new cycle with ``count`` bids over organisations in every cohort."""
    from cohorts.models import Cohort, CohortMembership
    from funding.models import Bid, BidStatusChange
    from incubator.models import PriorityField

    cycle = _cycle()
    places = []
    for field in PriorityField.objects.all():
        cohort = Cohort.objects.create(cycle=cycle, priority_field=field)
        places += CohortMembership.objects.bulk_create(
            [
                CohortMembership(cohort=cohort, cycle=cycle, organisation=o)
                for o in _organisations(max(1, count // 20), field)
            ]
        )
    bids = Bid.objects.bulk_create(
        [
            Bid(
                place=places[i % len(places)],
                funder=f"Fonds {i % 13}",
                title=f"Projekts {i}",
                amount_requested=Decimal(1000 + 37 * i),
                chance=(i * 7) % 101 if i % 3 else None,
                status=STATUSES[i % len(STATUSES)],
                amount_awarded=Decimal(800 + 11 * i) if STATUSES[i % 7] == "awarded" else None,
            )
            for i in range(count)
        ]
    )
    BidStatusChange.objects.bulk_create(
        [
            BidStatusChange(bid=bid, from_status="drafting", to_status="submitted")
            for bid in bids
            if bid.status in EVER_SUBMITTED
        ]
    )
    return cycle


def _python_figures(cycle):
    """The same totals counted over every bid loaded, as a report would without the
    database's help."""
    from funding.models import Bid, BidStatusChange

    submitted = set(
        BidStatusChange.objects.filter(bid__place__cycle=cycle, to_status="submitted").values_list(
            "bid_id", flat=True
        )
    )
    totals = defaultdict(lambda: Decimal(0))
    for bid in Bid.objects.filter(place__cycle=cycle).select_related("place__cohort"):
        totals["started"] += 1
        if bid.pk in submitted:
            totals["submitted"] += 1
            totals["requested_eur"] += bid.amount_requested or 0
        if bid.status == "awarded":
            totals["awarded"] += 1
            totals["awarded_eur"] += bid.amount_awarded or 0
        if bid.status in ("idea", "drafting", "review", "submitted") and bid.chance is not None:
            totals["expected_eur"] += (bid.amount_requested or 0) * bid.chance / 100
    return totals


def _median_ms(action):
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _board_queries(client, url):
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def run(report):
    from funding.bids import selectors
    from incubator.models import PriorityField, User

    if not PriorityField.objects.exists():
        raise SystemExit("bench.bids: the priority fields (a migration) are missing")
    staff = with_authenticator(
        User.objects.create(email="bids-staff@bench.lv", is_staff=True, password="!")
    )
    client = Client()
    client.force_login(staff)
    board = reverse("funding:bid_board")
    small = _seed(20)
    report("bid_board_queries_small", _board_queries(client, f"{board}?cycle={small.pk}"))
    large = _seed(LARGE)
    url = f"{board}?cycle={large.pk}"
    report("bid_board_queries_large", _board_queries(client, url))
    columns = client.get(url).context["columns"]
    assert sum(count for *_rest, count, _more in columns) == LARGE
    assert all(len(bids) <= selectors.PER_COLUMN for _s, _l, bids, *_rest in columns)

    def db_figures():
        return selectors.figures(selectors.board_bids(large))

    totals, _per_cohort = db_figures()
    counted = _python_figures(large)
    for name in ("started", "submitted", "awarded", "requested_eur", "awarded_eur"):
        assert totals[name] == counted[name], (name, totals[name], counted[name])
    assert abs(totals["expected_eur"] - counted["expected_eur"]) < 1

    report("bid_board_ms", round(_median_ms(lambda: client.get(url)), 1))
    in_db = _median_ms(db_figures)
    report("bid_figures_ms", round(in_db, 1))
    report(
        "bid_figures_db_over_python", round(in_db / _median_ms(lambda: _python_figures(large)), 2)
    )
