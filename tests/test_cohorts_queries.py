"""Every page of the incubation cycle runs the same number of queries with a few rows
as with many: each is loaded with a small cycle, then again after it has grown
(organisations with their people, meetings held and ahead with answers, attendance
and materials, deadlines), and the two counts must be equal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts import services
from incubator import services as kernel_services
from incubator.models import Membership

from . import factories
from .helpers import moment


class Cycle:
    """A running cycle that grows: ``grow(organisations, meetings, deadlines)``."""

    def __init__(self, place, staff, fields):
        self.place, self.staff, self.fields = place, staff, fields
        self.cycle = place.cycle
        self.participant = place.organisation.people.get()
        self.places = [place]
        self.meetings = 0
        self.ahead = self._meeting(days=10)
        self.held = self._meeting(days=-10)
        kernel_services.reset_calendar_token(self.participant)
        kernel_services.reset_calendar_token(staff)
        self._answer(self.places)

    def _meeting(self, days, cohort=None):
        self.meetings += 1
        meeting = services.schedule_meeting(
            cycle=self.cycle,
            by=self.staff,
            cohort=cohort,
            title=f"Tikšanās {self.meetings}",
            starts_at=moment(days),
            ends_at=moment(days, 18),
            place="Lielā iela 3",
            online_url="",
            agenda="Darba kārtība",
        )
        services.add_material(meeting, SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"), by=self.staff)
        return meeting

    def _answer(self, places):
        """The new organisations answer the meeting ahead and attended the one held."""
        for place in places:
            person = place.organisation.people.first()
            services.respond(
                self.ahead,
                organisation=place.organisation,
                answer="yes",
                by=person,
                attendees=[person],
                note="Un vēl viens",
            )
        services.record_attendance(
            self.held, [(place.organisation, "present", 2, "") for place in places], by=self.staff
        )

    def grow(self, organisations, meetings, deadlines):
        new = []
        for index in range(organisations):
            organisation = factories.OrganisationFactory(
                leader=factories.UserFactory(),
                # Most join the participant's cohort, whose page lists them.
                priority_field=self.fields[0] if index % 3 else self.fields[index % 5],
            )
            Membership.objects.create(organisation=organisation, user=factories.UserFactory())
            new.append(factories.admit(organisation, self.cycle, self.staff))
        self.places += new
        self._answer(new)
        for index in range(meetings):
            cohort = self.place.cohort if index % 2 else None
            self._meeting(days=(-30 if index % 3 == 0 else 20) + index, cohort=cohort)
        for index in range(deadlines):
            services.create_deadline(
                cycle=self.cycle,
                by=self.staff,
                cohort=None,
                title=f"Termiņš {index}",
                description="Iesūtiet",
                due_at=moment(5 + index, 23),
                audience=["participants", "staff"][index % 2],
            )


@pytest.fixture
def world(place, staff, priority_fields):
    return Cycle(place, staff, [place.cohort.priority_field, *priority_fields])


PAGES = {
    "cohort list": ("staff", lambda w: reverse("cohorts:cohort_list") + f"?cycle={w.cycle.pk}"),
    "cohort page (staff)": (
        "staff",
        lambda w: reverse("cohorts:cohort_detail", args=[w.place.cohort_id]),
    ),
    "cohort page (participant)": (
        "participant",
        lambda w: reverse("cohorts:cohort_detail", args=[w.place.cohort_id]),
    ),
    "my programme": ("participant", lambda w: reverse("cohorts:my_programme")),
    "meeting page (staff)": (
        "staff",
        lambda w: reverse("cohorts:meeting_detail", args=[w.ahead.pk]),
    ),
    "attendance page": ("staff", lambda w: reverse("cohorts:attendance", args=[w.held.pk])),
    "attendance report": (
        "staff",
        lambda w: reverse("cohorts:attendance_report", args=[w.cycle.pk]),
    ),
    "attendance CSV": ("staff", lambda w: reverse("cohorts:attendance_csv", args=[w.cycle.pk])),
    "calendar feed (participant)": (
        None,
        lambda w: reverse("calendar_feed", args=[w.participant.calendar_token]),
    ),
    "calendar feed (staff)": (
        None,
        lambda w: reverse("calendar_feed", args=[w.staff.calendar_token]),
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_the_page_runs_as_many_queries_with_many_rows_as_with_few(
    client, world, page, count_queries
):
    who, url = PAGES[page]
    if who is not None:
        client.force_login(world.staff if who == "staff" else world.participant)

    def load():
        response = client.get(url(world))
        assert response.status_code == 200
        return response

    world.grow(organisations=2, meetings=2, deadlines=2)
    load()  # warm up: the session, the translations
    few = count_queries(load)
    small_page = load().content
    world.grow(organisations=12, meetings=8, deadlines=8)
    many = count_queries(load)
    assert len(load().content) > len(small_page)  # the page really shows more rows
    assert many == few, f"{page}: {few} queries with few rows, {many} with many"
