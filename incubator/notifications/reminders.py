"""Reminders: due moments kept in the database, written to the outbox by a sweep.

An app that has events (joint meetings, deadlines, consultations) registers a
``ReminderSource`` in its ``AppConfig.ready()`` and, in the service that schedules,
moves or cancels an event, calls ``schedule(...)`` or ``cancel(...)`` inside the same
transaction. Every minute ``sweep()`` (from Celery beat, or cron through
``manage.py dispatch_notifications``) claims the pending reminders that are due,
asks their source whom to remind, and writes those emails to the outbox in the
transaction that marks the reminders written. A second or concurrent sweep finds
them claimed or written; the outbox's unique keys make any overlap a no-op.

Nothing is scheduled in the broker (a Celery ETA would be redelivered by Redis
after its visibility timeout, and sent twice).
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Email, Reminder

BATCH = 100  # reminders claimed per transaction
MAX_BATCHES = 50  # per sweep; the next minute's sweep continues

_sources = {}


@dataclass
class Recipient:
    """One person to remind of one event, with what their email needs to say."""

    reminder: Reminder
    user: object
    context: dict = field(default_factory=dict)
    calendar: str = ""


class ReminderSource:
    """What an app registers: a name (the first part of the outbox key), the email
    template, and ``recipients(reminders)``, which loads the events and their people
    for a whole batch in a constant number of queries and yields ``Recipient`` items.
    ``sync(now)`` may bring the app's reminders in line with data edited elsewhere."""

    name = ""
    template = ""
    # Optional reminders are not written for people who switched them off.
    optional = True

    def recipients(self, reminders):
        raise NotImplementedError

    def sync(self, now):
        pass


def register(source):
    if not source.name or ":" in source.name:
        raise ValueError(f"A reminder source needs a name without colons: {source.name!r}")
    _sources[source.name] = source


def sources():
    return dict(_sources)


# --- offsets ---------------------------------------------------------------------

_OFFSET = re.compile(r"^(\d{1,3})([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_offsets(text):
    """"7d, 1d" -> {"before-7d": 7 days, "before-1d": 1 day}, longest first. Raises
    ValueError with the part that is not a moment ("2 dienas")."""
    offsets = {}
    for part in re.split(r"[,;]", (text or "").lower()):
        tokens = part.split()
        if not tokens:
            continue
        matches = [_OFFSET.match(token) for token in tokens]
        if not all(matches) or any(int(m.group(1)) == 0 for m in matches):
            raise ValueError(part.strip())
        for match in matches:
            number, unit = int(match.group(1)), match.group(2)
            offsets[f"before-{number}{unit}"] = timedelta(**{_UNITS[unit]: number})
    return dict(sorted(offsets.items(), key=lambda item: -item[1]))


def format_offsets(offsets):
    return ", ".join(label.removeprefix("before-") for label in offsets)


OFFSET_HELP = _("Moments before the event, e.g. “7d, 1d” (days), “12h” (hours) or “30m”.")


# --- scheduling (called by the apps' services, inside their transaction) ----------


def schedule(*, source, object_id, event_at, offsets, now=None):
    """(Re)schedules the reminders of one event at ``event_at``: its pending
    reminders are replaced by one per offset whose moment is still ahead. Reminders
    already written stay written; if the event moved, the new moments remind again,
    and the emails of its old moments that are still in the outbox are not sent."""
    now = now or timezone.now()
    # On PostgreSQL this waits for a sweep that has claimed these reminders, so the
    # emails it wrote are seen (and withdrawn) below.
    Reminder.objects.filter(
        source=source, object_id=object_id, status=Reminder.Status.PENDING
    ).delete()
    _withdraw_queued(source, object_id, keep_event_at=event_at)
    moments = {label: due_moment(event_at, label, offset) for label, offset in offsets.items()}
    rows = [
        Reminder(
            source=source,
            object_id=object_id,
            label=label,
            due_at=due_at,
            event_at=event_at,
            created_at=now,
        )
        for label, due_at in moments.items()
        if due_at > now
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def due_moment(event_at, label, offset):
    """When the reminder ``label`` of an event at ``event_at`` is due. Days count on
    the portal's clock: "7d" before a meeting at 10:00 is 10:00 a week earlier, Riga
    time, even across a daylight saving change; hours and minutes are exact spans."""
    if label.endswith("d"):
        local = event_at.astimezone(ZoneInfo(settings.TIME_ZONE))
        # Aware arithmetic within one zone keeps the wall clock; the offset from UTC
        # is that of the earlier day.
        return local - offset
    return event_at - offset


def cancel(*, source, object_id):
    """Drops the pending reminders of a cancelled or deleted event, and withdraws its
    reminder emails still waiting in the outbox."""
    dropped = Reminder.objects.filter(
        source=source, object_id=object_id, status=Reminder.Status.PENDING
    ).delete()[0]
    _withdraw_queued(source, object_id)
    return dropped


def _withdraw_queued(source, object_id, keep_event_at=None):
    emails = Email.objects.filter(reminder__source=source, reminder__object_id=object_id)
    if keep_event_at is not None:
        emails = emails.exclude(reminder__event_at=keep_event_at)
    return services.cancel_queued(emails)


# --- the sweep ---------------------------------------------------------------------


def sweep(now=None, batch=BATCH, max_batches=MAX_BATCHES):
    """Writes the emails of every reminder that is due; returns how many emails.

    A reminder whose moment passed while nothing ran is still written if its event
    is ahead; one whose event has started is marked missed and never sent.
    """
    now = now or timezone.now()
    for source in _sources.values():
        source.sync(now)
    written = 0
    for _batch in range(max_batches):
        count, claimed = _sweep_batch(now, batch)
        written += count
        if claimed < batch:
            break
    return written


@transaction.atomic
def _sweep_batch(now, batch):
    claimed = list(
        Reminder.objects.select_for_update(skip_locked=True)
        .filter(status=Reminder.Status.PENDING, due_at__lte=now)
        .order_by("due_at", "pk")[:batch]
    )
    if not claimed:
        return 0, 0
    missed = [r.pk for r in claimed if r.event_at <= now]
    live = [r for r in claimed if r.event_at > now]
    if missed:
        Reminder.objects.filter(pk__in=missed).update(
            status=Reminder.Status.MISSED, processed_at=now
        )
    counts = {reminder.pk: 0 for reminder in live}
    messages = []
    by_source = {}
    for reminder in live:
        by_source.setdefault(reminder.source, []).append(reminder)
    for name, reminders in by_source.items():
        source = _sources.get(name)
        if source is None:
            continue  # the app is gone; its reminders are marked written with no email
        for item in source.recipients(reminders):
            user = item.user
            if source.optional and not user.optional_reminders:
                continue
            if not user.is_active or not user.email:
                continue
            counts[item.reminder.pk] += 1
            messages.append(
                services.Outgoing(
                    key=item.reminder.key_for(user.pk),
                    recipient=user,
                    template=source.template,
                    context={"reminder": item.reminder, **item.context},
                    calendar=item.calendar,
                    expires_at=item.reminder.event_at,
                    reminder=item.reminder,
                )
            )
    new = services.queue_many(messages, now=now)
    # One statement per distinct count (usually one or two), not one per reminder.
    by_count = {}
    for pk, count in counts.items():
        by_count.setdefault(count, []).append(pk)
    for count, pks in by_count.items():
        Reminder.objects.filter(pk__in=pks).update(
            status=Reminder.Status.WRITTEN, processed_at=now, emails_written=count
        )
    return len(new), len(claimed)
