"""When the cycle's reminders go out, and scheduling them with the engine."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.notifications import reminders

from ..models import CycleReminders, Deadline, JointMeeting

MEETING_SOURCE = "meeting"
DEADLINE_SOURCE = "deadline"


def reminder_settings(cycle):
    try:
        return cycle.reminder_settings
    except CycleReminders.DoesNotExist:
        return CycleReminders.defaults(cycle)


def _offsets(cycle, which):
    try:
        return reminders.parse_offsets(getattr(reminder_settings(cycle), which))
    except ValueError:
        return reminders.parse_offsets(getattr(CycleReminders.defaults(cycle), which))


@transaction.atomic
def update_reminder_settings(cycle, *, meetings, deadlines, call_closing, now=None):
    """Saves when the cycle's reminders go out, and moves the pending reminders of
    its meetings and deadlines ahead to the new moments."""
    values = {"meetings": meetings, "deadlines": deadlines, "call_closing": call_closing}
    errors = {}
    for name, text in values.items():
        try:
            values[name] = reminders.format_offsets(reminders.parse_offsets(text))
        except ValueError as error:
            errors[name] = _("“%(part)s” is not a moment like 7d, 12h or 30m.") % {
                "part": error.args[0]
            }
    if errors:
        raise ValidationError(errors)
    settings_row = reminder_settings(cycle)
    for name, text in values.items():
        setattr(settings_row, name, text)
    settings_row.save()
    reschedule_cycle(cycle, now=now)
    return settings_row


def reschedule_cycle(cycle, now=None):
    now = now or timezone.now()
    for meeting in JointMeeting.objects.filter(
        cycle=cycle, starts_at__gt=now, status=JointMeeting.Status.SCHEDULED
    ):
        schedule_meeting_reminders(meeting, now)
    for deadline in Deadline.objects.filter(cycle=cycle, due_at__gt=now):
        schedule_deadline_reminders(deadline, now)


def schedule_meeting_reminders(meeting, now):
    reminders.schedule(
        source=MEETING_SOURCE,
        object_id=meeting.pk,
        event_at=meeting.starts_at,
        offsets=_offsets(meeting.cycle, "meetings"),
        now=now,
    )


def schedule_deadline_reminders(deadline, now):
    which = "call_closing" if deadline.kind == Deadline.Kind.CALL_CLOSES else "deadlines"
    reminders.schedule(
        source=DEADLINE_SOURCE,
        object_id=deadline.pk,
        event_at=deadline.due_at,
        offsets=_offsets(deadline.cycle, which),
        now=now,
    )
