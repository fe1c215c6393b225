"""What the staff and reviewer views share."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
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


def put_errors_on(form, error: ValidationError):
    """Puts a service's ValidationError on the form: field errors on their fields
    when the form has them, everything else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def message_of(error: ValidationError):
    return " ".join(error.messages)


def redirect_back(request, name, *args):
    """Back to the page the form was on (``next``, when it is one of ours), else to
    ``name``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(name, *args)
