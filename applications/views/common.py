"""What the staff and reviewer views share."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from incubator.models import Cycle

from .. import selectors

REVIEW_TABS = [
    ("progress", _("Progress")),
    ("ranking", _("Ranking")),
    ("decisions", _("Decisions and letters")),
    ("criteria", _("Criteria")),
    ("requirements", _("Eligibility")),
    ("committee", _("Committee")),
    ("settings", _("Settings")),
    ("conflicts", _("Conflicts of interest")),
    ("audit", _("Audit")),
    ("protocol", _("Protocol")),
]


def cycle_or_404(cycle_pk):
    return get_object_or_404(Cycle, pk=cycle_pk)


def render_review(request, template, cycle, tab, context=None, status=200, settings=None):
    """A page of a cycle's evaluation area (tabs: settings, criteria, committee, ...)."""
    return render(
        request,
        template,
        {
            "cycle": cycle,
            "cycles": Cycle.objects.only("pk", "name"),
            "tab": tab,
            "tab_url": f"applications:review_{tab}",
            "review_tabs": REVIEW_TABS,
            "review_settings": settings or selectors.review_settings(cycle),
            **(context or {}),
        },
        status=status,
    )
