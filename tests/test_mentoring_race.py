"""Fifty bookings of one free time at once, each from its own thread and database
connection, on PostgreSQL (row locks, the exclusion constraint): exactly one wins,
the other 49 get the clear message, and nothing of theirs is written (no
consultation, no email, no reminder). SQLite has one writer at a time, so the race
cannot happen there: the ``postgresql`` marker (tests/needs.py) skips it with the
reason, or fails it with REQUIRE_SERVICES=1."""

import pytest

from bench.mentoring import RACERS, race, race_world
from incubator.notifications import services as outbox
from incubator.notifications.models import Email, Reminder
from mentoring.models import Consultation

from . import factories

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def nothing_sent(monkeypatch):
    monkeypatch.setattr(outbox, "enqueue_batches_on_commit", lambda ids: None)
    monkeypatch.setattr(outbox, "enqueue_on_commit", lambda pk: None)


def test_fifty_bookings_of_one_time_at_once_one_wins(nothing_sent, priority_fields):
    staff = factories.StaffFactory()
    place, slot, people = race_world(priority_fields[0], staff)
    won, refused, others = race(place, slot, people)
    assert (won, refused, others) == (1, RACERS - 1, [])
    (consultation,) = Consultation.objects.all()
    assert consultation.slot == slot
    emails = Email.objects.all()
    assert not emails.exclude(key__startswith=f"consultation:{consultation.pk}:").exists()
    assert emails.count() == place.organisation.memberships.count() + 1
    assert set(Reminder.objects.values_list("object_id", flat=True)) == {consultation.pk}
