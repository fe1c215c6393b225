"""Personal data rights: copies of one's data, requests to be erased, the privacy
notice each person accepted, how long the records of applications are kept."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def export_path(export, filename):
    from incubator.uploads import random_file_name

    return random_file_name("privacy/exports", filename)


class DataExport(models.Model):
    """A copy of everything the portal holds about one person, as a ZIP built in the
    background and offered through a signed link for a limited time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(upload_to=export_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("copy of personal data")
        verbose_name_plural = _("copies of personal data")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.user} {self.requested_at:%Y-%m-%d}"


class ErasureRequest(models.Model):
    """A person's request to have their account erased, carried out or refused by
    staff (with the reason, when the programme must keep the records)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for staff")
        DONE = "done", _("Carried out")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="erasure_requests",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    note = models.TextField(_("the person's note"), blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)
    outcome = models.JSONField(
        _("what was done"),
        default=list,
        blank=True,
        help_text=_("What was deleted, anonymised and kept, and why."),
    )

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_erasure"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_status_display()})"


class Consent(models.Model):
    """Which version of the privacy notice a person accepted, when and where."""

    class Context(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        APPLICATION = "application", _("Application")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    version = models.CharField(_("privacy notice version"), max_length=20)
    context = models.CharField(_("given at"), max_length=12, choices=Context.choices)
    reference = models.CharField(
        _("reference"), max_length=60, blank=True, help_text=_("e.g. application:12")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-accepted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version", "context", "reference"], name="unique_consent"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.version} ({self.get_context_display()})"


class RetentionPolicy(models.Model):
    """How long a cycle keeps the files and answers of applications that were not
    admitted, counted from the cycle's decisions."""

    cycle = models.OneToOneField(
        "incubator.Cycle",
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="retention_policy",
    )
    months = models.PositiveSmallIntegerField(
        _("months kept after the decisions"),
        help_text=_("Files and answers of applications that were not admitted are then deleted."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        constraints = [
            models.CheckConstraint(condition=Q(months__gte=1), name="retention_at_least_a_month"),
        ]

    def __str__(self):
        return f"{self.cycle}: {self.months}"


class Purge(models.Model):
    """What the daily retention run deleted."""

    kind = models.CharField(_("what"), max_length=40)
    cycle = models.ForeignKey(
        "incubator.Cycle",
        verbose_name=_("cycle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    counts = models.JSONField(_("deleted"), default=dict)
    ran_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("deletion record")
        verbose_name_plural = _("deletion records")
        ordering = ["-ran_at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.ran_at:%Y-%m-%d}"
