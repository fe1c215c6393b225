"""The "mentors" audience of cycle deadlines, registered with the cohorts app."""

from django.db.models import Exists, Q
from django.utils.translation import gettext_lazy as _

from cohorts.audiences import Audience, register

MENTORS = "mentors"


def _recipients(deadlines):
    from .models import MentorProfile

    mentors = [
        profile.user
        for profile in MentorProfile.objects.filter(
            is_active=True, activated_at__isnull=False, user__is_active=True
        ).select_related("user")
    ]
    for deadline in deadlines:
        for user in mentors:
            yield deadline, user, {}


def _concerns(user):
    from .models import MentorProfile

    return Q(audience=MENTORS) & Q(
        Exists(MentorProfile.objects.filter(user=user, is_active=True, activated_at__isnull=False))
    )


def register_audience():
    register(Audience(MENTORS, _("Mentors"), _recipients, _concerns, order=30, cohort_scoped=False))
