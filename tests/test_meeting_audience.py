"""Who a joint meeting is for, and what they are told when that changes: an
organisation admitted late, moved to another cohort, back after leaving; a meeting
given to another cohort; its hosts on the staff; a person in two organisations."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from applications import signals
from cohorts import services
from cohorts.models import Cohort
from incubator.models import Membership
from incubator.notifications import reminders
from incubator.notifications.models import Email

from . import factories
from .helpers import DAY, moment


def _schedule(cycle, by, title, cohort=None, days=20):
    return services.schedule_meeting(
        cycle=cycle,
        by=by,
        cohort=cohort,
        title=title,
        starts_at=moment(days),
        ends_at=moment(days, 18),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )


def _emails(person, meeting=None):
    emails = Email.objects.filter(recipient=person)
    if meeting is not None:
        emails = emails.filter(key__startswith=f"meeting:{meeting.pk}:")
    return list(emails.order_by("pk"))


def _kinds(person, meeting):
    """The notices a person has about a meeting: "invited", "withdrawn", ... in order."""
    return [e.key.split(":")[4].split("@")[0].split("-")[0] for e in _emails(person, meeting)]


def _method(email):
    return str(Calendar.from_ical(email.calendar)["method"])


@pytest.fixture
def youth(priority_fields):
    return next(f for f in priority_fields if f.code == "youth")


@pytest.fixture
def newcomer(db):
    return factories.UserFactory(email="jaunais@biedriba.lv")


def test_an_organisation_admitted_late_is_invited_to_the_meetings_ahead(
    place, staff, applicant, newcomer
):
    ahead = _schedule(place.cycle, staff, "Otrā tikšanās")
    held = _schedule(place.cycle, staff, "Pirmā tikšanās", days=-5)
    before = _emails(applicant)
    organisation = factories.OrganisationFactory(
        leader=newcomer, priority_field=place.cohort.priority_field
    )
    factories.admit(organisation, place.cycle, staff)
    (invitation,) = _emails(newcomer)
    assert invitation.key.startswith(f"meeting:{ahead.pk}:user:{newcomer.pk}:invited@")
    assert invitation.subject.startswith("Ielūgums: Otrā tikšanās")
    assert f"{organisation.name} ir uzaicināta" in invitation.text_body
    assert _method(invitation) == "REQUEST"
    assert not _emails(newcomer, held)
    assert _emails(applicant) == before  # those already invited hear nothing new
    # Its reminders reach the newcomer as well, now that they have the invitation.
    with time_machine.travel(ahead.starts_at - 7 * DAY, tick=False):
        reminders.sweep()
    assert _kinds(newcomer, ahead) == ["invited", "before"]


def test_readmitted_after_leaving_it_is_invited_again_and_leaving_sends_nothing(
    place, staff, applicant
):
    meeting = _schedule(place.cycle, staff, "Otrā tikšanās")
    signals.admission_revoked.send(sender=None, application=place.application)
    assert _kinds(applicant, meeting) == ["invited"]
    signals.application_admitted.send(sender=None, application=place.application)
    assert _kinds(applicant, meeting) == ["invited", "invited"]
    services.set_membership_status(place, status="left", reason="Beidza darbību", by=staff)
    services.set_membership_status(place, status="active", by=staff)
    assert _kinds(applicant, meeting) == ["invited", "invited", "invited"]


def test_a_moved_organisation_is_invited_to_its_new_cohort_and_withdrawn_from_the_old(
    place, staff, applicant, youth
):
    youth_cohort = Cohort.objects.create(cycle=place.cycle, priority_field=youth)
    everyone = _schedule(place.cycle, staff, "Visiem")
    old = _schedule(place.cycle, staff, "Kultūras kohorta", cohort=place.cohort, days=21)
    new = _schedule(place.cycle, staff, "Jauniešu kohorta", cohort=youth_cohort, days=22)
    # The old cohort's 7-day reminder is written, and waits in the outbox.
    with time_machine.travel(old.starts_at - 7 * DAY, tick=False):
        reminders.sweep()
        services.move_membership(place, cohort=youth_cohort, by=staff)
    assert _kinds(applicant, everyone) == ["invited", "before"]
    assert _kinds(applicant, old) == ["invited", "before", "withdrawn"]
    assert [e.status for e in _emails(applicant, old)][1] == "cancelled"
    withdrawn = _emails(applicant, old)[-1]
    assert withdrawn.subject == "Vairs nav jūsu programmā: Kultūras kohorta"
    assert "tagad ir kohortā “Bērni un jaunieši”" in withdrawn.text_body
    assert _method(withdrawn) == "CANCEL"
    assert _kinds(applicant, new) == ["invited"]

    # Moved back at once (a slip of the hand): invited again, and withdrawn from the other.
    with time_machine.travel(old.starts_at - 7 * DAY + datetime.timedelta(minutes=1)):
        services.move_membership(place, cohort=place.cohort, by=staff)
    assert _kinds(applicant, old)[-1] == "invited"
    assert _kinds(applicant, new) == ["invited", "withdrawn"]


def test_moving_to_the_cohort_it_is_in_changes_nothing(place, staff, applicant):
    _schedule(place.cycle, staff, "Kohortai", cohort=place.cohort)
    before = _emails(applicant)
    services.move_membership(place, cohort=place.cohort, by=staff)
    assert _emails(applicant) == before


def test_a_meeting_given_to_another_cohort_tells_who_joins_and_who_drops_out(
    place, staff, applicant, youth
):
    other = factories.admit(
        factories.OrganisationFactory(leader=factories.UserFactory(), priority_field=youth),
        place.cycle,
        staff,
    )
    their_leader = other.organisation.people.get()
    meeting = _schedule(place.cycle, staff, "Kohortai", cohort=place.cohort)
    fields = {name: getattr(meeting, name) for name in services.MEETING_FIELDS}
    meeting, told = services.update_meeting(meeting, by=staff, **{**fields, "cohort": other.cohort})
    assert told and meeting.sequence == 1
    assert _kinds(applicant, meeting) == ["invited", "withdrawn"]
    assert (
        "tagad ir tikai kohortas “Bērni un jaunieši” tikšanās"
        in _emails(applicant, meeting)[-1].text_body
    )
    assert _kinds(their_leader, meeting) == ["invited"]
    # Then to the whole cycle: the first cohort is invited again; nobody drops out.
    meeting, told = services.update_meeting(meeting, by=staff, **{**fields, "cohort": None})
    assert told and meeting.sequence == 2
    assert _kinds(applicant, meeting) == ["invited", "withdrawn", "invited"]
    assert _kinds(their_leader, meeting) == ["invited"]


def test_a_new_time_and_cohort_together_invite_the_newcomers_and_tell_the_others(
    place, staff, applicant, youth
):
    other = factories.admit(
        factories.OrganisationFactory(leader=factories.UserFactory(), priority_field=youth),
        place.cycle,
        staff,
    )
    their_leader = other.organisation.people.get()
    meeting = _schedule(place.cycle, staff, "Kohortai", cohort=place.cohort)
    fields = {name: getattr(meeting, name) for name in services.MEETING_FIELDS}
    services.update_meeting(
        meeting,
        by=staff,
        **{
            **fields,
            "cohort": None,
            "starts_at": moment(25),
            "ends_at": moment(25, 18),
        },
    )
    assert _kinds(applicant, meeting) == ["invited", "changed"]
    assert [e.status for e in _emails(applicant, meeting)] == ["cancelled", "queued"]
    assert _kinds(their_leader, meeting) == ["invited"]


def test_nobody_is_invited_to_a_meeting_that_has_started(place, staff, newcomer):
    _schedule(place.cycle, staff, "Šodien", days=0)
    with time_machine.travel(moment(0, 16), tick=False):
        factories.admit(
            factories.OrganisationFactory(
                leader=newcomer, priority_field=place.cohort.priority_field
            ),
            place.cycle,
            staff,
        )
    assert _emails(newcomer) == []


# --- hosts ------------------------------------------------------------------------------


def test_the_coordinators_and_the_organiser_are_invited_with_the_calendar_file(place, staff, youth):
    coordinator = factories.StaffFactory()
    place.cohort.coordinator = coordinator
    place.cohort.save()
    other_coordinator = factories.StaffFactory()
    Cohort.objects.create(cycle=place.cycle, priority_field=youth, coordinator=other_coordinator)
    cohort_meeting = _schedule(place.cycle, staff, "Kohortai", cohort=place.cohort)
    everyone = _schedule(place.cycle, staff, "Visiem", days=21)
    assert _kinds(coordinator, cohort_meeting) == ["invited"]
    assert _kinds(staff, cohort_meeting) == ["invited"]
    assert _kinds(other_coordinator, cohort_meeting) == []
    assert _kinds(other_coordinator, everyone) == ["invited"]
    invitation = _emails(coordinator, cohort_meeting)[0]
    assert _method(invitation) == "REQUEST"
    services.cancel_meeting(cohort_meeting, reason="Slimība", by=staff)
    assert _kinds(coordinator, cohort_meeting) == ["invited", "cancelled"]


def test_a_hosts_reminder_counts_the_answers(place, staff, applicant, priority_fields):
    for field in priority_fields[1:3]:
        factories.admit(
            factories.OrganisationFactory(leader=factories.UserFactory(), priority_field=field),
            place.cycle,
            staff,
        )
    meeting = _schedule(place.cycle, staff, "Visiem")
    services.respond(meeting, organisation=place.organisation, answer="yes", by=applicant)
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        reminders.sweep()
    (reminder,) = [e for e in _emails(staff, meeting) if ":before-" in e.key]
    assert "no 3 uzaicinātajām organizācijām: 1 ieradīsies, 0 varbūt, 0 neieradīsies" in (
        " ".join(reminder.text_body.split())
    )


# --- a person in two organisations -------------------------------------------------------


def test_a_person_in_two_organisations_gets_one_reminder_with_both_answers(place, staff, applicant):
    second = factories.OrganisationFactory(
        leader=factories.UserFactory(),
        priority_field=place.cohort.priority_field,
        name="Nodibinājums “Jūra”",
    )
    Membership.objects.create(organisation=second, user=applicant)
    factories.admit(second, place.cycle, staff)
    meeting = _schedule(place.cycle, staff, "Visiem")
    (invitation,) = _emails(applicant, meeting)
    assert f"{place.organisation.name} ir uzaicināta" in invitation.text_body
    assert "Nodibinājums “Jūra” ir uzaicināta" in invitation.text_body
    services.respond(meeting, organisation=second, answer="no", by=applicant)
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        reminders.sweep()
    (reminder,) = [e for e in _emails(applicant, meeting) if ":before-" in e.key]
    text = " ".join(reminder.text_body.split())
    assert f"{place.organisation.name} vēl nav atbildējusi" in text
    assert "Nodibinājums “Jūra” atbildēja: Nē, nevarēsim ierasties." in text


def test_an_admission_at_the_same_moment_as_another_tells_only_its_own_people(
    place, staff, newcomer
):
    """Two admissions whose transactions overlap: the one that takes its picture
    first sees the other's people appear too, but invites only its own."""
    from cohorts.services.invitations import Audiences

    meeting = _schedule(place.cycle, staff, "Otrā tikšanās")
    first = Audiences(place.cycle_id, timezone.now())  # taken by the first admission
    factories.admit(  # the second admission commits in between, inviting its leader
        factories.OrganisationFactory(leader=newcomer, priority_field=place.cohort.priority_field),
        place.cycle,
        staff,
    )
    first.tell_changes(revision="@first", withdraw=False, organisation=place.organisation)
    assert _kinds(newcomer, meeting) == ["invited"]
