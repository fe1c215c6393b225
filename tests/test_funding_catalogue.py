"""The funding catalogue: its seed, its rules (in forms and in the database), the
public pages with their filters and search, the month view and the calendar feed,
and the staff's pages to keep it."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone
from icalendar import Calendar

from funding import selectors, services
from funding.listing import Listing
from funding.models import FundingCall, FundingSource, LegalForm, Municipality, Region
from funding.selectors import Filters
from funding.views import catalogue as catalogue_views
from incubator.models import PriorityField
from tests import factories

from .funding_support import at, source

# --- the seed -----------------------------------------------------------------------


def test_a_fresh_installation_starts_with_the_25_researched_sources(seeded):
    from django.core.management import call_command

    assert "25 new" in seeded
    assert FundingSource.objects.count() == 25
    liepaja = FundingSource.objects.get(name_en="Liepāja City NGO project co-financing competition")
    assert liepaja.name_lv.startswith("Liepājas valstspilsētas pašvaldības Nevalstisko")
    assert liepaja.description_lv.startswith("Līdzfinansē sociāli nozīmīgas programmas")
    assert (liepaja.amount_min, liepaja.amount_max) == (Decimal("300"), Decimal("2500"))
    assert liepaja.cofinancing_percent == 30
    assert liepaja.verification == FundingSource.Verification.PARTIAL
    assert liepaja.verification_note == "limits from 2019 page"
    assert "updated 25.04.2019" in liepaja.facts_sources
    assert [m.name for m in liepaja.municipalities.all()] == ["Liepāja"]
    assert liepaja.cross_cutting
    assert set(liepaja.legal_forms.values_list("code", flat=True)) == {
        "association",
        "foundation",
        "religious",
    }
    historic = FundingSource.objects.get(name_lv="Aktīvo iedzīvotāju fonds (AIF)")
    assert historic.is_historic
    kurzeme = FundingSource.objects.get(name_en__startswith="Kurzeme Culture")
    assert kurzeme.scope == "regional" and [r.code for r in kurzeme.regions.all()] == ["kurzeme"]
    counts = dict(FundingSource.objects.values_list("verification").annotate(n=Count("pk")))
    assert counts == {"confirmed": 13, "partial": 11, "historic": 1}
    assert FundingSource.objects.exclude(description_lv="").count() == 25

    # Again: nothing changes, and staff's edits survive it.
    services.save_source(liepaja, by=None, values={"amount_max": Decimal("3000")})
    out = StringIO()
    call_command("import_funding_sources", stdout=out)
    assert "0 new, 0 changed, 25 left" in out.getvalue()
    liepaja.refresh_from_db()
    assert liepaja.amount_max == Decimal("3000")


def test_the_seed_file_has_every_research_fact(funding_reference):
    """Each of the research's facts is in the portal's seed, in the column of the
    same meaning."""
    import csv
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "funding" / "data"
    research = list(csv.DictReader((folder / "research" / "funding_sources.csv").open()))
    seed = list(csv.DictReader((folder / "funding_sources.csv").open()))
    assert len(research) == len(seed) == 25
    for fact, row in zip(research, seed, strict=True):
        assert (row["name_lv"], row["name_en"], row["funder"]) == (
            fact["name_lv"],
            fact["name_en"],
            fact["funder"],
        )
        assert row["description_en"] == fact["description_en"]
        assert row["eligibility_note"] == fact["eligible_legal_forms"]
        assert row["scope_note"] == fact["scope"]
        assert row["cofinancing_note"] == fact["cofinancing"]
        assert row["facts_sources"] == fact["source"]
        assert (row["min_eur"], row["max_eur"]) == (fact["min_eur"], fact["max_eur"])
        assert row["description_lv"] and row["description_lv"] != row["description_en"]
        flag = fact["confirmed"]
        expected = (
            "historic"
            if flag.startswith("historic")
            else "confirmed"
            if flag.startswith("yes")
            else "partial"
        )
        assert row["verification"] == expected


# --- rules in the database and in forms ------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"amount_min": Decimal("-1")},
        {"amount_max": Decimal("-5")},
        {"amount_min": Decimal("500"), "amount_max": Decimal("100")},
        {"cofinancing_percent": Decimal("101")},
    ],
)
def test_the_database_refuses_impossible_amounts(db, values):
    row = factories.FundingSourceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingSource.objects.filter(pk=row.pk).update(**values)


def test_the_database_refuses_a_deadline_before_the_opening_and_a_negative_budget(db):
    call = factories.FundingCallFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingCall.objects.filter(pk=call.pk).update(
            deadline=call.opens_at - datetime.timedelta(hours=1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingCall.objects.filter(pk=call.pk).update(budget=Decimal("-1"))


def test_the_services_name_the_field_and_save_nothing(funding_reference, staff):
    with pytest.raises(ValidationError) as raised:
        services.save_source(
            by=staff,
            values={
                "name_lv": "Jauns fonds",
                "funder": "Fonds",
                "amount_min": Decimal("5000"),
                "amount_max": Decimal("1000"),
                "cofinancing_percent": Decimal("120"),
                "scope": FundingSource.Scope.REGIONAL,
                "regions": [],
            },
        )
    errors = raised.value.message_dict
    assert errors["amount_max"] == ["Maksimālā summa nevar būt mazāka par minimālo."]
    assert errors["cofinancing_percent"] == ["Līdzfinansējums ir procenti no 0 līdz 100."]
    assert errors["regions"] == ["Izvēlieties plānošanas reģionus, ko šis avots aptver."]
    assert not FundingSource.objects.filter(name_lv="Jauns fonds").exists()
    a_source = factories.FundingSourceFactory()
    with pytest.raises(ValidationError) as raised:
        services.save_call(
            source=a_source,
            by=staff,
            values={
                "title": "Kārta",
                "opens_at": at(10),
                "deadline": at(5),
                "budget": Decimal("-3"),
            },
        )
    assert raised.value.message_dict == {
        "deadline": ["Termiņam jābūt vēlākam par konkursa sākumu."],
        "budget": ["Budžets nevar būt negatīvs."],
    }
    assert not FundingCall.objects.exists()


def _source_post(**overrides):
    data = {
        "name_lv": "Kopienu fonds",
        "name_en": "Community fund",
        "funder": "Kopienu fonds",
        "kind": "grant",
        "scope": "national",
        "verification": "confirmed",
        "amount_min": "",
        "amount_max": "",
        "cofinancing_percent": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"amount_min": "-10"}, "amount_min", "Minimālā summa nevar būt negatīva."),
        (
            {"amount_min": "3000", "amount_max": "200"},
            "amount_max",
            "Maksimālā summa nevar būt mazāka par minimālo.",
        ),
        ({"cofinancing_percent": "150"}, "cofinancing_percent", "procenti no 0 līdz 100"),
        ({"scope": "municipal"}, "municipalities", "Izvēlieties pašvaldības"),
        ({"priority_fields": ["abc"]}, "priority_fields", "abc"),
        ({"name_lv": ""}, "name_lv", "Šis lauks ir nepieciešams."),
    ],
)
def test_the_staff_form_keeps_the_input_and_names_the_field(
    client, staff, funding_reference, overrides, field, message
):
    client.force_login(staff)
    response = client.post(reverse("funding:source_create"), _source_post(**overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert form["funder"].value() == "Kopienu fonds"
    assert not FundingSource.objects.filter(name_lv="Kopienu fonds").exists()


def test_staff_add_a_source_and_a_call_in_riga_time(client, staff, funding_reference):
    client.force_login(staff)
    liepaja = Municipality.objects.get(name="Liepāja")
    response = client.post(
        reverse("funding:source_create"),
        _source_post(
            scope="municipal",
            municipalities=[liepaja.pk],
            priority_fields=[funding_reference["culture"].pk],
            legal_forms=[LegalForm.objects.get(code="association").pk],
            amount_min="100",
            amount_max="2500",
        ),
    )
    created = FundingSource.objects.get(name_lv="Kopienu fonds")
    assert response.status_code == 302
    assert created.created_by == staff and list(created.municipalities.all()) == [liepaja]
    day = timezone.localdate() + datetime.timedelta(days=40)
    response = client.post(
        reverse("funding:call_create", args=[created.pk]),
        {
            "title": "Pavasara kārta",
            "status": "announced",
            "opens_at": f"{day - datetime.timedelta(days=30):%Y-%m-%d}T09:00",
            "deadline": f"{day:%Y-%m-%d}T23:59",
            "budget": "30000",
            "rules_url": "www.liepaja.lv/nolikums",
        },
    )
    assert response.status_code == 302
    call = created.calls.get()
    assert timezone.localtime(call.deadline).strftime("%H:%M") == "23:59"
    assert call.rules_url == "https://www.liepaja.lv/nolikums"
    # Its reminders are scheduled: 14 and 3 days before.
    from incubator.notifications.models import Reminder

    assert set(
        Reminder.objects.filter(source=services.CALL_SOURCE, object_id=call.pk).values_list(
            "label", flat=True
        )
    ) == {"before-14d", "before-3d"}


def test_a_call_with_its_deadline_before_its_opening_is_refused_with_the_input_kept(
    client, staff, db
):
    call = factories.FundingCallFactory()
    client.force_login(staff)
    response = client.post(
        reverse("funding:call_edit", args=[call.pk]),
        {
            "title": "Labots",
            "status": "open",
            "opens_at": "2027-03-10T09:00",
            "deadline": "2027-03-01T23:59",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["deadline"] == [
        "Termiņam jābūt vēlākam par konkursa sākumu."
    ]
    assert response.context["form"]["title"].value() == "Labots"
    call.refresh_from_db()
    assert call.title != "Labots"


# --- the public catalogue ------------------------------------------------------------


@pytest.fixture
def catalogue(funding_reference):
    """Four sources: culture in Kurzeme with a call closing soon; youth, national,
    open, for associations; a social fund with a call far ahead; a historic one."""
    culture = source(
        name_lv="Kurzemes kultūras programma",
        name_en="Kurzeme culture programme",
        fields=["culture"],
        legal_forms=["any_legal_person"],
        scope="regional",
        amount_min=Decimal("500"),
        amount_max=Decimal("5000"),
        kind="grant",
    )
    culture.regions.set(Region.objects.filter(code="kurzeme"))
    factories.FundingCallFactory(source=culture, deadline=at(10), opens_at=at(-5))
    youth = source(
        name_lv="Jauniešu iniciatīvu fonds",
        name_en="Youth initiatives fund",
        fields=["youth"],
        legal_forms=["association"],
        description_lv="Atbalsts jauniešu līdzdalībai un brīvprātīgo darbam.",
        description_en="Support for young people's participation and volunteering.",
        amount_max=Decimal("7000"),
    )
    factories.FundingCallFactory(source=youth, deadline=None, opens_at=at(-1))
    social = source(
        name_lv="Sociālās palīdzības ziedojums",
        name_en="Social assistance donation",
        fields=["social"],
        legal_forms=["foundation"],
        kind="sponsorship",
        cross_cutting=True,
    )
    factories.FundingCallFactory(
        source=social, opens_at=at(20), deadline=at(60), status=FundingCall.Status.ANNOUNCED
    )
    historic = source(
        name_lv="Aktīvo iedzīvotāju fonds",
        name_en="Active Citizens Fund",
        fields=["youth", "culture"],
        verification="historic",
    )
    factories.FundingCallFactory(source=historic, deadline=at(5))
    return {"culture": culture, "youth": youth, "social": social, "historic": historic}


def names(filters):
    return [s.name_lv for s in Listing(filters, timezone.now())[0:100]]


def test_the_filters(catalogue):
    assert names(Filters()) == [
        "Kurzemes kultūras programma",
        "Sociālās palīdzības ziedojums",
        "Jauniešu iniciatīvu fonds",
    ]
    assert names(Filters(field="youth")) == ["Jauniešu iniciatīvu fonds"]
    assert names(Filters(field="cross_cutting")) == ["Sociālās palīdzības ziedojums"]
    # Open to associations: those that name them, or any legal person.
    assert names(Filters(legal_form="association")) == [
        "Kurzemes kultūras programma",
        "Jauniešu iniciatīvu fonds",
    ]
    assert names(Filters(scope="regional")) == ["Kurzemes kultūras programma"]
    assert names(Filters(kind="sponsorship")) == ["Sociālās palīdzības ziedojums"]
    assert names(Filters(amount=Decimal("6000"))) == [
        "Sociālās palīdzības ziedojums",
        "Jauniešu iniciatīvu fonds",
    ]
    assert names(Filters(open_now=True)) == [
        "Kurzemes kultūras programma",
        "Jauniešu iniciatīvu fonds",
    ]
    assert names(Filters(closing_soon=True)) == ["Kurzemes kultūras programma"]
    assert names(Filters(sort="name")) == sorted(names(Filters()))
    # A closed programme only on request, and never as open or closing soon.
    assert "Aktīvo iedzīvotāju fonds" in names(Filters(show_historic=True))
    assert "Aktīvo iedzīvotāju fonds" not in names(Filters(show_historic=True, closing_soon=True))


@pytest.mark.parametrize(
    "text, found",
    [
        ("jauniešu", ["Jauniešu iniciatīvu fonds"]),
        ("Kurzemes kultūr", ["Kurzemes kultūras programma"]),
        ("volunteering", ["Jauniešu iniciatīvu fonds"]),
        ("youth volunteer", ["Jauniešu iniciatīvu fonds"]),
        ("Social donation", ["Sociālās palīdzības ziedojums"]),
        ("nekas tāds", []),
        ("'&|!:*()", None),  # no words: the whole catalogue
    ],
)
def test_text_search_in_latvian_and_english(catalogue, text, found):
    result = names(Filters(q=text))
    if found is None:
        assert len(result) == 3
    else:
        assert result == found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_full_text_search_ignores_diacritics_and_stems_english(catalogue):
    assert names(Filters(q="jauniesu")) == ["Jauniešu iniciatīvu fonds"]
    assert names(Filters(q="kulturas")) == ["Kurzemes kultūras programma"]
    assert names(Filters(q="participating")) == ["Jauniešu iniciatīvu fonds"]
    ranked = names(Filters(q="fonds", sort="relevance", show_historic=True))
    assert set(ranked) >= {"Jauniešu iniciatīvu fonds", "Aktīvo iedzīvotāju fonds"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_the_search_uses_its_index(catalogue):
    query = selectors.catalogue_sources(Filters(q="kultūra")).order_by().values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "funding_source_search" in plan


def test_the_catalogue_page_is_public_and_filters(client, catalogue):
    response = client.get(reverse("funding:catalogue"), {"field": "culture", "open_now": "1"})
    assert response.status_code == 200
    assert [s.name_lv for s in response.context["sources"]] == ["Kurzemes kultūras programma"]
    html = response.content.decode()
    assert "Kurzemes kultūras programma" in html and "Jauniešu iniciatīvu fonds" not in html
    # Bad input: a clear message on the field, the rest of the filter still applies.
    response = client.get(reverse("funding:catalogue"), {"amount": "-5", "field": "youth"})
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert [s.name_lv for s in response.context["sources"]] == ["Jauniešu iniciatīvu fonds"]


def test_the_catalogue_pages_through_its_sources(client, catalogue, monkeypatch):
    monkeypatch.setattr(catalogue_views, "PER_PAGE", 2)
    every = names(Filters())

    def shown(**data):
        response = client.get(reverse("funding:catalogue"), data)
        assert response.status_code == 200
        page = response.context["page"]
        return page.number, page.paginator.count, [s.name_lv for s in page.object_list]

    assert shown() == (1, 3, every[:2])
    assert shown(page="2") == (2, 3, every[2:])
    # Past the last page: the last; not a page number: the first (as Django's paginator).
    assert shown(page="9") == shown(page="0") == (2, 3, every[2:])
    assert shown(page="9" * 30) == (2, 3, every[2:])
    assert shown(page="second") == shown(page="") == (1, 3, every[:2])
    assert shown(q="nekas tāds") == shown(q="nekas tāds", page="3") == (1, 0, [])
    html = client.get(reverse("funding:catalogue"), {"page": "2"}).content.decode()
    assert "Jauniešu iniciatīvu fonds" in html and "Kurzemes kultūras programma" not in html
    # The page's sources say how many there are in all: the search is not run again
    # to count them.
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("funding:catalogue"), {"q": "fonds", "page": "2"})
    searches = [
        query["sql"] for query in queries if "FROM funding_fundingsource s " in query["sql"]
    ]
    assert len(searches) == 1 and "COUNT(*) OVER ()" in searches[0], searches


def test_each_card_of_the_list_shows_what_the_source_offers(client, catalogue):
    FundingSource.objects.filter(pk=catalogue["youth"].pk).update(
        verification="partial", verification_note="summas"
    )
    catalogue["social"].priority_fields.add(PriorityField.objects.get(code="culture"))
    response = client.get(reverse("funding:catalogue"), {"sort": "name", "show_historic": "1"})
    cards = {card["pk"]: card for card in response.context["cards"]}
    culture = cards[catalogue["culture"].pk]
    deadline = catalogue["culture"].calls.get().deadline
    assert culture["url"] == reverse("funding:source_detail", args=[catalogue["culture"].pk])
    assert culture["kind"] == "Grants" and culture["scope"] == "Plānošanas reģions"
    assert culture["amounts"] == "500–5\u00a0000 EUR"
    assert culture["deadline"] == formats.date_format(
        timezone.localtime(deadline), "DATETIME_FORMAT"
    )
    assert culture["closes_soon"] and culture["open_now"] and not culture["rolling"]
    youth = cards[catalogue["youth"].pk]
    assert youth["partial"] and youth["rolling"] and youth["open_now"] and not youth["deadline"]
    social = cards[catalogue["social"].pk]
    assert not social["open_now"] and not social["closes_soon"] and social["cross_cutting"]
    # Priority fields in their own order, named in the page's language.
    order = list(PriorityField.objects.filter(code__in=["social", "culture"]))
    assert social["fields"] == [field.name_lv for field in order]
    assert cards[catalogue["historic"].pk]["historic"]
    html = response.content.decode()
    assert f'<a href="{culture["url"]}">Kurzemes kultūras programma</a>' in html
    assert "Daļēji apstiprināts: summas" in html and "Pastāvīga pieteikšanās" in html
    assert f"Termiņš {culture['deadline']}" in html
    english = client.get("/en" + reverse("funding:catalogue"), {"q": "youth"})
    (card,) = english.context["cards"]
    assert card["name"] == "Youth initiatives fund" and card["kind"] == "Grant"
    assert card["url"] == f"/en/funding/sources/{catalogue['youth'].pk}/"


def test_under_open_now_every_card_says_open_now_as_without_the_filter(client, catalogue):
    url = reverse("funding:catalogue")
    every = {card["pk"]: card for card in client.get(url).context["cards"]}
    open_now = client.get(url, {"open_now": "1"}).context["cards"]
    assert open_now and all(card["open_now"] is True for card in open_now)
    assert {card["pk"] for card in open_now} == {
        pk for pk, card in every.items() if card["open_now"]
    }
    assert open_now == [every[card["pk"]] for card in open_now]


def test_a_partly_confirmed_source_says_so_and_a_historic_one_is_no_opportunity(client, catalogue):
    youth = catalogue["youth"]
    FundingSource.objects.filter(pk=youth.pk).update(
        verification="partial", verification_note="amounts"
    )
    page = client.get(reverse("funding:source_detail", args=[youth.pk])).content.decode()
    assert "Daļēji apstiprināts" in page and "amounts" in page
    historic = catalogue["historic"]
    page = client.get(reverse("funding:source_detail", args=[historic.pk])).content.decode()
    assert "Slēgts / vēsturisks" in page
    assert "nav iespējams pieteikties" in page
    assert "Sekot avotam" not in page
    # Its call, open by its own dates, is shown closed, with no days left to count.
    call = historic.calls.get()
    assert call.status == "open" and call.opens_at <= timezone.now() < call.deadline
    assert call.state() == "closed"
    assert "Atvērts tagad" not in page and "dienām)" not in page and "Sekot konkursam" not in page
    assert '<span class="badge text-bg-secondary">Slēgts</span>' in page
    # Not on the month view nor in the feed, however close its call's deadline.
    month = client.get(reverse("funding:deadlines"), {"month": f"{at(5):%Y-%m}"}).content.decode()
    assert "Aktīvo iedzīvotāju fonds" not in month
    feed = Calendar.from_ical(client.get(reverse("funding:feed")).content)
    summaries = [str(event["summary"]) for event in feed.walk("VEVENT")]
    assert not any("Aktīvo" in summary for summary in summaries)


def test_the_month_view_and_the_public_feed(client, catalogue):
    culture_call = catalogue["culture"].calls.get()
    month = timezone.localtime(culture_call.deadline).strftime("%Y-%m")
    response = client.get(reverse("funding:deadlines"), {"month": month})
    assert response.status_code == 200
    assert culture_call in response.context["calls"]
    response = client.get(reverse("funding:deadlines"), {"month": "2026-13"})
    assert response.status_code == 200
    assert "nav mēnesis" in response.content.decode()

    response = client.get(reverse("funding:feed"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = {
        str(e["uid"]).split("@")[0]: e for e in Calendar.from_ical(response.content).walk("VEVENT")
    }
    event = events[f"funding-call-{culture_call.pk}"]
    assert event.decoded("dtstart") == culture_call.deadline
    assert "Kurzemes kultūras programma" in str(event["summary"])
    # The rolling call has no deadline: no event.
    youth_call = catalogue["youth"].calls.get()
    assert f"funding-call-{youth_call.pk}" not in events


def test_the_source_page_shows_its_calls(client, catalogue):
    response = client.get(reverse("funding:source_detail", args=[catalogue["youth"].pk]))
    assert response.status_code == 200
    assert "Pastāvīga pieteikšanās: termiņa nav" in response.content.decode()
    assert client.get(reverse("funding:source_detail", args=[999999])).status_code == 404


# --- staff -----------------------------------------------------------------------------


def test_staff_see_the_sources_not_checked_for_six_months(client, staff, catalogue):
    today = timezone.localdate()
    FundingSource.objects.filter(pk=catalogue["culture"].pk).update(
        last_checked_on=today - datetime.timedelta(days=200)
    )
    FundingSource.objects.filter(pk=catalogue["social"].pk).update(last_checked_on=None)
    FundingSource.objects.filter(pk=catalogue["historic"].pk).update(last_checked_on=None)
    assert [s.name_lv for s in selectors.stale_sources()] == [
        "Sociālās palīdzības ziedojums",
        "Kurzemes kultūras programma",
    ]
    client.force_login(staff)
    response = client.get(reverse("funding:staff_home"))
    assert [s.name_lv for s in response.context["stale"]] == [
        "Sociālās palīdzības ziedojums",
        "Kurzemes kultūras programma",
    ]
    response = client.post(reverse("funding:source_checked", args=[catalogue["culture"].pk]))
    assert response.status_code == 302
    catalogue["culture"].refresh_from_db()
    assert catalogue["culture"].last_checked_on == today
    assert [s.name_lv for s in selectors.stale_sources()] == ["Sociālās palīdzības ziedojums"]


def test_marking_checked_is_no_change_for_saved_searches_but_an_edit_is(staff, catalogue):
    culture = catalogue["culture"]
    before = FundingSource.objects.get(pk=culture.pk).changed_at
    services.mark_checked(culture, by=staff)
    services.save_source(culture, by=staff, values={"last_checked_on": timezone.localdate()})
    assert FundingSource.objects.get(pk=culture.pk).changed_at == before
    _source, changed = services.save_source(
        culture, by=staff, values={"amount_max": Decimal("6000")}
    )
    assert changed and FundingSource.objects.get(pk=culture.pk).changed_at > before


def test_a_source_turned_historic_withdraws_its_calls_reminders(staff, catalogue):
    from incubator.notifications.models import Reminder

    culture = catalogue["culture"]
    call = culture.calls.get()
    services.save_call(call, by=staff, values={"title": call.title})
    pending = Reminder.objects.filter(
        source=services.CALL_SOURCE, object_id=call.pk, status="pending"
    )
    assert pending.exists()
    services.save_source(culture, by=staff, values={"verification": "historic"})
    assert not pending.exists()
    with pytest.raises(ValidationError):
        services.follow(staff, call=FundingCall.objects.get(pk=call.pk))


def test_the_admin_saves_through_the_services(client, funding_reference):
    admin = factories.AdminFactory(email="admins@inkubators.lv")
    client.force_login(admin)
    a_source = factories.FundingSourceFactory()
    deadline = at(30, 23, 59)
    response = client.post(
        reverse("admin:funding_fundingcall_add"),
        {
            "source": a_source.pk,
            "title": "Rudens kārta",
            "status": "open",
            "opens_at_0": "",
            "opens_at_1": "",
            "deadline_0": f"{deadline:%Y-%m-%d}",
            "deadline_1": f"{deadline:%H:%M}",
            "budget": "1000",
            "rules_url": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    call = FundingCall.objects.get(title="Rudens kārta")
    assert call.deadline == deadline
    from incubator.notifications.models import Reminder

    assert Reminder.objects.filter(source=services.CALL_SOURCE, object_id=call.pk).count() == 2


def test_the_admin_adds_a_source_with_its_relations_through_the_services(client, funding_reference):
    from incubator.notifications.models import Reminder

    client.force_login(factories.AdminFactory(email="admins@inkubators.lv"))
    liepaja = Municipality.objects.get(name="Liepāja")
    data = {
        **_source_post(name_lv="Liepājas kopienu fonds", scope="municipal"),
        "municipalities": [liepaja.pk],
        "priority_fields": [funding_reference["environment"].pk],
        "calls-TOTAL_FORMS": "0",
        "calls-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:funding_fundingsource_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = FundingSource.objects.get(name_lv="Liepājas kopienu fonds")
    assert list(created.municipalities.all()) == [liepaja]
    assert [f.code for f in created.priority_fields.all()] == ["environment"]

    # Turned historic in the admin: its calls' reminders are withdrawn.
    call = services.save_call(
        source=created, by=None, values={"title": "Kārta", "deadline": at(30), "status": "open"}
    )
    pending = Reminder.objects.filter(
        source=services.CALL_SOURCE, object_id=call.pk, status="pending"
    )
    assert pending.count() == 2
    data.update(verification="historic")
    response = client.post(
        reverse("admin:funding_fundingsource_change", args=[created.pk]),
        {
            **data,
            "calls-TOTAL_FORMS": "1",
            "calls-INITIAL_FORMS": "1",
            "calls-0-id": call.pk,
            "calls-0-source": created.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not pending.exists()


def test_every_text_of_a_card_is_escaped(client, funding_reference):
    field = PriorityField.objects.get(code="culture")
    field.name_lv = "Kultūra <i>un</i> māksla"
    field.save()
    factories.FundingSourceFactory(
        name_lv="<script>alert(1)</script> fonds",
        funder='"><img src=x onerror=alert(2)>',
        verification="partial",
        verification_note="<b>summas</b>",
        fields=[field],
    )
    html = client.get(reverse("funding:catalogue")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; fonds" in html
    assert "<img src=x" not in html and "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b>summas" not in html and "&lt;b&gt;summas&lt;/b&gt;" in html
    assert "Kultūra <i>un</i>" not in html and "Kultūra &lt;i&gt;un&lt;/i&gt; māksla" in html
