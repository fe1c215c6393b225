"""Which mentor works with which organisation in a cycle, and the cycle's own rules
for consultations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incubator.models import Cycle, Organisation

from .profiles import MentorProfile


class MentoringSettings(models.Model):
    """A cycle's rules for consultations; a cycle without a row uses the defaults from
    the settings (CONSULTATION_CUTOFF_HOURS, CONSULTATION_REMINDERS)."""

    cycle = models.OneToOneField(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="mentoring_settings"
    )
    cutoff_hours = models.PositiveSmallIntegerField(
        _("cancel or move up to (hours before)"),
        help_text=_(
            "Organisations and mentors can cancel or move a consultation until this many "
            "hours before it; later only staff can."
        ),
    )
    reminders = models.CharField(_("reminders before consultations"), max_length=60)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("consultation settings")
        verbose_name_plural = _("consultation settings")

    def __str__(self):
        return str(self.cycle)

    @classmethod
    def defaults(cls, cycle):
        return cls(
            cycle=cycle,
            cutoff_hours=settings.CONSULTATION_CUTOFF_HOURS,
            reminders=settings.CONSULTATION_REMINDERS,
        )


class MentorAssignment(models.Model):
    """A mentor assigned by staff to an organisation for a cycle: proposed until the
    mentor accepts or declines. Beyond the mentor's capacity only with a recorded
    override."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the mentor's answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    OPEN = (Status.PROPOSED, Status.ACCEPTED)

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="mentor_assignments"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="mentor_assignments",
    )
    mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    capacity_override = models.BooleanField(
        _("beyond capacity"),
        default=False,
        help_text=_("Staff confirmed the assignment although the mentor's capacity was full."),
    )
    override_reason = models.TextField(_("why beyond capacity"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mentor assignment")
        verbose_name_plural = _("mentor assignments")
        ordering = ["cycle", "organisation__name", "assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "organisation", "mentor"],
                condition=Q(status__in=["proposed", "accepted"]),
                name="one_open_assignment_per_mentor_and_organisation",
                violation_error_message=_("This mentor is already assigned to the organisation."),
            ),
            models.CheckConstraint(
                condition=Q(capacity_override=False) | ~Q(override_reason=""),
                name="capacity_override_has_a_reason",
            ),
        ]
        indexes = [models.Index(fields=["mentor", "status"], name="assignment_mentor_status_idx")]

    def __str__(self):
        return f"{self.mentor} → {self.organisation} ({self.cycle})"

    @property
    def is_open(self):
        return self.status in self.OPEN
