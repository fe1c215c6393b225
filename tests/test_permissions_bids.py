"""Every bid URL over its own role matrix (see ``tests/role_matrix.py``): the core
world, in which the owner's organisation takes part in a running cycle, extended
with a bid of that organisation (a document attached), a mentor assigned to it
(accepted) and a bid of the other participant's organisation.

Roles: anonymous; the owner (a participant of the organisation); a participant of
another organisation; the mentor assigned to the organisation; a mentor assigned to
no one; a reviewer; staff; an admin. A bid is its organisation's people's, its
assigned mentor's (who reads and comments, and gets 403 on what only the
organisation does) and staff's; to everyone else it is a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.models import CohortMembership
from funding.bids import services
from funding.models import Bid, BidComment, BidDocument, BidReviewRequest

from . import factories, role_matrix
from .bid_support import assign
from .role_matrix import LOGIN, Redirect

ROLES = [
    "anonymous",
    "owner",
    "other_participant",
    "assigned_mentor",
    "mentor",
    "reviewer",
    "staff",
    "admin",
]
PDF = b"%PDF-1.4 projekts"


def extend(world):
    users = world.users
    staff = users["staff"]
    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(email="assigned-mentor@example.lv")
    ).user
    users["assigned_mentor"] = mentor
    assign(world.place, mentor, staff)
    fund = factories.FundingSourceFactory(name_lv="Vides fonds")
    world.bid = services.save_bid(
        place=world.place, by=users["owner"], values={"title": "Zaļā skola", "source": fund}
    )
    world.document = services.add_document(
        world.bid, SimpleUploadedFile("budzets.pdf", PDF), by=users["owner"]
    )
    other_place = CohortMembership.objects.get(
        organisation__memberships__user=users["other_participant"]
    )
    world.other_bid = services.save_bid(
        place=other_place,
        by=users["other_participant"],
        values={"title": "Teātra vasara", "funder": "Kultūrkapitāls"},
    )


world = role_matrix.world_fixture(extend)


def roles(code, anonymous=LOGIN, **given):
    return {"anonymous": anonymous, **{role: code for role in ROLES[1:]}, **given}


def staff_only(code):
    return roles(403, staff=code, admin=code)


def bid_readers(code):
    """The organisation's people, its assigned mentor and staff; others 404."""
    return roles(404, owner=code, assigned_mentor=code, staff=code, admin=code)


def bid_editors(code):
    """The organisation's people and staff; its mentor 403; others 404."""
    return roles(404, owner=code, assigned_mentor=403, staff=code, admin=code)


def _bid_args(w):
    return [w.bid.pk]


def _document_args(w):
    return [w.bid.pk, w.document.pk]


def _upload(w):
    return {"file": SimpleUploadedFile("apraksts.pdf", PDF)}


CASES = {
    "funding:bids": ("get", lambda w: [], None, roles(200)),
    "funding:bid_create": ("get", lambda w: [w.place.pk], None, roles(404, owner=200)),
    "funding:bid_detail": ("get", _bid_args, None, bid_readers(200)),
    "funding:bid_edit": ("get", _bid_args, None, bid_editors(200)),
    "funding:bid_status": ("post", _bid_args, {"status": "drafting"}, bid_editors(302)),
    "funding:bid_review": (
        "post",
        _bid_args,
        lambda w: {"reviewer": w.users["assigned_mentor"].pk, "note": "Budžets"},
        bid_editors(302),
    ),
    "funding:bid_comment": ("post", _bid_args, {"text": "Skat. budžetu."}, bid_readers(302)),
    "funding:bid_document_add": ("post", _bid_args, _upload, bid_editors(302)),
    "funding:bid_document": ("get", _document_args, None, bid_readers(200)),
    "funding:bid_document_delete": ("post", _document_args, {}, bid_editors(302)),
    "funding:place_recommend": (
        "get",
        lambda w: [w.place.pk],
        None,
        roles(404, assigned_mentor=200, staff=200, admin=200),
    ),
    "funding:bid_board": ("get", lambda w: [], None, staff_only(200)),
    "funding:bid_export_csv": ("get", lambda w: [], None, staff_only(200)),
    "funding:bid_export_xlsx": ("get", lambda w: [], None, staff_only(200)),
}


def _detail(w, role):
    return reverse("funding:bid_detail", args=[w.bid.pk])


REDIRECTS = {
    "funding:bid_status": Redirect(
        to=_detail,
        done=lambda w, role: Bid.objects.filter(pk=w.bid.pk, status="drafting").exists(),
    ),
    "funding:bid_review": Redirect(
        to=_detail, done=lambda w, role: BidReviewRequest.objects.filter(bid=w.bid.pk).exists()
    ),
    "funding:bid_comment": Redirect(
        to=lambda w, role: _detail(w, role) + "#thread",
        done=lambda w, role: BidComment.objects.filter(bid=w.bid.pk).exists(),
    ),
    "funding:bid_document_add": Redirect(
        to=_detail,
        done=lambda w, role: BidDocument.objects.filter(bid=w.bid.pk, name="apraksts.pdf").exists(),
    ),
    "funding:bid_document_delete": Redirect(
        to=_detail, done=lambda w, role: not BidDocument.objects.filter(pk=w.document.pk).exists()
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_permission(db, client, world, name, role):
    role_matrix.check(client, world, name, role, CASES[name], REDIRECTS.get(name))


@pytest.mark.parametrize("name", ["funding:bid_detail", "funding:bid_edit"])
def test_another_organisations_bid_is_404_even_to_a_participant(db, client, world, name):
    client.force_login(world.users["owner"])
    assert client.get(reverse(name, args=[world.other_bid.pk])).status_code == 404


def test_the_table_states_every_role_and_where_its_redirects_lead():
    for name, (method, _args, _data, expected) in CASES.items():
        assert sorted(expected) == sorted(ROLES), name
        assert (name in REDIRECTS) == (302 in expected.values()), name
        if 302 in expected.values() and method == "post":
            assert REDIRECTS[name].done is not None, name
    bid_urls = {name for name in role_matrix.url_names() if name.startswith("funding:bid")}
    assert bid_urls <= set(CASES)
