"""Helpers of the bid tests: a running cycle with two organisations (two people in
the first), a mentor assigned to the first (accepted), one assigned to no one, and
staff."""

from dataclasses import dataclass

from incubator.models import Membership
from mentoring import services as mentoring

from . import factories
from .funding_support import at, participant, source


@dataclass
class Bids:
    owner: object
    colleague: object
    organisation: object
    place: object
    other: object
    other_place: object
    mentor: object
    free_mentor: object
    staff: object
    source: object
    call: object


def assign(place, mentor_user, staff):
    assignment = mentoring.assign_mentor(
        place.cycle, place.organisation, mentor_user.mentor_profile, by=staff
    )
    mentoring.accept_assignment(assignment, by=mentor_user)
    return assignment


def bid_world():
    owner, organisation, place = participant("vadītāja@biedriba.lv", field="environment")
    other, _organisation, other_place = participant("cits@biedriba.lv", field="culture")
    colleague = factories.UserFactory(email="kolēģe@biedriba.lv")
    Membership.objects.create(organisation=organisation, user=colleague)
    staff = factories.StaffFactory(email="koordinatore@inkubators.lv")
    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(email="mentore@example.lv", first_name="Ilze")
    ).user
    free_mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(email="brivais@example.lv")
    ).user
    assign(place, mentor, staff)
    fund = source(name_lv="Vides fonds", funder="Vides aizsardzības fonds", fields=["environment"])
    call = factories.FundingCallFactory(
        source=fund, title="Vides izglītība", deadline=at(30, 23, 59), opens_at=at(-5)
    )
    return Bids(
        owner,
        colleague,
        organisation,
        place,
        other,
        other_place,
        mentor,
        free_mentor,
        staff,
        fund,
        call,
    )
