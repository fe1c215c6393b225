"""Where a person lands after signing in (the ``dashboard`` view).

Each role's home is registered by the app that owns the role, in its
``AppConfig.ready()``: ``landing.register(Home("mentoring:dashboard", is_mentor,
order=20))``. The first home (by ``order``) whose predicate accepts the person wins:
staff (10) on the applications, a mentor (20) on their dashboard, a committee member
(30) on their reviews, an organisation taking part in a cycle (40) on its programme,
anyone else (100) on their applications. The menu (``incubator.sections``) orders the
roles the same way, so the first role of a person's menu is the one they land in."""

from collections.abc import Callable
from dataclasses import dataclass

_homes = {}


@dataclass(frozen=True)
class Home:
    url_name: str
    applies: Callable
    order: int = 50


def register(home):
    _homes[home.url_name] = home


def home_for(user, default):
    """The URL name of ``user``'s home, else ``default``."""
    for home in sorted(_homes.values(), key=lambda h: (h.order, h.url_name)):
        if home.applies(user):
            return home.url_name
    return default
