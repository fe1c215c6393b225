"""The outbox: queue an email with the event that causes it, deliver it exactly once."""

import hashlib
import logging
import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, IntegrityError, transaction
from django.db import connection as database
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..site import site_url
from .models import Email

logger = logging.getLogger(__name__)

# A queued row whose send task was handed to the workers this long ago and has not
# run is handed on again by the sweep (the task was lost, or the workers were down).
SWEEP_GRACE = timedelta(minutes=2)
# At most this many are handed on per sweep; the next minute's sweep continues.
SWEEP_LIMIT = 5000
# Rows written together are inserted, and handed to the workers, in chunks this size.
CHUNK = 500
TASK_BATCH = 50
# Recording an attempt survives a lost database connection: the write is tried this
# many times on a fresh connection, after 0.2 s, 0.4 s, 0.8 s ... (6.2 s in all).
RECORD_ATTEMPTS = 6
RECORD_BACKOFF = 0.2
INTERRUPTED_AND_EXPIRED = (
    "An attempt was cut off (the process sending it stopped); it may have been delivered. "
    "Not sent again: its event has started."
)


def max_attempts():
    return settings.EMAIL_MAX_ATTEMPTS


def render(template, context, language):
    """Renders ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``
    in ``language`` and the portal's time zone. Returns (subject, text, html)."""
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        context = {
            "language": language,
            "site_url": site_url(),
            "portal_name": settings.PORTAL_NAME or translation.gettext("NGO Growth Incubator"),
            **context,
        }
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return " ".join(subject.split()), text.strip() + "\n", html


def _language(recipient, language=None):
    return language or getattr(recipient, "language", None) or settings.LANGUAGE_CODE


def queue(
    *, key, recipient=None, to=None, template, context, language=None, calendar="", expires_at=None
):
    """Queues one email rendered from ``template`` in the recipient's language.

    Call it inside the transaction of the event that causes the email. Returns the
    new row, or None when an email with ``key`` already exists (nothing is sent
    twice). The send task is enqueued only after the transaction commits.
    """
    language = _language(recipient, language)
    subject, text, html = render(template, {"recipient": recipient, **context}, language)
    return queue_rendered(
        key=key,
        recipient=recipient,
        to=to or recipient.email,
        language=language,
        subject=subject,
        text=text,
        html=html,
        calendar=calendar,
        expires_at=expires_at,
    )


def queue_rendered(
    *,
    key,
    to,
    subject,
    text,
    html="",
    language=None,
    recipient=None,
    calendar="",
    sensitive=False,
    expires_at=None,
):
    try:
        with transaction.atomic():
            email = Email.objects.create(
                key=key,
                recipient=recipient,
                to=to,
                language=language or translation.get_language() or settings.LANGUAGE_CODE,
                subject=subject[:300],
                text_body=text,
                html_body=html,
                calendar=calendar,
                sensitive=sensitive,
                expires_at=expires_at,
                enqueued_at=timezone.now(),
            )
    except IntegrityError:
        return None
    enqueue_on_commit(email.pk)
    return email


@dataclass
class Outgoing:
    """One email to write with ``queue_many``: to a person (``recipient``) or an
    address (``to``), rendered from ``template`` in their language. ``reminder``: the
    reminder moment it was written for, if any (see ``reminders``)."""

    key: str
    template: str
    context: dict = field(default_factory=dict)
    recipient: object = None
    to: str = ""
    language: str = ""
    calendar: str = ""
    expires_at: datetime | None = None
    reminder: object = None


def existing_keys(keys):
    """The keys among ``keys`` that the outbox already holds, a few queries in all."""
    keys = list(keys)
    found = set()
    for start in range(0, len(keys), CHUNK):
        found.update(
            Email.objects.filter(key__in=keys[start : start + CHUNK]).values_list("key", flat=True)
        )
    return found


def queue_many(messages, now=None):
    """Writes many emails at once: rendered in each recipient's language, inserted in
    a few statements, each key at most once (rows that exist already are left as they
    are, and not rendered again). Call it inside the event's transaction; the new rows
    are handed to the workers in batches after it commits. Returns the ids of the rows
    written."""
    now = now or timezone.now()
    unique = {}
    for message in messages:
        unique.setdefault(message.key, message)
    taken = existing_keys(unique)
    fresh = [message for key, message in unique.items() if key not in taken]
    rows = []
    for message in sorted(fresh, key=lambda m: _language(m.recipient, m.language)):
        language = _language(message.recipient, message.language)
        subject, text, html = render(
            message.template, {"recipient": message.recipient, **message.context}, language
        )
        rows.append(
            Email(
                key=message.key,
                recipient=message.recipient,
                to=message.to or message.recipient.email,
                language=language,
                subject=subject[:300],
                text_body=text,
                html_body=html,
                calendar=message.calendar,
                expires_at=message.expires_at,
                reminder=message.reminder,
                created_at=now,
                next_attempt_at=now,
                enqueued_at=now,
            )
        )
    ids = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        # A concurrent transaction may have written one of these keys since we looked:
        # its row stays (and is counted here too; enqueued twice, it is still sent once).
        Email.objects.bulk_create(chunk, ignore_conflicts=True)
        ids += Email.objects.filter(key__in=[row.key for row in chunk]).values_list("pk", flat=True)
    enqueue_batches_on_commit(ids)
    return ids


def cancel_queued(emails):
    """The queued emails among ``emails`` (a queryset) are not to be sent: what they
    say is no longer true (their meeting was cancelled, moved or changed). An email
    being handed to the mail server at this moment ("sending") is left to finish.
    Returns how many were cancelled."""
    return emails.filter(status=Email.Status.QUEUED).update(status=Email.Status.CANCELLED)


def enqueue_on_commit(email_id):
    from .tasks import send_email

    send_email.delay_on_commit(email_id)


def enqueue_batches_on_commit(email_ids):
    from .tasks import send_emails

    for start in range(0, len(email_ids), TASK_BATCH):
        send_emails.delay_on_commit(list(email_ids[start : start + TASK_BATCH]))


def _domain():
    """The domain of the sender address (else of the site), for Message-IDs."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return address.rpartition("@")[2] or urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(key):
    """The same Message-ID for every attempt at one email: should a message go out
    twice (a worker killed between the mail server's acceptance and the commit),
    mail servers and clients can tell it is one message."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{_domain()}>"


def calendar_method(calendar):
    """The METHOD of an iCalendar text (REQUEST when none), read from the calendar's
    own lines: an agenda that mentions "METHOD:CANCEL" is inside its event."""
    for line in calendar.splitlines():
        if line.startswith("BEGIN:VEVENT"):
            break
        name, _colon, value = line.partition(":")
        if name.upper() == "METHOD":
            return value.strip().upper()
    return "REQUEST"


def _message(email, connection=None):
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"X-Incubator-Key": email.key, "Message-ID": message_id(email.key)},
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    if email.calendar:
        method = calendar_method(email.calendar)
        message.attach("invite.ics", email.calendar, f"text/calendar; method={method}")
    return message


def _describe(error):
    return f"{type(error).__name__}: {error}"[:2000]


def retry_delay(attempts):
    """Exponential backoff: 30 s, 1 min, 2 min, 4 min, ... (EMAIL_RETRY_SECONDS first)."""
    return settings.EMAIL_RETRY_SECONDS * 2 ** (attempts - 1)


def sending_grace():
    """How long a row may stay "sending" before it counts as left by a dead process."""
    return timedelta(seconds=settings.EMAIL_SENDING_GRACE)


def _with_reconnect(write):
    """Runs ``write`` (a short transaction, or one statement) and, when the database
    connection is lost under it (a terminated backend, a server restart, a network
    cut), closes the broken connection and runs it again on a fresh one, a few times,
    waiting a little longer each time. Inside a caller's transaction nothing can be
    retried: the error is raised at once."""
    for attempt in range(RECORD_ATTEMPTS):
        try:
            return write()
        except IntegrityError:
            raise
        except DatabaseError as error:
            if database.in_atomic_block or attempt + 1 == RECORD_ATTEMPTS:
                raise
            logger.warning("Database error in the outbox (%s); reconnecting", error)
            database.close()
            time.sleep(RECORD_BACKOFF * 2**attempt)


def _claim(email_id, now):
    """Takes one email for an attempt and commits that before anything is sent: the
    row becomes "sending", its attempt counted. Returns it, or None when it is not
    due, is sent or failed, is being sent by a living worker, or has expired.

    A row still "sending" longer than the grace period was left by a process that
    died during its attempt, perhaps after the mail server had accepted it: it is
    taken again, and marked as possibly duplicated (the same Message-ID lets mail
    programs tell the copies are one message)."""
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id)
            .filter(
                Q(status=Email.Status.QUEUED, next_attempt_at__lte=now)
                | Q(status=Email.Status.SENDING, claimed_at__lte=now - sending_grace())
            )
            .first()
        )
        if email is None:
            return None
        interrupted = email.status == Email.Status.SENDING
        if interrupted:
            logger.warning("Email %s was left sending by a stopped process", email.pk)
        if email.expires_at is not None and email.expires_at <= now:
            email.status = Email.Status.EXPIRED
            if interrupted:
                email.last_error = INTERRUPTED_AND_EXPIRED
            email.save(update_fields=["status", "last_error"])
            return None
        email.status = Email.Status.SENDING
        email.attempts += 1
        email.claimed_at = now
        email.possibly_duplicated = email.possibly_duplicated or interrupted
        email.save(update_fields=["status", "attempts", "claimed_at", "possibly_duplicated"])
    return email


def _record(email, **changes):
    """Writes the result of ``email``'s attempt in a statement of its own, after the
    mail server has answered, reconnecting if the database connection was lost. Only
    the attempt that claimed the row records it."""

    def write():
        return Email.objects.filter(
            pk=email.pk, status=Email.Status.SENDING, attempts=email.attempts
        ).update(**changes)

    if not _with_reconnect(write):
        logger.warning("Email %s was taken by another attempt before this one ended", email.pk)


def _record_failure(email, error, now):
    """A failed attempt: queued again with its backoff, or failed after the last one.
    Returns the seconds until the next attempt, or None."""
    if email.attempts >= max_attempts():
        _record(email, status=Email.Status.FAILED, last_error=_describe(error))
        return None
    delay = retry_delay(email.attempts)
    _record(
        email,
        status=Email.Status.QUEUED,
        last_error=_describe(error),
        next_attempt_at=now + timedelta(seconds=delay),
        enqueued_at=None,  # the next dispatch once it is due hands it on
    )
    return delay


def deliver(email_id, now=None, connection=None):
    """Sends one queued email if it is due; returns seconds to wait before the next
    attempt when sending failed and another attempt is left, else None.

    Three steps, none of them holding a transaction open while the mail server is
    spoken to: the attempt is claimed and committed (``_claim``: two workers holding
    the same id cannot both send it), the message is handed to the mail server, and
    the result is recorded (``_record``: a lost database connection is reopened, so a
    living worker never sends a message twice). A row recorded as sent is never sent
    again; a reminder whose event has started is not sent at all. Call it outside
    any transaction. ``connection``: an open mail server connection to reuse
    (``deliver_batch``).
    """
    now = now or timezone.now()
    email = _with_reconnect(lambda: _claim(email_id, now))
    if email is None:
        return None
    try:
        _message(email, connection).send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Sending email %s failed: %s", email.pk, error)
        if connection is not None:
            connection.close()  # the next message opens a fresh one
        return _record_failure(email, error, now)
    except Exception as error:
        # Not the mail server: the message itself cannot be built or encoded. Trying
        # again would fail the same way, so it fails now, visibly, for staff to see.
        logger.exception("Email %s cannot be sent", email.pk)
        if connection is not None:
            connection.close()
        _record(email, status=Email.Status.FAILED, last_error=_describe(error))
        return None
    # last_error stays: "sent on the 3rd attempt, after ..." is worth seeing.
    changes = {"status": Email.Status.SENT, "sent_at": timezone.now()}
    if email.sensitive:
        changes.update(text_body="", html_body="")
    _record(email, **changes)
    return None


def deliver_batch(email_ids):
    """Delivers a batch over one connection to the mail server, each row in its own
    transaction (a crash loses at most the one being sent). Returns {id: seconds}
    for the emails to try again. With nothing to send it opens no connection (the
    file backend of the embedded default would write an empty file every minute)."""
    retry = {}
    if not email_ids:
        return retry
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        # Each message tries again on its own and records the error with its backoff.
        logger.warning("Opening the mail server connection failed: %s", error)
    try:
        for email_id in email_ids:
            retry_in = deliver(email_id, connection=connection)
            if retry_in is not None:
                retry[email_id] = retry_in
    finally:
        connection.close()
    return retry


def stalled(now=None, grace=SWEEP_GRACE, limit=None):
    """Ids of emails that are due and have no send task on its way: queued and never
    handed to the workers, handed on more than ``grace`` ago (the task was lost), or
    due again after a failed attempt; and rows left "sending" by a process that died
    (for longer than ``sending_grace()``), those first. The longest waiting first, at
    most ``limit``."""
    now = now or timezone.now()
    limit = limit or SWEEP_LIMIT
    not_on_its_way = Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - grace)
    interrupted = list(
        Email.objects.filter(status=Email.Status.SENDING, claimed_at__lte=now - sending_grace())
        .filter(not_on_its_way)
        .order_by("claimed_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return interrupted + list(
        Email.objects.filter(status=Email.Status.QUEUED, next_attempt_at__lte=now)
        .filter(not_on_its_way)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[: limit - len(interrupted)]
    )


def dispatch(now=None, grace=SWEEP_GRACE, synchronous=False):
    """The every-minute run: writes the reminders that are due (``reminders.sweep``),
    then hands on every queued email that is due and has no send task on its way
    (and every one left "sending" by a process that died: see ``stalled``).

    Beat calls this every minute with a grace period, so that fresh emails, whose
    task is already on its way, are left alone. The management command calls it
    with ``synchronous=True`` and no grace, to send everything due right away
    (for sites that run it from cron instead of Celery). Returns (reminder emails
    written, emails handed on).
    """
    from . import reminders

    now = now or timezone.now()
    written = reminders.sweep(now=now)
    due = stalled(now, grace)
    if synchronous:
        deliver_batch(due)
    else:
        from .tasks import send_emails

        # Marked first, so that the next minute's sweep leaves them to these tasks.
        Email.objects.filter(pk__in=due).update(enqueued_at=now)
        for start in range(0, len(due), TASK_BATCH):
            send_emails.delay(due[start : start + TASK_BATCH])
    return written, len(due)


def retry_failed(email):
    """Staff put a failed email back in the queue for a fresh series of attempts."""
    now = timezone.now()
    updated = Email.objects.filter(pk=email.pk, status=Email.Status.FAILED).update(
        status=Email.Status.QUEUED, attempts=0, next_attempt_at=now, enqueued_at=now
    )
    if updated:
        enqueue_on_commit(email.pk)
    return bool(updated)
