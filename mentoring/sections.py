"""What mentoring adds to pages upstream, through the kernel's section registry
(``incubator.sections``), registered in apps.py. Each loader takes every row of the
page at once and loads in a constant number of queries.

- *My programme*: the organisation's mentors, its consultations ahead, those behind
  it with their logs (to confirm and rate, or to read again), its open action items,
  its requests waiting for an answer.
- The cohort page (staff): each organisation's consultations held, hours, the next
  one, its mentors and open action items.
- The staff's page of an application: the organisation's consultations in that
  cycle, with hours and action items.
"""

from collections import defaultdict

from django.db.models import Count, Max, Min, Q, Sum

from cohorts.models import CohortMembership
from incubator import sections
from incubator.permissions import is_staff

from .models import ActionItem, Consultation, ConsultationRequest, MentorAssignment
from .selectors.pages import CONSULTATION_RELATED, minutes_to_hours


def _pairs(rows):
    return {(row.cycle_id, row.organisation_id) for row in rows}


def _in_pairs(pairs, prefix=""):
    condition = Q(pk__in=[])
    for cycle_id, organisation_id in pairs:
        condition |= Q(
            **{f"{prefix}cycle_id": cycle_id, f"{prefix}organisation_id": organisation_id}
        )
    return condition


def programme(user, places, now):
    """{place pk: context} for *My programme* (the user's own places)."""
    pairs = _pairs(places)
    by_pair = defaultdict(lambda: defaultdict(list))
    for assignment in MentorAssignment.objects.filter(
        _in_pairs(pairs), status=MentorAssignment.Status.ACCEPTED
    ).select_related("mentor__user", "mentor__partner", "mentor__photo"):
        by_pair[(assignment.cycle_id, assignment.organisation_id)]["mentors"].append(
            assignment.mentor
        )
    # One query for the consultations ahead (scheduled, not yet over; soonest first)
    # and those behind it (held, logged, or waiting for their log; latest first):
    # each of those opens its log, to confirm and rate it, or to read it again.
    # Their cycle and organisation are the place's, not read again.
    place_of = {(place.cycle_id, place.organisation_id): place for place in places}
    past = []
    for consultation in (
        Consultation.objects.filter(_in_pairs(pairs))
        .exclude(status=Consultation.Status.CANCELLED)
        .select_related("mentor__user", "topic", "log")
        .order_by("starts_at", "pk")
    ):
        pair = (consultation.cycle_id, consultation.organisation_id)
        consultation.cycle = place_of[pair].cycle
        consultation.organisation = place_of[pair].organisation
        if consultation.status == Consultation.Status.SCHEDULED and consultation.ends_at > now:
            by_pair[pair]["upcoming"].append(consultation)
        else:
            past.append((pair, consultation))
    for pair, consultation in reversed(past):
        by_pair[pair]["past"].append(consultation)
    # Action items agreed at a consultation and those standing on their own (from a
    # recommendation of the analysis, before any consultation) alike.
    for item in ActionItem.objects.filter(
        _in_pairs(pairs),
        owner=ActionItem.Owner.ORGANISATION,
        done_at__isnull=True,
    ).select_related("mentor__user"):
        by_pair[(item.cycle_id, item.organisation_id)]["items"].append(item)
    for request in ConsultationRequest.objects.filter(
        _in_pairs(pairs), status=ConsultationRequest.Status.PENDING
    ).select_related("mentor__user", "topic"):
        by_pair[(request.cycle_id, request.organisation_id)]["requests"].append(request)
    result = {}
    for place in places:
        if place.status != CohortMembership.Status.ACTIVE:
            continue
        data = by_pair[(place.cycle_id, place.organisation_id)]
        result[place.pk] = {
            "place": place,
            "mentors": data["mentors"],
            "upcoming": data["upcoming"],
            "past": data["past"],
            "items": data["items"],
            "requests": data["requests"],
            "now": now,
        }
    return result


def _figures(pairs, now):
    """{(cycle, organisation): figures} summed in the database: consultations held,
    minutes, the next one and the last one held; and open action items."""
    figures = defaultdict(dict)
    for row in (
        Consultation.objects.filter(_in_pairs(pairs))
        .values("cycle", "organisation")
        .annotate(
            held=Count("pk", filter=Q(status=Consultation.Status.HELD)),
            minutes=Sum("log__minutes", filter=Q(status=Consultation.Status.HELD)),
            next_at=Min(
                "starts_at", filter=Q(status=Consultation.Status.SCHEDULED, starts_at__gt=now)
            ),
            last_at=Max("starts_at", filter=Q(status=Consultation.Status.HELD)),
        )
        .order_by()
    ):
        figures[(row["cycle"], row["organisation"])].update(row)
    for cycle_id, organisation_id, count in (
        ActionItem.objects.filter(_in_pairs(pairs), done_at__isnull=True)
        .values_list("cycle", "organisation")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        figures[(cycle_id, organisation_id)]["open_items"] = count
    for figure in figures.values():
        figure["hours"] = minutes_to_hours(figure.get("minutes"))
    return figures


def _mentors(pairs, statuses):
    mentors = defaultdict(list)
    for assignment in MentorAssignment.objects.filter(
        _in_pairs(pairs), status__in=statuses
    ).select_related("mentor__user"):
        mentors[(assignment.cycle_id, assignment.organisation_id)].append(assignment)
    return mentors


def cohort(user, cohorts, now):
    """{cohort pk: context} for the cohort page, for staff only: another
    organisation's consultations are never shown to participants."""
    if not is_staff(user):
        return {}
    places = list(
        CohortMembership.objects.filter(cohort__in=cohorts)
        .exclude(status=CohortMembership.Status.LEFT)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    pairs = _pairs(places)
    figures = _figures(pairs, now)
    mentors = _mentors(pairs, [MentorAssignment.Status.ACCEPTED])
    result = {}
    for row in cohorts:
        lines = []
        for place in places:
            if place.cohort_id != row.pk:
                continue
            key = (place.cycle_id, place.organisation_id)
            lines.append(
                {
                    "organisation": place.organisation,
                    "figures": figures.get(key, {}),
                    "mentors": [a.mentor for a in mentors[key]],
                }
            )
        result[row.pk] = {"cohort": row, "lines": lines}
    return result


def application(user, applications, now):
    """{application pk: context} for the staff's page of an application: the
    organisation's consultations in the application's cycle."""
    if not is_staff(user):
        return {}
    pairs = {(a.cycle_id, a.organisation_id) for a in applications}
    consultations = defaultdict(list)
    for consultation in (
        Consultation.objects.filter(_in_pairs(pairs))
        .select_related(*CONSULTATION_RELATED)
        .order_by("-starts_at")
    ):
        consultations[(consultation.cycle_id, consultation.organisation_id)].append(consultation)
    figures = _figures(pairs, now)
    mentors = _mentors(pairs, MentorAssignment.OPEN)
    result = {}
    for row in applications:
        key = (row.cycle_id, row.organisation_id)
        if not consultations[key] and not mentors[key]:
            continue
        result[row.pk] = {
            "consultations": consultations[key],
            "assignments": mentors[key],
            "figures": figures.get(key, {}),
            "now": now,
        }
    return result


def register():
    sections.register(
        sections.Section(
            page=sections.PROGRAMME,
            name="mentoring",
            template="mentoring/sections/programme.html",
            load=programme,
            order=20,
        )
    )
    sections.register(
        sections.Section(
            page=sections.COHORT,
            name="mentoring",
            template="mentoring/sections/cohort.html",
            load=cohort,
            order=20,
        )
    )
    sections.register(
        sections.Section(
            page=sections.APPLICATION,
            name="mentoring",
            template="mentoring/sections/application.html",
            load=application,
            order=20,
        )
    )
