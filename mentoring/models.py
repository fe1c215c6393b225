"""Mentors and experts. Matching and consultations come later; for now a mentor is a
person with a profile of expertise, fields and capacity."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from incubator.models import PriorityField


class MentorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="mentor_profile",
    )
    expertise = models.TextField(
        _("expertise"), help_text=_("What the mentor can help with, in a few lines.")
    )
    priority_fields = models.ManyToManyField(
        PriorityField, verbose_name=_("priority fields"), blank=True, related_name="mentors"
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=3, help_text=_("How many organisations the mentor can take on.")
    )
    availability = models.TextField(
        _("availability"), blank=True, help_text=_("e.g. Tuesday and Thursday afternoons.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")
        ordering = ["user__last_name", "user__first_name", "user__email"]

    def __str__(self):
        return str(self.user)
