"""Who may see what: the scoped querysets every mentoring page and email starts from.

A mentor or expert reaches only the organisations assigned to them or that booked
them, and of those only what the programme shows participants; an organisation's
people reach only its own consultations; staff reach everything. Views fetch objects
through these with ``get_object_or_404``, so another party's object is a 404."""

from django.db.models import Exists, OuterRef, Q

from cohorts.models import CohortMembership
from incubator.models import Membership, Organisation
from incubator.permissions import is_staff

from ..models import (
    ActionItem,
    Consultation,
    ConsultationRequest,
    MentorAssignment,
    MentorProfile,
)

_NO_PROFILE = object()


def profile_of(user):
    """The person's mentor or expert profile (invited or active), or None; looked up
    once per user object."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_mentoring_profile", _NO_PROFILE)
    if cached is _NO_PROFILE:
        cached = (
            MentorProfile.objects.filter(user=user, is_active=True)
            .select_related("partner")
            .first()
        )
        user._mentoring_profile = cached
    return cached


def ready_profiles():
    """Mentors and experts who take part: active, their profile filled in."""
    return MentorProfile.objects.filter(
        is_active=True, activated_at__isnull=False, user__is_active=True
    )


def own_organisation_ids(user):
    return Membership.objects.filter(user=user).values("organisation_id")


def mentor_organisation_ids(profile):
    """The organisations a mentor or expert may see: assigned to them (and not
    declined) or that booked them."""
    assigned = (
        MentorAssignment.objects.filter(mentor=profile)
        .exclude(status=MentorAssignment.Status.DECLINED)
        .values("organisation_id")
    )
    booked = Consultation.objects.filter(mentor=profile).values("organisation_id")
    return Organisation.objects.filter(Q(pk__in=assigned) | Q(pk__in=booked)).values("pk")


def organisations_for_mentor(user):
    """Organisations a user may open as a mentor or expert (staff: all)."""
    organisations = Organisation.objects.select_related("priority_field")
    if is_staff(user):
        return organisations
    profile = profile_of(user)
    if profile is None:
        return organisations.none()
    return organisations.filter(pk__in=mentor_organisation_ids(profile))


def _scoped(queryset, user, organisation_field="organisation"):
    if is_staff(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    condition = Q(**{f"{organisation_field}__in": own_organisation_ids(user)})
    profile = profile_of(user)
    if profile is not None:
        condition |= Q(mentor=profile)
    return queryset.filter(condition)


def consultations_for(user):
    """Consultations a user may open: staff all; a mentor or expert their own; an
    organisation's people the organisation's."""
    return _scoped(
        Consultation.objects.select_related(
            "cycle", "organisation", "mentor__user", "mentor__partner", "topic", "slot"
        ),
        user,
    )


def requests_for(user):
    return _scoped(
        ConsultationRequest.objects.select_related(
            "cycle", "organisation", "mentor__user", "topic", "consultation"
        ),
        user,
    )


def action_items_for(user):
    """The action items a user may see: staff all; the organisation's people its
    own; a mentor those they are named on and those of the organisations they are
    assigned to in that cycle (whether agreed at a consultation or not)."""
    items = ActionItem.objects.select_related("organisation", "mentor__user")
    if is_staff(user):
        return items
    if not user.is_authenticated:
        return items.none()
    condition = Q(organisation__in=own_organisation_ids(user))
    profile = profile_of(user)
    if profile is not None:
        assigned = MentorAssignment.objects.filter(
            mentor=profile,
            status__in=MentorAssignment.OPEN,
            cycle_id=OuterRef("cycle_id"),
            organisation_id=OuterRef("organisation_id"),
        )
        condition |= Q(mentor=profile) | Q(Exists(assigned))
    return items.filter(condition)


def may_mark_done(user, item):
    """The organisation's people mark its items done; the mentor theirs; staff any."""
    if is_staff(user):
        return True
    if item.owner == ActionItem.Owner.MENTOR:
        profile = profile_of(user)
        return profile is not None and item.mentor_id == profile.pk
    return Membership.objects.filter(user=user, organisation_id=item.organisation_id).exists()


def places_for(user):
    """The cohort places a user may book consultations for: staff every organisation
    taking part; others their own organisations'."""
    places = CohortMembership.objects.filter(status=CohortMembership.Status.ACTIVE).select_related(
        "organisation", "cycle", "cohort__priority_field"
    )
    if is_staff(user):
        return places
    if not user.is_authenticated:
        return places.none()
    return places.filter(organisation__in=own_organisation_ids(user))


def bookable_mentors(place):
    """Who ``place``'s organisation may book: the mentors assigned to it for the
    cycle (the assignment accepted) and every expert."""
    assigned = MentorAssignment.objects.filter(
        mentor=OuterRef("pk"),
        cycle_id=place.cycle_id,
        organisation_id=place.organisation_id,
        status=MentorAssignment.Status.ACCEPTED,
    )
    return ready_profiles().filter(Q(kind=MentorProfile.Kind.EXPERT) | Q(Exists(assigned)))


def visible_profiles(user):
    """Profiles a user may open: staff all; a mentor their own; an organisation's
    people the experts and the mentors assigned to it."""
    profiles = MentorProfile.objects.select_related("user", "partner")
    if is_staff(user):
        return profiles
    if not user.is_authenticated:
        return profiles.none()
    condition = Q(user=user)
    mine = CohortMembership.objects.filter(
        organisation__in=own_organisation_ids(user), status=CohortMembership.Status.ACTIVE
    )
    if mine.exists():
        assigned = MentorAssignment.objects.filter(
            organisation__in=own_organisation_ids(user),
            status=MentorAssignment.Status.ACCEPTED,
        ).values("mentor_id")
        condition |= Q(pk__in=assigned) | Q(
            kind=MentorProfile.Kind.EXPERT, is_active=True, activated_at__isnull=False
        )
    return profiles.filter(condition)


def people_of(organisation_ids):
    """{organisation id: [active people]} in one query, leaders first."""
    people = {}
    for membership in (
        Membership.objects.filter(organisation_id__in=organisation_ids, user__is_active=True)
        .select_related("user")
        .order_by("-role", "created_at")
    ):
        people.setdefault(membership.organisation_id, []).append(membership.user)
    return people


def consultations_for_feed(user, since):
    """A person's consultations for their calendar feed: as a mentor or expert, and
    as one of an organisation's people (never every consultation, even for staff)."""
    if not user.is_authenticated:
        return []
    condition = Q(organisation__in=own_organisation_ids(user))
    profile = profile_of(user)
    if profile is not None:
        condition |= Q(mentor=profile)
    return list(
        Consultation.objects.filter(condition, ends_at__gte=since)
        .exclude(status=Consultation.Status.LATE_CANCELLED)
        .select_related("organisation", "mentor__user", "topic")
        .order_by("starts_at")
    )


def places_for_mentor(profile):
    """The cohort places a mentor or expert may log a consultation with: every
    organisation taking part for an expert; those assigned to them for a mentor."""
    places = CohortMembership.objects.filter(status=CohortMembership.Status.ACTIVE).select_related(
        "organisation", "cycle"
    )
    if profile.kind == MentorProfile.Kind.EXPERT:
        return places
    assigned = MentorAssignment.objects.filter(
        mentor=profile,
        status=MentorAssignment.Status.ACCEPTED,
        cycle_id=OuterRef("cycle_id"),
        organisation_id=OuterRef("organisation_id"),
    )
    return places.filter(Exists(assigned))
