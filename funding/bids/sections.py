"""The organisation's bids on *My programme* (a section of the kernel's registry,
registered in apps.py): each place's bids, loaded in one query for every place."""

from incubator import sections

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


SECTION = sections.Section(
    page=sections.PROGRAMME,
    name="bids",
    template="funding/sections/programme_bids.html",
    load=programme,
    order=40,
)
