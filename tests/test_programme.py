""" "My programme": where the participant's cycle stands, the next meeting with the
answer form, the deadlines ahead and the cohort."""

from django.urls import reverse

from cohorts import services
from cohorts.models import MeetingResponse

from . import factories
from .helpers import moment


def _meeting(place, staff, days, title, **extra):
    return services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        cohort=extra.pop("cohort", None),
        title=title,
        starts_at=moment(days),
        ends_at=moment(days, 18),
        place="Lielā iela 3",
        online_url="",
        agenda=extra.pop("agenda", ""),
    )


def test_my_programme_shows_progress_next_meeting_deadlines_and_cohort(
    client, place, staff, applicant, priority_fields
):
    peer = factories.admit(
        factories.OrganisationFactory(
            leader=factories.UserFactory(),
            priority_field=place.cohort.priority_field,
            name="Biedrība “Kaimiņi”",
        ),
        place.cycle,
        staff,
    )
    _meeting(place, staff, -10, "Pirmā tikšanās")
    _meeting(place, staff, 12, "Otrā tikšanās", agenda="Fondi un projekti")
    _meeting(place, staff, 60, "Trešā tikšanās")
    services.create_deadline(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Attīstības plāns",
        description="Iesūtiet plānu",
        due_at=moment(5, 23),
        audience="participants",
    )
    services.create_deadline(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Tikai darbiniekiem",
        description="",
        due_at=moment(6),
        audience="staff",
    )
    client.force_login(applicant)
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    assert place.organisation.name in page
    assert "Nākamā kopīgā tikšanās" in page
    next_section = page.split("Nākamā kopīgā tikšanās")[1]
    assert next_section.index("Otrā tikšanās") < next_section.index("Trešā tikšanās")
    assert "Fondi un projekti" in page
    assert "Attīstības plāns" in page and "Tikai darbiniekiem" not in page
    assert peer.organisation.name in page
    assert 'aria-valuenow="13"' in page  # 30 of 230 days gone
    assert "Vai Biedrība “Zaļā Liepāja” ieradīsies?" in page


def test_an_answered_meeting_shows_the_answer(client, place, staff, applicant):
    meeting = _meeting(place, staff, 12, "Otrā tikšanās")
    services.respond(
        meeting, organisation=place.organisation, answer="yes", by=applicant, attendees=[applicant]
    )
    client.force_login(applicant)
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    assert "Jūsu atbilde:" in page and "Jā, ieradīsimies" in page


def test_someone_not_admitted_sees_an_explanation(client, application, applicant):
    client.force_login(applicant)
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    assert "vēl nav inkubācijas ciklā" in page


def test_an_organisation_that_left_no_longer_sees_the_programme(client, place, staff, applicant):
    services.set_membership_status(place, status="left", reason="Pārtrauca", by=staff)
    client.force_login(applicant)
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    assert "vēl nav inkubācijas ciklā" in page
    assert client.get(reverse("cohorts:cohort_detail", args=[place.cohort_id])).status_code == 404


def test_answering_without_htmx_returns_to_my_programme(client, place, staff, applicant):
    meeting = _meeting(place, staff, 12, "Otrā tikšanās")
    client.force_login(applicant)
    response = client.post(
        reverse("cohorts:rsvp", args=[meeting.pk, place.organisation_id]),
        {f"m{meeting.pk}-answer": "maybe", "next": reverse("cohorts:my_programme")},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("cohorts:my_programme")
    assert "Paldies, jūsu atbilde ir saglabāta." in response.content.decode()
    assert MeetingResponse.objects.get().answer == "maybe"


def test_answering_does_not_redirect_elsewhere(client, place, staff, applicant):
    meeting = _meeting(place, staff, 12, "Otrā tikšanās")
    client.force_login(applicant)
    response = client.post(
        reverse("cohorts:rsvp", args=[meeting.pk, place.organisation_id]),
        {f"m{meeting.pk}-answer": "maybe", "next": "https://evil.example.com/"},
    )
    assert response.url == reverse("cohorts:meeting_detail", args=[meeting.pk])


def test_the_timeline_names_each_meeting_once(client, place, staff, applicant):
    """ "1. kopīgā tikšanās", not "Kopīgā tikšanās: 1. kopīgā tikšanās"."""
    for days, title in [(-10, "1. kopīgā tikšanās"), (12, "2. kopīgā tikšanās"), (60, "Noslēgums")]:
        _meeting(place, staff, days, title)
    client.force_login(applicant)
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    timeline = page[page.index('class="timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    for title in ["1. kopīgā tikšanās", "2. kopīgā tikšanās", "Noslēgums"]:
        assert timeline.count(title) == 1
    assert "Kopīgā tikšanās:" not in timeline
