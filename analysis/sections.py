"""What the analysis adds to pages upstream, through the kernel's section registry:
on *My programme*, the organisation's assessments (to answer) and a link to its
results and recommendations; on the staff's page of an application, the same
link for staff. Each loader takes every row at once, in a constant number of
queries."""

from collections import defaultdict

from django.db.models import Count, Q

from cohorts.models import CohortMembership
from incubator import sections
from incubator.permissions import is_staff

from .models import Assessment, Recommendation
from .selectors import _pairs_condition


def _assessments(pairs, user=None):
    found = defaultdict(dict)
    assessments = Assessment.objects.filter(_pairs_condition(pairs)).order_by()
    if user is not None:
        assessments = assessments.annotate(
            mine=Count(
                "responses",
                filter=Q(responses__respondent=user, responses__submitted_at__isnull=False),
            )
        )
    for assessment in assessments:
        found[(assessment.cycle_id, assessment.organisation_id)][assessment.kind] = assessment
    return found


def _open_recommendations(pairs):
    return {
        (row["cycle"], row["organisation"]): row["count"]
        for row in Recommendation.objects.filter(
            _pairs_condition(pairs), status__in=["new", "accepted", "in_progress"]
        )
        .values("cycle", "organisation")
        .annotate(count=Count("pk"))
        .order_by()
    }


def programme(user, places, now):
    """{place pk: context} for *My programme*: the user's own places."""
    pairs = {(p.cycle_id, p.organisation_id) for p in places}
    assessments = _assessments(pairs, user)
    recommendations = _open_recommendations(pairs)
    result = {}
    for place in places:
        key = (place.cycle_id, place.organisation_id)
        if not assessments[key] and not recommendations.get(key):
            continue
        result[place.pk] = {
            "place": place,
            "baseline": assessments[key].get(Assessment.Kind.BASELINE),
            "end": assessments[key].get(Assessment.Kind.END),
            "open_recommendations": recommendations.get(key, 0),
        }
    return result


def application(user, applications, now):
    """{application pk: context} for the staff's page of an application."""
    if not is_staff(user):
        return {}
    places = {
        (p.cycle_id, p.organisation_id): p
        for p in CohortMembership.objects.filter(application__in=applications)
    }
    pairs = set(places)
    assessments = _assessments(pairs)
    result = {}
    for row in applications:
        key = (row.cycle_id, row.organisation_id)
        if key not in places:
            continue
        result[row.pk] = {
            "place": places[key],
            "baseline": assessments[key].get(Assessment.Kind.BASELINE),
            "end": assessments[key].get(Assessment.Kind.END),
        }
    return result


def register():
    sections.register(
        sections.Section(
            page=sections.PROGRAMME,
            name="analysis",
            template="analysis/sections/programme.html",
            load=programme,
            order=40,
        )
    )
    sections.register(
        sections.Section(
            page=sections.APPLICATION,
            name="analysis",
            template="analysis/sections/application.html",
            load=application,
            order=40,
        )
    )
