"""An organisation's bid for funding (a project application it prepares), what
happened to it (status changes), its documents and its review thread.

A bid belongs to the organisation's place in a cycle (``CohortMembership``), so the
cycle, the cohort and the priority field come with it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cohorts.models import CohortMembership
from incubator.models import StoredDocument
from incubator.uploads import random_file_name

from ..models import MAX_AMOUNT_DIGITS, FundingCall, FundingSource


def _money(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=MAX_AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        **kwargs,
    )


class Bid(models.Model):
    """A funding application the organisation prepares: for a source and call of the
    catalogue, or a funder typed by hand."""

    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        DRAFTING = "drafting", _("Drafting")
        REVIEW = "review", _("Review requested")
        SUBMITTED = "submitted", _("Submitted")
        AWARDED = "awarded", _("Awarded")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Not decided yet: their expected EUR is the amount requested times the chance.
    OPEN = (Status.IDEA, Status.DRAFTING, Status.REVIEW, Status.SUBMITTED)
    # Still being prepared: their deadline is reminded of.
    PREPARING = (Status.IDEA, Status.DRAFTING, Status.REVIEW)
    # Where a bid may go from each status. "Review requested" is reached by asking
    # someone for a review (services.request_review), not by moving it there.
    TRANSITIONS = {
        Status.IDEA: (Status.DRAFTING, Status.SUBMITTED, Status.WITHDRAWN),
        Status.DRAFTING: (Status.IDEA, Status.SUBMITTED, Status.WITHDRAWN),
        Status.REVIEW: (Status.DRAFTING, Status.SUBMITTED, Status.WITHDRAWN),
        Status.SUBMITTED: (Status.AWARDED, Status.REJECTED, Status.WITHDRAWN),
        Status.AWARDED: (Status.SUBMITTED,),
        Status.REJECTED: (Status.SUBMITTED,),
        Status.WITHDRAWN: (Status.DRAFTING,),
    }

    place = models.ForeignKey(
        CohortMembership,
        verbose_name=_("organisation's place in the cycle"),
        on_delete=models.PROTECT,
        related_name="bids",
    )
    source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bids",
    )
    call = models.ForeignKey(
        FundingCall,
        verbose_name=_("funding call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bids",
    )
    funder = models.CharField(
        _("funder"),
        max_length=300,
        blank=True,
        help_text=_("When the funder is not in the catalogue: its name as you know it."),
    )
    title = models.CharField(_("project title"), max_length=300)
    description = models.TextField(_("short description"), blank=True)
    amount_requested = _money(_("amount requested (EUR)"))
    cofinancing = _money(_("co-financing (EUR)"))
    deadline = models.DateTimeField(_("submission deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IDEA
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    amount_awarded = _money(_("amount awarded (EUR)"))
    chance = models.PositiveSmallIntegerField(
        _("chance of success (%)"),
        null=True,
        blank=True,
        help_text=_("Your own estimate, from 0 to 100."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__isnull=False) | ~Q(funder=""),
                name="bid_has_a_funder",
                violation_error_message=_("Choose a funding source or type the funder's name."),
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True) | Q(amount_requested__gte=0),
                name="bid_requested_not_negative",
                violation_error_message=_("The amount requested cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(cofinancing__isnull=True) | Q(cofinancing__gte=0),
                name="bid_cofinancing_not_negative",
                violation_error_message=_("The co-financing cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(amount_awarded__isnull=True) | Q(amount_awarded__gte=0),
                name="bid_awarded_not_negative",
                violation_error_message=_("The amount awarded cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(chance__isnull=True) | Q(chance__lte=100),
                name="bid_chance_percent",
                violation_error_message=_("The chance is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=~Q(status="awarded") | Q(amount_awarded__isnull=False),
                name="bid_awarded_has_amount",
                violation_error_message=_("Enter the amount awarded."),
            ),
        ]
        indexes = [models.Index(fields=["place", "status"], name="bid_place_status_idx")]

    def __str__(self):
        return self.title

    @property
    def status_label(self):
        return self.Status(self.status).label

    @property
    def funder_name(self):
        return self.source.name if self.source_id else self.funder

    @property
    def is_open(self):
        return self.status in self.OPEN

    def next_statuses(self):
        """[(value, label)] the bid may be moved to."""
        return [(s.value, s.label) for s in self.TRANSITIONS[self.Status(self.status)]]

    def clean(self):
        errors = {}
        for name, message in (
            ("amount_requested", _("The amount requested cannot be negative.")),
            ("cofinancing", _("The co-financing cannot be negative.")),
            ("amount_awarded", _("The amount awarded cannot be negative.")),
        ):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = message
        if self.chance is not None and not 0 <= self.chance <= 100:
            errors["chance"] = _("The chance is a percentage from 0 to 100.")
        if self.source_id is None and not self.funder.strip():
            errors["funder"] = _("Choose a funding source or type the funder's name.")
        if self.call_id is not None and self.call.source_id != self.source_id:
            errors["call"] = _("Choose a call of the chosen funding source.")
        if errors:
            raise ValidationError(errors)


class BidStatusChange(models.Model):
    """When a bid moved from one status to another, and who moved it."""

    bid = models.ForeignKey(
        Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Bid.Status.choices, blank=True)
    to_status = models.CharField(
        pgettext_lazy("a change of status: the new status", "to"),
        max_length=12,
        choices=Bid.Status.choices,
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("bid status change")
        verbose_name_plural = _("bid status changes")
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["bid", "to_status"], name="bid_change_status_idx")]

    def __str__(self):
        return f"{self.bid_id}: {self.from_status or '—'} → {self.to_status}"


class BidReviewRequest(models.Model):
    """The organisation asked someone (its mentor, or staff) to review the bid."""

    bid = models.ForeignKey(
        Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="review_requests"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="bid_review_requests",
    )
    note = models.TextField(_("what to look at"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("bid review request")
        verbose_name_plural = _("bid review requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.bid} → {self.reviewer}"


class BidComment(models.Model):
    """A message in the bid's review thread."""

    bid = models.ForeignKey(
        Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("bid comment")
        verbose_name_plural = _("bid comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.bid}: {self.text[:40]}"


def bid_document_path(document, filename):
    return random_file_name(f"bids/{document.bid.place.cycle_id}", filename)


class BidDocument(StoredDocument):
    """A document of the bid, or a file (a marked-up draft) attached to a comment."""

    bid = models.ForeignKey(
        Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="documents"
    )
    comment = models.ForeignKey(
        BidComment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
    )
    file = models.FileField(upload_to=bid_document_path, max_length=255)

    class Meta(StoredDocument.Meta):
        verbose_name = _("bid document")
        verbose_name_plural = _("bid documents")
