"""The ranking's figures, stored: what the ranking page shows of each application,
kept by the services so that a page reads one page of rows by an index."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from incubator.models import Cycle, PriorityField

from .application import Application


class RankedApplication(models.Model):
    """One ranked application's figures and places, as ``figures.ranked_applications``
    computes them: per criterion the mean score (``means``: {criterion pk: mean}),
    the totals (raw and normalised per reviewer), the spread between reviewers, the
    reviews by status, and the places in both orders (by the raw total and by the
    normalised one, overall and within the priority field), so that the cycle's
    choice to normalise, or not, needs no recomputation. The normalised mean of
    each criterion is not kept: the page does not show it, and since every
    submission moves every reviewer's line, it would change on every row each
    time; the normalised total, rounded to hundredths as the ranking compares it,
    changes on far fewer, and a refresh writes only the rows that changed.

    Freshness: a version stamp (``RankingState``) rather than a refresh in the
    transaction of each change. A submitted or reopened review moves every
    reviewer's normalisation line and so the normalised figures of the whole
    cycle: refreshing means the whole cycle's aggregation (about as long as the
    live ranking took), which would make every submission that long and queue
    the submissions of a large cycle behind one another. Instead each change bumps
    the cycle's ``changed`` in its own transaction and, after the commit, a task
    refreshes the stored rows (``services.refresh_ranking``, serialised per cycle
    by the lock on the stamp's row) and records the version it computed. A page
    uses the stored rows only when their version is the cycle's last change;
    otherwise it computes the ranking live, as before, and writes nothing (a GET
    never writes in this portal). So a read never shows figures that disagree
    with the scores; it is only slower until the refresh has run.

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


class RankingState(models.Model):
    """The version stamp of a cycle's stored ranking: ``changed`` counts the changes
    that move a figure or a place (bumped in the transaction of each), ``computed``
    is the change the stored rows reflect. Equal: the stored ranking is fresh."""

    cycle = models.OneToOneField(
        Cycle,
        verbose_name=_("cycle"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="ranking_state",
    )
    changed = models.PositiveBigIntegerField(_("last change"), default=1)
    computed = models.PositiveBigIntegerField(_("change computed"), default=0)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored ranking")
        verbose_name_plural = _("stored rankings")
        ordering = ["cycle"]

    def __str__(self):
        return str(self.cycle)

    @property
    def is_fresh(self):
        return self.computed == self.changed
