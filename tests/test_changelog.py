"""The count of committed writes that kept pages are keyed by (incubator/changelog.py)."""

import pytest
from django.db import connection, transaction

from incubator import changelog
from incubator.models import Organisation
from incubator.tasks import compact_change_log

from . import factories

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _rows():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {changelog.TABLE}")
        return cursor.fetchone()[0]


def test_each_committed_writing_transaction_counts_once_and_nothing_else_does():
    organisation = factories.OrganisationFactory()
    before = changelog.committed()

    with transaction.atomic():  # three statements, one transaction
        organisation.name = "Biedrība “Viens”"
        organisation.save()
        Organisation.objects.filter(pk=organisation.pk).update(name="Biedrība “Divi”")
        factories.OrganisationFactory()
    assert changelog.committed() == before + 1

    list(Organisation.objects.all())  # a read
    assert changelog.committed() == before + 1

    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.update(name="Atcelts")
        raise RuntimeError  # rolled back
    assert changelog.committed() == before + 1

    Organisation.objects.filter(pk=organisation.pk).delete()
    assert changelog.committed() == before + 2


def test_an_uncommitted_write_is_not_counted_until_it_commits():
    from django.db import connections

    organisation = factories.OrganisationFactory()
    before = changelog.committed()
    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(name="Vēl nav")
        other = connections.create_connection("default")
        try:
            assert changelog.committed(other) == before  # another reader does not see it
        finally:
            other.close()
    assert changelog.committed() == before + 1


def test_compacting_keeps_the_count_in_one_row():
    for _ in range(3):
        factories.OrganisationFactory()
    count = changelog.committed()
    assert _rows() > 1

    compact_change_log.delay()

    assert _rows() == 1
    assert changelog.committed() == count
    Organisation.objects.update(name="Pēc tam")
    assert changelog.committed() == count + 1


def test_a_table_made_by_a_later_migration_is_counted_too():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_table (id int)")
    try:
        changelog.install()
        before = changelog.committed()
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO later_table VALUES (1)")
        assert changelog.committed() == before + 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE later_table")


def test_the_log_is_compacted_by_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["compact-change-log"]
    assert entry["task"] == compact_change_log.name
