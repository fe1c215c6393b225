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
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

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
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

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
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"
