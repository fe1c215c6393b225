"""Every URL of the funding app over the role matrix (``tests/role_matrix.py``): the
core world, with a funding source, its call, the owner's saved search and funding
need added; ``test_every_url_is_in_a_table`` in tests/test_permissions.py includes
this table.

The public catalogue and feed need no account; the owner's organisation takes part
in the running cycle, so its funding page is the owner's; staff pages refuse
everyone else (403); another person's saved search or organisation is a 404. A
mentor assigned to the owner's organisation (``assigned_mentor``, a role of this
table) is refused what a mentor assigned to no one is: the organisation's own
funding page and its actions are its people's; the mentor recommends through
``funding:place_recommend`` and reads bids (tests/test_permissions_bids.py).
"""

import importlib

import pytest
from django.apps import apps
from django.core import signing
from django.urls import reverse

from funding import services
from funding.models import Dismissal, Follow, FundingCall, FundingNeed, FundingSource, SavedSearch
from funding.views.staff import IMPORT_SALT
from tests import factories

from . import role_matrix
from .bid_support import assign
from .funding_support import at, source
from .role_matrix import Redirect, everyone, only_owner, staff_only

FUNDING_REFERENCE = importlib.import_module("funding.migrations.0002_reference_data")


def _funding(w):
    """A source for the environment with an open call, the owner's saved search and
    the funding need of the owner's organisation."""
    FUNDING_REFERENCE.create(apps, None)
    FundingNeed.objects.create(organisation=w.organisation)
    w.source = source(name_lv="Vides fonds", fields=["environment"], last_checked_on=None)
    w.call = factories.FundingCallFactory(source=w.source, deadline=at(20), opens_at=at(-2))
    w.search = services.save_search(w.users["owner"], name="Vide", query={"field": "environment"})
    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(email="assigned-mentor@example.lv")
    ).user
    w.users["assigned_mentor"] = mentor
    assign(w.place, mentor, w.users["staff"])


ROLES = [*role_matrix.ROLES, "assigned_mentor"]


world = role_matrix.world_fixture(_funding)


def _an_import(w):
    """The signed table of a previewed import: one new source."""
    table = {"header": ["name_lv", "funder", "kind"], "rows": [["Jauns fonds", "Fonds", "grant"]]}
    return {"token": signing.dumps(table, salt=IMPORT_SALT)}


def public(code):
    return everyone(code, anonymous=code)


# name: (method, args from the world, POST data, expected per role)
CASES = {
    # The public catalogue
    "funding:catalogue": ("get", lambda w: [], None, public(200)),
    "funding:source_detail": ("get", lambda w: [w.source.pk], None, public(200)),
    "funding:deadlines": ("get", lambda w: [], None, public(200)),
    "funding:feed": ("get", lambda w: [], None, public(200)),
    # Anyone signed in
    "funding:follow_source": ("post", lambda w: [w.source.pk], {"follow": "1"}, everyone(302)),
    "funding:follow_call": ("post", lambda w: [w.call.pk], {"follow": "1"}, everyone(302)),
    "funding:search_save": ("post", lambda w: [], {"name": "Mana meklēšana"}, everyone(302)),
    "funding:search_delete": ("post", lambda w: [w.search.pk], {}, only_owner(302)),
    # The organisation's own funding page
    "funding:mine": ("get", lambda w: [], None, everyone(200)),
    "funding:need": (
        "post",
        lambda w: [w.organisation.pk],
        {"amount_sought": "2000"},
        only_owner(302),
    ),
    "funding:dismiss": (
        "post",
        lambda w: [w.organisation.pk, w.source.pk],
        lambda w: {f"d{w.source.pk}-reason": "field"},
        only_owner(302),
    ),
    "funding:restore": ("post", lambda w: [w.organisation.pk, w.source.pk], {}, only_owner(302)),
    # Staff
    "funding:staff_home": ("get", lambda w: [], None, staff_only(200)),
    "funding:source_create": ("get", lambda w: [], None, staff_only(200)),
    "funding:source_edit": ("get", lambda w: [w.source.pk], None, staff_only(200)),
    "funding:source_checked": ("post", lambda w: [w.source.pk], {}, staff_only(302)),
    "funding:call_create": ("get", lambda w: [w.source.pk], None, staff_only(200)),
    "funding:call_edit": ("get", lambda w: [w.call.pk], None, staff_only(200)),
    "funding:call_delete": ("post", lambda w: [w.call.pk], {}, staff_only(302)),
    "funding:import": ("get", lambda w: [], None, staff_only(200)),
    "funding:import_confirm": ("post", lambda w: [], _an_import, staff_only(302)),
    "funding:export_csv": ("get", lambda w: [], None, staff_only(200)),
    "funding:export_xlsx": ("get", lambda w: [], None, staff_only(200)),
    "funding:dismissals": ("get", lambda w: [], None, staff_only(200)),
    "funding:organisations": ("get", lambda w: [], None, staff_only(200)),
    "funding:organisation": ("get", lambda w: [w.organisation.pk], None, staff_only(200)),
    "funding:recommend": ("post", lambda w: [w.organisation.pk], {}, staff_only(400)),
}
# The assigned mentor is answered as a mentor assigned to no one, on every row.
CASES = {
    name: (method, args, data, {**expected, "assigned_mentor": expected["mentor"]})
    for name, (method, args, data, expected) in CASES.items()
}


def _follows(**target):
    return lambda w, role: (
        w.users[role] is not None
        and Follow.objects.filter(
            user=w.users[role], **{k: v(w) for k, v in target.items()}
        ).exists()
    )


def _source_page(w, role):
    return reverse("funding:source_detail", args=[w.source.pk])


def _mine(w, role):
    return reverse("funding:mine")


# name: Redirect(where the request leads, whether its change happened, what it needs)
REDIRECTS = {
    "funding:follow_source": Redirect(to=_source_page, done=_follows(source=lambda w: w.source)),
    "funding:follow_call": Redirect(to=_source_page, done=_follows(call=lambda w: w.call)),
    "funding:search_save": Redirect(
        to=lambda w, role: reverse("funding:catalogue"),
        done=lambda w, role: SavedSearch.objects.filter(name="Mana meklēšana").exists(),
    ),
    "funding:search_delete": Redirect(
        to=lambda w, role: reverse("profile"),
        done=lambda w, role: not SavedSearch.objects.filter(pk=w.search.pk).exists(),
    ),
    "funding:need": Redirect(
        to=_mine,
        done=lambda w, role: FundingNeed.objects.filter(
            organisation=w.organisation, amount_sought=2000
        ).exists(),
    ),
    "funding:dismiss": Redirect(
        to=_mine,
        done=lambda w, role: Dismissal.objects.filter(
            organisation=w.organisation, source=w.source
        ).exists(),
    ),
    "funding:restore": Redirect(
        given=lambda w: services.dismiss(
            w.organisation, w.source, reason="field", by=w.users["owner"]
        ),
        to=_mine,
        done=lambda w, role: (
            not Dismissal.objects.filter(organisation=w.organisation, source=w.source).exists()
        ),
    ),
    "funding:source_checked": Redirect(
        to=lambda w, role: reverse("funding:staff_home"),
        done=lambda w, role: FundingSource.objects.filter(
            pk=w.source.pk, last_checked_on__isnull=False
        ).exists(),
    ),
    "funding:call_delete": Redirect(
        to=_source_page,
        done=lambda w, role: not FundingCall.objects.filter(pk=w.call.pk).exists(),
    ),
    "funding:import_confirm": Redirect(
        to=lambda w, role: reverse("funding:staff_home"),
        done=lambda w, role: FundingSource.objects.filter(name_lv="Jauns fonds").exists(),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_permission(db, client, world, name, role):
    role_matrix.check(client, world, name, role, CASES[name], REDIRECTS.get(name))


def test_a_staff_page_of_an_organisation_not_taking_part_is_404(db, client, world):
    client.force_login(world.users["staff"])
    outsider_org = factories.OrganisationFactory(leader=world.users["outsider"])
    assert client.get(reverse("funding:organisation", args=[outsider_org.pk])).status_code == 404
