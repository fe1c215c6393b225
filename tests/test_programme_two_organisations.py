""" "My programme" of a person in two organisations taking part in the same cycle:
each organisation's meetings carry its own answer and its own answer form."""

import datetime

from django.urls import reverse
from django.utils import timezone

from cohorts import selectors, services

from . import factories


def test_each_organisation_of_a_person_shows_its_own_answer(
    client, place, staff, applicant, priority_fields
):
    field = next(f for f in priority_fields if f.pk != place.cohort.priority_field_id)
    second = factories.OrganisationFactory(
        leader=applicant, priority_field=field, name="Nodibinājums “Otrais krasts”"
    )
    factories.admit(second, place.cycle, staff)
    starts = timezone.now() + datetime.timedelta(days=12)
    meeting = services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Kopīgā tikšanās",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )
    services.respond(meeting, organisation=place.organisation, answer="yes", by=applicant)

    programmes = {p["place"].organisation_id: p for p in selectors.programme_for(applicant)}
    (answered,) = programmes[place.organisation_id]["meetings_ahead"]
    (unanswered,) = programmes[second.pk]["meetings_ahead"]
    assert answered.response.answer == "yes"
    assert unanswered.response is None
    assert programmes[place.organisation_id]["to_answer"] == []
    assert programmes[second.pk]["to_answer"] == [unanswered]

    client.force_login(applicant)
    page = client.get(reverse("cohorts:my_programme")).content.decode()

    def card(organisation):
        """The start of the organisation's answer card: its answer, if it gave one."""
        return page.split(f'id="rsvp-{meeting.pk}-{organisation.pk}"')[1].split("<form")[0]

    assert "Jūsu atbilde:" in card(place.organisation)
    assert "Jūsu atbilde:" not in card(second)
