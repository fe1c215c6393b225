"""The mentor's home lists the bids whose review was asked of them and still waits
for their answer (a section ``funding`` adds through the kernel's registry): each
with its organisation, title, when it was asked and a link to the bid; an empty
state when none waits; only the requests addressed to this mentor, of bids they may
open; in as many queries for many requests as for one."""

import pytest
from django.urls import reverse

from funding.bids import services
from mentoring import services as mentoring

from .bid_support import assign, bid_world

HEADING = "Projektu pieteikumi, kas gaida manu atsauksmi"
EMPTY = "Neviens projekta pieteikums negaida jūsu atsauksmi."


@pytest.fixture
def w(funding_reference):
    return bid_world()


def _bid(w, title, place=None, by=None):
    return services.save_bid(
        place=place or w.place, by=by or w.owner, values={"title": title, "source": w.source}
    )


def _ask(w, bid, reviewer, by=None, note=""):
    return services.request_review(bid, reviewer=reviewer, note=note, by=by or w.owner)


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("mentoring:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_mentor_sees_the_bids_waiting_for_their_review_until_they_answer(client, w):
    html = _home(client, w.mentor)
    assert HEADING in html and EMPTY in html

    bid = _bid(w, "Zaļā skola")
    client.force_login(w.owner)
    response = client.post(
        reverse("funding:bid_review", args=[bid.pk]),
        {"reviewer": w.mentor.pk, "note": "Lūdzu, paskatieties budžetu"},
    )
    assert response.status_code == 302
    _ask(w, bid, w.mentor, by=w.colleague)  # asked again: still one line
    to_staff = _bid(w, "Tikai koordinatorei")
    _ask(w, to_staff, w.staff)
    submitted = _bid(w, "Jau iesniegts")
    _ask(w, submitted, w.mentor)
    services.change_status(submitted, "submitted", by=w.owner)

    html = _home(client, w.mentor)
    assert EMPTY not in html
    assert html.count(f'href="{reverse("funding:bid_detail", args=[bid.pk])}"') == 1
    assert "Zaļā skola" in html and w.organisation.name in html
    assert "Atsauksme lūgta" in html and "Lūdzu, paskatieties budžetu" in html
    assert "Tikai koordinatorei" not in html and "Jau iesniegts" not in html

    # The mentor's comment answers the requests: the bid no longer waits.
    response = client.post(reverse("funding:bid_comment", args=[bid.pk]), {"text": "Skatīts."})
    assert response.status_code == 302
    html = _home(client, w.mentor)
    assert "Zaļā skola" not in html and EMPTY in html


def test_another_mentor_does_not_see_them(client, w):
    bid = _bid(w, "Zaļā skola")
    _ask(w, bid, w.mentor)
    assign(w.other_place, w.free_mentor, w.staff)
    theirs = _bid(w, "Teātra vasara", place=w.other_place, by=w.other)
    _ask(w, theirs, w.free_mentor, by=w.other)

    html = _home(client, w.free_mentor)
    assert "Teātra vasara" in html
    assert "Zaļā skola" not in html and w.organisation.name not in html
    assert reverse("funding:bid_detail", args=[bid.pk]) not in html
    html = _home(client, w.mentor)
    assert "Zaļā skola" in html and "Teātra vasara" not in html


def test_a_mentor_no_longer_assigned_no_longer_sees_the_request(client, w):
    bid = _bid(w, "Zaļā skola")
    _ask(w, bid, w.mentor)
    assignment = w.mentor.mentor_profile.assignments.get()
    mentoring.end_assignment(assignment, by=w.staff)
    html = _home(client, w.mentor)
    assert "Zaļā skola" not in html and EMPTY in html
    assert client.get(reverse("funding:bid_detail", args=[bid.pk])).status_code == 404


def test_the_mentors_home_runs_as_many_queries_for_many_requests(client, w, count_queries):
    assign(w.other_place, w.mentor, w.staff)
    _ask(w, _bid(w, "Pirmais"), w.mentor)
    client.force_login(w.mentor)
    url = reverse("mentoring:dashboard")
    client.get(url)  # warm up: session, caches, templates
    small = count_queries(lambda: client.get(url))
    for number in range(4):
        _ask(w, _bid(w, f"Mūsu {number}"), w.mentor)
        theirs = _bid(w, f"Citu {number}", place=w.other_place, by=w.other)
        _ask(w, theirs, w.mentor, by=w.other)
    html = _home(client, w.mentor)
    assert all(f"Mūsu {n}" in html and f"Citu {n}" in html for n in range(4))
    assert count_queries(lambda: client.get(url)) == small
