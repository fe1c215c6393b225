"""What staff and organisations change through the funding pages, and what those
pages then show: staff edit a source and a call in the portal; an organisation's
staff page lists its matches with their reasons; only a call still ahead can be
recommended; an organisation edits its bid; a bid's page dates each move; the
board's filter by priority field."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from funding import services as funding_services
from funding.bids import services as bid_services
from funding.models import Bid, FundingCall, FundingSource, LegalForm, Recommendation, Region
from incubator.notifications.models import Email, Reminder
from tests import factories

from .bid_support import bid_world
from .funding_support import at, source
from .test_funding_catalogue import _source_post
from .test_funding_matching import liepaja, sources  # noqa: F401 (fixtures, by name below)


def test_staff_edit_a_source_and_its_call_in_the_portal(client, staff, funding_reference):
    fund = source(name_lv="Kopienu fonds", fields=["culture"], legal_forms=["association"])
    call = factories.FundingCallFactory(source=fund, opens_at=at(-5), deadline=at(30, 23, 59))
    funding_services.schedule_call_reminders(call)
    client.force_login(staff)
    url = reverse("funding:source_edit", args=[fund.pk])
    assert client.get(url).status_code == 200
    kurzeme = Region.objects.get(code="kurzeme")
    response = client.post(
        url,
        _source_post(
            name_lv="Kurzemes kopienu fonds",
            scope="regional",
            regions=[kurzeme.pk],
            priority_fields=[funding_reference["youth"].pk, funding_reference["social"].pk],
            legal_forms=[LegalForm.objects.get(code="foundation").pk],
            amount_min="500",
            amount_max="8000",
            cofinancing_percent="10",
        ),
    )
    assert response.status_code == 302
    fund = FundingSource.objects.get(pk=fund.pk)
    assert (fund.name_lv, fund.scope, fund.amount_min, fund.amount_max) == (
        "Kurzemes kopienu fonds",
        "regional",
        Decimal("500"),
        Decimal("8000"),
    )
    assert set(fund.priority_fields.values_list("code", flat=True)) == {"youth", "social"}
    assert list(fund.legal_forms.values_list("code", flat=True)) == ["foundation"]
    assert list(fund.regions.all()) == [kurzeme]

    # The call moves to a later deadline: its reminders move with it.
    moved = timezone.localdate() + datetime.timedelta(days=50)
    response = client.post(
        reverse("funding:call_edit", args=[call.pk]),
        {
            "title": "Rudens kārta",
            "status": "open",
            "opens_at": f"{timezone.localtime(call.opens_at):%Y-%m-%dT%H:%M}",
            "deadline": f"{moved:%Y-%m-%d}T17:00",
            "budget": "40000",
            "rules_url": "",
        },
    )
    assert response.status_code == 302
    call = FundingCall.objects.get(pk=call.pk)
    assert call.title == "Rudens kārta" and timezone.localdate(call.deadline) == moved
    due = dict(
        Reminder.objects.filter(source=funding_services.CALL_SOURCE, object_id=call.pk)
        .filter(processed_at__isnull=True)
        .values_list("label", "due_at")
    )
    assert due == {
        "before-14d": call.deadline - datetime.timedelta(days=14),
        "before-3d": call.deadline - datetime.timedelta(days=3),
    }
    page = client.get(reverse("funding:source_detail", args=[fund.pk])).content.decode()
    assert "Kurzemes kopienu fonds" in page and "Rudens kārta" in page


def test_the_organisations_staff_page_lists_its_matches_with_their_reasons(client, staff, request):
    _user, organisation, _place = request.getfixturevalue("liepaja")
    request.getfixturevalue("sources")
    client.force_login(staff)
    response = client.get(reverse("funding:organisation", args=[organisation.pk]))
    assert response.status_code == 200
    names = [match.source.name_lv for match in response.context["matches"]]
    assert names[:3] == ["Liepājas NVO konkurss", "Kurzemes vides programma", "Valsts vides fonds"]
    assert "Aktīvo iedzīvotāju fonds" not in names and "Rīgas apkaimju konkurss" not in names
    html = response.content.decode()
    assert "Liepājas NVO konkurss" in html
    assert "Organizācijām: Liepāja" in html and "Termiņš pēc 12 dienām" in html
    assert "Jums vajag vairāk par tā maksimumu 1\u00a0000 EUR" in html


def test_only_a_call_still_ahead_can_be_recommended(client, staff, request):
    _user, organisation, place = request.getfixturevalue("liepaja")
    city = request.getfixturevalue("sources")["city"]
    closed = factories.FundingCallFactory(
        source=city, title="Pagājusī kārta", opens_at=at(-60), deadline=at(-20)
    )
    ended = factories.FundingCallFactory(
        source=city, title="Slēgtā kārta", status=FundingCall.Status.CLOSED, deadline=at(40)
    )
    client.force_login(staff)
    url = reverse("funding:recommend", args=[organisation.pk])
    for call in (closed, ended):
        response = client.post(url, {"source": city.pk, "call": call.pk, "note": "Der jums."})
        assert response.status_code == 400
        assert response.context["form"].errors["call"]
        assert response.context["form"]["note"].value() == "Der jums."
    assert not Recommendation.objects.exists() and not Email.objects.exists()
    # The page offers only the calls ahead.
    page = client.get(reverse("funding:organisation", args=[organisation.pk])).content.decode()
    assert "Pagājusī kārta" not in page and "Slēgtā kārta" not in page
    # And the service refuses one as well, whoever calls it.
    with pytest.raises(funding_services.ValidationError) as refused:
        funding_services.recommend(place, source=city, call=closed, note="Der.", by=staff)
    assert "call" in refused.value.message_dict


@pytest.fixture
def w(funding_reference):
    return bid_world()


def test_an_organisation_edits_its_bid_and_bad_input_comes_back_as_typed(client, w):
    bid = bid_services.save_bid(
        place=w.place, by=w.owner, values={"title": "Zaļā skola", "source": w.source}
    )
    client.force_login(w.colleague)
    url = reverse("funding:bid_edit", args=[bid.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"title": "Zaļā skola 2027", "source": w.source.pk, "amount_requested": "-5", "chance": ""},
    )
    assert response.status_code == 400
    assert "amount_requested" in response.context["form"].errors
    assert response.context["form"]["title"].value() == "Zaļā skola 2027"
    assert Bid.objects.get(pk=bid.pk).title == "Zaļā skola"
    response = client.post(
        url,
        {
            "title": "Zaļā skola 2027",
            "description": "Vides nodarbības skolās.",
            "source": w.source.pk,
            "call": w.call.pk,
            "amount_requested": "7000",
            "cofinancing": "700",
            "chance": "40",
        },
    )
    assert response.status_code == 302
    bid = Bid.objects.get(pk=bid.pk)
    assert (bid.title, bid.amount_requested, bid.cofinancing, bid.chance) == (
        "Zaļā skola 2027",
        Decimal("7000"),
        Decimal("700"),
        40,
    )
    assert bid.call == w.call and bid.deadline == w.call.deadline
    # Someone of another organisation cannot.
    client.force_login(w.other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Cits"}).status_code == 404


def test_a_bids_page_dates_each_of_its_moves(client, w):
    started = timezone.now() - datetime.timedelta(days=20)
    bid = bid_services.save_bid(
        place=w.place,
        by=w.owner,
        values={"title": "Upes talka", "source": w.source},
        now=started,
    )
    moves = [
        ("drafting", started + datetime.timedelta(days=2)),
        ("submitted", started + datetime.timedelta(days=9)),
        ("awarded", started + datetime.timedelta(days=15)),
    ]
    for status, moment in moves:
        bid_services.change_status(
            bid, status, by=w.owner, amount_awarded=Decimal("3000"), now=moment
        )
    client.force_login(w.owner)
    html = client.get(reverse("funding:bid_detail", args=[bid.pk])).content.decode()
    for label, (_status, moment) in zip(
        ["Sagatavošanā", "Iesniegts", "Piešķirts"], moves, strict=True
    ):
        written = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        assert f"{written}: {label}" in html


def test_the_board_filters_by_priority_field(client, w):
    """The organisations take part in cohorts of different fields; the filter keeps
    the bids of the field's cohort."""
    green = bid_services.save_bid(
        place=w.place, by=w.owner, values={"title": "Zaļā skola", "source": w.source}
    )
    culture = bid_services.save_bid(
        place=w.other_place, by=w.other, values={"title": "Teātra vasara", "funder": "VKKF"}
    )
    assert w.place.cohort.priority_field.code == "environment"
    assert w.other_place.cohort.priority_field.code == "culture"
    client.force_login(w.staff)
    url = reverse("funding:bid_board")

    def shown(**data):
        response = client.get(url, {"cycle": w.place.cycle_id, **data})
        assert response.status_code == 200
        columns = response.context["columns"]
        return {card["pk"] for _status, _label, cards, _count, _more in columns for card in cards}

    assert shown() == {green.pk, culture.pk}
    field = w.place.cohort.priority_field
    assert shown(field=field.pk) == {green.pk}
    assert shown(field=w.other_place.cohort.priority_field.pk) == {culture.pk}
    response = client.get(url, {"cycle": w.place.cycle_id, "field": field.pk})
    assert response.context["totals"]["started"] == 1
