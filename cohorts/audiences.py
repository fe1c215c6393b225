"""Whom a deadline is for. The cohorts app declares the registry and its own
audiences; apps downstream (mentoring) register theirs in ``AppConfig.ready()``.

An audience answers two questions, both in a constant number of queries:
``recipients(deadlines)`` yields ``(deadline, user, context)`` for a batch of
deadlines (who is reminded), and ``concerns(user)`` returns a ``Q`` on Deadline
selecting those of this audience that concern ``user`` (what they see), or None.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

_audiences = {}


@dataclass(frozen=True)
class Audience:
    code: str
    label: str
    recipients: Callable
    concerns: Callable
    order: int = 50
    # False when the audience makes no sense for one cohort (applicants have none yet).
    cohort_scoped: bool = True


def register(audience):
    _audiences[audience.code] = audience


def get(code):
    return _audiences.get(code)


def choices(cohort_scoped=None):
    audiences = sorted(_audiences.values(), key=lambda a: (a.order, a.code))
    return [(a.code, a.label) for a in audiences if cohort_scoped is None or a.cohort_scoped]


def label(code):
    audience = _audiences.get(code)
    return audience.label if audience else code


def concerning(user):
    """A Q selecting every deadline that concerns ``user`` through any audience."""
    condition = Q(pk__in=[])
    for audience in _audiences.values():
        q = audience.concerns(user)
        if q is not None:
            condition |= q
    return condition


# --- the audiences the cohorts app knows itself --------------------------------------

APPLICANTS_WITH_DRAFTS = "applicants"
PARTICIPANTS = "participants"
STAFF = "staff"


def _applicants_recipients(deadlines):
    from . import selectors

    drafts = selectors.draft_people({d.cycle_id for d in deadlines})
    for deadline in deadlines:
        for user, application in drafts.get(deadline.cycle_id, []):
            context = {"application": application, "organisation": application.organisation}
            yield deadline, user, context


def _applicants_concern(user):
    from applications.models import Application

    drafts = Application.objects.filter(
        status=Application.Status.DRAFT, organisation__memberships__user=user
    ).values("cycle_id")
    return Q(audience=APPLICANTS_WITH_DRAFTS, cycle__in=drafts)


def _participants_recipients(deadlines):
    from . import selectors

    people = selectors.participant_people({d.cycle_id for d in deadlines})
    for deadline in deadlines:
        audience = selectors.audience_of(people, deadline.cycle_id, deadline.cohort_id)
        for user, organisations in audience:
            yield deadline, user, {"organisation": organisations[0], "organisations": organisations}


def _participants_concern(user):
    from .models import CohortMembership

    mine = CohortMembership.objects.filter(
        organisation__memberships__user=user,
        status__in=[CohortMembership.Status.ACTIVE, CohortMembership.Status.COMPLETED],
    )
    whole_cycle = Q(cohort__isnull=True, cycle__in=mine.values("cycle_id"))
    own_cohort = Q(cohort__in=mine.values("cohort_id"))
    return Q(audience=PARTICIPANTS) & (whole_cycle | own_cohort)


def _staff_recipients(deadlines):
    from incubator.models import User

    staff = list(User.objects.filter(is_staff=True, is_active=True))
    for deadline in deadlines:
        for user in staff:
            yield deadline, user, {}


def _staff_concern(user):
    return Q(audience=STAFF) if user.is_staff else None


register(
    Audience(
        APPLICANTS_WITH_DRAFTS,
        _("Applicants with an unsubmitted draft"),
        _applicants_recipients,
        _applicants_concern,
        order=10,
        cohort_scoped=False,
    )
)
register(
    Audience(
        PARTICIPANTS,
        _("Participating organisations"),
        _participants_recipients,
        _participants_concern,
        order=20,
    )
)
register(Audience(STAFF, _("Programme staff"), _staff_recipients, _staff_concern, order=90))
