"""Fixtures and helpers of the funding tests (imported by their modules)."""

import datetime
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from . import factories

REFERENCE = importlib.import_module("funding.migrations.0002_reference_data")


@pytest.fixture
def funding_reference(priority_fields):
    """The legal forms, regions and municipalities the migration makes (a
    transactional test may have flushed them), and the five priority fields."""
    REFERENCE.create(apps, None)
    return {field.code: field for field in priority_fields}


@pytest.fixture
def seeded(funding_reference):
    """The 25 researched sources, as a fresh installation has them."""
    out = StringIO()
    call_command("import_funding_sources", stdout=out)
    return out.getvalue()


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
