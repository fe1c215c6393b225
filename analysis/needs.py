"""What an organisation's assessment says it needs, for mentor matching: the
expertise tags of the areas where its score is low (``WEAK_SCORE`` or less on the
1–4 scale). The score is the agreed one of its latest assessment with agreed scores
(the end, else the baseline); without any, its people's submitted self-assessment.
Registered with ``mentoring.selectors.matching.register_needs``."""

from collections import defaultdict

from django.db.models import Avg, F
from django.utils import formats
from django.utils.translation import gettext as _

from .models import AgreedScore, Answer, Area, Assessment

WEAK_SCORE = 2

# The sources tried in turn for each organisation: (kind, agreed?).
SOURCES = [
    (Assessment.Kind.END, True),
    (Assessment.Kind.BASELINE, True),
    (Assessment.Kind.END, False),
    (Assessment.Kind.BASELINE, False),
]


def _means(queryset, assessment, area):
    """{(organisation id, kind): {area id: mean score}}."""
    found = defaultdict(dict)
    rows = (
        queryset.values(
            organisation=F(f"{assessment}__organisation_id"),
            kind=F(f"{assessment}__kind"),
            area=F(area),
        )
        .annotate(mean=Avg("score"))
        .order_by()
    )
    for row in rows:
        found[(row["organisation"], row["kind"])][row["area"]] = row["mean"]
    return found


def area_scores(cycle, organisation_ids):
    """{organisation id: {area id: mean score}} from the best source each has. Two
    queries."""
    agreed = _means(
        AgreedScore.objects.filter(
            assessment__cycle=cycle, assessment__organisation_id__in=organisation_ids
        ),
        "assessment",
        "question__area_id",
    )
    own = _means(
        Answer.objects.filter(
            response__assessment__cycle=cycle,
            response__assessment__organisation_id__in=organisation_ids,
            response__submitted_at__isnull=False,
        ),
        "response__assessment",
        "question__area_id",
    )
    scores = {}
    for organisation_id in organisation_ids:
        for kind, is_agreed in SOURCES:
            found = (agreed if is_agreed else own).get((organisation_id, kind))
            if found:
                scores[organisation_id] = found
                break
    return scores


def assessment_needs(cycle, organisation_ids):
    """{organisation id: {expertise tag code: reason}} for the areas where the
    organisation is weak. At most four queries, whatever the number of
    organisations."""
    scores = area_scores(cycle, organisation_ids)
    weak = {area for found in scores.values() for area, mean in found.items() if mean <= WEAK_SCORE}
    if not weak:
        return {}
    areas = Area.objects.filter(pk__in=weak).prefetch_related("expertise_tags").in_bulk()
    needs = defaultdict(dict)
    for organisation_id, found in scores.items():
        for area_id, mean in sorted(found.items(), key=lambda item: item[1]):
            area = areas.get(area_id)
            if mean > WEAK_SCORE or area is None:
                continue
            reason = _("Assessment shows a need: %(area)s, %(score)s") % {
                "area": area.name,
                "score": formats.number_format(mean, 1),
            }
            for tag in area.expertise_tags.all():
                needs[organisation_id].setdefault(tag.code, reason)
    return needs
