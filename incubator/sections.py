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
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

PROGRAMME = "programme"
COHORT = "cohort"
APPLICATION = "application"
PROFILE = "profile"

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
# Entries an app downstream adds to the main menu (e.g. the public funding catalogue),
# registered in its ``AppConfig.ready()`` with ``register_menu_item(MenuItem(...))``
# for ``"public"`` (everyone but staff, signed in or not), ``"signed_in"`` (everyone
# signed in but staff) or ``"staff"``; the kernel's
# context processor offers them as ``contributed_menu`` without a query.

AUDIENCES = ("public", "signed_in", "staff")
_menu = []


@dataclass(frozen=True)
class MenuItem:
    name: str
    label: object  # a lazy translation
    url_name: str
    audience: str = "public"
    order: int = 100


def register_menu_item(item):
    if item.audience not in AUDIENCES:
        raise ValueError(f"A menu item is for one of {AUDIENCES}: {item.audience!r}")
    global _menu
    _menu = [entry for entry in _menu if entry.name != item.name] + [item]


def menu_for(user):
    """(label, url) of the contributed menu items ``user`` sees; no query."""
    signed_in = user is not None and user.is_authenticated
    if signed_in and user.is_staff:
        audiences = {"staff"}
    else:
        audiences = {"public", "signed_in"} if signed_in else {"public"}
    items = sorted(
        (item for item in _menu if item.audience in audiences), key=lambda i: (i.order, i.name)
    )
    return [(item.label, reverse(item.url_name)) for item in items]
