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

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Email, Reminder

REMINDERS_PER_BATCH = 500  # reminders claimed per transaction
EMAILS_PER_BATCH = 1000  # emails written per transaction, at most
MAX_BATCHES = 100  # per sweep; the next minute's sweep continues

logger = logging.getLogger(__name__)

_sources = {}


@dataclass
class Recipient:
    """One person to remind of one event, with what their email needs to say."""

    reminder: Reminder
    user: object
    context: dict = field(default_factory=dict)
    calendar: str = ""


class ReminderSource:
    """What an app registers: a name (the first part of the outbox key), a label
    (for the staff's outbox filter), the email template, and
    ``recipients(reminders)``, which loads the events and their people for a whole
    batch in a constant number of queries and yields ``Recipient`` items, in the
    order of ``reminders``, all of one reminder's people together. ``sync(now)`` may
    bring the app's reminders in line with data edited elsewhere."""

    name = ""
    label = ""
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
    """ "7d, 1d" -> {"before-7d": 7 days, "before-1d": 1 day}, longest first. Raises
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
    """(Re)schedules the reminders of one event at ``event_at``: one per offset whose
    moment is still ahead. Its pending reminders of another moment (the event moved)
    or of an offset no longer wanted are cancelled, and their emails still waiting in
    the outbox are not sent. Reminders already written stay written; if the event
    moved, the new moments remind again. Returns how many reminders are ahead."""
    now = now or timezone.now()
    wanted = {}
    for label, offset in offsets.items():
        due_at = due_moment(event_at, label, offset)
        if due_at > now:
            wanted[label] = due_at
    mine = Reminder.objects.filter(source=source, object_id=object_id)
    # An UPDATE, not a DELETE: on PostgreSQL it waits for a sweep that has claimed one
    # of these reminders and then skips it, written; the emails that sweep wrote are
    # seen, and withdrawn, by the next statement.
    mine.filter(status=Reminder.Status.PENDING).exclude(
        event_at=event_at, label__in=list(wanted)
    ).update(status=Reminder.Status.CANCELLED, processed_at=now)
    _withdraw_queued(source, object_id, keep_event_at=event_at)
    for label, due_at in wanted.items():
        # One of this very moment cancelled earlier (moved away and back) is armed again.
        mine.filter(
            label=label,
            event_at=event_at,
            status__in=[Reminder.Status.PENDING, Reminder.Status.CANCELLED],
        ).update(status=Reminder.Status.PENDING, due_at=due_at, processed_at=None)
    Reminder.objects.bulk_create(
        [
            Reminder(
                source=source,
                object_id=object_id,
                label=label,
                due_at=due_at,
                event_at=event_at,
                created_at=now,
            )
            for label, due_at in wanted.items()
        ],
        ignore_conflicts=True,  # those of this moment already there stay as they are
    )
    return len(wanted)


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


def cancel(*, source, object_id, now=None):
    """Cancels the pending reminders of a cancelled or deleted event, and withdraws its
    reminder emails still waiting in the outbox (see ``schedule`` on the order)."""
    cancelled = Reminder.objects.filter(
        source=source, object_id=object_id, status=Reminder.Status.PENDING
    ).update(status=Reminder.Status.CANCELLED, processed_at=now or timezone.now())
    _withdraw_queued(source, object_id)
    return cancelled


def _withdraw_queued(source, object_id, keep_event_at=None):
    emails = Email.objects.filter(reminder__source=source, reminder__object_id=object_id)
    if keep_event_at is not None:
        emails = emails.exclude(reminder__event_at=keep_event_at)
    return services.cancel_queued(emails)


# --- the sweep ---------------------------------------------------------------------


def sweep(now=None, max_batches=None):
    """Writes the emails of every reminder that is due; returns how many emails.

    A reminder whose moment passed while nothing ran is still written if its event
    is ahead; one whose event has started is marked missed and never sent; of
    several reminders of one event due at once only the nearest is sent, the
    others are marked skipped. Each
    transaction claims up to REMINDERS_PER_BATCH reminders and writes at most
    EMAILS_PER_BATCH emails: a reminder with more people than that is written over
    several transactions, and stays pending until all of them are.
    """
    now = now or timezone.now()
    for source in _sources.values():
        source.sync(now)
    _report_unregistered(now)
    written = 0
    for _batch in range(max_batches or MAX_BATCHES):
        count, more = _sweep_batch(now)
        written += count
        if not more:
            break
    return written


def _report_unregistered(now):
    """Reminders of a source no app registers (an app removed, a name changed) are
    left pending, and said so, rather than marked written with nobody reminded."""
    unknown = (
        Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=now)
        .exclude(source__in=list(_sources))
        .values_list("source")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for name, count in unknown:
        logger.error(
            "%d due reminders of %r are left pending: no app registers that source.",
            count,
            name,
        )


def _outgoing(source, reminders):
    """(reminder, Outgoing) for each person ``source`` names, in reminder order."""
    for item in source.recipients(reminders):
        user = item.user
        if source.optional and not user.optional_reminders:
            continue
        if not user.is_active or not user.email:
            continue
        yield (
            item.reminder,
            services.Outgoing(
                key=item.reminder.key_for(user.pk),
                recipient=user,
                template=source.template,
                context={"reminder": item.reminder, **item.context},
                calendar=item.calendar,
                expires_at=item.reminder.event_at,
                reminder=item.reminder,
            ),
        )


def _chunks(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@transaction.atomic
def _sweep_batch(now):
    """One transaction: claims due reminders, expands them into up to EMAILS_PER_BATCH
    emails, and writes those to the outbox, marking written the reminders whose
    emails are all there. Returns (emails written, whether more may be due)."""
    claimed = _claim(now)
    if not claimed:
        return 0, False
    batch = _expand(_skip_superseded(_set_aside_missed(claimed, now), now))
    _write(batch, now)
    return len(batch.messages), batch.full or len(claimed) == REMINDERS_PER_BATCH


def _claim(now):
    """Claim: the due pending reminders of registered sources that no other sweep
    holds, locked until the transaction ends."""
    return list(
        Reminder.objects.select_for_update(skip_locked=True)
        .filter(status=Reminder.Status.PENDING, due_at__lte=now, source__in=list(_sources))
        .order_by("due_at", "pk")[:REMINDERS_PER_BATCH]
    )


def _set_aside_missed(claimed, now):
    """Marks missed the claimed reminders whose event has begun (never sent late);
    returns the others, {source name: [reminders]}, in claim order."""
    missed = [r.pk for r in claimed if r.event_at <= now]
    if missed:
        Reminder.objects.filter(pk__in=missed).update(
            status=Reminder.Status.MISSED, processed_at=now
        )
    by_source = {}
    for reminder in claimed:
        if reminder.event_at > now:
            by_source.setdefault(reminder.source, []).append(reminder)
    return by_source


def _skip_superseded(by_source, now):
    """Marks skipped the claimed reminders of an event that has a nearer reminder
    due as well (after a downtime "7 days before" and "1 day before" come due at
    once: only "1 day before" is sent) or already written; returns the others."""
    claimed = [r for reminders in by_source.values() for r in reminders]
    if not claimed:
        return by_source
    nearest = {}
    for source, object_id, event_at, due_at, pk in Reminder.objects.filter(
        source__in={r.source for r in claimed},
        object_id__in={r.object_id for r in claimed},
        event_at__in={r.event_at for r in claimed},
        due_at__lte=now,
        status__in=[Reminder.Status.PENDING, Reminder.Status.WRITTEN],
    ).values_list("source", "object_id", "event_at", "due_at", "pk"):
        event = (source, object_id, event_at)
        nearest[event] = max(nearest.get(event, (due_at, pk)), (due_at, pk))
    skipped = {
        r.pk for r in claimed if nearest[(r.source, r.object_id, r.event_at)] != (r.due_at, r.pk)
    }
    if not skipped:
        return by_source
    Reminder.objects.filter(pk__in=skipped).update(status=Reminder.Status.SKIPPED, processed_at=now)
    kept = {
        name: [r for r in reminders if r.pk not in skipped] for name, reminders in by_source.items()
    }
    return {name: reminders for name, reminders in kept.items() if reminders}


@dataclass
class _Batch:
    """What one transaction writes: the emails, how many per reminder, and the
    reminders whose emails are all in the outbox once it commits."""

    messages: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    complete: list = field(default_factory=list)
    keys: set = field(default_factory=set)
    full: bool = False


def _expand(by_source):
    """Expand: the emails of the claimed reminders, source by source, until the
    batch is full. A reminder whose emails did not all fit stays pending, with
    those after it, for the next batch (the outbox's keys skip what was written)."""
    batch = _Batch()
    for name, reminders in by_source.items():
        unfinished = _expand_source(batch, _sources[name], reminders)
        if unfinished is None:
            batch.complete += reminders
            continue
        position = next(i for i, r in enumerate(reminders) if r.pk == unfinished.pk)
        batch.complete += reminders[:position]
        batch.full = True
        break
    return batch


def _expand_source(batch, source, reminders):
    """Adds the emails of one source's reminders not yet in the outbox to ``batch``;
    returns the first reminder whose emails did not all fit (None when all did)."""
    for chunk in _chunks(_outgoing(source, reminders), EMAILS_PER_BATCH):
        in_outbox = services.existing_keys(message.key for _r, message in chunk)
        for reminder, message in chunk:
            if message.key in in_outbox or message.key in batch.keys:
                continue
            if len(batch.messages) == EMAILS_PER_BATCH:
                return reminder
            batch.keys.add(message.key)
            batch.messages.append(message)
            batch.counts[reminder.pk] += 1
    return None


def _write(batch, now):
    """Write: the batch's emails to the outbox, and on each reminder how many of its
    emails are written, those complete marked written. One statement per distinct
    count (usually one or two), not one per reminder."""
    services.queue_many(batch.messages, now=now)
    done = {reminder.pk for reminder in batch.complete}
    by_count = {}
    for pk in done | set(batch.counts):
        by_count.setdefault((pk in done, batch.counts[pk]), []).append(pk)
    for (finished, count), pks in by_count.items():
        changes = {"emails_written": F("emails_written") + count}
        if finished:
            changes.update(status=Reminder.Status.WRITTEN, processed_at=now)
        Reminder.objects.filter(pk__in=pks).update(**changes)
