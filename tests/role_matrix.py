"""The role matrix: every URL of the portal against every role (after pretix's
test_permissions.py), shared by ``tests/test_permissions.py`` (the kernel,
applications and cohorts) and one ``tests/test_permissions_<app>.py`` per app.

A module of permission tests has, in this order:

``world = role_matrix.world_fixture(extend, ...)``
    The module's world, built once for the whole module (not once per case): the
    core (``build_world``: a user per role in ``ROLES``, the owner's organisation,
    its draft application, a reviewed application and its reviewers, a running
    cycle in which the owner's organisation takes part, a meeting, a deadline, an
    email), then each ``extend(world)``, which creates the app's own objects with the
    app's services and sets them as attributes (``world.consultation = ...``).

``CASES``
    One row per URL name: ``name: (method, args, data, expected)``, where ``args``
    is ``lambda w: [...]`` (the URL's arguments, read from the world), ``data`` the
    query (GET) or POST data (``None``, a dict, or ``lambda w: {...}``; in a dict,
    ``{pk}``/``{meeting}`` in a key and ``"other_cohort"`` as a value are filled from
    the core world), and ``expected`` maps every role to an HTTP status or to
    ``LOGIN`` (a redirect to the sign-in page with ``next`` set to the URL). The
    helpers ``everyone``, ``only_owner``, ``owner_and_staff``, ``staff_only`` and
    ``reviewers`` write the usual maps; ``{**staff_only(200), "mentor": 404}``
    changes one role.

``REDIRECTS``
    For every row in which a role is sent on (302): ``name: Redirect(to, done,
    given)``. ``to(w, role)`` is the exact URL the request leads to; ``done(w,
    role)`` reads the database and says whether the request's change happened: it
    must be false before the request (after ``given``), true after it for every
    role expecting 302, and still false for every refused role. A POST row needs ``done``; a GET row
    that only sends on leaves it out. ``given(w)`` prepares what the action needs
    (a submitted review to reopen, a failed email to retry) before the request.

``test_permission``
    ``@pytest.mark.parametrize`` over ``ROLES`` and ``sorted(CASES)``, calling
    ``role_matrix.check(client, world, name, role, CASES[name], REDIRECTS.get(name))``;
    the test takes the ``db`` fixture.

Two tests in test_permissions.py read the tables of every ``tests/test_permissions*.py``
module (``table_modules``), so an app's module needs nothing more:
``test_every_url_is_in_a_table`` (each URL pattern of the portal's packages,
``OUR_PACKAGES``, is in exactly one table, and no table names a URL that does not
exist: a new URL without its row fails it) and
``test_every_row_states_every_role_and_where_its_redirects_lead`` (every row maps
exactly ``ROLES``, or the module's own ``ROLES`` where it builds a world of its own
with ``world_fixture(build=...)``; every row with a 302 has its ``REDIRECTS`` entry,
with ``done`` if it is a POST).

How the cases stay apart: the world is built inside a transaction that the module
keeps open, and each case runs in a savepoint of its own (the ``db`` fixture) that
is rolled back after it, so a case that deletes, moves or sends leaves the world as
it was for the next one; its uploaded files are copied into the case's own
``MEDIA_ROOT``. Nothing is rebuilt per case. So that this holds: ``given`` and
``done`` read and change rows through the services or fresh querysets, never the
world's objects in memory (they are shared by every case of the module); and a
permission module has no ``transactional_db`` or ``live_server`` test.

A new role is added once, here: to ``ROLES`` and to the users of ``build_world``.
The helpers give it the refusal of pages that are not its own (404 on an
organisation's pages, 403 on staff pages); a row that lets it in says so.
"""

import datetime
import importlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from . import factories
from .helpers import kept_for_the_module

LOGIN = "login"
ROLES = [
    "anonymous",
    "owner",
    "other_applicant",
    "other_participant",
    "outsider",
    "reviewer",
    "assigned_reviewer",
    "recused_reviewer",
    "mentor",
    "staff",
    "admin",
]
# The packages whose URL patterns must each have a row (the admin and allauth are
# tested by their own projects).
OUR_PACKAGES = ("incubator", "applications", "cohorts", "mentoring", "funding", "analysis")
TABLE_MODULES = "test_permissions*.py"


def everyone(code, anonymous=LOGIN):
    return {"anonymous": anonymous, **{role: code for role in ROLES[1:]}}


def only_owner(code):
    """The organisation's own pages: another person's object is a 404, even for staff."""
    return {**everyone(404), "owner": code}


def owner_and_staff(code):
    return {**only_owner(code), "staff": code, "admin": code}


def staff_only(code):
    return {**everyone(403), "staff": code, "admin": code}


def reviewers(code):
    """Pages of committee members; others are refused (403)."""
    return {**everyone(403), "reviewer": code, "assigned_reviewer": code, "recused_reviewer": code}


@dataclass(frozen=True)
class Redirect:
    """Where a row's 302 leads (``to``), what the request changed (``done``), and
    what the action needs first (``given``); see the module's docstring."""

    to: Callable
    done: Callable | None = None
    given: Callable | None = None


# --- the world -------------------------------------------------------------------------


@dataclass
class World:
    """The core world: one organisation's application (the object under test) and a
    user per role. An app's ``extend`` adds its own objects as attributes."""

    users: dict
    cycle: object
    organisation: object
    application: object
    attachment: object
    colleague: object
    invitation: object
    # The owner's second organisation, which has not applied to the open call yet.
    newcomer: object = None
    # Review: another organisation's submitted application, assigned to the
    # "assigned_reviewer" (who declared no conflict) and to the "recused_reviewer"
    # (who declared a conflict); "reviewer" sits on the same committee without
    # being assigned.
    reviewed: object = None
    assignment: object = None
    recusal: object = None
    member: object = None
    reviewed_attachment: object = None
    # The owner's organisation also takes part in a running cycle, in its own cohort.
    place: object = None
    other_cohort: object = None
    meeting: object = None
    material: object = None
    deadline: object = None
    email: object = None
    # Where the world's files are kept; each case gets a copy.
    media: Path = None
    # How many atomic blocks the world's own transaction takes.
    depth: int = 0


def _users():
    return {
        "anonymous": None,
        "owner": factories.UserFactory(email="owner@example.lv"),
        "other_applicant": factories.UserFactory(email="other@example.lv"),
        # Takes part in the same running cycle as the owner, in another cohort.
        "other_participant": factories.UserFactory(email="participant@example.lv"),
        "outsider": factories.UserFactory(email="outsider@example.lv"),
        # A reviewer and a mentor who are not assigned to the world's organisation.
        "reviewer": factories.UserFactory(email="reviewer@example.lv"),
        "assigned_reviewer": factories.UserFactory(email="assigned-reviewer@example.lv"),
        "recused_reviewer": factories.UserFactory(email="recused-reviewer@example.lv"),
        "mentor": factories.MentorProfileFactory(
            user=factories.UserFactory(email="mentor@example.lv")
        ).user,
        "staff": factories.StaffFactory(email="staff@example.lv"),
        "admin": factories.AdminFactory(email="admin@example.lv"),
    }


def _review(world):
    """Another organisation's submitted application, with one reviewer assigned, one
    recused and one on the committee without being assigned."""
    from applications import services

    users = world.users
    other = users["other_applicant"]
    world.reviewed = factories.ApplicationFactory(
        cycle=world.cycle, organisation=factories.OrganisationFactory(leader=other), complete=True
    )
    world.reviewed_attachment = services.add_attachment(
        world.reviewed, SimpleUploadedFile("b.pdf", b"%PDF-1.4 test"), by=other
    )
    services.submit(world.reviewed, by=other)
    factories.CriterionFactory(cycle=world.cycle)
    world.member = factories.CommitteeMemberFactory(cycle=world.cycle, user=users["reviewer"])
    assigned = factories.CommitteeMemberFactory(cycle=world.cycle, user=users["assigned_reviewer"])
    world.assignment = services.assign(world.reviewed, assigned, by=users["staff"])
    services.declare_conflict(world.assignment, by=users["assigned_reviewer"], has_conflict=False)
    recused = factories.CommitteeMemberFactory(cycle=world.cycle, user=users["recused_reviewer"])
    world.recusal = services.assign(world.reviewed, recused, by=users["staff"])
    services.declare_conflict(
        world.recusal, by=users["recused_reviewer"], has_conflict=True, reason="Valdes loceklis"
    )


def _programme(world):
    """Admits the owner's organisation to a running cycle (cohort A) and the other
    participant's to another cohort (B); a cohort A meeting with a file, a deadline."""
    from cohorts import services
    from incubator import services as kernel_services
    from incubator.notifications import services as notification_services

    staff = world.users["staff"]
    pilot = factories.RunningCycleFactory()
    world.place = factories.admit(world.organisation, pilot, staff)
    youth = factories.PriorityFieldFactory(code="youth", name_lv="Jaunatne", name_en="Youth")
    other = factories.admit(
        factories.OrganisationFactory(
            leader=world.users["other_participant"], priority_field=youth
        ),
        pilot,
        staff,
    )
    world.other_cohort = other.cohort
    starts = timezone.now() + datetime.timedelta(days=10)
    world.meeting = services.schedule_meeting(
        cycle=pilot,
        by=staff,
        cohort=world.place.cohort,
        title="Kohortas tikšanās",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )
    world.material = services.add_material(
        world.meeting, SimpleUploadedFile("plans.pdf", b"%PDF-1.4 plan"), by=staff
    )
    world.deadline = services.create_deadline(
        cycle=pilot,
        by=staff,
        cohort=None,
        title="Plāns",
        description="",
        due_at=starts,
        audience="participants",
    )
    world.email = notification_services.queue_rendered(
        key="test:permissions",
        recipient=world.users["owner"],
        to="owner@example.lv",
        subject="Sveiki",
        text="Teksts",
    )
    kernel_services.reset_calendar_token(world.users["owner"])


def build_world():
    """The core world (see ``World``), made through the factories and the services."""
    from applications import services
    from incubator.models import Invitation, Membership

    users = _users()
    owner = users["owner"]
    organisation = factories.OrganisationFactory(leader=owner)
    cycle = factories.CycleFactory()
    application = factories.ApplicationFactory(cycle=cycle, organisation=organisation)
    world = World(
        users=users,
        cycle=cycle,
        organisation=organisation,
        application=application,
        attachment=services.add_attachment(
            application, SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"), by=owner
        ),
        colleague=Membership.objects.create(
            organisation=organisation, user=factories.UserFactory(email="colleague@example.lv")
        ),
        invitation=Invitation.objects.create(
            organisation=organisation, email="invited@example.lv", invited_by=owner
        ),
        newcomer=factories.OrganisationFactory(leader=owner),
    )
    _review(world)
    _programme(world)
    return world


def world_fixture(*extensions, build=None):
    """A module-scoped ``world`` fixture: the core world (or ``build()``'s, for a
    module with roles of its own) and each ``extension(world)``, built once inside a
    transaction that is rolled back after the module's last case. Each case runs in
    its own savepoint (the ``db`` fixture)."""

    @pytest.fixture(scope="module", name="world")
    def world(django_db_setup, django_db_blocker, tmp_path_factory):
        media = tmp_path_factory.mktemp("world-media")
        with kept_for_the_module(django_db_blocker):
            with override_settings(MEDIA_ROOT=media):
                built = (build or build_world)()
                for extend in extensions:
                    extend(built)
            built.media = media
            built.depth = len(connection.atomic_blocks)
            yield built

    return world


# --- one case --------------------------------------------------------------------------


def request_data(data, world):
    """The query or POST data of a row (see the module's docstring)."""
    if callable(data):
        return data(world)
    if not data:
        return {}
    return {_filled(key, world): _value(value, world) for key, value in data.items()}


def _filled(key, world):
    if "{" not in key:
        return key
    return key.format(pk=world.place.pk, meeting=world.meeting.pk)


def _value(value, world):
    return world.other_cohort.pk if value == "other_cohort" else value


def _sent_to_sign_in(response, path, method, data):
    """A redirect to the sign-in page that comes back to the requested page."""
    if response.status_code != 302:
        return False
    target = urlsplit(response.url)
    back = path + (f"?{urlencode(data, doseq=True)}" if method == "get" and data else "")
    return target.path == reverse("account_login") and parse_qs(target.query)["next"] == [back]


def check(client, world, name, role, case, redirect=None):
    """Runs one row of a table for one role: the status (or the sign-in redirect), and
    for a 302 where it leads and that its change happened, or did not for a refused
    role. Returns the response."""
    method, args, data, expected = case
    want = expected[role]
    assert len(connection.atomic_blocks) > world.depth, (
        "each case runs in its own savepoint: give the test the db fixture"
    )
    shutil.copytree(world.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    if redirect is not None and redirect.given is not None:
        redirect.given(world)
    done = redirect.done if redirect is not None else None
    if done is not None:
        assert not done(world, role), f"{name}: its change is there before the request"
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    path = reverse(name, args=args(world))
    sent = request_data(data, world)
    response = getattr(client, method)(path, sent)
    where = f"{role} on {name}"
    if want == LOGIN:
        assert _sent_to_sign_in(response, path, method, sent), (where, response)
    else:
        assert response.status_code == want, where
    if want == 302:
        assert response.url == redirect.to(world, role), where
    if done is not None:
        assert done(world, role) == (want == 302), (
            f"{where}: the change {'did not happen' if want == 302 else 'happened'}"
        )
    return response


# --- every URL in a table --------------------------------------------------------------


def url_names(patterns=None, namespace=None):
    """The names of the URL patterns whose views live in ``OUR_PACKAGES``."""
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            names |= url_names(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            module = getattr(entry.callback, "__module__", "")
            if module.split(".")[0] in OUR_PACKAGES:
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def table_modules():
    """Every ``tests/test_permissions*.py`` module, imported."""
    folder = Path(__file__).parent
    return [
        importlib.import_module(f"{__package__}.{path.stem}")
        for path in sorted(folder.glob(TABLE_MODULES))
    ]
