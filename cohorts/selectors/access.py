"""Who may see what, and who is to be told: the scoped querysets every page and
every email starts from."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from applications.models import Application
from incubator.models import Membership
from incubator.permissions import is_staff

from .. import audiences
from ..models import Cohort, CohortMembership, Deadline, JointMeeting, MeetingResponse

VISIBLE = [CohortMembership.Status.ACTIVE, CohortMembership.Status.COMPLETED]


CYCLE_END_TIME = datetime.time(23, 59)


def cycle_end(cycle):
    """The last moment of the incubation: 23:59 on its last day, Riga time."""
    return timezone.make_aware(datetime.datetime.combine(cycle.incubation_ends_on, CYCLE_END_TIME))


def cycle_window(cycle):
    """Meetings and deadlines of a cycle fall between its call opening and its end."""
    return cycle.call_opens_at, cycle_end(cycle)


def memberships_of(user):
    """The cohort places of the organisations ``user`` belongs to (not those that left)."""
    if not user.is_authenticated:
        return CohortMembership.objects.none()
    return (
        CohortMembership.objects.filter(organisation__memberships__user=user, status__in=VISIBLE)
        .select_related("organisation", "cycle", "cohort__priority_field", "cohort__coordinator")
        .order_by("-cycle__incubation_starts_on", "organisation__name")
    )


def takes_part(user):
    """Whether an organisation of ``user`` has an active place in a cohort."""
    return (
        user.is_authenticated
        and memberships_of(user).filter(status=CohortMembership.Status.ACTIVE).exists()
    )


def cohorts_for(user):
    """Cohorts a user may open: staff all, participants their own."""
    cohorts = Cohort.objects.select_related("cycle", "priority_field", "coordinator")
    if is_staff(user):
        return cohorts
    if not user.is_authenticated:
        return cohorts.none()
    return cohorts.filter(pk__in=memberships_of(user).values("cohort_id"))


def meetings_for(user):
    """Meetings a user may open: staff all; participants those of their cycle that
    are for everyone or for their cohort."""
    meetings = JointMeeting.objects.select_related("cycle", "cohort__priority_field")
    if is_staff(user):
        return meetings
    if not user.is_authenticated:
        return meetings.none()
    mine = memberships_of(user)
    return meetings.filter(
        Q(cohort__isnull=True, cycle__in=mine.values("cycle_id"))
        | Q(cohort__in=mine.values("cohort_id"))
    )


def deadlines_for(user):
    deadlines = Deadline.objects.select_related("cycle", "cohort__priority_field")
    if is_staff(user):
        return deadlines
    if not user.is_authenticated:
        return deadlines.none()
    return deadlines.filter(audiences.concerning(user))


def meeting_organisations(meeting, user):
    """The user's organisations that are invited to ``meeting`` (to answer for)."""
    places = CohortMembership.objects.filter(
        cycle_id=meeting.cycle_id,
        status=CohortMembership.Status.ACTIVE,
        organisation__memberships__user=user,
    )
    if meeting.cohort_id:
        places = places.filter(cohort_id=meeting.cohort_id)
    return places.select_related("organisation")


def answering_places(meeting, user):
    """The user's organisations invited to ``meeting``, each with its active people
    (``organisation.active_people``) and its answer, if any
    (``organisation.answers_here``), in three queries however many there are."""
    people = (
        Membership.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("-role", "created_at")
    )
    answers = MeetingResponse.objects.filter(meeting=meeting).prefetch_related("attendees")
    return meeting_organisations(meeting, user).prefetch_related(
        Prefetch("organisation__memberships", queryset=people, to_attr="active_people"),
        Prefetch("organisation__meeting_responses", queryset=answers, to_attr="answers_here"),
    )


def participant_people(cycle_ids):
    """Everyone to tell about a cycle's meetings and deadlines: a list of
    (cycle_id, cohort_id, organisation, user) for the people of every organisation
    taking part, in two queries."""
    places = list(
        CohortMembership.objects.filter(
            cycle_id__in=cycle_ids, status=CohortMembership.Status.ACTIVE
        ).values_list("organisation_id", "cycle_id", "cohort_id")
    )
    people = (
        Membership.objects.filter(
            organisation_id__in={org for org, _cycle, _cohort in places}, user__is_active=True
        )
        .select_related("user", "organisation")
        .order_by("organisation_id", "-role", "pk")
    )
    by_organisation = {}
    for membership in people:
        by_organisation.setdefault(membership.organisation_id, []).append(membership)
    return [
        (cycle_id, cohort_id, membership.organisation, membership.user)
        for organisation_id, cycle_id, cohort_id in places
        for membership in by_organisation.get(organisation_id, [])
    ]


def audience_of(people, cycle_id, cohort_id):
    """From ``participant_people``: the people a meeting or deadline of ``cycle_id``
    (and ``cohort_id``, if any) concerns, as (user, [their organisations it is for])
    pairs, each person once, in the order of ``people``."""
    by_user = {}
    for person_cycle, person_cohort, organisation, user in people:
        if person_cycle != cycle_id or (cohort_id and person_cohort != cohort_id):
            continue
        organisations = by_user.setdefault(user.pk, (user, []))[1]
        if organisation not in organisations:
            organisations.append(organisation)
    return list(by_user.values())


@dataclass
class Invitee:
    """One person a meeting is for: a participant, with the organisations through
    which it concerns them, or a host (its coordinator or organiser, on the staff)."""

    user: object
    organisations: list = field(default_factory=list)

    @property
    def is_host(self):
        return not self.organisations


def meeting_hosts(meetings):
    """{meeting id: [users]}: the staff told about each meeting besides its
    participants: the coordinator of its cohort (of every cohort of the cycle, for a
    meeting of the whole cycle) and whoever scheduled it. One query; ``meetings``
    come with ``created_by`` selected."""
    coordinated = list(
        Cohort.objects.filter(
            cycle_id__in={m.cycle_id for m in meetings},
            coordinator__is_active=True,
            coordinator__is_staff=True,
        ).select_related("coordinator")
    )
    hosts = {}
    for meeting in meetings:
        users = {}
        for cohort in coordinated:
            if cohort.cycle_id == meeting.cycle_id and meeting.cohort_id in (None, cohort.pk):
                users.setdefault(cohort.coordinator_id, cohort.coordinator)
        organiser = meeting.created_by
        if organiser is not None and organiser.is_active and organiser.is_staff:
            users.setdefault(organiser.pk, organiser)
        hosts[meeting.pk] = list(users.values())
    return hosts


def meeting_invitees(meeting, people, hosts):
    """Everyone ``meeting`` is for, from ``participant_people`` and its hosts (from
    ``meeting_hosts``): participants first, each person once."""
    invitees = [
        Invitee(user, organisations)
        for user, organisations in audience_of(people, meeting.cycle_id, meeting.cohort_id)
    ]
    participants = {invitee.user.pk for invitee in invitees}
    invitees += [Invitee(user) for user in hosts if user.pk not in participants]
    return invitees


def draft_people(cycle_ids):
    """{cycle_id: [(user, application)]} for every person of an organisation whose
    application to the cycle is still a draft."""
    drafts = {
        application.organisation_id: application
        for application in Application.objects.filter(
            cycle_id__in=cycle_ids, status=Application.Status.DRAFT
        ).select_related("organisation", "cycle")
    }
    people = Membership.objects.filter(
        organisation_id__in=drafts, user__is_active=True
    ).select_related("user")
    result = {}
    for membership in people:
        application = drafts[membership.organisation_id]
        result.setdefault(application.cycle_id, []).append((membership.user, application))
    return result
