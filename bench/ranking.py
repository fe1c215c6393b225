"""The ranking page (stored figures) against the live computation it replaced and
against the bare aggregate a peer runs.

Seeds 10,000 submitted applications (500 at the quick size), each scored by 3 of
30 reviewers on 6 criteria (180,000 scores), with bulk inserts; two more cycles of
the same size (an earlier and a later one, scored by the same people: other cycles'
data must not slow the page down), and a cycle of 10 applications of the same
shape. The stored ranking is refreshed as the worker does after the scoring services'
changes. Prints:

    ranking_page_ms: T            median time of the ranking page (the full Django
                                  request path, DEBUG off; target ≤ 150 at the full
                                  size)
    ranking_live_sql_ms: T        median time of the live computation the page ran
                                  before the figures were stored (hand-written SQL
                                  doing the same database work as that page did)
    ranking_page_over_live_sql: R the page / the live computation
    ranking_peer_sql_ms: T        the bare SQL a peer uses for the same figure: per
                                  application the weighted sum of each review's
                                  criterion scores, averaged over its reviews,
                                  ordered, top 250
    ranking_page_over_peer_sql: R the page / the peer's SQL (target ≤ 0.6)
    ranking_refresh_ms: T         95th percentile of what keeping the stored
                                  ranking adds to a review's submission (in its
                                  transaction: marking it stale and queueing its
                                  refresh), over reviews reopened and submitted
                                  again with other scores (target ≤ 200)
    ranking_submit_ms: T          95th percentile of the whole submission
    ranking_background_refresh_ms: T   95th percentile of the refresh the task then
                                  runs (after the commit, on a worker)
    ranking_background_refresh_median_ms: T
    ranking_page_stale_ms: T      median time of the page between a change and its
                                  refresh (it computes live, as before)
    ranking_refresh_rows_written: N   median rows a refresh writes (of 10,000)
    ranking_queries_10: N         queries the page runs for 10 applications
    ranking_queries_10000: N      ... and for 10,000 (target: equal; at the quick
                                  size ranking_queries_500)

Per-reviewer normalisation is switched on, so the page shows the raw and the
normalised totals and ranks by the latter; the SQL does the same. Before timing,
and again after the submissions, the page and the live SQL must show the same
applications in the same order with the same figures.
"""

import datetime
import random
import statistics
import sys
import time
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench import scaled, with_authenticator

APPLICATIONS = scaled(10_000, quick=500)
OTHER_LARGE_CYCLES = 2
SMALL = 10
REVIEWERS = 30
REVIEWS_PER_APPLICATION = 3
CRITERIA = 6
RUNS = scaled(21, quick=5)
SUBMISSIONS = scaled(20, quick=5)
PER_PAGE = 50
PEER_TOP = 250


def _seed_cycle(name, count, fields, members_users, rng, start):
    from applications.models import (
        Application,
        CommitteeMember,
        Criterion,
        ReviewAssignment,
        ReviewSettings,
        Score,
    )
    from applications.services import refresh_reviewer_lines
    from incubator.models import Cycle, Organisation

    now = timezone.now()
    cycle = Cycle.objects.create(
        name=name,
        call_opens_at=now - datetime.timedelta(days=60),
        call_closes_at=now - datetime.timedelta(days=30),
        incubation_starts_on=now.date() + datetime.timedelta(days=10),
        incubation_ends_on=now.date() + datetime.timedelta(days=250),
        places=11,
    )
    ReviewSettings.objects.create(cycle=cycle, normalise_scores=True)
    criteria = [
        Criterion.objects.create(
            cycle=cycle,
            name_lv=f"Kritērijs {i + 1}",
            weight=Decimal(weight),
            scale_min=0,
            scale_max=5,
            order=i,
        )
        for i, weight in enumerate(["3", "2", "2", "1.5", "1", "0.5"][:CRITERIA])
    ]
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Biedrība Nr. {start + i}",
                legal_form="association",
                registration_number=f"{40_000_000_000 + start + i}",
                founded_on=datetime.date(2015, 1, 1),
                municipality="Liepāja",
                address="Lielā iela 1",
                email=f"org{start + i}@bench.lv",
                phone="+371 20000000",
                mission="Stiprināt kopienu.",
                members_count=10,
                volunteers_count=5,
                annual_budget=Decimal("10000"),
                priority_field=fields[i % len(fields)],
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                cycle=cycle,
                organisation=o,
                status="submitted",
                priority_field_id=o.priority_field_id,
                submitted_at=now - datetime.timedelta(days=31),
            )
            for o in organisations
        ],
        batch_size=5000,
    )
    members = CommitteeMember.objects.bulk_create(
        [CommitteeMember(cycle=cycle, user=user) for user in members_users]
    )
    assignments = ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                application=application,
                member=members[(i + k) % len(members)],
                status="submitted",
                has_conflict=False,
                conflict_declared_at=now,
                submitted_at=now,
            )
            for i, application in enumerate(applications)
            for k in range(REVIEWS_PER_APPLICATION)
        ],
        batch_size=5000,
    )
    # Each application has a quality; each reviewer a habit.
    quality = [rng.uniform(1, 4) for _ in applications]
    habit = {m.pk: rng.uniform(-0.8, 0.8) for m in members}
    index = {a.pk: i for i, a in enumerate(applications)}
    Score.objects.bulk_create(
        (
            Score(
                assignment=assignment,
                criterion=criterion,
                value=max(
                    0,
                    min(
                        5,
                        round(
                            quality[index[assignment.application_id]]
                            + habit[assignment.member_id]
                            + rng.gauss(0, 0.7)
                        ),
                    ),
                ),
                scale_min=0,
                scale_max=5,
            )
            for assignment in assignments
            for criterion in criteria
        ),
        batch_size=10_000,
    )
    # What submitting the reviews through the services does.
    refresh_reviewer_lines(cycle)
    return cycle, criteria


# The same database work as the page, written by hand: per application the mean of
# each criterion (raw, and normalised with each reviewer's line, which the scoring
# services keep in applications_reviewerline), the totals (rounded as the page
# rounds them), the ranks and positions; the rows of the first page and the
# shortlist the suggested selection is drawn from, with their organisations; for
# the page's rows the reviews by status and the spread between the reviewers'
# totals. Then the counts per priority field, the eligibility requirements and the
# ineligible applications.
RANKING_SQL = """
WITH per_application AS (
    SELECT a.id, a.priority_field_id, a.submitted_at, a.organisation_id, a.status,
           {means},
           {normalised}
    FROM applications_application a
    LEFT JOIN applications_reviewassignment r
           ON r.application_id = a.id AND r.status = 'submitted'
    LEFT JOIN applications_score s ON s.assignment_id = r.id
    LEFT JOIN applications_reviewerline l ON l.member_id = r.member_id
    WHERE a.cycle_id = %(cycle)s
      AND a.status IN ('submitted', 'admitted', 'waitlisted', 'rejected')
      AND NOT EXISTS (SELECT 1 FROM applications_eligibilitycheck e
                      WHERE e.application_id = a.id AND NOT e.met)
    GROUP BY a.id
), totals AS (
    SELECT *, floor(100 * ({raw_total}) / {span} * 100 + 0.5) / 100 AS total,
              floor(100 * ({normalised_total}) / {span} * 100 + 0.5) / 100
                  AS normalised_total
    FROM per_application
), ranked AS (
    SELECT *,
           rank() OVER (ORDER BY normalised_total DESC NULLS LAST) AS rank,
           rank() OVER (PARTITION BY priority_field_id
                        ORDER BY normalised_total DESC NULLS LAST) AS field_rank,
           row_number() OVER (ORDER BY normalised_total DESC NULLS LAST,
                                       submitted_at ASC NULLS LAST, id) AS position,
           row_number() OVER (PARTITION BY priority_field_id
                              ORDER BY normalised_total DESC NULLS LAST,
                                       submitted_at ASC NULLS LAST, id) AS field_position
    FROM totals
), shown AS (
    SELECT * FROM ranked
    WHERE position <= %(per_page)s + 1 OR field_position <= %(places)s
), reviews AS (
    SELECT r.application_id,
           COUNT(*) FILTER (WHERE r.status = 'submitted') AS done,
           COUNT(*) FILTER (WHERE r.status IN ('assigned', 'draft')) AS open,
           COUNT(*) FILTER (WHERE r.status = 'recused') AS recused
    FROM applications_reviewassignment r
    WHERE r.application_id IN (SELECT id FROM shown WHERE position <= %(per_page)s)
    GROUP BY r.application_id
), review_totals AS (
    SELECT r.application_id,
           floor(100 * SUM(c.weight::float8 * (s.value - c.scale_min)) / {span} * 100 + 0.5)
               / 100 AS total
    FROM applications_reviewassignment r
    JOIN applications_score s ON s.assignment_id = r.id
    JOIN applications_criterion c ON c.id = s.criterion_id
    WHERE r.application_id IN (SELECT id FROM shown WHERE position <= %(per_page)s)
      AND r.status = 'submitted'
    GROUP BY r.application_id, r.id
), spreads AS (
    SELECT application_id, MAX(total) - MIN(total) AS spread
    FROM review_totals GROUP BY application_id
)
SELECT shown.id, shown.position, shown.total, shown.normalised_total, shown.rank,
       shown.field_rank, {mean_columns}, o.name, reviews.done, reviews.open,
       reviews.recused, spreads.spread
FROM shown
JOIN incubator_organisation o ON o.id = shown.organisation_id
LEFT JOIN reviews ON reviews.application_id = shown.id
LEFT JOIN spreads ON spreads.application_id = shown.id
ORDER BY shown.position
"""

FIELD_COUNTS_SQL = """
SELECT a.priority_field_id, COUNT(*),
       COUNT(*) FILTER (WHERE a.status = 'admitted'),
       COUNT(*) FILTER (WHERE a.status = 'waitlisted')
FROM applications_application a
WHERE a.cycle_id = %(cycle)s
  AND a.status IN ('submitted', 'admitted', 'waitlisted', 'rejected')
  AND NOT EXISTS (SELECT 1 FROM applications_eligibilitycheck e
                  WHERE e.application_id = a.id AND NOT e.met)
GROUP BY a.priority_field_id
"""

REQUIREMENTS_SQL = (
    "SELECT COUNT(*) FROM applications_eligibilityrequirement WHERE cycle_id = %(cycle)s"
)

INELIGIBLE_SQL = """
SELECT a.id, o.name, e.note, q.text_lv
FROM applications_application a
JOIN incubator_organisation o ON o.id = a.organisation_id
JOIN applications_eligibilitycheck e ON e.application_id = a.id AND NOT e.met
JOIN applications_eligibilityrequirement q ON q.id = e.requirement_id
WHERE a.cycle_id = %(cycle)s
  AND a.status IN ('submitted', 'admitted', 'waitlisted', 'rejected')
ORDER BY o.name, a.id
"""


# What a peer's review dashboard runs for the same figure.
PEER_SQL = """
SELECT per_review.application_id, AVG(per_review.total) AS score
FROM (
    SELECT r.application_id, r.id, SUM(c.weight * s.value) AS total
    FROM applications_reviewassignment r
    JOIN applications_application a ON a.id = r.application_id
    JOIN applications_score s ON s.assignment_id = r.id
    JOIN applications_criterion c ON c.id = s.criterion_id
    WHERE a.cycle_id = %(cycle)s AND r.status = 'submitted'
    GROUP BY r.application_id, r.id
) per_review
GROUP BY per_review.application_id
ORDER BY score DESC
LIMIT %(top)s
"""


def ranking_sql(criteria):
    unit = "((s.value - s.scale_min)::float8 / (s.scale_max - s.scale_min))"
    means = ",\n           ".join(
        f"avg(s.value) FILTER (WHERE s.criterion_id = {c.pk}) AS mean_{c.pk}" for c in criteria
    )
    normalised = ",\n           ".join(
        f"avg(least(greatest(l.intercept + l.slope * {unit}, 0), 1)) "
        f"FILTER (WHERE s.criterion_id = {c.pk}) AS normalised_{c.pk}"
        for c in criteria
    )
    raw_total = " + ".join(f"{float(c.weight)} * (mean_{c.pk} - {c.scale_min})" for c in criteria)
    normalised_total = " + ".join(
        f"{float(c.weight) * (c.scale_max - c.scale_min)} * normalised_{c.pk}" for c in criteria
    )
    span = sum(float(c.weight) * (c.scale_max - c.scale_min) for c in criteria)
    return RANKING_SQL.format(
        means=means,
        normalised=normalised,
        raw_total=raw_total,
        normalised_total=normalised_total,
        span=span,
        mean_columns=", ".join(f"shown.mean_{c.pk}" for c in criteria),
    )


def _medians(*actions, runs=RUNS):
    """The median time of each action, taking turns, so that both see the same
    conditions on the machine."""
    timings = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, timings, strict=True):
            start = time.perf_counter()
            action()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in timings]


def run(report):
    from applications.selectors.ranking import ranking_is_fresh
    from applications.services.ranking import refresh_ranking
    from incubator.models import PriorityField, User

    rng = random.Random(2027)
    started = time.perf_counter()
    fields = list(PriorityField.objects.all())
    users = User.objects.bulk_create(
        [User(email=f"reviewer{i}@bench.lv", password="!") for i in range(REVIEWERS)]
    )
    staff = with_authenticator(
        User.objects.create(email="staff@bench.lv", is_staff=True, password="!")
    )
    seeded = 0
    cycles = []
    for number in range(OTHER_LARGE_CYCLES + 1):
        # The measured cycle sits between the others, as a running cycle does.
        name = "Lielais cikls" if number == 1 else f"Cits lielais cikls {number + 1}"
        cycles.append(_seed_cycle(name, APPLICATIONS, fields, users, rng, seeded))
        seeded += APPLICATIONS
    big, big_criteria = cycles[1]
    small, _ = _seed_cycle("Mazais cikls", SMALL, fields, users, rng, seeded)
    seeded += SMALL
    # What the worker does after the submissions (tasks run at the commit where they
    # run eagerly; otherwise they wait in a queue no worker here reads).
    for cycle in [*(c for c, _ in cycles), small]:
        refresh_ranking(cycle)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {seeded} applications in {len(cycles) + 1} cycles in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
        flush=True,
    )

    client = Client()
    client.force_login(staff)

    def page(cycle):
        response = client.get(reverse("applications:review_ranking", args=[cycle.pk]))
        assert response.status_code == 200, response.status_code
        return response

    statements = [
        (ranking_sql(big_criteria), {"cycle": big.pk, "per_page": PER_PAGE, "places": big.places}),
        (FIELD_COUNTS_SQL, {"cycle": big.pk}),
        (REQUIREMENTS_SQL, {"cycle": big.pk}),
        (INELIGIBLE_SQL, {"cycle": big.pk}),
    ]

    def query(batch=statements):
        results = []
        with connection.cursor() as cursor:
            for sql, params in batch:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
        return results

    def peer():
        return query([(PEER_SQL, {"cycle": big.pk, "top": PEER_TOP})])

    # The page as it is between changes: read from the stored ranking.
    assert ranking_is_fresh(big) and ranking_is_fresh(small)
    _same_figures(page(big), query()[0])
    for _ in range(3):  # warm up caches and connections
        page(big)
        query()
        peer()
    page_time, sql_time, peer_time = _medians(lambda: page(big), query, peer)
    report("ranking_page_ms", round(page_time * 1000, 1))
    report("ranking_live_sql_ms", round(sql_time * 1000, 1))
    report("ranking_page_over_live_sql", round(page_time / sql_time, 3))
    report("ranking_peer_sql_ms", round(peer_time * 1000, 1))
    report("ranking_page_over_peer_sql", round(page_time / peer_time, 3))

    times = _submissions(big, rng, lambda: page(big))
    refresh = times["marked"]
    report("ranking_refresh_ms", round(_percentile(refresh, 95) * 1000, 1))
    report("ranking_submit_ms", round(_percentile(times["submit"], 95) * 1000, 1))
    background = times["refresh"]
    report("ranking_background_refresh_ms", round(_percentile(background, 95) * 1000, 1))
    report("ranking_background_refresh_median_ms", round(statistics.median(background) * 1000, 1))
    report("ranking_page_stale_ms", round(statistics.median(times["stale_page"]) * 1000, 1))
    report("ranking_refresh_rows_written", statistics.median(times["rows"]))
    # The stored figures still agree with the live computation after the changes.
    _same_figures(page(big), query()[0])

    # Both pages as they are between changes (read from the stored ranking), each as
    # a visitor first meets it.
    assert ranking_is_fresh(big) and ranking_is_fresh(small)
    counts = {}
    for count, cycle in ((SMALL, small), (APPLICATIONS, big)):
        with CaptureQueriesContext(connection) as queries:
            page(cycle)
        counts[count] = len(queries)
    report(f"ranking_queries_{SMALL}", counts[SMALL])
    report(f"ranking_queries_{APPLICATIONS}", counts[APPLICATIONS])
    print(
        f"page {page_time * 1000:.0f} ms, live SQL {sql_time * 1000:.0f} ms, peer SQL "
        f"{peer_time * 1000:.0f} ms (medians of {RUNS}); background refresh p95 "
        f"{_percentile(background, 95) * 1000:.0f} ms, median "
        f"{statistics.median(background) * 1000:.0f} ms over {len(background)} submissions",
        file=sys.stderr,
        flush=True,
    )


def _same_figures(response, computed):
    """The page shows what the live SQL computes: the same applications in the same
    order, with the same figures."""
    rows = response.context["ranking"].rows
    computed = [row for row in computed if row[1] <= PER_PAGE]
    assert len(rows) == len(computed) == PER_PAGE
    assert [r.application.pk for r in rows] == [row[0] for row in computed], (
        "page and SQL order the applications differently"
    )
    for shown, row in zip(rows, computed, strict=True):
        figures = (
            shown.total,
            shown.normalised_total,
            shown.rank,
            shown.reviews_done,
            shown.spread,
        )
        expected = (row[2], row[3], row[4], row[-4], row[-1])
        pairs = zip(figures, expected, strict=True)
        assert all(abs(float(a) - float(b)) <= 0.011 for a, b in pairs), (
            f"page and SQL disagree on application {row[0]}: {figures} != {expected}"
        )


def _percentile(values, percent):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _submissions(cycle, rng, page):
    """Reopens reviews of the cycle and submits them again with other scores, through
    the services, as a worker runs the refresh tasks: each submission is timed, with
    what marking the stored ranking stale adds to it; then the page while stale, then
    the refresh the task runs. Returns {what: [seconds]}."""
    from applications import services
    from applications.models import Criterion, ReviewAssignment
    from applications.selectors.ranking import ranking_is_fresh
    from applications.services import ranking as stored
    from applications.services import scoring
    from incubator.celery import app

    times = {"marked": [], "submit": [], "stale_page": [], "refresh": [], "rows": []}
    original = stored.ranking_changed

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            times["marked"].append(time.perf_counter() - start)

    criteria = list(Criterion.objects.filter(cycle=cycle).order_by("order", "pk"))
    reviews = list(
        ReviewAssignment.objects.filter(application__cycle=cycle, status="submitted")
        .select_related("member__user")
        .order_by("?")[:SUBMISSIONS]
    )
    staff = reviews[0].member.user
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    # The tasks go to a queue, as to the workers, instead of running at the commit.
    app.conf.broker_url, app.conf.task_always_eager = "memory://localhost/", False
    try:
        for review in reviews:
            services.reopen_review(review, by=staff, as_staff=True)
            stored.refresh_ranking(cycle)
            scores = {c.pk: (rng.randint(c.scale_min, c.scale_max), "") for c in criteria}
            scoring.ranking_changed = timed
            start = time.perf_counter()
            try:
                services.save_review(review, by=review.member.user, scores=scores, submit=True)
            finally:
                scoring.ranking_changed = original
            times["submit"].append(time.perf_counter() - start)
            assert not ranking_is_fresh(cycle)
            start = time.perf_counter()
            page()
            times["stale_page"].append(time.perf_counter() - start)
            start = time.perf_counter()
            times["rows"].append(stored.refresh_ranking(cycle))
            times["refresh"].append(time.perf_counter() - start)
            assert ranking_is_fresh(cycle)
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker
    return times
