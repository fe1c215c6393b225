"""The outbox: queue an email with the event that causes it, deliver it exactly once."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Email

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY_SECONDS = 30
# A queued row whose send task has not run this long after it was due is
# enqueued again by the sweep (the task was lost, or the workers were down).
SWEEP_GRACE = timedelta(minutes=2)


def render(template, context, language):
    """Renders ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``
    in ``language`` and the portal's time zone. Returns (subject, text, html)."""
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        context = {
            "language": language,
            "site_url": settings.SITE_URL,
            "portal_name": settings.PORTAL_NAME or translation.gettext("NGO Growth Incubator"),
            **context,
        }
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return " ".join(subject.split()), text.strip() + "\n", html


def queue(*, key, recipient=None, to=None, template, context, language=None, calendar=""):
    """Queues one email rendered from ``template`` in the recipient's language.

    Call it inside the transaction of the event that causes the email. Returns the
    new row, or None when an email with ``key`` already exists (nothing is sent
    twice). The send task is enqueued only after the transaction commits.
    """
    language = language or getattr(recipient, "language", None) or settings.LANGUAGE_CODE
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
    )


def queue_rendered(*, key, to, subject, text, html="", language=None, recipient=None,
                   calendar="", sensitive=False):
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
            )
    except IntegrityError:
        return None
    enqueue_on_commit(email.pk)
    return email


def enqueue_on_commit(email_id):
    from .tasks import send_email

    send_email.delay_on_commit(email_id)


def _message(email):
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"X-Incubator-Key": email.key},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    if email.calendar:
        message.attach("invite.ics", email.calendar, "text/calendar; method=REQUEST")
    return message


def retry_delay(attempts):
    """Exponential backoff: 30 s, 1 min, 2 min, 4 min, ..."""
    return FIRST_RETRY_SECONDS * 2 ** (attempts - 1)


def deliver(email_id, now=None):
    """Sends one queued email if it is due; returns seconds to wait before the next
    attempt when sending failed and another attempt is left, else None.

    The row stays locked while the message is handed to the mail server, so two
    workers holding the same id cannot both send it; a row recorded as sent is
    never sent again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=Email.Status.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if email is None:
            return None
        email.attempts += 1
        try:
            _message(email).send()
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("Sending email %s failed: %s", email.pk, error)
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = Email.Status.FAILED
                email.save(update_fields=["attempts", "last_error", "status"])
                return None
            delay = retry_delay(email.attempts)
            email.next_attempt_at = now + timedelta(seconds=delay)
            email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return delay
        email.status = Email.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        fields = ["attempts", "status", "sent_at", "last_error"]
        if email.sensitive:
            email.text_body = email.html_body = ""
            fields += ["text_body", "html_body"]
        email.save(update_fields=fields)
    return None


def dispatch(now=None, grace=SWEEP_GRACE, synchronous=False):
    """Enqueues every queued email that is due and whose send task seems lost.

    Beat calls this every minute with a grace period, so that fresh emails, whose
    task is already on its way, are left alone. The management command calls it
    with ``synchronous=True`` and no grace, to send everything due right away
    (for sites that run it from cron instead of Celery). Returns how many were due.
    """
    now = now or timezone.now()
    due = list(
        Email.objects.filter(status=Email.Status.QUEUED, next_attempt_at__lte=now - grace)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)
    )
    if synchronous:
        for email_id in due:
            deliver(email_id, now=now)
    else:
        from .tasks import send_email

        for email_id in due:
            send_email.delay(email_id)
    return len(due)


def retry_failed(email):
    """Staff put a failed email back in the queue for a fresh series of attempts."""
    updated = Email.objects.filter(pk=email.pk, status=Email.Status.FAILED).update(
        status=Email.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    if updated:
        enqueue_on_commit(email.pk)
    return bool(updated)
