"""What meetings and deadlines share: each belongs to a cycle, perhaps to one cohort
of it, and falls within the cycle."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import selectors


def _date(moment):
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def cycle_errors(cycle, cohort, moment, *, field, outside):
    """{field: message} for a cohort of another cycle, or a ``moment`` outside the
    cycle (``outside`` names the window's %(start)s and %(end)s)."""
    errors = {}
    if cohort is not None and cohort.cycle_id != cycle.pk:
        errors["cohort"] = _("Choose a cohort of this cycle.")
    opens, ends = selectors.cycle_window(cycle)
    if moment and not opens <= moment <= ends:
        errors[field] = outside % {"start": _date(opens), "end": _date(ends)}
    return errors
