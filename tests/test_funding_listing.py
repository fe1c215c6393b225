"""The catalogue's list (funding.listing, one SQL statement a page) finds, for every
combination of filters, the sources the ORM's statement of the filters finds
(selectors.catalogue_sources, which saved searches use), in the catalogue's order,
with the same deadlines, open and rolling calls and priority fields; and the
filter's options are read once and forgotten when an administrator changes them."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funding import search
from funding.listing import Listing
from funding.models import FundingCall, FundingSource, LegalForm
from funding.selectors import CROSS_CUTTING, Filters, catalogue_sources, with_deadlines
from incubator.models import PriorityField
from tests import factories

FIELDS = ["culture", "youth", "social", "environment", "education"]
FORMS = ["association", "foundation", "religious", "social_enterprise", "any_legal_person"]
WORDS_LV = ["kultūras", "jauniešu", "vides", "kopienas", "mantojuma", "izglītības"]
WORDS_EN = ["culture", "youth", "environment", "community", "heritage", "education"]
SEARCHED = ["kultūr", "jauniesu", "vides", "community", "heritage", "fonds", "programme", "zzz"]


def _calls(source, rng, now):
    """One to three calls of every kind: open, announced (dated or not), closed,
    rolling, past, closing within 30 days, far ahead."""
    for _ in range(rng.randint(0, 3)):
        opens = rng.choice([None, now - datetime.timedelta(days=rng.randint(1, 90)), now])
        opens = opens if opens is None else opens + datetime.timedelta(days=rng.randint(0, 60))
        deadline = rng.choice(
            [None, now + datetime.timedelta(days=rng.randint(-40, 120), hours=rng.randint(0, 23))]
        )
        if opens and deadline and deadline < opens:
            deadline = opens + datetime.timedelta(days=rng.randint(1, 30))
        FundingCall.objects.create(
            source=source,
            title=f"Konkurss {rng.randint(1, 99)}",
            opens_at=opens,
            deadline=deadline,
            status=rng.choice(["open", "open", "announced", "closed"]),
        )


@pytest.fixture
def varied(funding_reference):
    """Eighteen sources of every shape, and the moment their calls are placed around."""
    rng = random.Random(2027)
    now = timezone.now()
    for number in range(18):
        picked = rng.sample(range(len(WORDS_LV)), 2)
        low = rng.choice([None, Decimal("300"), Decimal("1000"), Decimal("5000")])
        source = factories.FundingSourceFactory(
            name_lv=f"{WORDS_LV[picked[0]].capitalize()} {rng.choice(['fonds', 'programma'])} "
            f"{number:02}",
            # Some sources share a name: the order still is one.
            name_en="" if number % 7 == 0 else f"{WORDS_EN[picked[1]].capitalize()} programme",
            description_lv=f"Atbalsts {WORDS_LV[picked[1]]} projektiem.",
            description_en=f"Support for {WORDS_EN[picked[0]]} projects.",
            kind=rng.choice(["grant", "grant", "loan", "prize", "sponsorship"]),
            scope=rng.choice(["national", "regional", "municipal", "eu"]),
            amount_min=low,
            amount_max=None if low is None else low * rng.choice([2, 10]),
            verification=rng.choice(["confirmed", "confirmed", "partial", "historic"]),
            cross_cutting=rng.random() < 0.3,
            fields=rng.sample(FIELDS, rng.randint(0, 2)),
            legal_forms=rng.sample(FORMS, rng.randint(0, 2)),
        )
        _calls(source, rng, now)
    return now


def _mostly(empty, *values):
    """Mostly ``empty`` (most visitors choose a filter or two, not every one)."""
    return st.one_of(st.just(empty), st.just(empty), st.sampled_from(values))


filters_drawn = st.builds(
    Filters,
    q=_mostly("", *SEARCHED, "kultūr fonds", "youth programme"),
    field=_mostly("", CROSS_CUTTING, *FIELDS),
    legal_form=_mostly("", *FORMS[:-1]),
    scope=_mostly("", "national", "regional", "municipal", "eu"),
    kind=_mostly("", "grant", "loan", "prize", "sponsorship"),
    amount=_mostly(None, Decimal("0"), Decimal("500"), Decimal("2500.5"), Decimal("9999")),
    open_now=_mostly(False, True),
    closing_soon=_mostly(False, True),
    show_historic=st.booleans(),
    sort=st.sampled_from(["deadline", "name", "relevance"]),
)


def expected(filters, now, language):
    """What the ORM finds for ``filters``, in the catalogue's order: by the nearest
    deadline (none last), then name; by name; or, for words searched, by relevance
    and then the nearest deadline."""
    ranked = filters.sort == "relevance" and bool(search.words(filters.q))
    sources = with_deadlines(catalogue_sources(filters, now, rank=ranked), now)
    name = "name_en" if language == "en" else "name_lv"
    deadline = F("next_deadline").asc(nulls_last=True)
    if filters.sort == "name":
        order = [name, "pk"]
    elif ranked:
        order = [F("rank").desc(), deadline, "pk"]
    else:
        order = [deadline, name, "pk"]
    return [
        (
            source.pk,
            source.next_deadline,
            source.has_open_call,
            source.has_rolling_call,
            sorted(source.priority_fields.values_list("pk", flat=True)),
        )
        for source in sources.order_by(*order)
    ]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(filters=filters_drawn, language=st.sampled_from(["lv", "en"]))
def test_the_listing_finds_what_the_filters_state_in_the_catalogue_order(varied, filters, language):
    now = varied
    with translation.override(language):
        wanted = expected(filters, now, language)
        listing = Listing(filters, now)
        rows = listing[0:100]
        assert [
            (
                row.pk,
                row.next_deadline,
                row.has_open_call,
                row.has_rolling_call,
                sorted(row.field_ids),
            )
            for row in rows
        ] == wanted
        assert listing.count() == len(wanted)
        assert all(row.total == len(wanted) for row in rows)
        # A page further on is the same part of the same order.
        assert [row.pk for row in listing[2:5]] == [pk for pk, *_rest in wanted[2:5]]


def test_a_listed_source_reads_as_the_model_does(varied):
    """Amounts, moments and flags come back as the ORM reads them, on either database."""
    source = FundingSource.objects.filter(amount_min__isnull=False).exclude(
        verification="historic"
    )[0]
    source.amount_min = Decimal("1234.50")
    source.save(update_fields=["amount_min"])
    (row,) = [
        row for row in Listing(Filters(show_historic=True), varied)[0:100] if row.pk == source.pk
    ]
    assert row.amount_min == Decimal("1234.50") and row.amount_max == source.amount_max
    assert row.name_lv == source.name_lv and row.cross_cutting is source.cross_cutting
    assert row.next_deadline is None or timezone.is_aware(row.next_deadline)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_the_listing_searches_through_the_search_index(varied):
    listing = Listing(Filters(q="kultūras"), varied)
    statements = []

    def execute(run, sql, params, many, context):
        statements.append((sql, params))
        return run(sql, params, many, context)

    with connection.execute_wrapper(execute):
        listing[0:20]
    ((sql, params),) = statements
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "funding_source_search" in plan


# --- the filter's options ---------------------------------------------------------------


def _options_read(client):
    """How many times the page read the legal forms, and the page."""
    reads = []

    def execute(run, sql, params, many, context):
        if "funding_legalform" in sql and "funding_fundingsource" not in sql:
            reads.append(sql)
        return run(sql, params, many, context)

    with connection.execute_wrapper(execute):
        response = client.get(reverse("funding:catalogue"))
    assert response.status_code == 200
    return len(reads), response


def test_the_filter_options_are_read_once_and_follow_the_administrators_changes(
    client, funding_reference
):
    client.force_login(factories.AdminFactory(email="admins@inkubators.lv"))
    reads, _response = _options_read(client)
    assert reads == 1
    reads, response = _options_read(client)
    assert reads == 0
    selects = {select["name"]: select["options"] for select in response.context["selects"]}
    codes = list(LegalForm.objects.values_list("code", flat=True))
    assert [value for value, _label, _chosen in selects["legal_form"]] == ["", *codes]

    # An administrator renames a priority field in the admin, and a legal form is added.
    culture = PriorityField.objects.get(code="culture")
    response = client.post(
        reverse("admin:incubator_priorityfield_change", args=[culture.pk]),
        {
            "code": culture.code,
            "name_lv": "Kultūra un māksla",
            "name_en": "Culture and arts",
            "order": culture.order,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    LegalForm.objects.create(code="cooperative", name_lv="Kooperatīvs", name_en="Co-operative")

    reads, response = _options_read(client)
    assert reads == 1
    selects = {select["name"]: select["options"] for select in response.context["selects"]}
    assert ("culture", "Kultūra un māksla", False) in selects["field"]
    assert ("cooperative", "Kooperatīvs", False) in selects["legal_form"]
    response = client.get(reverse("funding:catalogue"), {"legal_form": "cooperative"})
    assert not response.context["form"].errors
