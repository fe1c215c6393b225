"""Sections that apps downstream add to pages upstream.

A page upstream (*My programme* and the cohort page in ``cohorts``, the staff's page
of an application in ``applications``) must show what apps downstream know (the
organisation's mentor and consultations; later its funding matches and its
assessment), but may never import them. So the page asks this registry instead.

``mentoring`` adds the organisation's mentors, consultations and action items this
way (``mentoring/sections.py``); ``funding`` (an organisation's funding matches and
bids) and ``analysis`` (its assessment and recommendations) contribute their sections
the same way, and no page upstream ever imports them.

An app registers a ``Section`` for a page in its ``AppConfig.ready()``::

    sections.register(Section(
        page=sections.PROGRAMME,
        name="mentoring",
        template="mentoring/sections/programme.html",
        load=programme_sections,   # load(user, rows, now) -> {row pk: context}
        order=20,
    ))

The page calls ``sections.attach(page, user, rows)`` once with *all* its rows (the
cohort places on *My programme*, the one cohort, the one application), and each
row gets ``row.sections``: a list of ``Shown(template, context)`` in ``order``, to
render with ``{% for section in row.sections %}{% include section.template with
data=section.data %}{% endfor %}``. ``load`` receives every row at once and must
load its data for all of them in a constant number of queries (never one per row);
it returns a context per row pk, and leaves out the rows it has nothing for (and
every row the user may not see: the page's own permission is not the section's).
Templates then only render.

The pages and their rows:

- ``PROGRAMME``: *My programme* (``cohorts``); rows are the user's cohort places
  (``CohortMembership`` with ``organisation`` and ``cycle`` loaded).
- ``COHORT``: a cohort's page (``cohorts``), for staff and participants; one row,
  the ``Cohort``.
- ``APPLICATION``: the staff's page of an application (``applications``), which is
  the staff's page of the organisation in that cycle; one row, the ``Application``.
- ``PROFILE``: a person's profile page (the kernel); one row, the ``User`` (``funding``
  shows what they follow and the searches they saved).
- ``MENTOR``: the mentor's or expert's home (``mentoring``'s dashboard); one row, the
  user's own ``MentorProfile`` (``funding`` lists the bids waiting for their review).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists
from django.urls import reverse
from django.utils import timezone

PROGRAMME = "programme"
COHORT = "cohort"
APPLICATION = "application"
PROFILE = "profile"
MENTOR = "mentor"

_sections = {}


@dataclass(frozen=True)
class Section:
    page: str
    name: str
    template: str
    load: Callable
    order: int = 50


@dataclass(frozen=True)
class Shown:
    name: str
    template: str
    data: dict


def register(section):
    """Adds (or replaces, by page and name) a section; called from ``ready()``."""
    _sections[(section.page, section.name)] = section


def sections(page):
    return sorted(
        (s for (p, _name), s in _sections.items() if p == page), key=lambda s: (s.order, s.name)
    )


def attach(page, user, rows, now=None):
    """Sets ``row.sections`` on each of ``rows``; returns the rows."""
    now = now or timezone.now()
    rows = list(rows)
    for row in rows:
        row.sections = []
    if not rows:
        return rows
    for section in sections(page):
        contexts = section.load(user, rows, now)
        for row in rows:
            data = contexts.get(row.pk)
            if data is not None:
                row.sections.append(Shown(section.name, section.template, data))
    return rows


# --- the main menu --------------------------------------------------------------------
# The menu shows a person what they can use, grouped by role. Each role is a
# ``MenuGroup`` (staff, committee member, mentor, an organisation's people), with a
# predicate on the user; apps register their groups and their entries (``MenuItem``,
# in a group, or in ``"public"``: everyone but staff, signed in or not, e.g. the
# funding catalogue) in their ``AppConfig.ready()``. A person's first group (by
# ``order``) is shown as plain entries; each further role they have is a menu of its
# own, named after the role. A group marked ``fallback`` applies to a signed-in
# person with no other role (a newcomer starts with their applications).
#
# A group whose role is the existence of some rows gives them as ``rows(user)`` (a
# queryset, or None when the role cannot apply whatever the database holds), which
# must answer as ``applies`` does: the menu then asks the database once for every such
# role together, instead of a query per role on every page.

PUBLIC = "public"
STAFF = "staff"
_groups = {}
_menu = []


@dataclass(frozen=True)
class MenuGroup:
    name: str
    label: object  # a lazy translation, or label(user)
    applies: Callable  # applies(user) -> bool, for a signed-in user
    order: int = 50
    fallback: bool = False
    rows: Callable | None = None  # rows(user) -> QuerySet or None: the role, as rows


@dataclass(frozen=True)
class MenuItem:
    name: str
    label: object  # a lazy translation, or label(user)
    url_name: str
    audience: str = PUBLIC  # a group's name, or "public"
    order: int = 100


@dataclass(frozen=True)
class Entry:
    label: str
    url: str


@dataclass(frozen=True)
class Group:
    name: str
    label: str
    entries: list


@dataclass(frozen=True)
class Menu:
    primary: Group | None  # the person's first role: plain entries
    others: list  # their further roles: a menu each
    public: list  # entries for everyone (but staff)


def register_menu_group(group):
    _groups[group.name] = group


def register_menu_item(item):
    global _menu
    _menu = [entry for entry in _menu if entry.name != item.name] + [item]


def _text(label, user):
    return label(user) if callable(label) else label


def _entries(audience, user):
    items = sorted(
        (item for item in _menu if item.audience == audience), key=lambda i: (i.order, i.name)
    )
    return [Entry(_text(item.label, user), reverse(item.url_name)) for item in items]


def _answers(user, groups):
    """{group name: applies} of the groups given as rows, in one query for all."""
    asked = {g.name: g.rows(user) for g in groups if g.rows is not None}
    answers = dict.fromkeys(asked, False)
    names = [name for name, rows in asked.items() if rows is not None]
    if names:
        exists = {f"role_{i}": Exists(asked[name]) for i, name in enumerate(names)}
        found = get_user_model().objects.filter(pk=user.pk).annotate(**exists).values_list(*exists)
        answers.update(zip(names, found.first() or [False] * len(names), strict=True))
    return answers


def roles_of(user):
    """The menu groups that apply to ``user``, in order (each predicate asked once;
    those given as rows all in one query)."""
    if user is None or not user.is_authenticated:
        return []
    groups = sorted(_groups.values(), key=lambda g: (g.order, g.name))
    answers = _answers(user, groups)

    def applies(group):
        return answers[group.name] if group.name in answers else group.applies(user)

    found = [g for g in groups if not g.fallback and applies(g)]
    if not found:
        found = [g for g in groups if g.fallback]
    elif not user.is_staff:
        found += [g for g in groups if g.fallback and applies(g)]
    return sorted(found, key=lambda g: (g.order, g.name))


def menu_for(user):
    """The menu ``user`` sees (a ``Menu``). A page that two of a person's roles offer
    (a mentor who leads an organisation: both roles have *Analysis*) is shown once,
    in the first of them."""
    shown = set()
    groups = []
    for role in roles_of(user):
        entries = _unseen(_entries(role.name, user), shown)
        if entries:
            groups.append(Group(role.name, _text(role.label, user), entries))
    staff = user is not None and user.is_authenticated and user.is_staff
    return Menu(
        primary=groups[0] if groups else None,
        others=groups[1:],
        public=[] if staff else _unseen(_entries(PUBLIC, user), shown),
    )


def _unseen(entries, shown):
    """The ``entries`` whose page is not in ``shown`` yet; adds theirs to it."""
    fresh = [entry for entry in entries if entry.url not in shown]
    shown.update(entry.url for entry in fresh)
    return fresh
