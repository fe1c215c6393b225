"""The mentoring pages run the same number of queries with a few consultations as
with many: each page is loaded with a small cycle, then again after it has grown
(organisations, mentors, consultations held with logs, ratings and action items,
booked ahead and cancelled, free times), and the two counts must be equal. The pages
upstream that show mentoring (My programme, the cohort page, the staff's page of an
application) are counted too."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.mentoring import grow
from mentoring.models import Slot


def _queries(client, url):
    response = client.get(url)  # warm up: sessions, caches, templates
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def grown(place, assigned, mentor, staff, applicant, expert):
    field = place.cohort.priority_field

    def measure(organisations, consultations):
        grow(
            place.cycle,
            field,
            staff,
            organisations=organisations,
            consultations=consultations,
            place=place,
            mentor=mentor,
        )
        week = Slot.objects.filter(mentor=mentor).order_by("starts_at").first().starts_at
        pages = {
            "dashboard": (mentor.user, reverse("mentoring:dashboard")),
            "booking": (
                applicant,
                f"{reverse('mentoring:week', args=[place.pk])}?week={week:%Y-%m-%d}",
            ),
            "overview": (staff, f"{reverse('mentoring:overview')}?cycle={place.cycle_id}"),
            "programme": (applicant, reverse("cohorts:my_programme")),
            "cohort": (staff, reverse("cohorts:cohort_detail", args=[place.cohort_id])),
            "application": (
                staff,
                reverse("applications:staff_detail", args=[place.application_id]),
            ),
        }
        counts = {}
        for name, (user, url) in pages.items():
            from django.test import Client

            client = Client()
            client.force_login(user)
            counts[name] = _queries(client, url)
        return counts

    return measure


def test_mentoring_pages_do_not_grow_with_the_consultations(grown):
    small = grown(organisations=2, consultations=10)
    large = grown(organisations=25, consultations=150)
    assert large == small
    assert all(count < 60 for count in small.values()), small


def test_the_grown_pages_show_what_grew(client, grown, mentor, place, staff, applicant):
    grown(organisations=3, consultations=30)
    client.force_login(staff)
    page = client.get(f"{reverse('mentoring:overview')}?cycle={place.cycle_id}").content.decode()
    assert place.organisation.name in page and "Biedrība M" in page
    client.force_login(mentor.user)
    page = client.get(reverse("mentoring:dashboard")).content.decode()
    assert "Manas gaidāmās konsultācijas" in page and place.organisation.name in page
    client.force_login(applicant)
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    assert "Mentori un konsultācijas" in page and mentor.name in page
