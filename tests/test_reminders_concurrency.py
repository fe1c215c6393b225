"""Sweeps that really overlap, on PostgreSQL (row locks; SQLite has none: one writer
at a time). A source is held inside the first sweep's transaction, its reminders
claimed and locked, while a second sweep, or a cancellation, runs in another
connection:

- a second sweep skips the claimed reminders (SKIP LOCKED) instead of writing them
  again or waiting, and each reminder is written once;
- a cancellation waits for the sweep, then withdraws the reminder emails it wrote.

No worker runs here: the emails stay queued, as they would while the mail server
backs off or the workers are busy.
"""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from cohorts import services
from incubator.notifications import reminders
from incubator.notifications import services as outbox
from incubator.notifications.models import Email, Reminder
from incubator.notifications.reminders import ReminderSource

from . import factories
from .helpers import DAY

# Overlapping sweeps need PostgreSQL's row locks (SQLite has one writer at a time).
pytestmark = pytest.mark.postgresql


@pytest.fixture
def nothing_sent(monkeypatch):
    monkeypatch.setattr(outbox, "enqueue_batches_on_commit", lambda ids: None)
    monkeypatch.setattr(outbox, "enqueue_on_commit", lambda pk: None)


class Held(ReminderSource):
    """The meeting source, but the first sweep to ask for recipients waits there,
    its claimed reminders locked, until the test lets it go on."""

    def __init__(self, inner):
        self.inner = inner
        self.name, self.label, self.template = inner.name, inner.label, inner.template
        self.entered, self.release = threading.Event(), threading.Event()

    def recipients(self, batch):
        if not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(30), "never released"
        yield from self.inner.recipients(batch)


@pytest.fixture
def held(monkeypatch):
    source = Held(reminders.sources()[services.MEETING_SOURCE])
    monkeypatch.setitem(reminders._sources, services.MEETING_SOURCE, source)
    return source


class Run(threading.Thread):
    """Runs ``call`` in its own thread, hence its own database connection."""

    def __init__(self, call):
        super().__init__(daemon=True)
        self.call, self.result, self.error = call, None, None
        self.start()

    def run(self):
        try:
            self.result = self.call()
        except Exception as error:  # shown by the test that joins it
            self.error = error
        finally:
            connection.close()

    def finish(self, timeout=30):
        self.join(timeout)
        assert not self.is_alive(), "still running"
        if self.error is not None:
            raise self.error
        return self.result


@pytest.fixture
def meeting(transactional_db, nothing_sent, priority_fields):
    staff = factories.StaffFactory(optional_reminders=False)
    cycle = factories.RunningCycleFactory()
    for field in priority_fields[:3]:
        factories.admit(
            factories.OrganisationFactory(leader=factories.UserFactory(), priority_field=field),
            cycle,
            staff,
        )
    starts = timezone.now() + 10 * DAY
    meeting = services.schedule_meeting(
        cycle=cycle,
        by=staff,
        cohort=None,
        title="Kopīgā tikšanās",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )
    services.sync_cycle_deadlines(cycle)
    return meeting


def test_a_second_sweep_skips_the_reminders_the_first_is_writing(meeting, held):
    at = meeting.starts_at - 7 * DAY
    with time_machine.travel(at, tick=False):
        first = Run(reminders.sweep)
        assert held.entered.wait(10)
        # The first sweep holds the 7-day reminder; the second neither waits for it
        # nor writes it.
        second = Run(reminders.sweep)
        assert second.finish(timeout=10) == 0
        held.release.set()
        assert first.finish() == 3
    assert Email.objects.filter(key__contains=":before-7d@").count() == 3
    reminder = Reminder.objects.get(source="meeting", label="before-7d")
    assert (reminder.status, reminder.emails_written) == ("written", 3)


def test_a_cancellation_waits_for_the_sweep_and_withdraws_what_it_wrote(meeting, held):
    staff = meeting.created_by
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        sweep = Run(reminders.sweep)
        assert held.entered.wait(10)
        cancel = Run(lambda: services.cancel_meeting(meeting, reason="Slimība", by=staff))
        cancel.join(1.5)
        assert cancel.is_alive(), f"the cancellation waits for the sweep: {cancel.error!r}"
        held.release.set()
        assert sweep.finish() == 3  # the meeting was not cancelled yet when it read it
        cancel.finish()
    written = Email.objects.filter(key__contains=":before-7d@")
    assert written.count() == 3
    assert set(written.values_list("status", flat=True)) == {"cancelled"}
    notices = Email.objects.filter(key__endswith=":cancelled")
    assert notices.count() == 4 and set(notices.values_list("status", flat=True)) == {"queued"}
