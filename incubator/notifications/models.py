import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Email(models.Model):
    """One email in the outbox.

    A row is written in the same transaction as the event that causes it. ``key``
    names the event and the recipient (``application:7:submitted:user:3``); the
    unique constraint makes writing the same email twice a no-op, however many
    times a task or a sweep runs.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        # Claimed by a worker, the attempt counted and committed, before the message
        # is handed to the mail server; the result is recorded after.
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
    )
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    calendar = models.TextField(_("calendar invitation"), blank=True)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Carries a sign-in or password link: its text is hidden and erased once sent."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When a send task was last handed to the workers (none after a failed attempt:
    # the next dispatch once it is due hands it on again).
    enqueued_at = models.DateTimeField(_("handed to the workers"), null=True, blank=True)
    # When the current attempt was claimed (status "sending"). A row still sending
    # long after this was left by a process that died mid-attempt: it is sent again.
    claimed_at = models.DateTimeField(_("attempt started"), null=True, blank=True)
    possibly_duplicated = models.BooleanField(
        _("possibly duplicated"),
        default=False,
        help_text=_(
            "An attempt was cut off after the mail server may have accepted the message, "
            "and the email was sent again: the recipient may have received it twice (with "
            "the same Message-ID)."
        ),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(
        _("send before"),
        null=True,
        blank=True,
        help_text=_("A reminder is not sent once its event has started."),
    )
    # The reminder moment this email was written for (none for notices): when its
    # event is cancelled or moved, a reminder still waiting here is not sent.
    reminder = models.ForeignKey(
        "Reminder",
        verbose_name=_("reminder"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
    )

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="email_queued_due_idx",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=Q(status="sending"),
                name="email_sending_claimed_idx",
            ),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class Reminder(models.Model):
    """One reminder moment of one event: "7 days before joint meeting 42".

    Apps write these rows when they schedule, move or cancel an event (through
    ``reminders.schedule``/``reminders.cancel``); a reminder is never deleted, so
    the emails written for it can always be found and withdrawn. The sweep, every minute, takes the
    pending rows that are due, asks the app that registered ``source`` who is to be
    reminded, and writes their emails to the outbox in the same transaction that
    marks the row written. Nothing is ever scheduled in the broker.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        WRITTEN = "written", _("Written")
        MISSED = "missed", _("Missed (the event had started)")
        CANCELLED = "cancelled", _("Cancelled (the event was cancelled or moved)")
        SKIPPED = "skipped", _("Skipped (a nearer reminder of the event was due as well)")

    source = models.CharField(_("source"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object"))
    label = models.CharField(_("offset"), max_length=20, help_text=_("e.g. before-7d"))
    due_at = models.DateTimeField(_("due"))
    event_at = models.DateTimeField(
        _("event starts"), help_text=_("Never sent at or after this moment.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    emails_written = models.PositiveIntegerField(_("emails written"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_at", "pk"]
        constraints = [
            # Moving an event back to a time it already had re-arms nothing twice.
            models.UniqueConstraint(
                fields=["source", "object_id", "label", "event_at"], name="unique_reminder"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(status="pending"), name="reminder_pending_due_idx"
            ),
            models.Index(fields=["source", "object_id"], name="reminder_event_idx"),
        ]

    def __str__(self):
        return f"{self.source}:{self.object_id} {self.label}"

    def key_for(self, user_id):
        """The outbox key of this reminder for one person: the event's moment is part
        of it, so a moved event reminds again and a repeated sweep writes nothing."""
        moment = self.event_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%MZ")
        return f"{self.source}:{self.object_id}:user:{user_id}:{self.label}@{moment}"
