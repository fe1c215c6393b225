"""The funding catalogue's filtered full-text search, and matching, at scale.

Seeds (bulk inserts) funding sources with Latvian and English names and
descriptions, priority fields, legal forms, scopes and amounts, each with four
calls (deadlines from half a year back to a year ahead, some rolling, some closed,
some of historic sources); and an organisation taking part in a cycle. Prints:

    matching_queries_10: N        queries matching runs for the organisation against
                                  10 sources ...
    matching_queries_1000: N      ... and against 1,000 (target: equal)
    catalogue_search_ms: T        median time, in ms, of the public catalogue page
                                  (the full Django request, DEBUG off) for a filtered
                                  full-text search: a Latvian word, a priority field,
                                  a legal form and "open now", sorted by deadline,
                                  over 5,000 sources with 20,000 calls
    catalogue_page_over_sql: R    that page / hand-written SQL doing the same
                                  database work as the page's result: one statement
                                  for the page's 20 sources with their priority
                                  fields and how many match in all (COUNT(*) OVER ()),
                                  as the page fetches them (target ≤ 2)
    month_view_busy_ms: T         median time of the month view of deadlines with
                                  1,500 deadlines in the month (five shown a day)
    month_view_busy_over_full: R  that / the same view of a month with five deadlines
                                  a day (140: the page shows as many; target ≤ 1.5,
                                  the page does not grow with the hidden ones)
    month_view_queries_busy_minus_full: N   (target 0)

Every BENCH_SIZE measures the size the targets name (seeding it takes seconds, the
whole benchmark some 20 s): a smaller catalogue would make the database's share of
the page smaller and the ratio say nothing of the target.
Before timing, the page and the SQL must show the same sources in the same order.
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

SOURCES = 5000
CALLS_PER_SOURCE = 4
RUNS = 21
PER_PAGE = 20
SEARCH = {
    "q": "jauniešu",
    "field": "youth",
    "legal_form": "association",
    "open_now": "1",
    "sort": "deadline",
}

LV_WORDS = [
    "kultūras",
    "jauniešu",
    "vides",
    "sociālās",
    "kopienas",
    "digitālās",
    "veselības",
    "mantojuma",
    "līdzdalības",
    "izglītības",
    "brīvprātīgo",
    "uzņēmējdarbības",
]
EN_WORDS = [
    "culture",
    "youth",
    "environment",
    "social",
    "community",
    "digital",
    "health",
    "heritage",
    "participation",
    "education",
    "volunteering",
    "entrepreneurship",
]
SCOPES = ["national", "national", "regional", "municipal", "eu", "nordic_baltic"]

DOCUMENT = (
    "(setweight(to_tsvector('funding_lv'::regconfig, COALESCE(s.name_lv, '')), 'A')"
    " || setweight(to_tsvector('funding_lv'::regconfig,"
    " COALESCE(s.funder, '') || ' ' || COALESCE(s.description_lv, '')), 'B')"
    " || setweight(to_tsvector('funding_en'::regconfig, COALESCE(s.name_en, '')), 'A')"
    " || setweight(to_tsvector('funding_en'::regconfig, COALESCE(s.description_en, '')), 'B'))"
)
# The same database work as the page's result, written by hand: one statement for
# the page's 20 sources matching the search (its filters, and the text in either
# language through the search index), with their next deadline, whether a call of
# theirs is open now (each is: the search asks for "open now") or rolling, their
# priority fields, and how many sources match in all (COUNT(*) OVER (), as the page
# counts them: no separate count).
# (The page also reads the priority fields and legal forms for its filter's options.)
MATCHED = f"""
FROM funding_fundingsource s
WHERE s.verification <> 'historic'
  AND EXISTS (SELECT 1 FROM funding_fundingsource_priority_fields f
              JOIN incubator_priorityfield p ON p.id = f.priorityfield_id
              WHERE f.fundingsource_id = s.id AND p.code = %(field)s)
  AND (EXISTS (SELECT 1 FROM funding_fundingsource_legal_forms l
               JOIN funding_legalform lf ON lf.id = l.legalform_id
               WHERE l.fundingsource_id = s.id AND lf.code IN (%(form)s, 'any_legal_person'))
       OR NOT EXISTS (SELECT 1 FROM funding_fundingsource_legal_forms l
                      WHERE l.fundingsource_id = s.id))
  AND EXISTS (SELECT 1 FROM funding_fundingcall c
              WHERE c.source_id = s.id AND c.status <> 'closed'
                AND (c.opens_at <= %(now)s OR (c.opens_at IS NULL AND c.status = 'open'))
                AND (c.deadline > %(now)s OR c.deadline IS NULL))
  AND {DOCUMENT} @@ (to_tsquery('funding_lv', %(term)s) || to_tsquery('funding_en', %(term)s))
"""
PAGE_SQL = f"""
SELECT s.id, s.name_lv, s.name_en, s.funder, s.kind, s.cross_cutting, s.scope, s.amount_min,
       s.amount_max, s.verification, s.verification_note,
       (SELECT MIN(c.deadline) FROM funding_fundingcall c
        WHERE c.source_id = s.id AND c.status <> 'closed' AND c.deadline > %(now)s)
           AS next_deadline,
       TRUE AS has_open_call,
       EXISTS (SELECT 1 FROM funding_fundingcall c
               WHERE c.source_id = s.id AND c.status <> 'closed' AND c.deadline IS NULL)
           AS has_rolling_call,
       ARRAY(SELECT f.priorityfield_id FROM funding_fundingsource_priority_fields f
             WHERE f.fundingsource_id = s.id) AS field_ids,
       COUNT(*) OVER () AS total
{MATCHED}
ORDER BY next_deadline ASC NULLS LAST, s.name_lv, s.id
LIMIT {PER_PAGE}
"""


def _participant(fields):
    """An environment association in Liepāja taking part in a running cycle."""
    from cohorts.models import Cohort, CohortMembership
    from incubator.models import Cycle, Organisation

    now = timezone.now()
    cycle = Cycle.objects.create(
        name="Bench cycle",
        call_opens_at=now - datetime.timedelta(days=90),
        call_closes_at=now - datetime.timedelta(days=60),
        incubation_starts_on=now.date() - datetime.timedelta(days=30),
        incubation_ends_on=now.date() + datetime.timedelta(days=200),
        places=11,
    )
    field = fields["environment"]
    organisation = Organisation.objects.create(
        name="Biedrība “Zaļā Liepāja”",
        legal_form="association",
        registration_number="40008000001",
        founded_on=datetime.date(2015, 1, 1),
        municipality="Liepāja",
        address="Lielā iela 1",
        email="info@bench.lv",
        phone="+371 20000000",
        mission="Stiprināt kopienu.",
        members_count=10,
        volunteers_count=5,
        annual_budget=Decimal("10000"),
        priority_field=field,
    )
    cohort = Cohort.objects.create(cycle=cycle, priority_field=field)
    return CohortMembership.objects.create(cohort=cohort, cycle=cycle, organisation=organisation)


def _seed(count, start, fields, forms, regions, municipalities, rng, also=None):
    """``count`` sources (numbered from ``start``) with four calls each; ``also``: a
    field every one of them has."""
    from funding.models import FundingCall, FundingSource

    now = timezone.now()
    sources = []
    for number in range(start, start + count):
        lv = rng.sample(LV_WORDS, 3)
        en = [EN_WORDS[LV_WORDS.index(word)] for word in lv]
        low = rng.choice([None, 300, 1000, 5000])
        sources.append(
            FundingSource(
                name_lv=f"{lv[0].capitalize()} un {lv[1]} programma Nr. {number}",
                name_en=f"{en[0].capitalize()} and {en[1]} programme No. {number}",
                funder=rng.choice(["Sabiedrības integrācijas fonds", "Pašvaldība", "Fonds"]),
                description_lv=f"Atbalsta {lv[0]}, {lv[1]} un {lv[2]} projektus nevalstiskajām "
                "organizācijām visā Latvijā. Pieteikumu vērtē komisija.",
                description_en=f"Supports {en[0]}, {en[1]} and {en[2]} projects of NGOs "
                "across Latvia. A committee assesses the applications.",
                kind=rng.choice(["grant", "grant", "grant", "sponsorship", "prize"]),
                scope=rng.choice(SCOPES),
                amount_min=low,
                amount_max=None if low is None else low * rng.choice([2, 5, 10]),
                verification=rng.choice(["confirmed"] * 6 + ["partial"] * 3 + ["historic"]),
                last_checked_on=now.date(),
            )
        )
    sources = FundingSource.objects.bulk_create(sources, batch_size=2000)
    field_rows, form_rows, region_rows, municipality_rows, calls = [], [], [], [], []
    for source in sources:
        chosen = set(rng.sample(fields, rng.randint(1, 3))) | ({also} if also else set())
        for field in chosen:
            field_rows.append(
                FundingSource.priority_fields.through(fundingsource=source, priorityfield=field)
            )
        for form in rng.sample(forms, rng.randint(0, 3)):
            form_rows.append(
                FundingSource.legal_forms.through(fundingsource=source, legalform=form)
            )
        if source.scope == "regional":
            region_rows.append(
                FundingSource.regions.through(fundingsource=source, region=rng.choice(regions))
            )
        if source.scope == "municipal":
            municipality_rows.append(
                FundingSource.municipalities.through(
                    fundingsource=source, municipality=rng.choice(municipalities)
                )
            )
        for _ in range(CALLS_PER_SOURCE):
            opens = now + datetime.timedelta(days=rng.randint(-200, 200))
            rolling = rng.random() < 0.1
            deadline = None if rolling else opens + datetime.timedelta(days=rng.randint(20, 120))
            calls.append(
                FundingCall(
                    source=source,
                    title=f"Konkurss {rng.randint(2024, 2028)}",
                    opens_at=opens,
                    deadline=deadline,
                    status=rng.choice(["open", "open", "announced", "closed"]),
                    budget=Decimal(rng.choice([10000, 50000, 250000])),
                )
            )
    for model, rows in (
        (FundingSource.priority_fields.through, field_rows),
        (FundingSource.legal_forms.through, form_rows),
        (FundingSource.regions.through, region_rows),
        (FundingSource.municipalities.through, municipality_rows),
        (FundingCall, calls),
    ):
        model.objects.bulk_create(rows, batch_size=5000)


def _medians(*actions, runs=RUNS):
    timings = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, timings, strict=True):
            start = time.perf_counter()
            action()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in timings]


def _matching_queries(place):
    from cohorts.models import CohortMembership
    from funding import selectors

    place = CohortMembership.objects.select_related(
        "organisation__funding_need", "cohort__priority_field"
    ).get(pk=place.pk)
    (profile,) = selectors.profiles([place])
    with CaptureQueriesContext(connection) as queries:
        found = selectors.matches(profile, limit=None)
    return len(queries), len(found)


def run(report):
    from funding.models import LegalForm, Municipality, Region
    from incubator.models import PriorityField

    rng = random.Random(2027)
    fields = {field.code: field for field in PriorityField.objects.all()}
    forms = list(LegalForm.objects.all())
    regions = list(Region.objects.all())
    municipalities = list(Municipality.objects.all())
    place = _participant(fields)
    started = time.perf_counter()

    _seed(10, 0, list(fields.values()), forms, regions, municipalities, rng, fields["environment"])
    queries_10, found_10 = _matching_queries(place)
    _seed(990, 10, list(fields.values()), forms, regions, municipalities, rng)
    queries_1000, found_1000 = _matching_queries(place)
    report("matching_queries_10", queries_10)
    report("matching_queries_1000", queries_1000)
    _seed(SOURCES - 1000, 1000, list(fields.values()), forms, regions, municipalities, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {SOURCES} sources with {SOURCES * CALLS_PER_SOURCE} calls in "
        f"{time.perf_counter() - started:.0f} s; matched {found_10} of 10 and "
        f"{found_1000} of 1,000",
        file=sys.stderr,
        flush=True,
    )

    client = Client()
    url = reverse("funding:catalogue")

    def page():
        response = client.get(url, SEARCH)
        assert response.status_code == 200, response.status_code
        return response

    now = timezone.now()
    term = "jauniesu:*"
    params = {"field": SEARCH["field"], "form": SEARCH["legal_form"], "now": now, "term": term}

    def query():
        with connection.cursor() as cursor:
            cursor.execute(PAGE_SQL, params)
            rows = cursor.fetchall()
        return (rows[0][-1] if rows else 0), rows

    # The page shows what the SQL finds: the same sources, in the same order.
    response = page()
    total, rows = query()
    cards = response.context["cards"]
    assert response.context["page"].paginator.count == total, (
        response.context["page"].paginator.count,
        total,
    )
    assert [card["pk"] for card in cards] == [row[0] for row in rows], (
        "page and SQL order the sources differently"
    )
    flags = [(card["open_now"], card["rolling"]) for card in cards]
    assert flags == [(row[-4], row[-3]) for row in rows], "page and SQL differ on open calls"
    shown = [sorted(source.field_ids) for source in response.context["sources"]]
    assert shown == [sorted(row[-2]) for row in rows], "page and SQL differ on fields"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {PAGE_SQL}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(
        f"{total} sources match the search; the SQL "
        f"{'uses' if 'funding_source_search' in plan else 'does NOT use'} the search index",
        file=sys.stderr,
        flush=True,
    )

    for _ in range(3):
        page()
        query()
    page_time, sql_time = _medians(page, query)
    report("catalogue_search_ms", round(page_time * 1000, 1))
    report("catalogue_page_over_sql", round(page_time / sql_time, 2))
    print(
        f"page {page_time * 1000:.1f} ms, SQL {sql_time * 1000:.1f} ms (medians of {RUNS})",
        file=sys.stderr,
        flush=True,
    )
    month_view(report)


def _month_of_calls(source, first_day, count):
    """``count`` open calls of ``source`` spread over the 30 days from ``first_day``."""
    from funding.models import FundingCall

    zone = timezone.get_current_timezone()
    FundingCall.objects.bulk_create(
        [
            FundingCall(
                source=source,
                title=f"Mēneša konkurss {n}",
                opens_at=timezone.now(),
                deadline=datetime.datetime.combine(
                    first_day + datetime.timedelta(days=n % 28),
                    datetime.time(10 + n % 8),
                    tzinfo=zone,
                ),
                status="open",
            )
            for n in range(count)
        ]
    )


def month_view(report):
    """The month view of deadlines: a month with 1,500 deadlines against one with
    five a day, which shows as many (two months of one source one can apply to, far
    ahead of the seeded calls)."""
    from funding.models import FundingSource

    source = FundingSource.objects.opportunities().order_by("pk").first()
    today = timezone.localdate()
    full = datetime.date(today.year + 3, 2, 1)
    busy = datetime.date(today.year + 3, 3, 1)
    _month_of_calls(source, full, 5 * 28)
    _month_of_calls(source, busy, 1500)
    client = Client()
    url = reverse("funding:deadlines")

    def page(month):
        def get():
            response = client.get(url, {"month": f"{month:%Y-%m}"})
            assert response.status_code == 200, response.status_code

        return get

    counts = []
    for month in (full, busy):
        page(month)()
        with CaptureQueriesContext(connection) as queries:
            page(month)()
        counts.append(len(queries))
    full_time, busy_time = _medians(page(full), page(busy))
    report("month_view_busy_ms", round(busy_time * 1000, 1))
    report("month_view_busy_over_full", round(busy_time / full_time, 2))
    report("month_view_queries_busy_minus_full", counts[1] - counts[0])
