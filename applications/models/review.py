"""The evaluation of a cycle's applications: its settings, eligibility requirements,
weighted criteria, the evaluation committee, review assignments and scores."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incubator.models import Cycle, Localised, PriorityField

from .application import Application

# The widest scale a criterion may have (0–100 points).
SCALE_LIMIT = 100


class ReviewSettings(models.Model):
    """How a cycle's applications are evaluated. A cycle without a row uses the
    defaults below (see ``selectors.review_settings``)."""

    cycle = models.OneToOneField(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="review_settings"
    )
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    reviews_due_on = models.DateField(_("reviews due"), null=True, blank=True)
    reviewers_see_other_reviews = models.BooleanField(
        _("reviewers see the other reviews after submitting their own"),
        default=False,
        help_text=_(
            "Reviewing is blind: before submitting, a reviewer never sees anyone else's "
            "scores or comments. Tick this to show them once their own review is submitted."
        ),
    )
    normalise_scores = models.BooleanField(
        _("normalise scores per reviewer"),
        default=False,
        help_text=_(
            "Corrects harsh and lenient reviewers: each reviewer's scores are turned into "
            "z-scores and rescaled to the criterion's scale. The ranking then follows the "
            "normalised total, shown next to the raw one."
        ),
    )
    spread_threshold = models.DecimalField(
        _("spread threshold (percentage points)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("20.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "An application is flagged for discussion when its reviewers' weighted totals "
            "differ by more than this."
        ),
    )
    applicants_see_feedback = models.BooleanField(
        _("applicants see the feedback per criterion"),
        default=False,
        help_text=_(
            "With the published decision, the organisation sees the mean score and the "
            "reviewers' comments for each criterion (without the reviewers' names)."
        ),
    )
    offer_days = models.PositiveSmallIntegerField(
        _("days to answer an offered place"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "When an admitted organisation leaves, the next one on the waiting list is "
            "offered its place by email and has this many days to accept it."
        ),
    )
    finalised_at = models.DateTimeField(_("ranking finalised"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review settings")
        verbose_name_plural = _("review settings")

    def __str__(self):
        return str(self.cycle)

    @property
    def is_finalised(self):
        return self.finalised_at is not None


class FieldQuota(models.Model):
    """The least and the most places one priority field may take in a cycle."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="field_quotas"
    )
    priority_field = models.ForeignKey(
        PriorityField,
        verbose_name=_("priority field"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    minimum_places = models.PositiveSmallIntegerField(_("at least"), default=0)
    maximum_places = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("places per priority field")
        verbose_name_plural = _("places per priority field")
        ordering = ["cycle", "priority_field__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "priority_field"], name="one_quota_per_cycle_and_field"
            ),
            models.CheckConstraint(
                condition=Q(maximum_places__isnull=True)
                | Q(maximum_places__gte=F("minimum_places")),
                name="quota_maximum_not_below_minimum",
            ),
        ]

    def __str__(self):
        return f"{self.cycle}: {self.priority_field}"


class EligibilityRequirement(Localised, models.Model):
    """A yes/no condition every application of the cycle must meet."""

    cycle = models.ForeignKey(
        Cycle,
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="eligibility_requirements",
    )
    text_lv = models.CharField(_("requirement (Latvian)"), max_length=300)
    text_en = models.CharField(_("requirement (English)"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("eligibility requirement")
        verbose_name_plural = _("eligibility requirements")
        ordering = ["cycle", "order", "pk"]

    def __str__(self):
        return self.text

    @property
    def text(self):
        return self.localised("text")


class EligibilityCheck(models.Model):
    """Staff's finding on one requirement for one application."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="eligibility_checks",
    )
    requirement = models.ForeignKey(
        EligibilityRequirement,
        verbose_name=_("requirement"),
        on_delete=models.PROTECT,
        related_name="checks",
    )
    met = models.BooleanField(_("met"))
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        ordering = ["application", "requirement__order", "requirement"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement"], name="one_check_per_requirement"
            ),
            models.CheckConstraint(
                condition=Q(met=True) | ~Q(note=""), name="unmet_requirement_has_a_note"
            ),
        ]

    def __str__(self):
        return f"{self.application}: {self.requirement}"


class Criterion(Localised, models.Model):
    """A selection criterion: a weight and a scale. Once any application has been
    scored, the scale is locked; the weight and the texts may still change."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="criteria"
    )
    name_lv = models.CharField(_("name (Latvian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    guidance_lv = models.TextField(_("guidance for reviewers (Latvian)"), blank=True)
    guidance_en = models.TextField(_("guidance for reviewers (English)"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=5, validators=[MaxValueValidator(SCALE_LIMIT)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["cycle", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")) & Q(scale_max__lte=SCALE_LIMIT),
                name="criterion_scale_is_a_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localised("name")

    @property
    def guidance(self):
        return self.localised("guidance")

    @property
    def scale(self):
        return range(self.scale_min, self.scale_max + 1)


class CommitteeMember(models.Model):
    """A person with the reviewer role for one cycle (a member of its evaluation
    committee)."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="committee"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="committee_memberships",
    )
    affiliation = models.CharField(
        _("affiliation"),
        max_length=200,
        blank=True,
        help_text=_("The partner organisation the member comes from, if any."),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    invitations_sent = models.PositiveSmallIntegerField(_("invitations sent"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["cycle", "user__last_name", "user__first_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "user"], name="one_membership_per_cycle"),
        ]

    def __str__(self):
        return f"{self.user} — {self.cycle}"


class ReviewAssignment(models.Model):
    """One committee member's review of one application: first the conflict of
    interest declaration, then the scores (a draft until submitted)."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("To review")
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RECUSED = "recused", _("Recused")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    member = models.ForeignKey(
        CommitteeMember,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED
    )
    has_conflict = models.BooleanField(
        _("conflict of interest"),
        null=True,
        blank=True,
        help_text=_("Empty until the reviewer answers."),
    )
    conflict_reason = models.TextField(_("conflict of interest: reason"), blank=True)
    conflict_declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    overall_comment = models.TextField(_("overall comment"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    others_seen_at = models.DateTimeField(
        _("read the other reviews"),
        null=True,
        blank=True,
        help_text=_(
            "When the reviewer was first shown the other reviews of the application. "
            "From then on only staff can reopen their review."
        ),
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member"], name="one_review_per_member_and_application"
            ),
            models.CheckConstraint(
                condition=Q(status="recused", has_conflict=True)
                | (~Q(status="recused") & (Q(has_conflict=False) | Q(has_conflict__isnull=True))),
                name="recused_exactly_when_conflicted",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["draft", "submitted"]) | Q(has_conflict=False),
                name="scored_only_without_conflict",
            ),
        ]
        indexes = [models.Index(fields=["application", "status"], name="review_app_status_idx")]

    def __str__(self):
        return f"{self.member.user} → {self.application.organisation}"

    @property
    def conflict_declared(self):
        return self.has_conflict is not None

    @property
    def is_recused(self):
        return self.status == self.Status.RECUSED

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED

    @property
    def can_be_taken_back(self):
        """Staff may take back a review the reviewer has not started (a recusal stays
        on record, and a started review is the reviewer's work)."""
        return self.status == self.Status.ASSIGNED


class Score(models.Model):
    """One criterion's score in one review, with the reviewer's comment.

    The criterion's scale is copied onto the row when it is scored, so that the
    database itself keeps every score within its scale (the scale is locked once a
    score exists, so the copy never goes stale)."""

    assignment = models.ForeignKey(
        ReviewAssignment,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"))
    scale_max = models.PositiveSmallIntegerField(_("highest score"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assignment", "criterion__order", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True)
                | (Q(value__gte=F("scale_min")) & Q(value__lte=F("scale_max"))),
                name="score_within_scale",
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value if self.value is not None else '—'}"


class ReviewerLine(models.Model):
    """How one committee member's scores are normalised, from the submitted scores
    of the member's cycle.

    On a 0–1 scale, each score u of the member becomes u' = intercept + slope · u,
    where slope = σ / σ_member and intercept = μ − slope · μ_member (μ, σ: the mean
    and standard deviation of the whole committee's scores; μ_member, σ_member: the
    member's own), which is the member's z-score rescaled to the committee's. A
    member who gave every score alike has slope 0: their scores all become μ.

    Written only by ``services.refresh_reviewer_lines``, which the scoring services
    call in the same transaction whenever a review is submitted or reopened, so the
    lines always follow the submitted scores."""

    member = models.OneToOneField(
        CommitteeMember,
        verbose_name=_("reviewer"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="line",
    )
    scores = models.PositiveIntegerField(_("scores"))
    mean = models.FloatField(_("mean score (0–1)"))
    committee_mean = models.FloatField(_("committee's mean score (0–1)"))
    slope = models.FloatField(_("slope"))
    intercept = models.FloatField(_("intercept"))

    class Meta:
        verbose_name = _("reviewer normalisation")
        verbose_name_plural = _("reviewer normalisation")
        ordering = ["member"]

    def __str__(self):
        return str(self.member)
