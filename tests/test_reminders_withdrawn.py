"""Emails still waiting in the outbox when their meeting or deadline changes.

A reminder is written at its moment, but it may wait in the outbox for a while: the
mail server refuses it and it backs off, the workers are down, or the change happens
while a sweep is writing it. In these tests nothing is handed to the workers (each
test runs in one transaction, so no after-commit task runs): rows stay queued until
the cron dispatch sends everything due, as a site recovering from a downtime does.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from cohorts import services
from incubator.notifications import reminders
from incubator.notifications import services as outbox
from incubator.notifications.models import Email

from . import factories
from .helpers import DAY, HOUR, moment


@pytest.fixture
def meeting(place):
    # Scheduled by staff who switched optional reminders off: the reminders here are
    # the participant's (notices reach the organiser too; see _sent_subjects).
    organiser = factories.StaffFactory(optional_reminders=False)
    starts = moment(20)
    return services.schedule_meeting(
        cycle=place.cycle,
        by=organiser,
        cohort=None,
        title="Kopīgā tikšanās",
        starts_at=starts,
        ends_at=starts + 3 * HOUR,
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )


def _send_everything_due():
    """What ``manage.py dispatch_notifications`` does once the workers are back."""
    outbox.dispatch(grace=datetime.timedelta(0), synchronous=True)


def _sent_subjects(to="vaditaja@biedriba.lv"):
    """What the participant (the applicant fixture) was sent."""
    return [message.subject for message in mail.outbox if message.to == [to]]


def _fields(meeting, **changes):
    values = {name: getattr(meeting, name) for name in services.MEETING_FIELDS}
    return {**values, **changes}


def test_reminders_waiting_in_the_outbox_are_not_sent_after_a_cancellation(meeting, staff):
    _send_everything_due()  # the invitation goes out
    assert _sent_subjects() == [f"Ielūgums: Kopīgā tikšanās, {_local(meeting.starts_at)}"]
    mail.outbox = []
    # The reminders are written, but the mail server is down: they wait in the outbox.
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        assert reminders.sweep() == 1
    with time_machine.travel(meeting.starts_at - DAY, tick=False):
        assert reminders.sweep() == 1
        services.cancel_meeting(meeting, reason="Slimība", by=staff)
        _send_everything_due()
    assert _sent_subjects() == ["Atcelts: Kopīgā tikšanās"]
    statuses = dict(Email.objects.filter(key__contains=":before-").values_list("key", "status"))
    assert len(statuses) == 2 and set(statuses.values()) == {"cancelled"}


def test_a_reminder_of_the_old_time_is_not_sent_after_the_meeting_moved_earlier(
    meeting, staff, applicant
):
    old_start = meeting.starts_at
    with time_machine.travel(old_start - 7 * DAY, tick=False):
        assert reminders.sweep() == 1
    with time_machine.travel(old_start - DAY, tick=False):
        assert reminders.sweep() == 1  # "tomorrow at 15:00", waiting in the outbox
        earlier = old_start - 20 * HOUR
        services.update_meeting(
            meeting, by=staff, **_fields(meeting, starts_at=earlier, ends_at=earlier + 3 * HOUR)
        )
    # The workers come back after the new start and before the old one.
    with time_machine.travel(earlier + HOUR, tick=False):
        _send_everything_due()
    sent = _sent_subjects()
    assert not any(subject.startswith("Atgādinājums") for subject in sent)
    stale = Email.objects.filter(key__contains=":before-")
    assert set(stale.values_list("status", flat=True)) == {"cancelled"}
    # The notice of the change was written with the change; it is not sent so late
    # either way, but the invitation written before the change was withdrawn with it.
    assert Email.objects.get(key__endswith=":invited", recipient=applicant).status == "cancelled"
    assert Email.objects.filter(key=f"meeting:{meeting.pk}:user:{applicant.pk}:changed-1").exists()


def test_a_moved_meetings_new_reminders_go_out_and_the_old_ones_do_not(meeting, staff):
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        assert reminders.sweep() == 1
    later = meeting.starts_at + 2 * DAY
    with time_machine.travel(meeting.starts_at - 6 * DAY, tick=False):
        services.update_meeting(
            meeting, by=staff, **_fields(meeting, starts_at=later, ends_at=later + 3 * HOUR)
        )
    with time_machine.travel(later - 7 * DAY, tick=False):
        assert reminders.sweep() == 1  # the new time's 7-day reminder
    with time_machine.travel(later - DAY, tick=False):
        assert reminders.sweep() == 1
        mail.outbox = []
        _send_everything_due()
    reminder_subjects = [s for s in _sent_subjects() if s.startswith("Atgādinājums")]
    assert reminder_subjects == [f"Atgādinājums: Kopīgā tikšanās, {_local(later)}"] * 2
    old = Email.objects.filter(key__contains=":before-", reminder__event_at=meeting.starts_at)
    assert [e.status for e in old] == ["cancelled"]


def test_a_new_place_withdraws_the_reminder_that_names_the_old_one(meeting, staff, applicant):
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        reminders.sweep()
        services.update_meeting(meeting, by=staff, **_fields(meeting, place="Rožu iela 6"))
        mail.outbox = []
        _send_everything_due()
    bodies = [message.body for message in mail.outbox if message.to == [applicant.email]]
    assert bodies and all("Rožu iela 6" in body for body in bodies)
    assert not any("Lielā iela 3" in body for body in bodies)


def test_a_changed_notice_replaces_an_earlier_one_still_waiting(meeting, staff, applicant):
    services.update_meeting(meeting, by=staff, **_fields(meeting, place="Rožu iela 6"))
    services.update_meeting(meeting, by=staff, **_fields(meeting, place="Ziedu iela 1"))
    statuses = dict(Email.objects.filter(recipient=applicant).values_list("key", "status"))
    prefix = f"meeting:{meeting.pk}:user:{applicant.pk}"
    assert statuses == {
        f"{prefix}:invited": "cancelled",
        f"{prefix}:changed-1": "cancelled",
        f"{prefix}:changed-2": "queued",
    }


def test_a_moved_or_deleted_deadline_withdraws_its_waiting_reminders(place, staff):
    deadline = services.create_deadline(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Attīstības plāns",
        description="",
        due_at=moment(15, 23),
        audience="participants",
    )
    with time_machine.travel(deadline.due_at - 7 * DAY, tick=False):
        assert reminders.sweep() == 1
        deadline = services.update_deadline(deadline, by=staff, due_at=deadline.due_at + 3 * DAY)
    assert Email.objects.get(key__contains=":before-7d@").status == "cancelled"
    with time_machine.travel(deadline.due_at - 7 * DAY, tick=False):
        assert reminders.sweep() == 1
        services.delete_deadline(deadline, by=staff)
        _send_everything_due()
    assert not any(s.startswith("Termiņš") for s in _sent_subjects())
    assert set(Email.objects.filter(reminder__isnull=False).values_list("status", flat=True)) == {
        "cancelled"
    }


def test_a_changed_title_keeps_the_reminders_of_an_unchangedmoment(place, staff):
    deadline = services.create_deadline(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Plāns",
        description="",
        due_at=moment(15, 23),
        audience="participants",
    )
    with time_machine.travel(deadline.due_at - 7 * DAY, tick=False):
        reminders.sweep()
        services.update_deadline(deadline, by=staff, title="Attīstības plāns")
    assert Email.objects.get(key__contains=":before-7d@").status == "queued"


def _local(value):
    from django.utils.formats import date_format

    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def test_a_reminder_half_written_when_its_meeting_is_cancelled_sends_nothing_more(
    meeting, staff, place, monkeypatch
):
    from incubator.models import Membership
    from incubator.notifications.models import Reminder

    Membership.objects.create(organisation=place.organisation, user=factories.UserFactory())
    monkeypatch.setattr(reminders, "EMAILS_PER_BATCH", 1)
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        reminders._sweep_batch(timezone.now())  # one of its two people so far
        services.cancel_meeting(meeting, reason="Slimība", by=staff)
        assert reminders.sweep() == 0
    reminder = Reminder.objects.get(source="meeting", label="before-7d")
    assert (reminder.status, reminder.emails_written) == ("cancelled", 1)
    assert [e.status for e in reminder.emails.all()] == ["cancelled"]


def test_a_meeting_moved_away_and_back_reminds_at_its_time_again(meeting, staff):
    from incubator.notifications.models import Reminder

    start = meeting.starts_at
    later = start + 2 * DAY
    meeting, _told = services.update_meeting(
        meeting, by=staff, **_fields(meeting, starts_at=later, ends_at=later + 3 * HOUR)
    )
    services.update_meeting(
        meeting, by=staff, **_fields(meeting, starts_at=start, ends_at=start + 3 * HOUR)
    )
    pending = Reminder.objects.filter(source="meeting", status="pending")
    assert {(r.label, r.event_at) for r in pending} == {("before-7d", start), ("before-1d", start)}
    with time_machine.travel(start - 7 * DAY, tick=False):
        assert reminders.sweep() == 1
