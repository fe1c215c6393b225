"""The month view of call deadlines shows a few calls a day (DAY_LIMIT) and, for a
busy day, a “+N vēl” link to the day's own list; the days are counted in the
database, so a month of many deadlines costs as many queries as a quiet one."""

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.selectors import DAY_LIMIT

from . import factories
from .funding_support import at


@pytest.fixture
def busy_day(db):
    """A source with calls whose deadlines share one day; grows with ``add(n)``."""
    source = factories.FundingSourceFactory(name_lv="Kopienu fonds")
    moment = at(5, hour=14)

    def add(count):
        for _n in range(count):
            factories.FundingCallFactory(source=source, deadline=moment)
        return moment

    return add


def _month(client, moment, **extra):
    return client.get(
        reverse("funding:deadlines"), {"month": f"{timezone.localtime(moment):%Y-%m}", **extra}
    )


def test_a_busy_day_shows_a_few_calls_and_a_link_to_the_rest(client, busy_day):
    moment = busy_day(DAY_LIMIT + 7)
    response = _month(client, moment)
    assert response.status_code == 200
    page = response.content.decode()
    assert len(response.context["calls"]) == DAY_LIMIT
    day = timezone.localdate(moment)
    link = f'href="?day={day:%Y-%m-%d}#list-heading"'
    assert page.count(link) == 2  # in the calendar and in the list below
    assert "+7 vēl" in page
    # The day's own list has every call of the day.
    response = client.get(reverse("funding:deadlines"), {"day": f"{day:%Y-%m-%d}"})
    assert response.status_code == 200
    assert len(response.context["day_page"].object_list) == DAY_LIMIT + 7
    assert "Termiņi" in response.content.decode()


def test_a_quiet_day_has_no_link(client, busy_day):
    moment = busy_day(DAY_LIMIT)
    page = _month(client, moment).content.decode()
    assert "?day=" not in page and " vēl</a>" not in page


def test_a_bad_day_is_a_message_not_an_error(client, db):
    response = client.get(reverse("funding:deadlines"), {"day": "2026-02-31"})
    assert response.status_code == 200
    assert "nav diena" in response.content.decode()


def test_the_month_view_runs_as_many_queries_for_few_and_many_deadlines(
    client, busy_day, count_queries
):
    moment = busy_day(2)
    client.get(reverse("funding:deadlines"))  # warm up

    def month():
        assert _month(client, moment).status_code == 200

    def day():
        day = timezone.localdate(moment)
        assert (
            client.get(reverse("funding:deadlines"), {"day": f"{day:%Y-%m-%d}"}).status_code == 200
        )

    small = (count_queries(month), count_queries(day))
    busy_day(60)
    large = (count_queries(month), count_queries(day))
    assert small == large, (small, large)
