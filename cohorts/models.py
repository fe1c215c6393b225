"""The incubation cycle after admission: cohorts, joint meetings, deadlines."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from applications.models import Application
from incubator.models import Cycle, Organisation, PriorityField, StoredDocument
from incubator.uploads import random_file_name


class Cohort(models.Model):
    """The admitted organisations of one priority field in one cycle."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="cohorts"
    )
    priority_field = models.ForeignKey(
        PriorityField,
        verbose_name=_("priority field"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        limit_choices_to={"is_staff": True},
        related_name="coordinated_cohorts",
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What the cohort works on and what is expected of its organisations."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["cycle", "priority_field__order", "priority_field__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "priority_field"],
                name="one_cohort_per_cycle_and_field",
                violation_error_message=_("This cycle already has a cohort for this field."),
            ),
        ]

    def __str__(self):
        return f"{self.name} — {self.cycle}"

    @property
    def name(self):
        return self.priority_field.name


class CohortMembership(models.Model):
    """An admitted organisation taking part in a cycle, in one of its cohorts."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Taking part")
        COMPLETED = "completed", _("Completed")
        LEFT = "left", _("Left")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="memberships"
    )
    # The cohort's cycle, kept here so that the database allows one place per cycle.
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cohort_memberships",
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cohort_membership",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why the organisation left."))
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    ended_at = models.DateTimeField(_("left or completed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cohort membership")
        verbose_name_plural = _("cohort memberships")
        ordering = ["cohort", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "organisation"], name="one_place_per_cycle_and_organisation"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "status"], name="cohort_member_cycle_idx")]

    def __str__(self):
        return f"{self.organisation} — {self.cohort}"

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE


class CycleReminders(models.Model):
    """When this cycle's reminders go out; a cycle without a row uses the defaults
    from the settings (MEETING_REMINDERS, DEADLINE_REMINDERS, CALL_CLOSING_REMINDERS)."""

    cycle = models.OneToOneField(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="reminder_settings"
    )
    meetings = models.CharField(_("before joint meetings"), max_length=60)
    deadlines = models.CharField(_("before deadlines"), max_length=60)
    call_closing = models.CharField(
        _("before the call closes"),
        max_length=60,
        help_text=_("Sent to every organisation whose application is still a draft."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self):
        return str(self.cycle)

    @classmethod
    def defaults(cls, cycle):
        return cls(
            cycle=cycle,
            meetings=settings.MEETING_REMINDERS,
            deadlines=settings.DEADLINE_REMINDERS,
            call_closing=settings.CALL_CLOSING_REMINDERS,
        )


class JointMeeting(models.Model):
    """A meeting of the whole cycle's participants, or of one cohort."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", pgettext_lazy("a meeting", "Cancelled")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="meetings"
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("Empty: a joint meeting of all the cycle's organisations."),
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=250, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    # Raised on every change people are told about, so calendars replace their copy.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_url=""), name="meeting_has_a_place_or_link"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "starts_at"], name="meeting_cycle_start_idx")]

    def __str__(self):
        return self.title

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def has_started(self, now=None):
        return self.starts_at <= (now or timezone.now())

    # The meeting's rules, for services, views and templates alike (a template calls
    # them without ``now``).

    def accepts_answers(self, now=None):
        """Organisations answer, and change their answer, until it starts."""
        return not self.is_cancelled and not self.has_started(now)

    def attendance_open(self, now=None):
        """Staff record attendance from the meeting's day on (Riga time), also
        before it starts: people sign in at the door."""
        today = timezone.localdate(now or timezone.now())
        return not self.is_cancelled and timezone.localdate(self.starts_at) <= today

    def is_editable(self, now=None):
        """Staff change or cancel it until it has ended."""
        return not self.is_cancelled and self.ends_at > (now or timezone.now())


def material_path(material, filename):
    return random_file_name(f"meetings/{material.meeting.cycle_id}", filename)


class MeetingMaterial(StoredDocument):
    meeting = models.ForeignKey(
        JointMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="materials"
    )
    file = models.FileField(upload_to=material_path, max_length=255)

    class Meta(StoredDocument.Meta):
        verbose_name = _("meeting material")
        verbose_name_plural = _("meeting materials")


class MeetingResponse(models.Model):
    """An organisation's answer to a meeting invitation, and who will come."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes, we will come")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No, we cannot come")

    meeting = models.ForeignKey(
        JointMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="responses"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="meeting_responses",
    )
    answer = models.CharField(_("answer"), max_length=5, choices=Answer.choices)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("who comes"), blank=True, related_name="+"
    )
    note = models.CharField(_("others coming, or a comment"), max_length=300, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        verbose_name = _("meeting response")
        verbose_name_plural = _("meeting responses")
        ordering = ["meeting", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="one_response_per_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_answer_display()}"


class Attendance(models.Model):
    """Whether an organisation took part in a meeting, as recorded by staff."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(
        JointMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="meeting_attendance",
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    people = models.PositiveSmallIntegerField(_("people present"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="one_attendance_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(status="present", people__gte=1) | (~Q(status="present") & Q(people=0)),
                name="attendance_people_match_status",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_status_display()}"


class Deadline(models.Model):
    """A moment by which something is due, for one audience of a cycle or cohort.
    The call's closing and the cycle's end are deadlines too, kept in step with
    the cycle (``services.sync_cycle_deadlines``)."""

    class Kind(models.TextChoices):
        CUSTOM = "custom", _("Deadline")
        CALL_CLOSES = "call_closes", _("The call for applications closes")
        CYCLE_ENDS = "cycle_ends", _("The incubation cycle ends")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="deadlines"
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
        help_text=_("Empty: the whole cycle."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CUSTOM)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    due_at = models.DateTimeField(_("due"))
    # A code from cohorts.audiences (apps downstream add their own, e.g. "mentors").
    audience = models.CharField(_("for whom"), max_length=30)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "kind"],
                condition=~Q(kind="custom"),
                name="one_cycle_milestone_of_each_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="custom") | ~Q(title=""), name="custom_deadline_has_a_title"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "due_at"], name="deadline_cycle_due_idx")]

    def __str__(self):
        return self.name

    @property
    def name(self):
        """The title people see: milestones are named in the reader's language."""
        if self.kind != self.Kind.CUSTOM:
            return str(self.Kind(self.kind).label)
        return self.title

    @property
    def is_milestone(self):
        return self.kind != self.Kind.CUSTOM

    @property
    def audience_label(self):
        from .audiences import label

        return label(self.audience)
