"""Suggested mentors for each organisation of a cycle, ranked by a transparent
score: every point comes with its reason.

- a shared priority field: 3 points;
- expertise matching the support the organisation asked for in its application
  (each tag's ``support_need``), and the needs other apps name: 2 points a tag;
- a common language with the organisation's people: 1 point;
- remaining capacity: 1 point (a full mentor can still be assigned, with an
  override staff record).

Apps downstream (the analysis of an organisation's capacity) add needs with
``register_needs(provider)``: ``provider(cycle, organisation_ids)`` returns
{organisation id: {expertise tag code: reason}} in a constant number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from cohorts.models import CohortMembership
from incubator.models import Membership

from ..models import LANGUAGES, MentorAssignment, MentorProfile
from .access import ready_profiles

FIELD_POINTS = 3
EXPERTISE_POINTS = 2
LANGUAGE_POINTS = 1
CAPACITY_POINTS = 1
SHOWN = 3

_needs_providers = []


def register_needs(provider):
    if provider not in _needs_providers:
        _needs_providers.append(provider)


def _application_needs(cycle, places, tags):
    """{organisation id: {tag code: reason}} from the support asked for in the
    applications that admitted them."""
    from applications.models import Application

    by_need = defaultdict(list)
    for tag in tags:
        if tag.support_need:
            by_need[tag.support_need].append(tag)
    labels = dict(Application.Support.choices)
    needs = defaultdict(dict)
    for place in places:
        application = place.application
        for need in application.support_needs if application else []:
            for tag in by_need.get(need, []):
                needs[place.organisation_id][tag.code] = str(labels.get(need, need))
    return needs


@dataclass
class Suggestion:
    mentor: object
    score: int = 0
    reasons: list = field(default_factory=list)  # [(points, text)]
    used: int = 0

    @property
    def remaining(self):
        return self.mentor.capacity - self.used

    @property
    def full(self):
        return self.remaining <= 0


@dataclass
class Row:
    place: object
    assignments: list
    suggestions: list
    languages: set

    @property
    def accepted(self):
        return [a for a in self.assignments if a.status == MentorAssignment.Status.ACCEPTED]


def _score(place, mentor, used, needs, languages):
    suggestion = Suggestion(mentor, used=used)
    field_ = place.cohort.priority_field
    if any(f.pk == field_.pk for f in mentor.priority_fields.all()):
        suggestion.score += FIELD_POINTS
        suggestion.reasons.append(
            (FIELD_POINTS, _("Same priority field: %(field)s") % {"field": field_.name})
        )
    wanted = needs.get(place.organisation_id, {})
    matched = [t for t in mentor.expertise_tags.all() if t.code in wanted]
    if matched:
        points = EXPERTISE_POINTS * len(matched)
        suggestion.score += points
        suggestion.reasons.append(
            (
                points,
                _("Expertise in what the organisation needs: %(tags)s")
                % {"tags": ", ".join(f"{t.name} ({wanted[t.code]})" for t in matched)},
            )
        )
    common = [label for code, label in LANGUAGES if code in mentor.languages and code in languages]
    if common:
        suggestion.score += LANGUAGE_POINTS
        suggestion.reasons.append(
            (
                LANGUAGE_POINTS,
                _("Common language: %(languages)s")
                % {"languages": ", ".join(str(label) for label in common)},
            )
        )
    if not suggestion.full:
        suggestion.score += CAPACITY_POINTS
        suggestion.reasons.append(
            (
                CAPACITY_POINTS,
                _("Free capacity: %(remaining)d of %(capacity)d organisations")
                % {"remaining": suggestion.remaining, "capacity": mentor.capacity},
            )
        )
    else:
        suggestion.reasons.append(
            (
                0,
                _("Capacity full (%(used)d of %(capacity)d organisations): only with an override")
                % {"used": used, "capacity": mentor.capacity},
            )
        )
    return suggestion


def matching(cycle):
    """Every organisation taking part in ``cycle`` with its assignments and its
    suggested mentors, best first. A constant number of queries."""
    from ..models import ExpertiseTag

    places = list(
        CohortMembership.objects.filter(cycle=cycle, status=CohortMembership.Status.ACTIVE)
        .select_related("organisation", "cohort__priority_field", "application")
        .order_by("cohort__priority_field__order", "organisation__name")
    )
    mentors = list(
        ready_profiles()
        .filter(kind=MentorProfile.Kind.MENTOR)
        .select_related("user", "partner")
        .prefetch_related("expertise_tags", "priority_fields")
        .order_by("user__last_name", "user__first_name")
    )
    used = dict(
        MentorAssignment.objects.filter(cycle=cycle, status__in=MentorAssignment.OPEN)
        .values_list("mentor")
        .annotate(count=Count("pk"))
        .order_by()
    )
    assignments = defaultdict(list)
    for assignment in (
        MentorAssignment.objects.filter(cycle=cycle)
        .select_related("mentor__user", "assigned_by")
        .order_by("assigned_at")
    ):
        assignments[assignment.organisation_id].append(assignment)
    languages = defaultdict(set)
    for organisation_id, language in Membership.objects.filter(
        organisation__in=[p.organisation_id for p in places], user__is_active=True
    ).values_list("organisation_id", "user__language"):
        languages[organisation_id].add(language)
    needs = _application_needs(cycle, places, list(ExpertiseTag.objects.all()))
    ids = [p.organisation_id for p in places]
    for provider in _needs_providers:
        for organisation_id, extra in provider(cycle, ids).items():
            wanted = needs[organisation_id]
            for code, reason in extra.items():
                wanted[code] = f"{wanted[code]}; {reason}" if code in wanted else reason
    rows = []
    for place in places:
        own = assignments[place.organisation_id]
        taken = {a.mentor_id for a in own if a.is_open}
        spoken = languages[place.organisation_id] or {"lv"}
        suggestions = sorted(
            (
                _score(place, mentor, used.get(mentor.pk, 0), needs, spoken)
                for mentor in mentors
                if mentor.pk not in taken
            ),
            key=lambda s: (-s.score, -s.remaining, s.mentor.name),
        )
        rows.append(Row(place, own, suggestions, spoken))
    return rows, mentors, used
