"""Every URL of the funding app over the role matrix, in one table of the same shape
as tests/test_permissions.py (whose role helpers it uses, and whose "every URL is in
a table" test includes this table).

Roles: anonymous (the public catalogue and feed need no account), the owner (a
participant of the organisation under test), a participant of another
organisation, an outsider with an account, a reviewer, staff and an admin.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from funding import services
from funding.models import FundingNeed
from tests import factories

from .funding_support import at, participant, source
from .role_matrix import LOGIN, everyone, only_owner, staff_only

ROLES = ["anonymous", "owner", "other_participant", "outsider", "reviewer", "staff", "admin"]


@dataclass
class World:
    users: dict
    organisation: object
    source: object
    call: object
    search: object


@pytest.fixture
def world(funding_reference):
    owner, organisation, place = participant("owner@example.lv")
    other, _other_organisation, _place = participant("participant@example.lv", field="culture")
    FundingNeed.objects.create(organisation=organisation)
    reviewer = factories.CommitteeMemberFactory(
        user=factories.UserFactory(email="reviewer@example.lv")
    ).user
    users = {
        "anonymous": None,
        "owner": owner,
        "other_participant": other,
        "outsider": factories.UserFactory(email="outsider@example.lv"),
        "reviewer": reviewer,
        "staff": factories.StaffFactory(email="staff@example.lv"),
        "admin": factories.AdminFactory(email="admin@example.lv"),
    }
    fund = source(name_lv="Vides fonds", fields=["environment"])
    call = factories.FundingCallFactory(source=fund, deadline=at(20), opens_at=at(-2))
    search = services.save_search(owner, name="Vide", query={"field": "environment"})
    return World(users, organisation, fund, call, search)


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
        {"d{source}-reason": "field"},
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
    "funding:import_confirm": ("post", lambda w: [], {"token": "x"}, staff_only(302)),
    "funding:export_csv": ("get", lambda w: [], None, staff_only(200)),
    "funding:export_xlsx": ("get", lambda w: [], None, staff_only(200)),
    "funding:dismissals": ("get", lambda w: [], None, staff_only(200)),
    "funding:organisations": ("get", lambda w: [], None, staff_only(200)),
    "funding:organisation": ("get", lambda w: [w.organisation.pk], None, staff_only(200)),
    "funding:recommend": ("post", lambda w: [w.organisation.pk], {}, staff_only(400)),
}


def _fill(data, world):
    """POST data whose field names carry an object's id (form prefixes)."""
    return {key.format(source=world.source.pk): value for key, value in (data or {}).items()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_permission(client, world, name, role):
    method, args, data, expected = CASES[name]
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=args(world))
    response = getattr(client, method)(url, _fill(data, world))
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == want, f"{role} on {name}"


def test_a_staff_page_of_an_organisation_not_taking_part_is_404(client, world):
    client.force_login(world.users["staff"])
    outsider_org = factories.OrganisationFactory(leader=world.users["outsider"])
    assert client.get(reverse("funding:organisation", args=[outsider_org.pk])).status_code == 404
