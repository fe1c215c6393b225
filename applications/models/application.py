from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incubator.models import Cycle, Organisation, PriorityField, StoredDocument
from incubator.uploads import random_file_name


class Application(models.Model):
    """An organisation's application to one cycle's call."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ADMITTED = "admitted", _("Admitted")
        WAITLISTED = "waitlisted", _("Wait-listed")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    DECISIONS = (Status.ADMITTED, Status.WAITLISTED, Status.REJECTED)
    # Applications under evaluation: submitted, and decided on (drafts and
    # withdrawals are neither reviewed nor ranked).
    EVALUATED = (Status.SUBMITTED, *DECISIONS)
    DECISION_CHOICES = [(decision.value, decision.label) for decision in DECISIONS]

    class Support(models.TextChoices):
        ANALYSIS = "analysis", _("An in-depth analysis of the organisation")
        MENTORING = "mentoring", _("Mentor and expert consultations")
        FUNDING = "funding", _("Finding funding sources")
        PROJECT_APPLICATIONS = "project_applications", _("Help preparing project applications")
        COMMUNICATION = "communication", _("Communication and visibility")

    class Availability(models.TextChoices):
        ALL = "all", _("We can take part in all three joint meetings")
        SOME = "some", _("We can take part in some of them")
        UNSURE = "unsure", _("We do not know yet")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    priority_field = models.ForeignKey(
        PriorityField,
        verbose_name=_("priority field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    support_needs = models.JSONField(_("support wanted"), default=list, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    challenges = models.TextField(_("current challenges"), blank=True)
    project_idea = models.TextField(_("project idea"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    participants = models.TextField(_("people taking part"), blank=True)
    meeting_availability = models.CharField(
        _("availability for the joint meetings"),
        max_length=10,
        choices=Availability.choices,
        blank=True,
    )
    data_consent = models.BooleanField(
        _("consent to the processing of personal data"), default=False
    )
    # Optional: whether the organisation's name may be listed on the public results
    # page once it is admitted (analysis/public.py lists only these).
    listing_consent = models.BooleanField(
        _("consent to be listed on the public results page"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decision_published_at = models.DateTimeField(
        _("decision published"),
        null=True,
        blank=True,
        help_text=_("Until then the decision is internal: the applicant still sees “submitted”."),
    )
    published_decision = models.CharField(
        _("decision the organisation was told"),
        max_length=12,
        choices=DECISION_CHOICES,
        blank=True,
        help_text=_(
            "The last decision published to the organisation. A decision changed since "
            "stays internal, and the organisation keeps seeing this one, until the new "
            "decision is published with its letter."
        ),
    )
    # Every saved change (answers, submission, decision, publication), shown on the
    # admin's History page.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "organisation"],
                name="one_application_per_cycle",
                violation_error_message=_("This organisation has already applied to this cycle."),
            ),
        ]
        indexes = [models.Index(fields=["cycle", "status"], name="application_cycle_status_idx")]

    def __str__(self):
        return f"{self.organisation} — {self.cycle}"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_decided(self):
        return self.status in self.DECISIONS

    @property
    def status_choice(self):
        return self.Status(self.status)

    @property
    def visible_status(self):
        """The status the organisation sees: the last decision published to it (a
        decision changed since stays internal until it is published too)."""
        if self.is_decided:
            return self.Status(self.published_decision or self.Status.SUBMITTED)
        return self.Status(self.status)

    def support_needs_display(self):
        labels = dict(self.Support.choices)
        return [labels[value] for value in self.support_needs if value in labels]


class StatusChange(models.Model):
    """One step in an application's history, shown as its timeline."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=12, choices=Application.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_(
            "With a decision: the reason for the organisation, which its letter may quote."
        ),
    )
    internal_note = models.TextField(
        _("internal note"),
        blank=True,
        help_text=_("Staff's working note: never shown to the organisation."),
    )
    without_review = models.BooleanField(
        _("decided without a submitted review"),
        default=False,
        help_text=_("Staff confirmed this decision although no review had been submitted."),
    )
    places_override = models.TextField(
        _("admitted over the places: reason"),
        blank=True,
        help_text=_(
            "Why staff admitted the organisation although every place of the cycle, or "
            "of its priority field, was taken."
        ),
    )
    published_at = models.DateTimeField(
        _("shown to the organisation"),
        null=True,
        blank=True,
        help_text=_("A decision is internal to staff until it is published."),
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.application}: {self.get_status_display()}"


def attachment_path(attachment, filename):
    return random_file_name(f"attachments/{attachment.application.cycle_id}", filename)


class Attachment(StoredDocument):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)

    class Meta(StoredDocument.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
