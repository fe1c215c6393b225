"""Helpers of the funding tests (their fixtures, funding_reference and seeded, are
in conftest.py)."""

import datetime

from django.utils import timezone

from . import factories


def at(days=0, hour=12, minute=0):
    """A moment ``days`` from today at ``hour``:``minute``, Riga time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def participant(email, *, field="environment", municipality="Liepāja", legal_form="association"):
    """A leader whose organisation takes part in a running cycle; returns
    (user, organisation, place)."""
    from incubator.models import PriorityField

    user = factories.UserFactory(email=email)
    organisation = factories.OrganisationFactory(
        leader=user,
        priority_field=PriorityField.objects.get(code=field),
        municipality=municipality,
        legal_form=legal_form,
    )
    from cohorts.models import Cohort

    cycle = (
        Cohort.objects.select_related("cycle").first().cycle
        if Cohort.objects.exists()
        else factories.RunningCycleFactory()
    )
    staff = factories.StaffFactory(email="koordinatore@inkubators.lv")
    place = factories.admit(organisation, cycle, staff)
    return user, organisation, place


def source(*, fields=(), legal_forms=(), **values):
    """A funding source with its relations, through the factory."""
    return factories.FundingSourceFactory(
        fields=list(fields), legal_forms=list(legal_forms), **values
    )
