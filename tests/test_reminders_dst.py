"""Reminders across the change to summer time (Riga: the last Sunday of March, 28
March 2027, 03:00 EET becomes 04:00 EEST). "7d" before a meeting at 10:00 is 10:00 a
week earlier on the Riga clock, however the meeting's time reached the scheduler
(from a form, in Riga time, or from the database, in UTC); "36h" is an exact span."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cohorts import services
from incubator.notifications import reminders
from incubator.notifications.models import Reminder

from . import factories

RIGA = ZoneInfo("Europe/Riga")


def riga(*args):
    return datetime.datetime(*args, tzinfo=RIGA)


@pytest.fixture
def spring(staff, organisation):
    """1 March 2027, in a cycle running from January to June, with one participant."""
    with time_machine.travel(riga(2027, 1, 5, 12), tick=False):
        cycle = factories.CycleFactory(
            call_opens_at=riga(2027, 1, 2, 9),
            call_closes_at=riga(2027, 1, 4, 23, 59),
            incubation_starts_on=datetime.date(2027, 2, 1),
            incubation_ends_on=datetime.date(2027, 6, 30),
        )
        factories.admit(organisation, cycle, staff)
    with time_machine.travel(riga(2027, 3, 1, 12), tick=False):
        yield cycle


def _meeting(cycle, staff, starts):
    staff.optional_reminders = False  # the reminders counted are the participant's
    staff.save()
    return services.schedule_meeting(
        cycle=cycle,
        by=staff,
        cohort=None,
        title="Pavasara tikšanās",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )


def _due(label):
    due_at = Reminder.objects.get(source="meeting", label=label).due_at
    return due_at.astimezone(RIGA)


def test_seven_days_before_is_the_same_hour_on_the_riga_clock(spring, staff):
    _meeting(spring, staff, riga(2027, 4, 2, 10))
    assert _due("before-7d") == riga(2027, 3, 26, 10)
    assert _due("before-1d") == riga(2027, 4, 1, 10)


def test_the_same_when_the_time_comes_from_the_database(spring, staff):
    meeting = _meeting(spring, staff, riga(2027, 4, 2, 10))
    # The cycle's offsets change: every meeting ahead is rescheduled from its row,
    # whose time the database returns in UTC.
    services.update_reminder_settings(spring, meetings="7d, 1d", deadlines="7d", call_closing="3d")
    meeting.refresh_from_db()
    assert meeting.starts_at.tzinfo == datetime.UTC
    assert _due("before-7d") == riga(2027, 3, 26, 10)


def test_the_reminder_comes_due_at_the_hour_not_an_hour_early(spring, staff):
    _meeting(spring, staff, riga(2027, 4, 2, 10))
    services.update_reminder_settings(spring, meetings="7d", deadlines="7d", call_closing="3d")
    with time_machine.travel(riga(2027, 3, 26, 9, 59), tick=False):
        assert reminders.sweep() == 0
    with time_machine.travel(riga(2027, 3, 26, 10), tick=False):
        assert reminders.sweep() == 1


def test_a_day_before_a_sunday_morning_meeting_after_the_change(spring, staff):
    _meeting(spring, staff, riga(2027, 3, 28, 10))
    services.update_reminder_settings(spring, meetings="1d", deadlines="7d", call_closing="3d")
    assert _due("before-1d") == riga(2027, 3, 27, 10)


def test_hours_are_an_exact_span_across_the_change(spring, staff):
    meeting = _meeting(spring, staff, riga(2027, 3, 29, 10))
    services.update_reminder_settings(spring, meetings="36h", deadlines="7d", call_closing="3d")
    assert _due("before-36h") == riga(2027, 3, 27, 21)
    span = meeting.starts_at.astimezone(datetime.UTC) - _due("before-36h").astimezone(datetime.UTC)
    assert span == datetime.timedelta(hours=36)
