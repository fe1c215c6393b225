"""The ranking page against the bare SQL aggregation of the same data.

Seeds 10,000 submitted applications, each scored by 3 of 30 reviewers on 6
criteria (180,000 scores), with bulk inserts, plus a cycle of 10 applications of
the same shape. Prints:

    ranking_page_over_sql: R      median time of the ranking page (the full Django
                                  request path, DEBUG off) / median time of a
                                  hand-written SQL query computing the same page
                                  (target ≤ 1.5)
    ranking_queries_10: N         queries the page runs for 10 applications
    ranking_queries_10000: N      ... and for 10,000 (target: equal)

Per-reviewer normalisation is switched on, so the page computes the raw and the
normalised totals and ranks by the latter; the SQL does the same.
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

APPLICATIONS = 10_000
SMALL = 10
REVIEWERS = 30
REVIEWS_PER_APPLICATION = 3
CRITERIA = 6
RUNS = 21
PER_PAGE = 50


def _seed_cycle(name, count, fields, members_users, rng, start):
    from applications.models import (
        Application,
        CommitteeMember,
        Criterion,
        ReviewAssignment,
        ReviewSettings,
        Score,
    )
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
            cycle=cycle, name_lv=f"Kritērijs {i + 1}", weight=Decimal(weight), scale_min=0,
            scale_max=5, order=i,
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
                cycle=cycle, organisation=o, status="submitted", priority_field_id=o.priority_field_id,
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
                value=max(0, min(5, round(quality[index[assignment.application_id]]
                                           + habit[assignment.member_id] + rng.gauss(0, 0.7)))),
                scale_min=0,
                scale_max=5,
            )
            for assignment in assignments
            for criterion in criteria
        ),
        batch_size=10_000,
    )
    return cycle, criteria


# The same page written by hand: each reviewer's normalisation line from their
# submitted scores, then per application the mean of each criterion (raw and
# normalised), the totals, the ranks and the first page, with the organisations.
BARE_SQL = """
WITH own AS (
    SELECT r.member_id,
           COUNT(*) AS n,
           AVG((s.value - s.scale_min)::float8 / (s.scale_max - s.scale_min)) AS mean,
           AVG(((s.value - s.scale_min)::float8 / (s.scale_max - s.scale_min)) ^ 2)
               AS mean_square
    FROM applications_score s
    JOIN applications_reviewassignment r ON r.id = s.assignment_id
    JOIN applications_application a ON a.id = r.application_id
    WHERE a.cycle_id = %(cycle)s AND r.status = 'submitted' AND s.value IS NOT NULL
    GROUP BY r.member_id
), committee AS (
    SELECT SUM(n * mean) / SUM(n) AS mean, SUM(n * mean_square) / SUM(n) AS mean_square
    FROM own
), line AS (
    SELECT own.member_id,
           CASE WHEN own.mean_square - own.mean ^ 2 > 1e-12
                THEN sqrt(greatest(c.mean_square - c.mean ^ 2, 0)
                          / (own.mean_square - own.mean ^ 2))
                ELSE 0 END AS slope,
           own.mean AS own_mean, c.mean AS committee_mean
    FROM own CROSS JOIN committee c
), per_application AS (
    SELECT a.id, a.priority_field_id, a.submitted_at, a.organisation_id,
           {means},
           {normalised}
    FROM applications_application a
    LEFT JOIN applications_reviewassignment r
           ON r.application_id = a.id AND r.status = 'submitted'
    LEFT JOIN applications_score s ON s.assignment_id = r.id
    LEFT JOIN line l ON l.member_id = r.member_id
    WHERE a.cycle_id = %(cycle)s
      AND a.status IN ('submitted', 'admitted', 'waitlisted', 'rejected')
      AND NOT EXISTS (SELECT 1 FROM applications_eligibilitycheck e
                      WHERE e.application_id = a.id AND NOT e.met)
    GROUP BY a.id
), totals AS (
    SELECT *, round((100 * ({raw_total}) / {span})::numeric, 2) AS total,
              round((100 * ({normalised_total}) / {span})::numeric, 2) AS normalised_total
    FROM per_application
), ranked AS (
    SELECT *,
           rank() OVER (ORDER BY normalised_total DESC NULLS LAST) AS rank,
           rank() OVER (PARTITION BY priority_field_id
                        ORDER BY normalised_total DESC NULLS LAST) AS field_rank,
           row_number() OVER (ORDER BY normalised_total DESC NULLS LAST, submitted_at, id)
               AS position
    FROM totals
    ORDER BY position
    LIMIT {limit}
)
SELECT ranked.*, o.name
FROM ranked JOIN incubator_organisation o ON o.id = ranked.organisation_id
ORDER BY position
"""


def bare_sql(criteria):
    unit = "((s.value - s.scale_min)::float8 / (s.scale_max - s.scale_min))"
    means = ",\n           ".join(
        f"avg(s.value) FILTER (WHERE s.criterion_id = {c.pk}) AS mean_{c.pk}" for c in criteria
    )
    normalised = ",\n           ".join(
        f"avg(least(greatest(l.committee_mean + l.slope * ({unit} - l.own_mean), 0), 1)) "
        f"FILTER (WHERE s.criterion_id = {c.pk}) AS normalised_{c.pk}"
        for c in criteria
    )
    raw_total = " + ".join(f"{float(c.weight)} * (mean_{c.pk} - {c.scale_min})" for c in criteria)
    normalised_total = " + ".join(
        f"{float(c.weight) * (c.scale_max - c.scale_min)} * normalised_{c.pk}" for c in criteria
    )
    span = sum(float(c.weight) * (c.scale_max - c.scale_min) for c in criteria)
    return BARE_SQL.format(
        means=means, normalised=normalised, raw_total=raw_total,
        normalised_total=normalised_total, span=span, limit=PER_PAGE,
    )


def _medians(*actions, runs=RUNS):
    """The median time of each action, taking turns, so that both see the same
    conditions on the machine."""
    timings = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, timings):
            start = time.perf_counter()
            action()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in timings]


def run(report):
    from incubator.models import PriorityField, User

    rng = random.Random(2027)
    started = time.perf_counter()
    fields = list(PriorityField.objects.all())
    users = User.objects.bulk_create(
        [User(email=f"reviewer{i}@bench.lv", password="!") for i in range(REVIEWERS)]
    )
    staff = User.objects.create(email="staff@bench.lv", is_staff=True, password="!")
    big, big_criteria = _seed_cycle("Lielais cikls", APPLICATIONS, fields, users, rng, 0)
    small, _ = _seed_cycle("Mazais cikls", SMALL, fields, users, rng, APPLICATIONS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {APPLICATIONS + SMALL} applications in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

    client = Client()
    client.force_login(staff)

    def page(cycle):
        response = client.get(reverse("applications:review_ranking", args=[cycle.pk]))
        assert response.status_code == 200, response.status_code
        return response

    sql = bare_sql(big_criteria)

    def query():
        with connection.cursor() as cursor:
            cursor.execute(sql, {"cycle": big.pk})
            return cursor.fetchall()

    # The page shows what the SQL computes: the same totals in the same order.
    shown = [row.normalised_total for row in page(big).context["ranking"].rows]
    computed = [float(row[-5]) for row in query()]
    assert len(shown) == len(computed) == PER_PAGE
    assert all(abs(a - b) <= 0.011 for a, b in zip(shown, computed)), "page and SQL disagree"

    for _ in range(3):  # warm up caches and connections
        page(big)
        query()
    page_time, sql_time = _medians(lambda: page(big), query)
    report("ranking_page_over_sql", round(page_time / sql_time, 2))

    counts = {}
    for label, cycle in (("10", small), ("10000", big)):
        with CaptureQueriesContext(connection) as queries:
            page(cycle)
        counts[label] = len(queries)
    report("ranking_queries_10", counts["10"])
    report("ranking_queries_10000", counts["10000"])
    print(f"page {page_time * 1000:.0f} ms, SQL {sql_time * 1000:.0f} ms (medians of {RUNS})",
          file=sys.stderr, flush=True)
