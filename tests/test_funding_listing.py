"""The catalogue's list (funding.listing, one SQL statement a page) finds, for every
combination of filters, the sources the ORM's statement of the filters finds
(selectors.catalogue_sources, which saved searches use), in the catalogue's order,
with the same deadlines, open and rolling calls and priority fields; and the
filter's options are read once and forgotten when an administrator changes them."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funding import choices, search
from funding.listing import LISTED, Listing
from funding.models import FundingCall, LegalForm
from funding.selectors import CROSS_CUTTING, Filters, catalogue_sources, with_deadlines
from incubator.models import PriorityField
from tests import factories

FIELDS = ["culture", "youth", "social", "environment", "education"]
FORMS = [
    "association",
    "foundation",
    "religious",
    "social_enterprise",
    "municipality",
    "natural_person",
    "any_legal_person",
]
LOWS = [None, Decimal("300"), Decimal("500"), Decimal("1000")]
HIGHS = [None, Decimal("500"), Decimal("2500.50"), Decimal("9999"), Decimal("10000")]
AMOUNTS = [Decimal("0"), Decimal("500"), Decimal("2500.5"), Decimal("9999"), Decimal("20000")]
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


def _amounts(rng):
    """A minimum, a maximum, both or neither; some equal to an amount searched for."""
    low, high = rng.choice(LOWS), rng.choice(HIGHS)
    if low is not None and high is not None and high < low:
        low, high = high, low
    return low, high


@pytest.fixture
def varied(funding_reference):
    """Twenty-four sources of every shape, and the moment their calls are placed around."""
    rng = random.Random(2027)
    now = timezone.now()
    for number in range(24):
        picked = rng.sample(range(len(WORDS_LV)), 2)
        low, high = _amounts(rng)
        source = factories.FundingSourceFactory(
            name_lv=f"{WORDS_LV[picked[0]].capitalize()} {rng.choice(['fonds', 'programma'])} "
            f"{number:02}",
            # Some sources share a name: the order still is one.
            name_en="" if number % 7 == 0 else f"{WORDS_EN[picked[1]].capitalize()} programme",
            description_lv=f"Atbalsts {WORDS_LV[picked[1]]} projektiem.",
            description_en=f"Support for {WORDS_EN[picked[0]]} projects.",
            funder=rng.choice(["Sabiedrības integrācijas fonds", "Kultūras kapitāla fonds"]),
            kind=rng.choice(["grant", "grant", "loan", "prize", "sponsorship"]),
            scope=rng.choice(["national", "regional", "municipal", "eu"]),
            amount_min=low,
            amount_max=high,
            verification=rng.choice(["confirmed", "confirmed", "partial", "historic"]),
            verification_note=rng.choice(["", "summas"]),
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
    legal_form=_mostly("", *FORMS),
    scope=_mostly("", "national", "regional", "municipal", "eu"),
    kind=_mostly("", "grant", "loan", "prize", "sponsorship"),
    amount=_mostly(None, *AMOUNTS),
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
        read(source, sorted(source.priority_fields.values_list("pk", flat=True)))
        for source in sources.order_by(*order)
    ]


def read(source, field_ids):
    """What a card is made of; amounts as written (2500.50, not 2500.5)."""
    return (
        source.pk,
        *(getattr(source, name) for name in LISTED if not name.startswith("amount")),
        str(source.amount_min),
        str(source.amount_max),
        source.next_deadline,
        source.has_open_call,
        source.has_rolling_call,
        field_ids,
    )


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
        assert [read(row, sorted(row.field_ids)) for row in rows] == wanted
        assert listing.count() == len(wanted)
        assert all(row.total == len(wanted) for row in rows)
        # A page further on is the same part of the same order.
        assert [row.pk for row in listing[2:5]] == [pk for pk, *_rest in wanted[2:5]]


def test_a_listed_source_reads_as_the_model_does(varied):
    """Amounts, moments and flags come back as the ORM reads them, on either database."""
    source = factories.FundingSourceFactory(
        amount_min=Decimal("1234.50"), amount_max=Decimal("5000"), cross_cutting=True
    )
    deadline = varied + datetime.timedelta(days=3, hours=2)
    FundingCall.objects.create(source=source, title="Kārta", opens_at=varied, deadline=deadline)
    (row,) = [row for row in Listing(Filters(), varied)[0:100] if row.pk == source.pk]
    assert (str(row.amount_min), str(row.amount_max)) == ("1234.50", "5000.00")
    assert row.cross_cutting is True and row.has_open_call is True
    assert row.has_rolling_call is False and row.field_ids == []
    assert row.next_deadline == deadline and timezone.is_aware(row.next_deadline)


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


def _page(client, **data):
    """The catalogue page, and how many times it read the filter's options."""
    reads = []

    def execute(run, sql, params, many, context):
        if "FROM funding_fundingsource s" not in sql and (
            "funding_legalform" in sql or "incubator_priorityfield" in sql
        ):
            reads.append(sql)
        return run(sql, params, many, context)

    with connection.execute_wrapper(execute):
        response = client.get(reverse("funding:catalogue"), data)
    assert response.status_code == 200
    selects = {select["name"]: select["options"] for select in response.context["selects"]}
    return len(reads), selects, response


@pytest.fixture
def administrator(client, funding_reference):
    client.force_login(factories.AdminFactory(email="admins@inkubators.lv"))
    return client


def test_the_filter_options_are_read_once(administrator):
    reads, selects, _response = _page(administrator)
    assert reads == 2  # the priority fields and the legal forms
    reads, selects, _response = _page(administrator, field="culture")
    assert reads == 0
    codes = list(LegalForm.objects.values_list("code", flat=True))
    assert [value for value, _label, _chosen in selects["legal_form"]] == ["", *codes]
    fields = list(PriorityField.objects.values_list("code", flat=True))
    assert [value for value, _label, _chosen in selects["field"]] == ["", *fields, CROSS_CUTTING]


def test_a_priority_field_renamed_in_the_admin_shows_once_committed(
    administrator, django_capture_on_commit_callbacks
):
    _page(administrator)
    culture = PriorityField.objects.get(code="culture")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = administrator.post(
            reverse("admin:incubator_priorityfield_change", args=[culture.pk]),
            {"code": "culture", "name_lv": "Kultūra un māksla", "name_en": "Arts", "order": 1},
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert callbacks
    reads, selects, _response = _page(administrator)
    assert reads == 2
    assert ("culture", "Kultūra un māksla", False) in selects["field"]


def test_a_legal_form_added_or_deleted_shows_once_committed(
    administrator, django_capture_on_commit_callbacks
):
    _page(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        LegalForm.objects.create(code="cooperative", name_lv="Kooperatīvs", name_en="Co-op")
    _reads, selects, response = _page(administrator, legal_form="cooperative")
    assert ("cooperative", "Kooperatīvs", True) in selects["legal_form"]
    assert not response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        LegalForm.objects.filter(code="cooperative").get().delete()
    _reads, selects, response = _page(administrator, legal_form="cooperative")
    assert "cooperative" not in [value for value, _label, _chosen in selects["legal_form"]]
    assert response.context["form"].errors["legal_form"]


def test_options_read_before_a_change_committed_are_not_shown_after_it(
    administrator, django_capture_on_commit_callbacks
):
    """A request that read the rows just before an administrator's commit, and keeps
    them just after it, keeps them where no later request looks."""
    old = choices.filter_options()
    culture = PriorityField.objects.get(code="culture")
    with django_capture_on_commit_callbacks(execute=True):
        culture.name_lv = "Kultūra un māksla"
        culture.save()
    cache.set(choices.KEY.format(0), old)  # the late request, under the number it read
    _reads, selects, _response = _page(administrator)
    assert ("culture", "Kultūra un māksla", False) in selects["field"]


def test_a_field_the_kept_options_lack_is_left_off_its_card(client, funding_reference):
    """A write that sends no signal is seen within choices.TIMEOUT; until then the page
    still works."""
    source = factories.FundingSourceFactory(name_lv="Jaunā joma", fields=["culture"])
    _page(client)
    (added,) = PriorityField.objects.bulk_create(
        [PriorityField(code="sport", name_lv="Sports", name_en="Sport", order=9)]
    )
    source.priority_fields.add(added)
    _reads, _selects, response = _page(client)
    (card,) = [card for card in response.context["cards"] if card["pk"] == source.pk]
    assert card["fields"] == [PriorityField.objects.get(code="culture").name_lv]
    cache.clear()
    _reads, _selects, response = _page(client)
    (card,) = [card for card in response.context["cards"] if card["pk"] == source.pk]
    assert card["fields"] == [PriorityField.objects.get(code="culture").name_lv, "Sports"]
