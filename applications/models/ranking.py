"""The ranking's figures, stored: what the ranking page shows of each application,
kept by the services so that a page reads one page of rows by an index."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from incubator.models import Cycle, PriorityField

from .application import Application


class RankedApplication(models.Model):
    """One ranked application's figures and places, as ``figures.ranked_applications``
    computes them: per criterion the mean score, raw and normalised per reviewer
    (``means``: {criterion pk: [raw, normalised]}), the totals, the spread between
    reviewers, the reviews by status, and the places in both orders (by the raw
    total and by the normalised one, overall and within the priority field), so that
    the cycle's choice to normalise, or not, needs no recomputation.

    Freshness: refreshed in the same transaction as every change that moves a
    figure or a place, serialised per cycle (``services.refresh_ranking`` locks the
    cycle's row). We chose this over a version stamp that makes a reader recompute
    stale figures because a GET never writes in this portal (a prefetch, a crawler
    or a reload changes nothing) and a reader should never pay for a writer's
    change: the figures are simply always those of the committed scores. A
    submitted or reopened review moves every reviewer's normalisation line and so
    the normalised figures of the whole cycle; the refresh recomputes the cycle
    with the one aggregation the live ranking used, and writes only the rows whose
    figures or places changed.

    Only eligible applications under evaluation (not drafts, not withdrawn) have a
    row. Written only by ``services.refresh_ranking``."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="ranked",
    )
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+"
    )
    priority_field = models.ForeignKey(
        PriorityField,
        verbose_name=_("priority field"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    means = models.JSONField(_("mean scores per criterion"), default=dict)
    total = models.FloatField(_("total"), null=True, blank=True)
    normalised_total = models.FloatField(_("normalised total"), null=True, blank=True)
    spread = models.FloatField(_("spread"), null=True, blank=True)
    reviews_done = models.PositiveIntegerField(_("reviews submitted"), default=0)
    reviews_open = models.PositiveIntegerField(_("reviews open"), default=0)
    recusals = models.PositiveIntegerField(_("recusals"), default=0)
    rank = models.PositiveIntegerField(_("rank"))
    field_rank = models.PositiveIntegerField(_("rank in the field"))
    position = models.PositiveIntegerField(_("position"))
    field_position = models.PositiveIntegerField(_("position in the field"))
    normalised_rank = models.PositiveIntegerField(_("rank (normalised)"))
    normalised_field_rank = models.PositiveIntegerField(_("rank in the field (normalised)"))
    normalised_position = models.PositiveIntegerField(_("position (normalised)"))
    normalised_field_position = models.PositiveIntegerField(_("position in the field (normalised)"))

    class Meta:
        verbose_name = _("ranked application")
        verbose_name_plural = _("ranked applications")
        ordering = ["cycle", "position"]
        indexes = [
            models.Index(fields=["cycle", "position"], name="ranked_position_idx"),
            models.Index(
                fields=["cycle", "priority_field", "field_position"],
                name="ranked_field_position_idx",
            ),
            models.Index(fields=["cycle", "normalised_position"], name="ranked_norm_position_idx"),
            models.Index(
                fields=["cycle", "priority_field", "normalised_field_position"],
                name="ranked_norm_field_pos_idx",
            ),
        ]

    def __str__(self):
        return str(self.application)
