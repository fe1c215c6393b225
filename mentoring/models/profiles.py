"""Mentors and experts: who they are, where they come from, what they know, how much
they can take on; and the taxonomy of expertise staff keep."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from incubator.models import Localised, PriorityField, StoredDocument
from incubator.uploads import random_file_name

LANGUAGES = [("lv", _("Latvian")), ("en", _("English")), ("ru", _("Russian"))]


class PartnerOrganisation(models.Model):
    """An organisation that provides mentors or experts (a business incubator, a
    co-working hub, the chamber of commerce, another NGO)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ExpertiseTag(Localised, models.Model):
    """One area of expertise (fundraising, law and statutes, ...): mentors have them,
    consultations are about them. ``support_need`` ties a tag to the support an
    organisation can ask for in its application, for matching."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lv = models.CharField(_("name (Latvian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    support_need = models.CharField(
        _("matches the support asked for"),
        max_length=30,
        choices=Application.Support.choices,
        blank=True,
        help_text=_("Organisations that asked for this support are matched with this expertise."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Tags no longer in use are not offered.")
    )

    class Meta:
        verbose_name = _("expertise tag")
        verbose_name_plural = _("expertise tags")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localised("name")


class MentorProfile(Localised, models.Model):
    """A mentor (works with a few organisations through the cycle) or an expert (gives
    one-off consultations to any participating organisation). Invited by staff, the
    person fills in the profile, which makes it active (``activated_at``)."""

    class Kind(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        EXPERT = "expert", _("Expert")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="mentor_profile",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MENTOR)
    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("comes from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentors",
    )
    job_title = models.CharField(
        _("position"), max_length=150, blank=True, help_text=_("e.g. Lawyer, board member")
    )
    expertise_tags = models.ManyToManyField(
        ExpertiseTag, verbose_name=_("expertise"), blank=True, related_name="mentors"
    )
    priority_fields = models.ManyToManyField(
        PriorityField, verbose_name=_("priority fields"), blank=True, related_name="mentors"
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("organisations per cycle"),
        default=3,
        help_text=_("How many organisations the mentor can take on in a cycle."),
    )
    capacity_hours = models.DecimalField(
        _("hours per cycle"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("How many hours of consultations the mentor can give in a cycle."),
    )
    bio_lv = models.TextField(_("about (Latvian)"), blank=True)
    bio_en = models.TextField(_("about (English)"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive mentors are not offered or matched.")
    )
    activated_at = models.DateTimeField(
        _("profile completed"),
        null=True,
        blank=True,
        help_text=_("Empty while the invited person has not filled in the profile."),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    invitations_sent = models.PositiveSmallIntegerField(_("invitations sent"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")
        ordering = ["user__last_name", "user__first_name", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_hours__gte=0), name="mentor_hours_not_negative"
            ),
        ]

    def __str__(self):
        return str(self.user)

    @property
    def name(self):
        return self.user.display_name

    @property
    def bio(self):
        return self.localised("bio")

    @property
    def is_expert(self):
        return self.kind == self.Kind.EXPERT

    @property
    def is_ready(self):
        """Takes part: active, with the profile filled in."""
        return self.is_active and self.activated_at is not None

    def language_labels(self):
        labels = dict(LANGUAGES)
        return [labels[code] for code in self.languages if code in labels]


def photo_path(photo, filename):
    return random_file_name("mentors", filename)


class MentorPhoto(StoredDocument):
    """The profile's photo: a JPG or PNG checked by its contents."""

    profile = models.OneToOneField(
        MentorProfile, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="photo"
    )
    file = models.FileField(upload_to=photo_path, max_length=255)

    class Meta(StoredDocument.Meta):
        verbose_name = _("mentor's photo")
        verbose_name_plural = _("mentors' photos")
