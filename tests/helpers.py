"""Small helpers shared by the tests: whole days and hours, moments on the portal's
clock (Europe/Riga), and rows built once for a whole module."""

import contextlib
import datetime
import importlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def moment(days, hour=15, minute=0):
    """``days`` from today (Riga time) at ``hour``:``minute``, timezone-aware."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@contextlib.contextmanager
def kept_for_the_module(django_db_blocker):
    """For a module-scoped fixture: the rows it builds inside stay for every test of
    the module and are rolled back after the last one. Each test runs in a savepoint
    of its own (it takes the ``db`` fixture), so what one test changes is gone for
    the next; build once what many tests only read or change in their savepoint."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        translation.override(settings.LANGUAGE_CODE),
    ):
        yield
        transaction.set_rollback(True)


def make_reference_data():
    """What the data migrations seed (the priority fields, the expertise taxonomy,
    the funding reference lists), made again if a transactional test flushed it."""
    from django.apps import apps

    make_priority_fields()
    for migration in [
        "mentoring.migrations.0003_expertise_tags",
        "funding.migrations.0002_reference_data",
    ]:
        importlib.import_module(migration).create(apps, None)


def make_priority_fields():
    """The programme's five fields, made again if a transactional test flushed the
    rows that the data migration made."""
    from django.apps import apps

    from incubator.models import PriorityField

    importlib.import_module("incubator.migrations.0002_priority_fields").create(apps, None)
    return list(PriorityField.objects.all())
