"""Kept pages (incubator/pagecache.py): a page is served again from memory only while
the database reads the same, to the same browser, in the same language and minute.

These need PostgreSQL (its snapshot is the key) and committed writes (a page made inside
a transaction is never kept), hence transactional tests."""

import datetime
import re

import pytest
import time_machine
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incubator.models import Organisation

from . import factories

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

# A kept page costs the session, the user and the snapshot.
KEPT_PAGE_QUERIES = 3


def _get(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _kept(client, path):
    """Open the page twice; the second time it must come from memory."""
    client.get(reverse("home"))  # the CSRF cookie, as a browser has from its first page
    first, _ = _get(client, path)
    second, queries = _get(client, path)
    assert queries == KEPT_PAGE_QUERIES
    assert second == first
    return second


def _rename(organisation, how, name):
    if how == "save":
        organisation.name = name
        organisation.save()
    elif how == "update":
        Organisation.objects.filter(pk=organisation.pk).update(name=name)
    elif how == "raw_sql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Organisation._meta.db_table} SET name = %s WHERE id = %s",
                [name, organisation.pk],
            )
    elif how == "other_process_connection":
        import psycopg2

        settings = connection.settings_dict
        other = psycopg2.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            password=settings["PASSWORD"] or None,
        )
        with other, other.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Organisation._meta.db_table} SET name = %s WHERE id = %s",
                [name, organisation.pk],
            )
        other.close()


@pytest.mark.parametrize("how", ["save", "update", "raw_sql", "other_process_connection"])
def test_any_committed_write_shows_on_the_next_read(client, place, applicant, how):
    client.force_login(applicant)
    page = _kept(client, reverse("cohorts:my_programme"))
    assert place.organisation.name in page

    _rename(place.organisation, how, "Biedrība “Jaunais vārds”")

    page, queries = _get(client, reverse("cohorts:my_programme"))
    assert "Biedrība “Jaunais vārds”" in page
    assert queries > KEPT_PAGE_QUERIES


def test_a_service_write_shows_on_the_next_read(client, place, staff, applicant):
    from cohorts import services

    client.force_login(applicant)
    _kept(client, reverse("cohorts:my_programme"))
    start = timezone.localtime() + datetime.timedelta(days=9)
    services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Projektu pieteikumu darbnīca",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )
    page, _ = _get(client, reverse("cohorts:my_programme"))
    assert "Projektu pieteikumu darbnīca" in page


def test_a_kept_page_goes_only_to_the_browser_it_was_made_for(place, applicant):
    first_browser, second_browser = Client(), Client(enforce_csrf_checks=True)
    first_browser.force_login(applicant)
    _kept(first_browser, reverse("cohorts:my_programme"))

    second_browser.force_login(applicant)
    second_browser.get(reverse("home"))  # the CSRF cookie, as a browser's first page
    page, queries = _get(second_browser, reverse("cohorts:my_programme"))
    assert queries > KEPT_PAGE_QUERIES
    # Its forms carry a token of its own CSRF secret, so they work.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = second_browser.post(
        reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_another_person_gets_their_own_staff_list(client, staff, application):
    client.force_login(staff)
    page = _kept(client, reverse("applications:staff_list"))
    assert staff.email in page or staff.get_full_name() in page

    colleague = factories.StaffFactory(email="kolegis@inkubators.lv", first_name="Kārlis")
    other = Client()
    other.force_login(colleague)
    other.get(reverse("home"))
    page, _ = _get(other, reverse("applications:staff_list"))
    assert application.organisation.name in page
    assert "Kārlis" in page or colleague.email in page
    assert staff.get_full_name() not in page


def test_a_waiting_message_is_shown_and_that_page_is_not_kept(client, place, applicant):
    client.force_login(applicant)
    _kept(client, reverse("cohorts:my_programme"))

    storage = CookieStorage(None)
    encoded = storage._encode([Message(constants.SUCCESS, "Atbilde saglabāta.")])
    client.cookies[storage.cookie_name] = encoded
    page, queries = _get(client, reverse("cohorts:my_programme"))
    assert "Atbilde saglabāta." in page
    assert queries > KEPT_PAGE_QUERIES

    page, _ = _get(client, reverse("cohorts:my_programme"))
    assert "Atbilde saglabāta." not in page


def test_the_next_minute_makes_the_page_afresh(client, place, applicant):
    client.force_login(applicant)
    now = timezone.now().replace(second=10)
    with time_machine.travel(now, tick=False):
        _kept(client, reverse("cohorts:my_programme"))
    with time_machine.travel(now + datetime.timedelta(minutes=1), tick=False):
        _, queries = _get(client, reverse("cohorts:my_programme"))
    assert queries > KEPT_PAGE_QUERIES


def test_each_language_has_its_own_page(client, place, applicant):
    client.force_login(applicant)
    latvian = _kept(client, reverse("cohorts:my_programme"))
    english, _ = _get(client, "/en" + reverse("cohorts:my_programme"))
    assert "Nākamā kopīgā tikšanās" in latvian or "Mana programma" in latvian
    assert english != latvian
    assert 'lang="en"' in english


def test_htmx_requests_and_a_switched_off_cache_make_the_page_every_time(
    client, place, applicant, settings
):
    client.force_login(applicant)
    _kept(client, reverse("cohorts:my_programme"))
    _, queries = _get(client, reverse("cohorts:my_programme") + "?x=1")
    assert queries > KEPT_PAGE_QUERIES  # another address, another page
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("cohorts:my_programme"), HTTP_HX_REQUEST="true")
    assert len(queries) > KEPT_PAGE_QUERIES

    settings.PAGE_CACHE = False
    _, queries = _get(client, reverse("cohorts:my_programme"))
    assert queries > KEPT_PAGE_QUERIES


def test_a_page_made_inside_a_transaction_is_not_kept(client, place, applicant):
    from django.db import transaction

    client.force_login(applicant)
    client.get(reverse("home"))
    with transaction.atomic():
        _get(client, reverse("cohorts:my_programme"))
        _, queries = _get(client, reverse("cohorts:my_programme"))
    assert queries > KEPT_PAGE_QUERIES


def _pages(place, staff, application, assigned, mentor, applicant):
    reviewer = factories.ReviewAssignmentFactory(application=application).member.user
    return {
        "my_programme": (applicant, reverse("cohorts:my_programme")),
        "applicant_dashboard": (applicant, reverse("applications:dashboard")),
        "reviewer_dashboard": (reviewer, reverse("applications:reviewer_dashboard")),
        "staff_list": (staff, reverse("applications:staff_list")),
        "cohort_page": (staff, reverse("cohorts:cohort_detail", args=[place.cohort_id])),
        "mentor_dashboard": (mentor.user, reverse("mentoring:dashboard")),
    }


@pytest.mark.parametrize(
    "name",
    [
        "my_programme",
        "applicant_dashboard",
        "reviewer_dashboard",
        "staff_list",
        "cohort_page",
        "mentor_dashboard",
    ],
)
def test_each_busy_page_is_kept_for_its_reader(
    client, place, staff, application, assigned, mentor, applicant, name
):
    user, path = _pages(place, staff, application, assigned, mentor, applicant)[name]
    client.force_login(user)
    client.get(reverse("home"))
    first, _ = _get(client, path)
    second, queries = _get(client, path)
    assert second == first
    # The session, the user, the count of writes, and the role check that still runs
    # on every request where the page has one.
    assert queries <= KEPT_PAGE_QUERIES + 1
