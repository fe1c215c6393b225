"""What bids add to pages upstream (sections of the kernel's registry, registered in
apps.py), each loaded in a constant number of queries:

- *My programme*: each place's bids, in one query for every place.
- The mentor's home: the bids whose review was asked of them and still waits for
  their answer, in one query.
"""

from incubator import sections

from . import selectors
from .models import Bid


def programme(user, places, now):
    bids = {}
    for bid in (
        Bid.objects.filter(place__in=[place.pk for place in places])
        .select_related("source")
        .order_by("deadline", "pk")
    ):
        bids.setdefault(bid.place_id, []).append(bid)
    return {place.pk: {"place": place, "bids": bids.get(place.pk, [])} for place in places}


def mentor(user, profiles, now):
    """{profile pk: context} for the user's own mentor profile: the review requests
    waiting for them. An expert, whom no organisation asks for a review (only its
    assigned mentors and staff are asked), sees the section only when one waits."""
    own = [profile for profile in profiles if profile.user_id == user.pk]
    if not own:
        return {}
    requests = selectors.waiting_reviews(user)
    return {
        profile.pk: {"requests": requests} for profile in own if requests or not profile.is_expert
    }


SECTION = sections.Section(
    page=sections.PROGRAMME,
    name="bids",
    template="funding/sections/programme_bids.html",
    load=programme,
    order=40,
)

MENTOR_SECTION = sections.Section(
    page=sections.MENTOR,
    name="bid-reviews",
    template="funding/sections/mentor_reviews.html",
    load=mentor,
    order=40,
)
