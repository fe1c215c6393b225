"""Consultations: booked, requested or logged after the fact; their logs, action
items and files."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from incubator.models import Cycle, Organisation, StoredDocument
from incubator.uploads import random_file_name

from ..constraints import PostgresExclusionConstraint, TsTzRange
from .availability import Mode, Slot
from .profiles import ExpertiseTag, MentorProfile

# A consultation in one of these holds its time: nothing else of the mentor's may
# overlap it, and its slot is taken.
ACTIVE = ["scheduled", "held", "no_show"]


class Consultation(models.Model):
    """One consultation of a mentor or expert with an organisation, in a cycle."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Booked")
        HELD = "held", _("Held")
        NO_SHOW = "no_show", _("The organisation did not come")
        LATE_CANCELLED = "late_cancelled", _("Cancelled late")
        CANCELLED = "cancelled", pgettext_lazy("consultation", "Cancelled")

    # What a log records as its outcome.
    OUTCOMES = [
        (Status.HELD.value, Status.HELD.label),
        (Status.NO_SHOW.value, Status.NO_SHOW.label),
        (Status.LATE_CANCELLED.value, Status.LATE_CANCELLED.label),
    ]

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="consultations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("mentor or expert"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    slot = models.ForeignKey(
        Slot,
        verbose_name=_("free time booked"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    location = models.CharField(_("place or link"), max_length=300, blank=True)
    topic = models.ForeignKey(
        ExpertiseTag,
        verbose_name=_("topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note from the organisation"), blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.SCHEDULED
    )
    ad_hoc = models.BooleanField(
        _("logged without booking"),
        default=False,
        help_text=_("A consultation that was never booked (a phone call), logged afterwards."),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("booked"), default=timezone.now)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    # Raised on every change people are told about, so calendars replace their copy.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="consultation_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status__in=ACTIVE),
                name="one_booking_per_slot",
                violation_error_message=_("This time has already been booked."),
            ),
            models.UniqueConstraint(
                fields=["mentor", "starts_at"],
                condition=Q(status__in=ACTIVE),
                name="one_consultation_per_mentor_and_moment",
                violation_error_message=_("The mentor already has a consultation at this time."),
            ),
            PostgresExclusionConstraint(
                name="consultations_of_a_mentor_do_not_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at"), "&&"),
                    ("mentor", "="),
                ],
                condition=Q(status__in=ACTIVE),
                violation_error_message=_("The mentor already has a consultation at this time."),
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "starts_at"], name="consultation_mentor_idx"),
            models.Index(fields=["organisation", "starts_at"], name="consultation_org_idx"),
            models.Index(fields=["cycle", "starts_at"], name="consultation_cycle_idx"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.mentor} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def is_scheduled(self):
        return self.status == self.Status.SCHEDULED

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_online(self):
        return self.mode == Mode.ONLINE

    def has_ended(self, now=None):
        return self.ends_at <= (now or timezone.now())

    def needs_log(self, now=None):
        """Booked, its time over, and nothing logged yet."""
        return self.is_scheduled and self.has_ended(now)


class ConsultationRequest(models.Model):
    """When no free time fits: an organisation proposes two or three times with a
    topic; the mentor accepts one (it becomes a consultation) or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="consultation_requests",
    )
    mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("mentor or expert"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    option_1 = models.DateTimeField(_("first proposed time"))
    option_2 = models.DateTimeField(_("second proposed time"))
    option_3 = models.DateTimeField(_("third proposed time"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("length in minutes"), validators=[MinValueValidator(15), MaxValueValidator(240)]
    )
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    topic = models.ForeignKey(
        ExpertiseTag, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_note = models.TextField(_("the mentor's note"), blank=True)
    consultation = models.OneToOneField(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request",
    )

    class Meta:
        verbose_name = _("consultation request")
        verbose_name_plural = _("consultation requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["mentor", "status"], name="request_mentor_status_idx")]

    def __str__(self):
        return f"{self.organisation} → {self.mentor}"

    @property
    def options(self):
        return [o for o in (self.option_1, self.option_2, self.option_3) if o is not None]

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class ConsultationLog(models.Model):
    """What the mentor recorded after a consultation. The organisation sees it (not
    the private note), confirms it and may rate the consultation."""

    consultation = models.OneToOneField(
        Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="log"
    )
    outcome = models.CharField(_("outcome"), max_length=15, choices=Consultation.OUTCOMES)
    minutes = models.PositiveSmallIntegerField(
        _("actual length in minutes"), validators=[MaxValueValidator(600)]
    )
    topics = models.ManyToManyField(
        ExpertiseTag, verbose_name=_("topics"), blank=True, related_name="+"
    )
    summary = models.TextField(_("summary"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    private_note = models.TextField(
        _("private note"),
        blank=True,
        help_text=_("Seen only by you and the programme staff, never by the organisation."),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    logged_at = models.DateTimeField(_("logged"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed by the organisation"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("comment on the rating"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("consultation log")
        verbose_name_plural = _("consultation logs")
        ordering = ["-logged_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="rating_from_one_to_five",
            ),
            models.CheckConstraint(condition=Q(minutes__lte=600), name="log_minutes_in_range"),
        ]

    def __str__(self):
        return str(self.consultation)

    @property
    def hours(self):
        return round(self.minutes / 60, 2)


class ActionItem(models.Model):
    """Something the organisation or its mentor is to do, and by when: agreed at a
    consultation, or on its own (from a recommendation of the baseline analysis,
    before any consultation). Either way it belongs to the organisation's place in
    the cycle; ``mentor`` is the mentor it concerns (the consultation's, or the one
    who wrote it), if any."""

    class Owner(models.TextChoices):
        ORGANISATION = "organisation", _("The organisation")
        MENTOR = "mentor", _("The mentor")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="action_items"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("mentor or expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="action_items",
    )
    description = models.CharField(_("what to do"), max_length=300)
    owner = models.CharField(_("who does it"), max_length=15, choices=Owner.choices)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = [F("due_on").asc(nulls_last=True), "pk"]
        indexes = [
            models.Index(fields=["owner", "done_at"], name="action_item_open_idx"),
            models.Index(fields=["cycle", "organisation"], name="action_item_place_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner="organisation") | Q(mentor__isnull=False),
                name="action_item_of_a_mentor_names_the_mentor",
            )
        ]

    def __str__(self):
        return self.description

    @property
    def is_done(self):
        return self.done_at is not None

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return not self.is_done and self.due_on is not None and self.due_on < today


def consultation_file_path(document, filename):
    return random_file_name(f"consultations/{document.consultation.cycle_id}", filename)


class ConsultationFile(StoredDocument):
    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(upload_to=consultation_file_path, max_length=255)

    class Meta(StoredDocument.Meta):
        verbose_name = _("consultation file")
        verbose_name_plural = _("consultation files")
