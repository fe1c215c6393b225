"""Decision letters: the cycle's editable templates and the letters actually sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incubator.models import Cycle, Localised

from .application import Application, StatusChange


class LetterTemplate(models.Model):
    """The text of one decision's letter in one cycle, with {placeholders}. A cycle
    without a row for a decision uses the built-in text (see ``letters.py``)."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="letter_templates"
    )
    decision = models.CharField(_("decision"), max_length=12, choices=Application.DECISION_CHOICES)
    subject_lv = models.CharField(_("subject (Latvian)"), max_length=200)
    body_lv = models.TextField(_("text (Latvian)"))
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["cycle", "decision"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "decision"], name="one_letter_template_per_decision"
            ),
        ]

    def __str__(self):
        return f"{self.cycle}: {self.get_decision_display()}"


class DecisionLetter(Localised, models.Model):
    """The letter sent for one decision, as it was sent, in both languages."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="decision_letters",
    )
    decision = models.OneToOneField(
        StatusChange,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="letter",
    )
    subject_lv = models.CharField(_("subject (Latvian)"), max_length=300)
    body_lv = models.TextField(_("text (Latvian)"))
    subject_en = models.CharField(_("subject (English)"), max_length=300)
    body_en = models.TextField(_("text (English)"))
    feedback = models.JSONField(
        _("feedback"),
        default=dict,
        blank=True,
        help_text=_(
            "The figures and the reviewers' comments (unnamed) as they were when the "
            "letter was sent; the organisation's feedback page shows these, so that it "
            "always agrees with the letter."
        ),
    )
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")
        ordering = ["-sent_at"]

    def __str__(self):
        return self.subject_lv

    @property
    def subject(self):
        return self.localised("subject")

    @property
    def body(self):
        return self.localised("body")
