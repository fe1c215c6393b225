"""What apps downstream add to the kernel's pages, without the kernel importing them.

The kernel knows nothing of the apps that build on it, yet some of them have
something to show on its pages: the funding sources a person follows belong on
their profile. Such an app registers, in its ``AppConfig.ready()``:

- a ``Section`` of a kernel page (``register_section("profile", Section(...))``): a
  template and a function ``context(request)`` that returns the template's context,
  or None when there is nothing to show. The kernel's view calls ``render_sections``
  and its template places the HTML, sections in ``order``;
- a ``MenuItem`` of the main menu (``register_menu_item(MenuItem(...))``), shown to
  ``"public"`` (everyone but staff, signed in or not) or to ``"staff"``.

Pages with sections: ``profile``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse

_sections = {}
_menu = []

AUDIENCES = ("public", "staff")


@dataclass(frozen=True)
class Section:
    name: str  # unique on its page, e.g. "funding-follows"
    template: str
    context: Callable  # context(request) -> dict, or None to show nothing
    order: int = 100


@dataclass(frozen=True)
class MenuItem:
    name: str
    label: object  # a lazy translation
    url_name: str
    audience: str = "public"
    order: int = 100


def register_section(page, section):
    _sections.setdefault(page, {})[section.name] = section


def sections(page):
    return sorted(_sections.get(page, {}).values(), key=lambda s: (s.order, s.name))


def render_sections(page, request):
    """The HTML of each section registered for ``page`` that has something to show."""
    rendered = []
    for section in sections(page):
        context = section.context(request)
        if context is not None:
            rendered.append(render_to_string(section.template, context, request=request))
    return rendered


def register_menu_item(item):
    if item.audience not in AUDIENCES:
        raise ValueError(f"A menu item is for one of {AUDIENCES}: {item.audience!r}")
    global _menu
    _menu = [entry for entry in _menu if entry.name != item.name] + [item]


def menu_for(user):
    """(label, url) of the contributed menu items ``user`` sees; no query."""
    staff = user is not None and user.is_authenticated and user.is_staff
    audience = "staff" if staff else "public"
    items = sorted(
        (item for item in _menu if item.audience == audience), key=lambda i: (i.order, i.name)
    )
    return [(item.label, reverse(item.url_name)) for item in items]
