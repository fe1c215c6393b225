"""The bid pages pass axe's automated accessibility rules (no serious or critical
violation), for a participant, the organisation's mentor and staff."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from funding.bids import services
from tests.bid_support import bid_world

from .test_accessibility import serious_violations

PDF = b"%PDF-1.4 projekts"


@pytest.fixture
def bids(transactional_db, funding_reference):
    w = bid_world()
    w.bid = services.save_bid(
        place=w.place,
        by=w.owner,
        values={
            "title": "Zaļā skola",
            "source": w.source,
            "call": w.call,
            "amount_requested": Decimal("5000"),
            "chance": 50,
        },
    )
    services.add_document(w.bid, SimpleUploadedFile("budzets.pdf", PDF), by=w.owner)
    services.request_review(w.bid, reviewer=w.mentor, note="Budžets", by=w.owner)
    services.comment(
        w.bid, text="Skat. labojumus.", file=SimpleUploadedFile("l.pdf", PDF), by=w.mentor
    )
    other = services.save_bid(
        place=w.other_place, by=w.other, values={"title": "Teātris", "funder": "Fonds"}
    )
    services.change_status(other, "submitted", by=w.other)
    return w


@pytest.mark.parametrize(
    "role, pages",
    [
        (
            "owner",
            lambda w: [
                reverse("funding:bids"),
                reverse("funding:bid_create", args=[w.place.pk]),
                reverse("funding:bid_detail", args=[w.bid.pk]),
                reverse("funding:bid_edit", args=[w.bid.pk]),
            ],
        ),
        ("mentor", lambda w: [reverse("funding:bid_detail", args=[w.bid.pk])]),
        ("staff", lambda w: [reverse("funding:bid_board")]),
    ],
)
def test_bid_pages(page, force_login, bids, role, pages):
    force_login(getattr(bids, role))
    for path in pages(bids):
        page.goto(path)
        assert serious_violations(page) == [], path
