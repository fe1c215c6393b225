"""Bids through their pages: the organisation starts one (bad input comes back as
typed, with the field named), asks its mentor for a review, the mentor comments with
a marked-up file, the bid is moved on its page and on the staff's board (plain POST
and htmx), the board shows its figures and exports them; the list, a bid's page and
the board run as many queries with few bids as with many."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from funding import services as funding_services
from funding.bids import selectors, services
from funding.models import Bid, BidComment, Recommendation
from incubator.notifications.models import Email

from .bid_support import bid_world
from .funding_support import at, source

PDF = b"%PDF-1.4 projekts"


@pytest.fixture
def w(funding_reference):
    return bid_world()


def _bid(w, place=None, by=None, **values):
    values = {"title": "Zaļā skola", "source": w.source, **values}
    return services.save_bid(place=place or w.place, by=by or w.owner, values=values)


def test_a_participant_starts_a_bid_and_bad_input_comes_back_as_typed(client, w):
    client.force_login(w.owner)
    url = reverse("funding:bid_create", args=[w.place.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"title": "Upes talka", "funder": "", "amount_requested": "-10", "chance": "120"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"amount_requested", "chance"} <= set(form.errors)
    assert "Upes talka" in response.content.decode()
    assert not Bid.objects.exists()
    response = client.post(
        url,
        {
            "title": "Upes talka",
            "source": w.source.pk,
            "call": w.call.pk,
            "amount_requested": "4500",
            "cofinancing": "500",
            "chance": "60",
        },
    )
    bid = Bid.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "funding:bid_detail", args=[bid.pk]
    )
    assert bid.deadline == w.call.deadline and bid.amount_requested == Decimal("4500")


def test_no_funder_is_a_clear_message_on_the_field(client, w):
    client.force_login(w.owner)
    response = client.post(
        reverse("funding:bid_create", args=[w.place.pk]), {"title": "Bez finansētāja"}
    )
    assert response.status_code == 400
    assert "funder" in response.context["form"].errors


def test_bid_pages_write_amounts_in_euro_as_the_other_funding_pages_do(client, w):
    bid = _bid(w, amount_requested=Decimal("4000"), cofinancing=Decimal("1250.50"))
    _bid(w, title="Bez summas")
    client.force_login(w.owner)
    html = client.get(reverse("funding:bid_detail", args=[bid.pk])).content.decode()
    assert "4\u00a0000 EUR" in html and "1\u00a0250,50 EUR" in html
    assert "4000,00" not in html and "4000.00" not in html
    listing = client.get(reverse("funding:bids")).content.decode()
    assert "4\u00a0000 EUR" in listing and "4000,00" not in listing
    assert '<td class="text-end">—</td>' in listing


def test_review_thread_and_moves_through_the_pages(client, w):
    bid = _bid(w, deadline=at(15))
    client.force_login(w.owner)
    response = client.post(
        reverse("funding:bid_review", args=[bid.pk]), {"reviewer": w.mentor.pk, "note": "Budžets"}
    )
    assert response.status_code == 302
    assert Bid.objects.get(pk=bid.pk).status == "review"
    assert Email.objects.filter(recipient=w.mentor, key__startswith="funding-bid-review:").exists()
    client.force_login(w.mentor)
    page = client.get(reverse("funding:bid_detail", args=[bid.pk]))
    assert page.status_code == 200 and "Zaļā skola" in page.content.decode()
    response = client.post(
        reverse("funding:bid_comment", args=[bid.pk]),
        {"text": "Skat. labojumus.", "file": SimpleUploadedFile("labojumi.pdf", PDF)},
    )
    assert response.status_code == 302
    comment = BidComment.objects.get()
    document = comment.files.get()
    client.force_login(w.owner)
    download = client.get(reverse("funding:bid_document", args=[bid.pk, document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    # The mentor comments but does not move the bid.
    client.force_login(w.mentor)
    move = reverse("funding:bid_status", args=[bid.pk])
    assert client.post(move, {"status": "submitted"}).status_code == 403
    client.force_login(w.owner)
    assert client.post(move, {"status": "submitted"}).status_code == 302
    response = client.post(move, {"status": "awarded"})
    assert response.status_code == 400
    assert "amount_awarded" in response.context["status_form"].errors
    assert client.post(move, {"status": "awarded", "amount_awarded": "3200"}).status_code == 302
    bid.refresh_from_db()
    assert bid.status == "awarded" and bid.amount_awarded == Decimal("3200")


def test_staff_move_a_bid_on_the_board_with_htmx_and_see_the_figures(client, w):
    bid = _bid(w, amount_requested=Decimal("8000"), chance=50)
    _bid(
        w,
        place=w.other_place,
        by=w.other,
        title="Teātra vasara",
        funder="Kultūrkapitāls",
        source=None,
    )
    client.force_login(w.staff)
    board = reverse("funding:bid_board") + f"?cycle={w.place.cycle_id}"
    page = client.get(board)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="{reverse("funding:bid_status", args=[bid.pk])}"' in html
    assert f'href="{reverse("funding:bid_detail", args=[bid.pk])}"' in html
    assert "8\u00a0000,00 EUR · 50%" in html or "8 000,00 EUR · 50%" in html
    assert ">Pārvietot “Zaļā skola” uz</label>" in html
    assert "Vides fonds" in html and w.organisation.name in html
    assert page.context["totals"]["started"] == 2
    assert page.context["totals"]["expected_eur"] == Decimal("4000")
    columns = {
        status: [b["title"] for b in bids] for status, _label, bids, *_ in page.context["columns"]
    }
    assert sorted(columns["idea"]) == ["Teātra vasara", "Zaļā skola"]
    assert all(columns[status] == [] for status in columns if status != "idea")
    response = client.post(
        reverse("funding:bid_status", args=[bid.pk]),
        {"status": "submitted", "next": board},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 302 and response.url == board
    response = client.post(
        reverse("funding:bid_status", args=[bid.pk]), {"status": "awarded", "next": board}
    )
    assert response.status_code == 302
    page = client.get(board)
    assert "Zaļā skola: Ierakstiet piešķirto summu." in page.content.decode()
    assert Bid.objects.get(pk=bid.pk).status == "submitted"
    client.post(
        reverse("funding:bid_status", args=[bid.pk]),
        {"status": "awarded", "amount_awarded": "7000", "next": board},
    )
    page = client.get(board)
    assert page.context["totals"]["awarded_eur"] == Decimal("7000")
    assert page.context["totals"]["expected_eur"] == Decimal("0")
    filtered = client.get(board + f"&cohort={w.other_place.cohort_id}")
    assert filtered.context["totals"]["started"] == 1
    filtered = client.get(board + "&funder=kultūr")
    assert filtered.context["totals"]["started"] == 1


def test_each_column_of_the_board_shows_its_first_cards_and_more_on_request(client, w, monkeypatch):
    monkeypatch.setattr(selectors, "PER_COLUMN", 2)
    for day in (9, 3, 7, 5, 1):
        _bid(w, title=f"Ideja {day}", deadline=at(30 + day))
    submitted = _bid(w, title="Iesniegtais")
    services.change_status(submitted, "submitted", by=w.owner)
    client.force_login(w.staff)
    board = reverse("funding:bid_board")
    page = client.get(board, {"cycle": w.place.cycle_id})
    columns = {status: rest for status, _label, *rest in page.context["columns"]}
    ideas, count, more = columns["idea"]
    assert [bid["title"] for bid in ideas] == ["Ideja 1", "Ideja 3"] and count == 5
    assert more == f"{board}?cycle={w.place.cycle_id}&show_idea=4#col-idea"
    assert [bid["title"] for bid in columns["submitted"][0]] == ["Iesniegtais"]
    assert columns["submitted"][2] is None
    html = page.content.decode()
    assert "Rādīt vēl 2" in html and "Parādīti 2 no 5" in html
    assert f'href="{more.replace("&", "&amp;")}"' in html
    page = client.get(more)
    ideas, count, more = {s: rest for s, _l, *rest in page.context["columns"]}["idea"]
    assert [bid["title"] for bid in ideas] == ["Ideja 1", "Ideja 3", "Ideja 5", "Ideja 7"]
    assert more.endswith("show_idea=6#col-idea")
    # A move from the widened column comes back to it as it was.
    assert page.context["here"].endswith("&show_idea=4")
    page = client.get(board, {"cycle": w.place.cycle_id, "show_idea": "99"})
    ideas, count, more = {s: rest for s, _l, *rest in page.context["columns"]}["idea"]
    assert len(ideas) == 5 and more is None
    for tampered in ("-3", "abc", "1", "9" * 30):
        page = client.get(board, {"cycle": w.place.cycle_id, "show_idea": tampered})
        assert page.status_code == 200
        assert len(page.context["columns"][0][2]) in (2, 5)


def test_the_board_exports_csv_and_xlsx(client, w):
    _bid(w, amount_requested=Decimal("100"))
    _bid(w, title="=HYPERLINK(1)", amount_requested=Decimal("200"))
    _bid(w, place=w.other_place, by=w.other, title="Teātris", amount_requested=Decimal("300"))
    client.force_login(w.staff)
    query = f"?cycle={w.place.cycle_id}"
    response = client.get(reverse("funding:bid_export_csv") + query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    titles = {row[2] for row in rows[1:]}
    assert titles == {"Zaļā skola", "'=HYPERLINK(1)", "Teātris"}
    response = client.get(
        reverse("funding:bid_export_xlsx") + query + f"&cohort={w.place.cohort_id}"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 3
    assert sorted(row[8] for row in values[1:]) == [100, 200]


def _grow(w, count):
    for index in range(count):
        for place, by in ((w.place, w.owner), (w.other_place, w.other)):
            bid = _bid(
                w,
                place=place,
                by=by,
                title=f"Projekts {index}",
                call=w.call,
                amount_requested=Decimal("1000"),
                chance=30,
            )
            services.change_status(bid, "submitted", by=by)
            if index % 2:
                services.change_status(bid, "awarded", by=by, amount_awarded=Decimal("900"))
            services.comment(bid, text="Labi", by=w.staff)
            services.add_document(bid, SimpleUploadedFile("a.pdf", PDF), by=by)


def _counts(client, w, count_queries):
    first = w.place.bids.order_by("pk").first()
    pages = {
        "list owner": (w.owner, reverse("funding:bids")),
        "list mentor": (w.mentor, reverse("funding:bids")),
        "detail": (w.owner, reverse("funding:bid_detail", args=[first.pk])),
        "board": (w.staff, reverse("funding:bid_board")),
        "board filtered": (
            w.staff,
            reverse("funding:bid_board")
            + f"?field={w.place.cohort.priority_field_id}&funder=Vides",
        ),
        "csv": (w.staff, reverse("funding:bid_export_csv")),
        "xlsx": (w.staff, reverse("funding:bid_export_xlsx")),
    }
    counts = {}
    for name, (user, url) in pages.items():
        client.force_login(user)

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, url

        counts[name] = count_queries(get)
    return counts


def test_bid_pages_run_as_many_queries_for_few_and_many_bids(
    client, w, count_queries, django_assert_max_num_queries
):
    _grow(w, 2)
    small = _counts(client, w, count_queries)
    _grow(w, 7)
    large = _counts(client, w, count_queries)
    assert small == large, (small, large)
    client.force_login(w.staff)
    with django_assert_max_num_queries(small["board"]):
        client.get(reverse("funding:bid_board"))


@pytest.mark.parametrize("value", ["abc", "9" * 20, "-1"])
def test_tampered_choices_are_form_errors_not_server_errors(client, w, value):
    bid = _bid(w)
    client.force_login(w.owner)
    response = client.post(
        reverse("funding:bid_create", args=[w.place.pk]),
        {"title": "X", "source": value, "call": value, "chance": value},
    )
    assert response.status_code == 400
    assert {"source", "call", "chance"} <= set(response.context["form"].errors)
    response = client.post(reverse("funding:bid_review", args=[bid.pk]), {"reviewer": value})
    assert response.status_code == 400
    response = client.post(reverse("funding:bid_status", args=[bid.pk]), {"status": value})
    assert response.status_code == 400
    client.force_login(w.staff)
    board = client.get(
        reverse("funding:bid_board"), {"cycle": value, "field": value, "cohort": value}
    )
    assert board.status_code == 200


def test_my_programme_shows_the_organisations_bids_in_as_many_queries_for_more(
    client, w, count_queries
):
    client.force_login(w.owner)
    url = reverse("cohorts:my_programme")
    _bid(w, title="Pirmais")
    _bid(w, place=w.other_place, by=w.other, title="Citu projekts")
    small = count_queries(lambda: client.get(url))
    for title in ("Otrais", "Trešais", "Ceturtais"):
        _bid(w, title=title)
    page = client.get(url)
    html = page.content.decode()
    assert all(title in html for title in ("Pirmais", "Otrais", "Trešais", "Ceturtais"))
    assert "Citu projekts" not in html
    assert reverse("funding:bid_create", args=[w.place.pk]) in html
    assert count_queries(lambda: client.get(url)) == small


def test_my_programme_links_to_the_organisations_funding_matches(client, w, count_queries):
    """The bids' section leads to the page of the organisation's matches (that page
    ranks them; My programme only links to it, so it runs no query for them)."""
    client.force_login(w.owner)
    url = reverse("cohorts:my_programme")
    matches = f"{reverse('funding:mine')}#matches-{w.organisation.pk}"
    small = count_queries(lambda: client.get(url))
    for number in range(5):
        source(name_lv=f"Vides fonds {number}", fields=["environment"])
        _bid(w, title=f"Pieteikums {number}")
    html = client.get(url).content.decode()
    assert f'href="{matches}"' in html and "Piemērotie avoti manai organizācijai" in html
    assert count_queries(lambda: client.get(url)) == small
    page = client.get(reverse("funding:mine")).content.decode()
    assert f'id="matches-{w.organisation.pk}"' in page and "Vides fonds 4" in page
    client.force_login(w.other)
    html = client.get(url).content.decode()
    assert f"#matches-{w.other_place.organisation_id}" in html and matches not in html


def test_the_staff_page_of_an_organisation_lists_its_bids(client, w):
    _bid(w, title="Pirmais")
    _bid(w, place=w.other_place, by=w.other, title="Citu projekts")
    client.force_login(w.staff)
    html = client.get(reverse("funding:organisation", args=[w.organisation.pk])).content.decode()
    assert "Pirmais" in html and "Citu projekts" not in html


def test_a_review_of_a_submitted_bid_is_refused_with_a_message(client, w):
    bid = _bid(w)
    services.change_status(bid, "submitted", by=w.owner)
    client.force_login(w.owner)
    response = client.post(reverse("funding:bid_review", args=[bid.pk]), {"reviewer": w.mentor.pk})
    assert response.status_code == 400
    assert response.context["review_form"].non_field_errors()
    assert not bid.review_requests.exists()


def test_a_mentor_finds_the_bids_of_the_organisations_they_mentor(client, w):
    _bid(w, title="Pirmais")
    _bid(w, place=w.other_place, by=w.other, title="Citu projekts")
    client.force_login(w.mentor)
    catalogue = client.get(reverse("funding:catalogue")).content.decode()
    assert f'href="{reverse("funding:bids")}"' in catalogue
    html = client.get(reverse("funding:bids")).content.decode()
    assert "Pirmais" in html and "Citu projekts" not in html


def test_the_assigned_mentor_recommends_funding_and_the_organisation_is_emailed(client, w):
    call = w.call
    sent_before = set(Email.objects.values_list("pk", flat=True))
    client.force_login(w.mentor)
    bids_page = client.get(reverse("funding:bids")).content.decode()
    url = reverse("funding:place_recommend", args=[w.place.pk])
    assert f'href="{url}"' in bids_page
    assert reverse("funding:place_recommend", args=[w.other_place.pk]) not in bids_page
    assert client.get(url).status_code == 200
    # No note: the field is named, what was chosen is kept, nothing is sent.
    response = client.post(url, {"source": w.source.pk, "call": call.pk, "note": " "})
    assert response.status_code == 400
    assert "note" in response.context["form"].errors
    assert response.context["form"]["source"].value() == str(w.source.pk)
    assert not Recommendation.objects.exists()
    assert set(Email.objects.values_list("pk", flat=True)) == sent_before
    response = client.post(url, {"source": w.source.pk, "call": call.pk, "note": "Der skolai."})
    assert response.status_code == 302 and response.url == url
    recommendation = Recommendation.objects.get()
    assert (recommendation.place, recommendation.author) == (w.place, w.mentor)
    told = set(Email.objects.exclude(pk__in=sent_before).values_list("to", flat=True))
    assert told == {w.owner.email, w.colleague.email}
    assert "Der skolai." in client.get(url).content.decode()
    # The organisation sees it on its funding page.
    client.force_login(w.owner)
    (item,) = client.get(reverse("funding:mine")).context["organisations"]
    assert item["recommendations"] == [recommendation]
    # Another organisation's place is a 404 to the mentor, and the service refuses
    # a mentor not assigned.
    client.force_login(w.mentor)
    other = reverse("funding:place_recommend", args=[w.other_place.pk])
    assert client.get(other).status_code == 404
    assert client.post(other, {"source": w.source.pk, "note": "x"}).status_code == 404
    with pytest.raises(ValidationError):
        funding_services.recommend(w.place, source=w.source, note="x", by=w.free_mentor)
    assert Recommendation.objects.count() == 1
