"""Each person's private calendar feed: created, replaced and switched off from the
profile; it shows the meetings and deadlines that concern that person only."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from cohorts import services

from . import factories
from .helpers import moment


@pytest.fixture
def programme(place, staff, priority_fields):
    youth = next(f for f in priority_fields if f.code == "youth")
    other = factories.admit(
        factories.OrganisationFactory(leader=factories.UserFactory(), priority_field=youth),
        place.cycle,
        staff,
    )
    common = dict(ends_at=moment(20, 18), place="Lielā iela 3", online_url="", agenda="Plāns")
    services.schedule_meeting(
        cycle=place.cycle, by=staff, cohort=None, title="Visiem", starts_at=moment(20), **common
    )
    services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        cohort=other.cohort,
        title="Citai kohortai",
        starts_at=moment(20, 10),
        **common,
    )
    services.create_deadline(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Attīstības plāns",
        description="",
        due_at=moment(10, 23),
        audience="participants",
    )
    services.create_deadline(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Tikai darbiniekiem",
        description="",
        due_at=moment(11),
        audience="staff",
    )
    services.sync_cycle_deadlines(place.cycle)
    return place


def _feed(client, user):
    user.refresh_from_db()
    response = client.get(reverse("calendar_feed", args=[user.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_a_participant_subscribes_and_sees_only_what_concerns_them(client, programme, applicant):
    client.force_login(applicant)
    response = client.post(reverse("calendar_link_reset"), follow=True)
    applicant.refresh_from_db()
    assert applicant.calendar_token
    assert applicant.calendar_token in response.content.decode()
    client.logout()  # calendar apps fetch without a session
    summaries = {str(e["summary"]) for e in _feed(client, applicant).walk("VEVENT")}
    assert summaries == {
        "Visiem",
        "Termiņš: Attīstības plāns",
        "Termiņš: Inkubācijas cikls beidzas",
    }


def test_staff_see_every_meeting_and_the_staff_deadlines(client, programme, staff):
    client.force_login(staff)
    client.post(reverse("calendar_link_reset"))
    summaries = {str(e["summary"]) for e in _feed(client, staff).walk("VEVENT")}
    assert {"Visiem", "Citai kohortai", "Termiņš: Tikai darbiniekiem"} <= summaries


def test_a_cancelled_meeting_stays_in_the_feed_marked_cancelled(
    client, programme, staff, applicant
):
    meeting = programme.cycle.meetings.get(title="Visiem")
    services.cancel_meeting(meeting, reason="Slimība", by=staff)
    client.force_login(applicant)
    client.post(reverse("calendar_link_reset"))
    (event,) = [e for e in _feed(client, applicant).walk("VEVENT") if "Visiem" in str(e["summary"])]
    assert event["status"] == "CANCELLED" and event["sequence"] == 1


def test_a_new_address_replaces_the_old_and_switching_off_stops_it(client, applicant):
    client.force_login(applicant)
    client.post(reverse("calendar_link_reset"))
    applicant.refresh_from_db()
    old = applicant.calendar_token
    client.post(reverse("calendar_link_reset"))
    applicant.refresh_from_db()
    assert applicant.calendar_token != old
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[applicant.calendar_token])).status_code == 200
    current = applicant.calendar_token
    client.post(reverse("calendar_link_revoke"))
    applicant.refresh_from_db()
    assert applicant.calendar_token is None
    assert client.get(reverse("calendar_feed", args=[current])).status_code == 404


@pytest.mark.parametrize("token", ["guessed-token", "x" * 43, "%00", ""])
def test_a_made_up_address_is_404(client, db, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_deactivated_persons_feed_is_404(client, applicant):
    client.force_login(applicant)
    client.post(reverse("calendar_link_reset"))
    applicant.refresh_from_db()
    applicant.is_active = False
    applicant.save()
    assert client.get(reverse("calendar_feed", args=[applicant.calendar_token])).status_code == 404
