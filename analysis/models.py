"""The organisation analysis: the assessment instrument of a cycle (areas, questions
and their level descriptors, versioned), the assessments (baseline and end) with each
respondent's answers and the agreed scores, and the recommendations."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from funding.models import FundingCall, FundingSource
from incubator.models import Cycle, Localised, Organisation
from mentoring.models import ActionItem, ExpertiseTag

LEVELS = (1, 2, 3, 4)
SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class Instrument(models.Model):
    """The questions a cycle's organisations assess themselves on. Once anyone has
    answered one of its questions it is frozen: a change makes a new version."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="instruments"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")
        ordering = ["cycle", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="one_instrument_version"),
        ]

    def __str__(self):
        return _("%(cycle)s, version %(version)s") % {"cycle": self.cycle, "version": self.version}

    @property
    def is_frozen(self):
        return Answer.objects.filter(question__area__instrument=self).exists()


class Area(Localised, models.Model):
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.CASCADE, related_name="areas"
    )
    code = models.SlugField(_("code"), max_length=40)
    name_lv = models.CharField(_("name (Latvian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    expertise_tags = models.ManyToManyField(
        "mentoring.ExpertiseTag",
        verbose_name=_("expertise that helps"),
        blank=True,
        related_name="areas",
        help_text=_(
            "An organisation whose score in this area is low is matched with mentors "
            "who have this expertise."
        ),
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["instrument", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="one_area_code"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localised("name")


class Question(Localised, models.Model):
    """A question scored 1–4; each level has a short descriptor in both languages."""

    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_lv = models.CharField(_("question (Latvian)"), max_length=250)
    text_en = models.CharField(_("question (English)"), max_length=250)
    level_1_lv = models.CharField(_("level 1 (Latvian)"), max_length=250)
    level_2_lv = models.CharField(_("level 2 (Latvian)"), max_length=250)
    level_3_lv = models.CharField(_("level 3 (Latvian)"), max_length=250)
    level_4_lv = models.CharField(_("level 4 (Latvian)"), max_length=250)
    level_1_en = models.CharField(_("level 1 (English)"), max_length=250)
    level_2_en = models.CharField(_("level 2 (English)"), max_length=250)
    level_3_en = models.CharField(_("level 3 (English)"), max_length=250)
    level_4_en = models.CharField(_("level 4 (English)"), max_length=250)
    hint_lv = models.CharField(_("what would help (Latvian)"), max_length=300, blank=True)
    hint_en = models.CharField(_("what would help (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["area__order", "area__code", "order", "pk"]

    def __str__(self):
        return self.text

    @property
    def text(self):
        return self.localised("text")

    @property
    def hint(self):
        return self.localised("hint")

    @property
    def levels(self):
        """[(1, descriptor), ..., (4, descriptor)] in the active language."""
        return [(level, self.localised(f"level_{level}")) for level in LEVELS]


class Assessment(models.Model):
    """An organisation's baseline or end assessment in a cycle, on one instrument."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", pgettext_lazy("assessment", "Baseline")
        END = "end", pgettext_lazy("assessment", "End")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="assessments"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    due_on = models.DateField(_("answer by"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed scores recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["cycle", "organisation__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "organisation", "kind"], name="one_assessment_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_kind_display()} ({self.cycle})"


class Response(models.Model):
    """One person's own answers to an assessment (the leader's, a colleague's)."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("respondent"),
        on_delete=models.PROTECT,
        related_name="assessment_responses",
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-assessment response")
        verbose_name_plural = _("self-assessment responses")
        ordering = ["assessment", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "respondent"], name="one_response_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.respondent} — {self.assessment}"


class Answer(models.Model):
    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=SCORE_VALIDATORS)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=4), name="answer_score_on_the_scale"
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.score}"


class Invitee(models.Model):
    """A colleague or board member the leader asked to answer individually."""

    MAX = 5

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="invitees"
    )
    email = models.EmailField(_("email address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        verbose_name = _("invited respondent")
        verbose_name_plural = _("invited respondents")
        ordering = ["assessment", "invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "email"], name="one_invitation_per_email"
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.assessment}"


class AgreedScore(models.Model):
    """The score staff or the mentor agreed with the organisation, with why."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="agreed_scores",
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="agreed_scores",
    )
    score = models.PositiveSmallIntegerField(_("agreed score"), validators=SCORE_VALIDATORS)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreed score")
        verbose_name_plural = _("agreed scores")
        ordering = ["assessment", "question"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="one_agreed_score"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=4), name="agreed_score_on_the_scale"
            ),
        ]

    def __str__(self):
        return f"{self.assessment}: {self.question} = {self.score}"


class Recommendation(models.Model):
    """A recommendation to an organisation, tied to an area of the instrument or to
    one of the programme's wider topics; the organisation says what it did with it."""

    class Topic(models.TextChoices):
        AREA = "area", _("An area of the assessment")
        SUSTAINABILITY = "sustainability", _("Sustainability")
        POSITIONING = "positioning", _("Positioning")
        COMMUNICATION = "communication", _("Communication")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 3, _("Low")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", pgettext_lazy("recommendation", "Done")
        NOT_RELEVANT = "not_relevant", _("Not relevant")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="recommendations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.AREA)
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    text = models.TextField(_("recommendation"))
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.NEW
    )
    reason = models.TextField(_("reason"), blank=True)
    expertise = models.ForeignKey(
        ExpertiseTag,
        verbose_name=_("expertise that would help"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The organisation is shown the experts and mentors who have it."),
    )
    # What the recommendation led to: action items (kept with the consultation at
    # which they were agreed, reminded by mentoring) and funding from the catalogue.
    action_items = models.ManyToManyField(
        ActionItem, verbose_name=_("action items"), blank=True, related_name="+"
    )
    funding_sources = models.ManyToManyField(
        FundingSource, verbose_name=_("funding sources"), blank=True, related_name="+"
    )
    funding_calls = models.ManyToManyField(
        FundingCall, verbose_name=_("funding calls"), blank=True, related_name="+"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["cycle", "organisation__name", "priority", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic="area", area__isnull=False) | (~Q(topic="area") & Q(area=None)),
                name="recommendation_area_matches_topic",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_relevant") | ~Q(reason=""),
                name="not_relevant_has_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.text[:60]}"

    @property
    def subject(self):
        return self.area.name if self.area_id else self.get_topic_display()


class Feedback(models.Model):
    """An organisation's end-of-cycle feedback, given once by one of its people:
    ratings 1–5 and free text, shown to staff without the name when asked."""

    RATINGS = ["analysis", "consultations", "meetings", "funding_help", "overall"]

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="feedback"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    analysis = models.PositiveSmallIntegerField(
        _("the organisation analysis"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    consultations = models.PositiveSmallIntegerField(
        _("mentor and expert consultations"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    meetings = models.PositiveSmallIntegerField(
        _("joint meetings"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    funding_help = models.PositiveSmallIntegerField(
        _("help with funding"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    overall = models.PositiveSmallIntegerField(
        _("the programme overall"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("what else would you tell us"), blank=True)
    anonymous = models.BooleanField(_("show my words to staff without my name"), default=False)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    given_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["cycle", "given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "organisation"], name="one_feedback_per_organisation"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"feedback_{name}_on_the_scale",
                )
                for name in ["analysis", "consultations", "meetings", "funding_help", "overall"]
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.cycle}"
