"""What meetings and deadlines share: each belongs to a cycle, perhaps to one cohort
of it, and falls within the cycle."""

from django.utils.translation import gettext as _

from incubator.wording import DATIVE, GENITIVE, date_in_case

from .. import selectors


def cycle_errors(cycle, cohort, moment, *, field, outside):
    """{field: message} for a cohort of another cycle, or a ``moment`` outside the
    cycle (``outside`` names the window's %(start)s and %(end)s, for “no …” and
    “līdz …”: in Latvian in the genitive and the dative)."""
    errors = {}
    if cohort is not None and cohort.cycle_id != cycle.pk:
        errors["cohort"] = _("Choose a cohort of this cycle.")
    opens, ends = selectors.cycle_window(cycle)
    if moment and not opens <= moment <= ends:
        errors[field] = outside % {
            "start": date_in_case(opens, GENITIVE),
            "end": date_in_case(ends, DATIVE),
        }
    return errors
