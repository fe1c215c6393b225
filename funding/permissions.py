"""Who may do what with funding. The catalogue is public; following and saved
searches need an account; an organisation's matches are its people's and staff's.
An organisation's bids are its people's, its assigned mentors' and staff's (which
bids a person reaches at all is ``bids.selectors.bids_for``: another's is a 404)."""

from incubator.models import Membership
from incubator.permissions import is_staff
from mentoring.models import MentorAssignment


def can_recommend(user, place):
    """Staff recommend funding to any organisation taking part; a mentor to the
    organisation of ``place`` (a cohort place) when assigned to it in that cycle."""
    return is_staff(user) or mentors_place(user, place)


def is_member(user, organisation_id):
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def mentors_place(user, place):
    """Whether ``user`` is a mentor assigned to ``place``'s organisation in its cycle
    (the assignment accepted)."""
    return (
        user.is_authenticated
        and MentorAssignment.objects.filter(
            mentor__user=user,
            cycle_id=place.cycle_id,
            organisation_id=place.organisation_id,
            status=MentorAssignment.Status.ACCEPTED,
        ).exists()
    )


def can_edit_bid(user, bid):
    """The organisation's people and staff change a bid and move it; its mentor
    comments on it."""
    return is_staff(user) or is_member(user, bid.place.organisation_id)


def can_see_bid(user, bid):
    return can_edit_bid(user, bid) or mentors_place(user, bid.place)


__all__ = ["can_edit_bid", "can_recommend", "can_see_bid", "is_staff", "mentors_place"]
