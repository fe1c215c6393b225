"""The funding pages run as many queries with a few sources as with many: the
catalogue, the month view, a source's page, matching and a participant's funding
page, the staff's lists and an organisation's staff page, the profile's follows."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from funding import services
from funding.models import Dismissal, FundingSource, Municipality
from tests import factories

from .funding_support import at, participant


@pytest.fixture
def world(funding_reference):
    user, organisation, place = participant("liene@zala-liepaja.lv")
    staff = factories.StaffFactory(email="santa@inkubators.lv")
    liepaja = Municipality.objects.filter(name="Liepāja")
    made = []

    def grow(count):
        for _ in range(count):
            index = len(made)
            fund = factories.FundingSourceFactory(
                fields=["environment", "culture"],
                legal_forms=["association"],
                scope="municipal" if index % 2 else "national",
                verification="partial" if index % 3 else "confirmed",
            )
            if index % 2:
                fund.municipalities.set(liepaja)
            for days in (5, 40):
                call = factories.FundingCallFactory(source=fund, deadline=at(days), opens_at=at(-3))
                services.follow(user, call=call)
            services.follow(user, source=fund)
            services.recommend(place, source=fund, note="Der jums.", by=staff)
            if index % 4 == 3:
                Dismissal.objects.create(
                    organisation=organisation, source=fund, reason="field", dismissed_by=user
                )
            made.append(fund)

    return {"user": user, "organisation": organisation, "staff": staff, "grow": grow}


def _pages(world):
    sample = FundingSource.objects.order_by("pk").first()
    month = f"{at(5):%Y-%m}"
    return {
        "catalogue": (None, reverse("funding:catalogue")),
        "catalogue filtered": (
            None,
            reverse("funding:catalogue") + "?q=programma&field=environment&closing_soon=1",
        ),
        "catalogue signed in": (world["user"], reverse("funding:catalogue")),
        "deadlines": (None, reverse("funding:deadlines") + f"?month={month}"),
        "feed": (None, reverse("funding:feed")),
        "source": (world["user"], reverse("funding:source_detail", args=[sample.pk])),
        "mine": (world["user"], reverse("funding:mine")),
        "profile": (world["user"], reverse("profile")),
        "staff home": (world["staff"], reverse("funding:staff_home")),
        "organisations": (world["staff"], reverse("funding:organisations")),
        "organisation": (
            world["staff"],
            reverse("funding:organisation", args=[world["organisation"].pk]),
        ),
        "dismissals": (world["staff"], reverse("funding:dismissals")),
    }


def _counts(client, world, count_queries):
    counts = {}
    for name, (user, url) in _pages(world).items():
        client.logout()
        if user is not None:
            client.force_login(user)

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, url
            return response

        cache.clear()  # each page as first read: the filter's options too (funding.choices)
        counts[name] = count_queries(get)
    return counts


def test_the_funding_pages_run_as_many_queries_for_few_and_many_sources(
    client, world, count_queries
):
    world["grow"](4)
    small = _counts(client, world, count_queries)
    world["grow"](9)
    large = _counts(client, world, count_queries)
    assert small == large, (small, large)
