"""The organisation's consent to be named on the programme's public results page,
shown to its leader on *My programme* (a section of the kernel's registry) with a
button to change it. The consent is the application's (``listing_consent``), first
asked on the application form."""

from incubator import sections
from incubator.models import Membership


def programme(user, places, now):
    """{place pk: context} for the places whose organisation ``user`` leads (two
    queries whatever the number of places)."""
    led = set(
        Membership.objects.filter(
            user=user,
            role=Membership.Role.LEADER,
            organisation_id__in=[p.organisation_id for p in places],
        ).values_list("organisation_id", flat=True)
    )
    from applications.models import Application

    consents = dict(
        Application.objects.filter(
            pk__in=[p.application_id for p in places if p.organisation_id in led]
        ).values_list("pk", "listing_consent")
    )
    return {
        place.pk: {"place": place, "consent": consents[place.application_id]}
        for place in places
        if place.application_id in consents
    }


def register():
    sections.register(
        sections.Section(
            page=sections.PROGRAMME,
            name="results-listing",
            template="analysis/sections/listing.html",
            load=programme,
            order=45,
        )
    )
