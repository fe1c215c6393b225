"""Reads of mentoring, always scoped to who is asking; each runs a constant number
of queries however many rows there are."""

from .access import (
    action_items_for,
    bookable_mentors,
    consultations_for,
    consultations_for_feed,
    may_mark_done,
    mentor_organisation_ids,
    organisations_for_mentor,
    people_of,
    places_for,
    places_for_mentor,
    profile_of,
    ready_profiles,
    requests_for,
    visible_profiles,
)

__all__ = [
    "action_items_for",
    "bookable_mentors",
    "consultations_for",
    "consultations_for_feed",
    "may_mark_done",
    "mentor_organisation_ids",
    "organisations_for_mentor",
    "people_of",
    "places_for",
    "places_for_mentor",
    "profile_of",
    "ready_profiles",
    "requests_for",
    "visible_profiles",
]
