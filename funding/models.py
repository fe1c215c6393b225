"""Funding: a catalogue of funding sources and their calls, what people follow and
search for, and what each participating organisation is matched with, recommended
and has dismissed.

The catalogue itself needs only the kernel: it also serves NGOs outside the
programme. Recommendations belong to an organisation's place in a cycle (cohorts)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cohorts.models import CohortMembership
from incubator.models import Localised, Organisation, PriorityField

MAX_AMOUNT_DIGITS = 12


class LegalForm(Localised, models.Model):
    """Who may apply: association, foundation, municipality, any legal person, ..."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lv = models.CharField(_("name (Latvian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("legal form")
        verbose_name_plural = _("legal forms")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localised("name")


class Region(Localised, models.Model):
    """A planning region of Latvia (Kurzeme, Latgale, Rīga, Vidzeme, Zemgale)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lv = models.CharField(_("name (Latvian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("planning region")
        verbose_name_plural = _("planning regions")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localised("name")


class Municipality(models.Model):
    """A municipality of Latvia (a state city or a novads) and its planning region."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("planning region"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name


def _amount_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=MAX_AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        **kwargs,
    )


class FundingSourceQuerySet(models.QuerySet):
    def opportunities(self):
        """Sources one can still apply to: never a closed / historic programme."""
        return self.exclude(verification=FundingSource.Verification.HISTORIC)


class FundingSource(Localised, models.Model):
    """A programme that funds NGOs: who funds it, what for, who may apply, where,
    how much, and how sure the portal is of these facts."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("Grant")
        LOAN = "loan", _("Loan")
        PRIZE = "prize", _("Prize")
        IN_KIND = "in_kind", _("In-kind support")
        SPONSORSHIP = "sponsorship", _("Sponsorship")
        CROWDFUNDING = "crowdfunding", _("Crowdfunding")
        OTHER = "other", pgettext_lazy("kind of funding", "Other")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("A planning region")
        MUNICIPAL = "municipal", _("A municipality")
        EU = "eu", _("EU")
        NORDIC_BALTIC = "nordic_baltic", _("Nordic–Baltic")
        INTERNATIONAL = "international", _("International")

    # Scopes open to organisations anywhere in Latvia.
    WIDE_SCOPES = (Scope.NATIONAL, Scope.EU, Scope.NORDIC_BALTIC, Scope.INTERNATIONAL)

    class Verification(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PARTIAL = "partial", _("Partly confirmed")
        HISTORIC = "historic", _("Closed / historic")

    name_lv = models.CharField(
        _("name (Latvian)"),
        max_length=300,
        unique=True,
        error_messages={"unique": _("A funding source with this Latvian name already exists.")},
    )
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    funder = models.CharField(_("funder"), max_length=600)
    description_lv = models.TextField(_("description (Latvian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GRANT)
    priority_fields = models.ManyToManyField(
        PriorityField,
        verbose_name=_("priority fields"),
        blank=True,
        related_name="funding_sources",
    )
    cross_cutting = models.BooleanField(
        _("cross-cutting / civil society"),
        default=False,
        help_text=_("For civil society or democracy in general rather than one field."),
    )
    legal_forms = models.ManyToManyField(
        LegalForm,
        verbose_name=_("eligible legal forms"),
        blank=True,
        related_name="funding_sources",
    )
    eligibility_note = models.TextField(
        _("who may apply, in detail"),
        blank=True,
        help_text=_("Conditions beyond the legal form, as the sources state them."),
    )
    scope = models.CharField(
        _("geographic scope"), max_length=20, choices=Scope.choices, default=Scope.NATIONAL
    )
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("planning regions"),
        blank=True,
        related_name="funding_sources",
        help_text=_("For a source of a planning region: the regions it covers."),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities"),
        blank=True,
        related_name="funding_sources",
        help_text=_("For a source of a municipality: the municipalities it covers."),
    )
    scope_note = models.CharField(_("scope, in detail"), max_length=500, blank=True)
    amount_min = _amount_field(_("minimum per project (EUR)"))
    amount_max = _amount_field(_("maximum per project (EUR)"))
    cofinancing_percent = models.DecimalField(
        _("co-financing required (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The share of the project's costs the organisation covers itself."),
    )
    cofinancing_note = models.CharField(_("co-financing, in detail"), max_length=500, blank=True)
    call_frequency = models.CharField(_("how often calls open"), max_length=500, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    facts_sources = models.TextField(
        _("sources of the facts"), blank=True, help_text=_("The pages read, with their dates.")
    )
    verification = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.CONFIRMED,
    )
    verification_note = models.CharField(
        _("what is not confirmed"),
        max_length=300,
        blank=True,
        help_text=_("e.g. “amounts not found” or “recurrence unconfirmed”."),
    )
    last_checked_on = models.DateField(_("last checked"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When what people see of it last changed (a saved search's weekly email reports
    # what changed since the last one); marking it checked does not change it.
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = FundingSourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["name_lv"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True) | Q(amount_min__gte=0),
                name="funding_source_min_not_negative",
                violation_error_message=_("The minimum amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(amount_max__isnull=True) | Q(amount_max__gte=0),
                name="funding_source_max_not_negative",
                violation_error_message=_("The maximum amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True)
                | Q(amount_max__isnull=True)
                | Q(amount_min__lte=F("amount_max")),
                name="funding_source_min_within_max",
                violation_error_message=_("The minimum amount cannot be above the maximum."),
            ),
            models.CheckConstraint(
                condition=Q(cofinancing_percent__isnull=True)
                | Q(cofinancing_percent__gte=0, cofinancing_percent__lte=100),
                name="funding_source_cofinancing_percent",
                violation_error_message=_("Co-financing is a percentage from 0 to 100."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["verification", "last_checked_on"], name="funding_source_check_idx"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localised("name")

    @property
    def description(self):
        return self.localised("description")

    @property
    def kind_label(self):
        return self.Kind(self.kind).label

    @property
    def scope_label(self):
        return self.Scope(self.scope).label

    @property
    def is_historic(self):
        return self.verification == self.Verification.HISTORIC

    @property
    def is_partial(self):
        return self.verification == self.Verification.PARTIAL

    def clean(self):
        errors = {}
        if self.amount_min is not None and self.amount_min < 0:
            errors["amount_min"] = _("The minimum amount cannot be negative.")
        if self.amount_max is not None and self.amount_max < 0:
            errors["amount_max"] = _("The maximum amount cannot be negative.")
        if (
            "amount_min" not in errors
            and "amount_max" not in errors
            and self.amount_min is not None
            and self.amount_max is not None
            and self.amount_min > self.amount_max
        ):
            errors["amount_max"] = _("The maximum amount cannot be below the minimum.")
        if self.cofinancing_percent is not None and not 0 <= self.cofinancing_percent <= 100:
            errors["cofinancing_percent"] = _("Co-financing is a percentage from 0 to 100.")
        if errors:
            raise ValidationError(errors)


def open_calls(now):
    """The condition on calls one can apply to at ``now``: not closed, opened (an
    announced call without an opening date has not), deadline ahead or rolling.
    (Whether their source is historic is the caller's to add.)"""
    Status = FundingCall.Status
    return (
        ~Q(status=Status.CLOSED)
        & (Q(opens_at__lte=now) | Q(opens_at__isnull=True, status=Status.OPEN))
        & (Q(deadline__gt=now) | Q(deadline__isnull=True))
    )


def calls_ahead(now):
    """The condition on calls not closed whose deadline is still ahead, or rolling:
    what one may still prepare for."""
    return ~Q(status=FundingCall.Status.CLOSED) & (Q(deadline__gt=now) | Q(deadline__isnull=True))


class FundingCallQuerySet(models.QuerySet):
    def open_at(self, now):
        return self.filter(open_calls(now))

    def ahead(self, now):
        return self.filter(calls_ahead(now))

    def of_opportunities(self):
        """Calls of sources that are not closed / historic."""
        return self.exclude(source__verification=FundingSource.Verification.HISTORIC)


class FundingCall(models.Model):
    """One call for proposals of a source: when it opens and closes (Riga time).
    A rolling call has no deadline."""

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        on_delete=models.CASCADE,
        related_name="calls",
    )
    title = models.CharField(_("title"), max_length=300)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    deadline = models.DateTimeField(
        _("deadline"), null=True, blank=True, help_text=_("Leave empty for a rolling call.")
    )
    budget = _amount_field(_("total budget (EUR)"))
    rules_url = models.URLField(_("rules of the call"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ANNOUNCED
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = FundingCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")
        ordering = [F("deadline").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(deadline__isnull=True)
                | Q(deadline__gt=F("opens_at")),
                name="funding_call_deadline_after_opening",
                violation_error_message=_("The deadline must come after the call opens."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="funding_call_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["source", "deadline"], name="funding_call_source_idx"),
            models.Index(fields=["deadline"], name="funding_call_deadline_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_rolling(self):
        return self.deadline is None

    def state(self, now=None):
        """'upcoming', 'open' or 'closed' at ``now``. A call of a closed / historic
        source is closed, whatever its own dates say: it is no opportunity."""
        now = now or timezone.now()
        if self.status == self.Status.CLOSED or (self.deadline and self.deadline <= now):
            return "closed"
        if self.source.is_historic:
            return "closed"
        if self.opens_at is not None:
            return "open" if self.opens_at <= now else "upcoming"
        return "open" if self.status == self.Status.OPEN else "upcoming"

    def clean(self):
        errors = {}
        if self.opens_at and self.deadline and self.deadline <= self.opens_at:
            errors["deadline"] = _("The deadline must come after the call opens.")
        if self.budget is not None and self.budget < 0:
            errors["budget"] = _("The budget cannot be negative.")
        if errors:
            raise ValidationError(errors)


class Follow(models.Model):
    """A person follows a source (all its calls) or one call: it appears on their
    profile and in their calendar, and they are reminded before its deadlines."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="funding_follows",
    )
    source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    call = models.ForeignKey(
        FundingCall,
        verbose_name=_("funding call"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__isnull=True, call__isnull=False)
                | Q(source__isnull=False, call__isnull=True),
                name="follow_source_or_call",
                violation_error_message=_("Follow either a source or a call."),
            ),
            models.UniqueConstraint(
                fields=["user", "source"],
                condition=Q(source__isnull=False),
                name="follow_source_once",
            ),
            models.UniqueConstraint(
                fields=["user", "call"], condition=Q(call__isnull=False), name="follow_call_once"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.call or self.source}"


class SavedSearch(models.Model):
    """A catalogue filter a person saved: each week they are emailed the sources and
    calls that are new or changed and match it (nothing when nothing changed)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="funding_searches",
    )
    name = models.CharField(_("name"), max_length=120)
    query = models.JSONField(_("filter"), default=dict, blank=True)
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    # What the last weekly email covered up to; the next reports what changed since.
    covered_until = models.DateTimeField(_("reported up to"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last email"), null=True, blank=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                name="saved_search_name_once",
                violation_error_message=_("You already have a saved search with this name."),
            )
        ]

    def __str__(self):
        return self.name


class FundingNeed(models.Model):
    """What an organisation seeks, compared by matching with each source's range."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="funding_need",
    )
    amount_sought = models.DecimalField(
        _("amount sought per project (EUR)"),
        max_digits=MAX_AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("funding need")
        verbose_name_plural = _("funding needs")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_sought__isnull=True) | Q(amount_sought__gt=0),
                name="funding_need_positive",
                violation_error_message=_("The amount sought must be above zero."),
            )
        ]

    def __str__(self):
        return str(self.organisation)


class Dismissal(models.Model):
    """An organisation said a source is not for it: it no longer appears among its
    matches, and staff read the reasons to see what the catalogue lacks."""

    class Reason(models.TextChoices):
        FIELD = "field", _("Not our field of work")
        ELIGIBILITY = "eligibility", _("We are not eligible")
        AMOUNT = "amount", _("The amount does not fit us")
        COFINANCING = "cofinancing", _("We cannot provide the co-financing")
        CAPACITY = "capacity", _("Too demanding for us at the moment")
        OTHER = "other", pgettext_lazy("dismissal reason", "Other")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="funding_dismissals",
    )
    source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        on_delete=models.CASCADE,
        related_name="dismissals",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    comment = models.TextField(_("comment"), blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("dismissed match")
        verbose_name_plural = _("dismissed matches")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source"], name="dismissal_once_per_source"
            )
        ]

    def __str__(self):
        return f"{self.organisation} ✗ {self.source}"


class Recommendation(models.Model):
    """A source (or one of its calls) recommended to an organisation taking part in
    a cycle, with a note. Its author is whoever may recommend to that organisation
    (staff; its mentor, once mentors are assigned); its people are emailed, and it
    stays on their funding page."""

    place = models.ForeignKey(
        CohortMembership,
        verbose_name=_("organisation's place in the cycle"),
        on_delete=models.CASCADE,
        related_name="funding_recommendations",
    )
    source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    call = models.ForeignKey(
        FundingCall,
        verbose_name=_("funding call"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    note = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recommended by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="funding_recommendations",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.source} → {self.place.organisation_id}"


# The bids' models live with the rest of the bids (``funding.bids``).
from .bids.models import (  # noqa: E402, F401
    Bid,
    BidComment,
    BidDocument,
    BidReviewRequest,
    BidStatusChange,
)
