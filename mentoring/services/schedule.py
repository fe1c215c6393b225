"""The cycle's consultation rules, and the reminders the mentoring app gives the
kernel's engine (``incubator.notifications.reminders``): before each consultation,
to the mentor of a consultation still without a log two days after it, to the
mentor of a request not answered in three days, and before an action item is due.

The engine reminds *before* an event and never after it. A reminder after something
(no log two days after a consultation) is given an end instead: the moment it is no
longer worth sending (``LOG_REMINDER_UNTIL`` after the consultation)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.notifications import reminders

from ..models import Consultation, MentoringSettings

CONSULTATION_SOURCE = "consultation"
LOG_SOURCE = "consultation-log"
REQUEST_SOURCE = "consultation-request"
ACTION_ITEM_SOURCE = "action-item"

LOG_DUE_AFTER = datetime.timedelta(hours=48)
LOG_REMINDER_UNTIL = datetime.timedelta(days=30)
REQUEST_ANSWER_WITHIN = datetime.timedelta(days=3)
ACTION_ITEM_HOUR = datetime.time(9)


def mentoring_settings(cycle):
    try:
        return cycle.mentoring_settings
    except MentoringSettings.DoesNotExist:
        return MentoringSettings.defaults(cycle)


def consultation_offsets(cycle):
    try:
        return reminders.parse_offsets(mentoring_settings(cycle).reminders)
    except ValueError:
        return reminders.parse_offsets(MentoringSettings.defaults(cycle).reminders)


def cutoff(consultation):
    """The last moment organisations and mentors may cancel or move it."""
    hours = mentoring_settings(consultation.cycle).cutoff_hours
    return consultation.starts_at - datetime.timedelta(hours=hours)


def schedule_consultation_reminders(consultation, now):
    """Before it (the cycle's moments), and to its mentor if no log follows."""
    reminders.schedule(
        source=CONSULTATION_SOURCE,
        object_id=consultation.pk,
        event_at=consultation.starts_at,
        offsets=consultation_offsets(consultation.cycle),
        now=now,
    )
    until = consultation.ends_at + LOG_REMINDER_UNTIL
    reminders.schedule(
        source=LOG_SOURCE,
        object_id=consultation.pk,
        event_at=until,
        offsets={"no-log-48h": until - (consultation.ends_at + LOG_DUE_AFTER)},
        now=now,
    )


def cancel_consultation_reminders(consultation, now, log_too=True):
    reminders.cancel(source=CONSULTATION_SOURCE, object_id=consultation.pk, now=now)
    if log_too:
        reminders.cancel(source=LOG_SOURCE, object_id=consultation.pk, now=now)


def schedule_request_reminder(request, now):
    """The mentor is reminded of a request still unanswered after three days, if one
    of its times is still ahead then."""
    due = request.created_at + REQUEST_ANSWER_WITHIN
    last = max(request.options)
    if last > due:
        reminders.schedule(
            source=REQUEST_SOURCE,
            object_id=request.pk,
            event_at=last,
            offsets={"unanswered-72h": last - due},
            now=now,
        )


def schedule_action_item_reminder(item, now):
    if item.due_on is None or item.is_done:
        reminders.cancel(source=ACTION_ITEM_SOURCE, object_id=item.pk, now=now)
        return
    due = timezone.make_aware(datetime.datetime.combine(item.due_on, ACTION_ITEM_HOUR))
    reminders.schedule(
        source=ACTION_ITEM_SOURCE,
        object_id=item.pk,
        event_at=due,
        offsets={"before-1d": datetime.timedelta(days=1)},
        now=now,
    )


@transaction.atomic
def update_settings(cycle, *, cutoff_hours, reminders_text, now=None):
    """Saves the cycle's consultation rules, and moves the pending reminders of its
    consultations ahead to the new moments."""
    now = now or timezone.now()
    try:
        offsets = reminders.parse_offsets(reminders_text)
    except ValueError as error:
        raise ValidationError(
            {
                "reminders": _("“%(part)s” is not a moment like 1d, 12h or 30m.")
                % {"part": error.args[0]}
            }
        ) from None
    if not 0 <= cutoff_hours <= 24 * 14:
        raise ValidationError({"cutoff_hours": _("Give a number of hours from 0 to 336.")})
    row = mentoring_settings(cycle)
    row.cutoff_hours = cutoff_hours
    row.reminders = reminders.format_offsets(offsets)
    row.save()
    for consultation in Consultation.objects.filter(
        cycle=cycle, status=Consultation.Status.SCHEDULED, starts_at__gt=now
    ):
        reminders.schedule(
            source=CONSULTATION_SOURCE,
            object_id=consultation.pk,
            event_at=consultation.starts_at,
            offsets=offsets,
            now=now,
        )
    return row
