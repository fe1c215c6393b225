"""When mentors and experts can be booked: single slots, weekly patterns that make
slots over a date range, and blocked dates."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..constraints import PostgresExclusionConstraint, TsTzRange
from .profiles import MentorProfile


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class AvailabilityPattern(models.Model):
    """A weekly pattern: e.g. Tuesdays 16:00–18:00 in 45-minute slots until 30 June.
    Publishing it makes its slots (``Slot.pattern``); blocked dates are skipped."""

    mentor = models.ForeignKey(
        MentorProfile, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="patterns"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per consultation"))
    valid_from = models.DateField(_("first day"))
    valid_until = models.DateField(_("last day"))
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    location = models.CharField(_("place or link"), max_length=300)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["mentor", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="pattern_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="pattern_range_in_order"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=10, slot_minutes__lte=480),
                name="pattern_slot_length",
            ),
        ]

    def __str__(self):
        hours = f"{self.start_time:%H:%M}–{self.end_time:%H:%M}"
        return f"{self.mentor}: {self.get_weekday_display()} {hours}"


class Slot(models.Model):
    """A time a mentor or expert can be booked, with its place or link."""

    mentor = models.ForeignKey(
        MentorProfile, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="slots"
    )
    pattern = models.ForeignKey(
        AvailabilityPattern,
        verbose_name=_("weekly availability"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    location = models.CharField(_("place or link"), max_length=300)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("free time")
        verbose_name_plural = _("free times")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"
            ),
            models.UniqueConstraint(fields=["mentor", "starts_at"], name="one_slot_per_moment"),
            PostgresExclusionConstraint(
                name="slots_of_a_mentor_do_not_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at"), "&&"),
                    ("mentor", "="),
                ],
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="slot_start_idx")]

    def __str__(self):
        return f"{self.mentor}: {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class BlockedPeriod(models.Model):
    """Dates a mentor is away (a holiday, a conference): their free slots go, and
    bookings already on them are pointed out."""

    mentor = models.ForeignKey(
        MentorProfile, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="blocked"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("blocked dates")
        verbose_name_plural = _("blocked dates")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="blocked_range_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.mentor}: {self.starts_on}–{self.ends_on}"

    def covers(self, day):
        return self.starts_on <= day <= self.ends_on
