"""The kernel every app builds on: people, organisations, priority fields, cycles."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .validators import validate_registration_number


class UserManager(DjangoUserManager):
    """Email is the login; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person using the portal. ``is_staff`` marks programme staff."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the emails the portal sends you."),
    )
    optional_reminders = models.BooleanField(
        _("remind me by email"),
        default=True,
        help_text=_(
            "Reminders before joint meetings and deadlines. Decisions and notices of "
            "changes are always sent."
        ),
    )
    calendar_token = models.CharField(
        _("calendar feed token"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The secret part of the person's calendar feed address; empty when off."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self):
        return self.get_full_name() or self.email


class Localised:
    """Picks the ``<field>_lv`` or ``<field>_en`` column for the active language."""

    def localised(self, field):
        language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        value = getattr(self, f"{field}_{language}", "")
        return value or getattr(self, f"{field}_{settings.LANGUAGE_CODE}")


class StoredDocument(models.Model):
    """A file checked by ``incubator.uploads`` and kept outside the static root;
    each app's kind adds what it belongs to and its ``file`` field."""

    name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name


class PriorityField(Localised, models.Model):
    """One of the programme's priority fields (culture, youth, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lv = models.CharField(_("name (Latvian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("priority field")
        verbose_name_plural = _("priority fields")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localised("name")


class Organisation(models.Model):
    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", pgettext_lazy("legal form", "Association")
        FOUNDATION = "foundation", pgettext_lazy("legal form", "Foundation")
        OTHER = "other", pgettext_lazy("legal form", "Other")

    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    registration_number = models.CharField(
        _("registration number"),
        max_length=11,
        unique=True,
        validators=[validate_registration_number],
        help_text=_("11 digits, as in the Register of Enterprises."),
        error_messages={
            "unique": _("An organisation with this registration number is already registered.")
        },
    )
    founded_on = models.DateField(_("date founded"))
    municipality = models.CharField(_("municipality"), max_length=100)
    address = models.CharField(_("address"), max_length=250)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact email"))
    phone = models.CharField(_("contact phone"), max_length=32)
    mission = models.TextField(_("mission"))
    members_count = models.PositiveIntegerField(_("number of members"))
    volunteers_count = models.PositiveIntegerField(_("number of volunteers"))
    annual_budget = models.DecimalField(_("annual budget (EUR)"), max_digits=12, decimal_places=2)
    priority_field = models.ForeignKey(
        PriorityField,
        verbose_name=_("priority field"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("people"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_budget__gte=0), name="organisation_budget_not_negative"
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person belonging to an organisation; the leader can invite colleagues."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    # Who joined, left, was removed or changed role, when and by whom.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "-role", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="unique_membership"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation}"


class Invitation(models.Model):
    """A leader's invitation to join the organisation, sent to an email address.
    The person becomes a member only when they accept it, signed in with that
    address (signing up first if they have no account)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    # Sent, withdrawn, accepted or declined: each leaves a record.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="unique_invitation"),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"


class SentInvitation(models.Model):
    """One invitation emailed by a person (to an organisation, the evaluation
    committee or the mentors): what ``incubator.quota`` counts."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sent invitation")
        verbose_name_plural = _("sent invitations")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.sender} · {self.kind} · {self.sent_at:%Y-%m-%d %H:%M}"


class CycleQuerySet(models.QuerySet):
    def accepting_applications(self, now=None):
        """Cycles whose call has not yet closed, soonest closing first."""
        now = now or timezone.now()
        return self.filter(call_closes_at__gte=now).order_by("call_closes_at")


class Cycle(models.Model):
    """One incubation cycle: its call for applications and its incubation period."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    call_opens_at = models.DateTimeField(_("call opens"))
    call_closes_at = models.DateTimeField(
        _("call closes"), help_text=_("Applications are accepted up to and including this moment.")
    )
    incubation_starts_on = models.DateField(_("incubation starts"))
    incubation_ends_on = models.DateField(_("incubation ends"))
    places = models.PositiveSmallIntegerField(_("number of places"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-call_opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(call_closes_at__gt=models.F("call_opens_at")),
                name="cycle_call_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(incubation_ends_on__gt=models.F("incubation_starts_on")),
                name="cycle_incubation_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.call_opens_at and self.call_closes_at and self.call_closes_at <= self.call_opens_at:
            errors["call_closes_at"] = _("The call must close after it opens.")
        if (
            self.incubation_starts_on
            and self.incubation_ends_on
            and self.incubation_ends_on <= self.incubation_starts_on
        ):
            errors["incubation_ends_on"] = _("The incubation must end after it starts.")
        if errors:
            raise ValidationError(errors)

    def call_state(self, now=None):
        """'upcoming', 'open' or 'closed', judged against the server's clock."""
        now = now or timezone.now()
        if now < self.call_opens_at:
            return "upcoming"
        if now > self.call_closes_at:
            return "closed"
        return "open"
