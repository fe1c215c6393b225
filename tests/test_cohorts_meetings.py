"""Joint meetings: scheduling with invitations, changes and cancellations, materials,
answers (RSVP), attendance and its report."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from icalendar import Calendar

from cohorts import services
from cohorts.models import Attendance, Cohort, JointMeeting, MeetingResponse
from incubator.models import Membership
from incubator.notifications.models import Reminder

from . import factories
from .helpers import moment


def meeting_fields(**overrides):
    return {
        "cohort": None,
        "title": "Otrā kopīgā tikšanās",
        "starts_at": moment(20),
        "ends_at": moment(20, 18),
        "place": "Lielā iela 3, Liepāja",
        "online_url": "",
        "agenda": "Finansējuma avoti",
        **overrides,
    }


@pytest.fixture
def colleague(place):
    person = factories.UserFactory(language="en")
    Membership.objects.create(organisation=place.organisation, user=person)
    return person


@pytest.fixture
def other_place(place, staff, priority_fields):
    """A participant of another cohort of the same cycle."""
    youth = next(f for f in priority_fields if f.code == "youth")
    leader = factories.UserFactory()
    return factories.admit(
        factories.OrganisationFactory(leader=leader, priority_field=youth), place.cycle, staff
    )


def test_scheduling_invites_everyone_of_the_cycle_with_a_calendar_file(
    place, other_place, colleague, staff, applicant, outbox_emails
):
    meeting = services.schedule_meeting(cycle=place.cycle, by=staff, **meeting_fields())
    invitations = outbox_emails(key__startswith=f"meeting:{meeting.pk}:")
    assert {e.to for e in invitations} == {
        applicant.email,
        colleague.email,
        other_place.organisation.people.get().email,
        staff.email,  # who scheduled it: a host, with the calendar file too
    }
    host = next(e for e in invitations if e.to == staff.email)
    assert "kā tās organizators vai kohortas koordinators" in host.text_body
    assert "BEGIN:VCALENDAR" in host.calendar
    latvian = next(e for e in invitations if e.to == applicant.email)
    assert latvian.subject.startswith("Ielūgums: Otrā kopīgā tikšanās")
    assert "Lielā iela 3, Liepāja" in latvian.text_body
    english = next(e for e in invitations if e.to == colleague.email)
    assert english.subject.startswith("Invitation: Otrā kopīgā tikšanās")
    event = Calendar.from_ical(latvian.calendar).walk("VEVENT")[0]
    assert str(event["summary"]) == "Otrā kopīgā tikšanās"
    assert event.decoded("dtstart") == meeting.starts_at
    assert Calendar.from_ical(latvian.calendar)["method"] == "REQUEST"
    assert set(Reminder.objects.values_list("label", flat=True)) == {"before-7d", "before-1d"}


def test_a_cohort_meeting_invites_only_that_cohort(place, other_place, staff, outbox_emails):
    meeting = services.schedule_meeting(
        cycle=place.cycle, by=staff, **meeting_fields(cohort=place.cohort)
    )
    assert {e.recipient for e in outbox_emails(key__startswith=f"meeting:{meeting.pk}:")} == {
        *place.organisation.people.all(),
        staff,
    }


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"ends_at": moment(20, 14)}, "ends_at"),
        ({"place": "", "online_url": ""}, "place"),
        ({"starts_at": moment(400), "ends_at": moment(400, 18)}, "starts_at"),
    ],
)
def test_a_meeting_that_makes_no_sense_is_refused(place, staff, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.schedule_meeting(cycle=place.cycle, by=staff, **meeting_fields(**overrides))
    assert field in error.value.message_dict
    assert not JointMeeting.objects.exists()


def test_the_form_explains_an_end_before_the_start_and_keeps_the_input(client, place, staff):
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:meeting_create", args=[place.cycle_id]),
        {
            "title": "Tikšanās ar fondiem",
            "starts_at": moment(20).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": moment(20, 10).strftime("%Y-%m-%dT%H:%M"),
            "place": "Rožu iela 6",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tikšanās jābeidzas pēc tās sākuma." in page
    assert 'value="Tikšanās ar fondiem"' in page
    assert not JointMeeting.objects.exists()


def test_the_form_explains_a_meeting_outside_the_cycle(client, place, staff):
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:meeting_create", args=[place.cycle_id]),
        {
            "title": "Par vēlu",
            "starts_at": moment(300).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": moment(300, 18).strftime("%Y-%m-%dT%H:%M"),
            "place": "Rožu iela 6",
        },
    )
    assert response.status_code == 200
    assert "jānotiek cikla laikā" in response.content.decode()


def test_staff_schedule_from_the_page(client, place, staff, outbox_emails):
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:meeting_create", args=[place.cycle_id]),
        {
            "title": "Tikšanās ar fondiem",
            "cohort": place.cohort_id,
            "starts_at": moment(20).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": moment(20, 17).strftime("%Y-%m-%dT%H:%M"),
            "online_url": "meet.example.lv/fondi",
        },
    )
    meeting = JointMeeting.objects.get()
    assert response.url == reverse("cohorts:meeting_detail", args=[meeting.pk])
    assert meeting.online_url == "https://meet.example.lv/fondi"
    assert meeting.cohort == place.cohort
    assert outbox_emails(key__startswith=f"meeting:{meeting.pk}:")


def test_moving_a_meeting_tells_everyone_and_its_reminders_follow(
    place, staff, outbox_emails, applicant
):
    meeting = services.schedule_meeting(cycle=place.cycle, by=staff, **meeting_fields())
    later = moment(30)
    meeting, notified = services.update_meeting(
        meeting,
        by=staff,
        **meeting_fields(starts_at=later, ends_at=later + datetime.timedelta(hours=2)),
    )
    assert notified and meeting.sequence == 1
    notice = outbox_emails(key=f"meeting:{meeting.pk}:user:{applicant.pk}:changed-1")[0]
    assert notice.subject.startswith("Izmaiņas: Otrā kopīgā tikšanās")
    event = Calendar.from_ical(notice.calendar).walk("VEVENT")[0]
    assert event.decoded("dtstart") == later and event["sequence"] == 1
    due = dict(Reminder.objects.filter(status="pending").values_list("label", "due_at"))
    assert due == {
        "before-7d": later - datetime.timedelta(days=7),
        "before-1d": later - datetime.timedelta(days=1),
    }


def test_changing_only_the_agenda_tells_nobody(place, staff, outbox_emails):
    meeting = services.schedule_meeting(cycle=place.cycle, by=staff, **meeting_fields())
    before = len(outbox_emails())
    meeting, notified = services.update_meeting(
        meeting, by=staff, **meeting_fields(agenda="Jauna darba kārtība")
    )
    assert not notified and meeting.sequence == 0
    assert len(outbox_emails()) == before


def test_cancelling_sends_a_calendar_cancellation_and_drops_the_reminders(
    place, staff, outbox_emails, applicant, client
):
    meeting = services.schedule_meeting(cycle=place.cycle, by=staff, **meeting_fields())
    client.force_login(staff)
    client.post(reverse("cohorts:meeting_cancel", args=[meeting.pk]), {"reason": "Telpas slēgtas"})
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.cancellation_reason == "Telpas slēgtas"
    notice = outbox_emails(key=f"meeting:{meeting.pk}:user:{applicant.pk}:cancelled")[0]
    assert "Telpas slēgtas" in notice.text_body
    assert Calendar.from_ical(notice.calendar)["method"] == "CANCEL"
    assert not Reminder.objects.filter(status="pending").exists()
    with pytest.raises(ValidationError):
        services.update_meeting(meeting, by=staff, **meeting_fields())


def test_a_held_meeting_cannot_be_cancelled(place, staff):
    meeting = services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        **meeting_fields(starts_at=moment(-3), ends_at=moment(-3, 18)),
    )
    with pytest.raises(ValidationError):
        services.cancel_meeting(meeting, reason="x", by=staff)


# --- answers ---------------------------------------------------------------------------


@pytest.fixture
def meeting(place, staff):
    return services.schedule_meeting(cycle=place.cycle, by=staff, **meeting_fields())


def test_a_participant_answers_with_htmx_and_names_who_comes(
    client, meeting, place, applicant, colleague
):
    client.force_login(applicant)
    prefix = f"m{meeting.pk}"
    response = client.post(
        reverse("cohorts:rsvp", args=[meeting.pk, place.organisation_id]),
        {
            f"{prefix}-answer": "yes",
            f"{prefix}-attendees": [applicant.pk, colleague.pk],
            f"{prefix}-note": "Vēl viens brīvprātīgais",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Paldies, jūsu atbilde ir saglabāta." in response.content.decode()
    answer = MeetingResponse.objects.get()
    assert answer.answer == "yes" and set(answer.attendees.all()) == {applicant, colleague}
    assert answer.responded_by == applicant and answer.note == "Vēl viens brīvprātīgais"
    # Changing the answer updates the same row.
    client.post(
        reverse("cohorts:rsvp", args=[meeting.pk, place.organisation_id]),
        {f"{prefix}-answer": "no"},
    )
    answer.refresh_from_db()
    assert answer.answer == "no" and not answer.attendees.exists()
    assert MeetingResponse.objects.count() == 1


def test_an_answer_naming_someone_outside_the_organisation_is_refused(
    client, meeting, place, applicant
):
    stranger = factories.UserFactory()
    client.force_login(applicant)
    prefix = f"m{meeting.pk}"
    response = client.post(
        reverse("cohorts:rsvp", args=[meeting.pk, place.organisation_id]),
        {f"{prefix}-answer": "yes", f"{prefix}-attendees": [stranger.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert not MeetingResponse.objects.exists()


def test_answering_for_another_organisation_is_404(client, meeting, place, other_place):
    client.force_login(other_place.organisation.people.get())
    response = client.post(
        reverse("cohorts:rsvp", args=[meeting.pk, place.organisation_id]),
        {f"m{meeting.pk}-answer": "yes"},
    )
    assert response.status_code == 404
    assert not MeetingResponse.objects.exists()


def test_answering_a_cohort_meeting_of_another_cohort_is_404(client, place, other_place, staff):
    theirs = services.schedule_meeting(
        cycle=place.cycle, by=staff, **meeting_fields(cohort=other_place.cohort)
    )
    client.force_login(place.organisation.people.get())
    response = client.post(
        reverse("cohorts:rsvp", args=[theirs.pk, place.organisation_id]),
        {f"m{theirs.pk}-answer": "yes"},
    )
    assert response.status_code == 404


def test_a_cancelled_or_started_meeting_takes_no_answers(meeting, place, applicant, staff):
    services.cancel_meeting(meeting, reason="Slimība", by=staff)
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        services.respond(meeting, organisation=place.organisation, answer="yes", by=applicant)
    held = services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        **meeting_fields(starts_at=moment(-2), ends_at=moment(-2, 18)),
    )
    with pytest.raises(ValidationError):
        services.respond(held, organisation=place.organisation, answer="yes", by=applicant)


# --- materials ---------------------------------------------------------------------------


def test_materials_are_checked_and_served_only_to_those_invited(
    client, meeting, staff, applicant, other_place
):
    client.force_login(staff)
    client.post(
        reverse("cohorts:material_upload", args=[meeting.pk]),
        {"file": SimpleUploadedFile("Darba kārtība.pdf", b"%PDF-1.4 agenda")},
    )
    material = meeting.materials.get()
    assert material.name == "Darba_kārtība.pdf"
    response = client.post(
        reverse("cohorts:material_upload", args=[meeting.pk]),
        {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert response.status_code == 400
    assert "virus.pdf" in response.content.decode()
    assert meeting.materials.count() == 1

    url = reverse("cohorts:material_download", args=[meeting.pk, material.pk])
    client.force_login(applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 agenda"
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 404


def test_a_cohort_meetings_materials_are_404_to_another_cohort(client, place, other_place, staff):
    theirs = services.schedule_meeting(
        cycle=place.cycle, by=staff, **meeting_fields(cohort=other_place.cohort)
    )
    material = services.add_material(theirs, SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), by=staff)
    client.force_login(place.organisation.people.get())
    url = reverse("cohorts:material_download", args=[theirs.pk, material.pk])
    assert client.get(url).status_code == 404


# --- attendance -------------------------------------------------------------------------


@pytest.fixture
def held(place, staff):
    return services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        **meeting_fields(starts_at=moment(-7), ends_at=moment(-7, 18)),
    )


def test_staff_record_attendance_for_all_organisations_on_one_page(
    client, held, place, other_place, staff
):
    client.force_login(staff)
    url = reverse("cohorts:attendance", args=[held.pk])
    page = client.get(url).content.decode()
    assert place.organisation.name in page and other_place.organisation.name in page
    first, second = f"org{place.organisation_id}", f"org{other_place.organisation_id}"
    response = client.post(
        url,
        {
            f"{first}-status": "present",
            f"{first}-people": "2",
            f"{first}-note": "",
            f"{second}-status": "excused",
            f"{second}-people": "3",
            f"{second}-note": "Slimība",
        },
    )
    assert response.status_code == 302
    records = {a.organisation_id: a for a in Attendance.objects.all()}
    assert (records[place.organisation_id].status, records[place.organisation_id].people) == (
        "present",
        2,
    )
    # An excused organisation has no one present, whatever was typed.
    assert (
        records[other_place.organisation_id].people,
        records[other_place.organisation_id].note,
    ) == (0, "Slimība")


def test_present_without_a_number_is_explained_and_nothing_is_saved(client, held, place, staff):
    client.force_login(staff)
    prefix = f"org{place.organisation_id}"
    response = client.post(
        reverse("cohorts:attendance", args=[held.pk]),
        {f"{prefix}-status": "present", f"{prefix}-people": "", f"{prefix}-note": "vēlāk"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cik cilvēku ieradās?" in page
    assert 'value="vēlāk"' in page
    assert not Attendance.objects.exists()


def test_attendance_before_the_meeting_day_is_refused(meeting, place, staff):
    with pytest.raises(ValidationError):
        services.record_attendance(meeting, [(place.organisation, "present", 1, "")], by=staff)


def test_a_participant_cannot_record_attendance(client, held, place, applicant):
    client.force_login(applicant)
    prefix = f"org{place.organisation_id}"
    response = client.post(
        reverse("cohorts:attendance", args=[held.pk]),
        {f"{prefix}-status": "present", f"{prefix}-people": "5"},
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_the_attendance_report_counts_in_the_database_and_exports_csv(
    client, held, place, other_place, staff
):
    second = services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        **meeting_fields(title="Trešā", starts_at=moment(-1), ends_at=moment(-1, 18)),
    )
    services.record_attendance(
        held,
        [
            (place.organisation, "present", 2, ""),
            (other_place.organisation, "absent", 0, ""),
        ],
        by=staff,
    )
    services.record_attendance(second, [(place.organisation, "present", 1, "")], by=staff)
    MeetingResponse.objects.create(meeting=held, organisation=place.organisation, answer="yes")

    client.force_login(staff)
    page = client.get(reverse("cohorts:attendance_report", args=[place.cycle_id])).content.decode()
    assert "2 / 2" in page  # the first organisation attended both meetings
    assert "0 / 2" in page

    response = client.get(reverse("cohorts:attendance_csv", args=[place.cycle_id]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Organizācija", "Reģistrācijas numurs", "Kohorta"]
    lines = {(r[0], r[4]): r for r in rows[1:]}
    assert len(lines) == 4  # two organisations × two meetings held
    mine = lines[(place.organisation.name, held.title)]
    assert mine[6:9] == ["Jā, ieradīsimies", "Klāt", "2"]
    assert lines[(other_place.organisation.name, "Trešā")][7] == ""


def test_the_staff_meeting_page_lists_the_answers(client, meeting, place, staff, applicant):
    services.respond(
        meeting,
        organisation=place.organisation,
        answer="maybe",
        by=applicant,
        attendees=[applicant],
    )
    client.force_login(staff)
    page = client.get(reverse("cohorts:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Varbūt" in page and applicant.display_name in page


def test_a_meeting_of_another_cycle_is_404_to_a_participant(client, place, staff, applicant):
    other_cycle = factories.RunningCycleFactory()
    theirs = JointMeeting.objects.create(
        cycle=other_cycle, title="Cits", starts_at=moment(5), ends_at=moment(5, 18), place="X"
    )
    client.force_login(applicant)
    assert client.get(reverse("cohorts:meeting_detail", args=[theirs.pk])).status_code == 404


def test_cohort_choices_belong_to_the_cycle(place, staff, priority_fields):
    foreign = Cohort.objects.create(
        cycle=factories.RunningCycleFactory(), priority_field=priority_fields[0]
    )
    with pytest.raises(ValidationError) as error:
        services.schedule_meeting(cycle=place.cycle, by=staff, **meeting_fields(cohort=foreign))
    assert "cohort" in error.value.message_dict


def test_the_csv_does_not_let_a_name_become_a_formula(client, held, staff, running_cycle, place):
    place.organisation.name = '=HYPERLINK("http://x")'
    place.organisation.save()
    services.record_attendance(held, [(place.organisation, "present", 1, "@note")], by=staff)
    client.force_login(staff)
    response = client.get(reverse("cohorts:attendance_csv", args=[place.cycle_id]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[1][9] == "'@note"


def test_the_deadline_form_explains_a_moment_outside_the_cycle_and_keeps_the_input(
    client, place, staff
):
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:deadline_create", args=[place.cycle_id]),
        {
            "title": "Gala atskaite",
            "due_at": moment(400).strftime("%Y-%m-%dT%H:%M"),
            "audience": "participants",
            "description": "Iesūtiet atskaiti",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Termiņam jābūt cikla laikā" in page
    assert 'value="Gala atskaite"' in page and "Iesūtiet atskaiti" in page


def test_the_deadline_form_refuses_applicants_for_one_cohort(client, place, staff):
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:deadline_create", args=[place.cycle_id]),
        {
            "title": "Melnraksti",
            "cohort": place.cohort_id,
            "due_at": moment(10).strftime("%Y-%m-%dT%H:%M"),
            "audience": "applicants",
        },
    )
    assert response.status_code == 200
    assert "atstājiet kohortu tukšu" in response.content.decode()


def test_staff_add_change_and_delete_a_deadline_from_the_pages(client, place, staff):
    from cohorts.models import Deadline

    client.force_login(staff)
    client.post(
        reverse("cohorts:deadline_create", args=[place.cycle_id]),
        {
            "title": "Plāns",
            "due_at": moment(10).strftime("%Y-%m-%dT%H:%M"),
            "audience": "mentors",
        },
    )
    deadline = Deadline.objects.get(title="Plāns")
    assert deadline.audience == "mentors"
    client.post(
        reverse("cohorts:deadline_edit", args=[deadline.pk]),
        {
            "title": "Attīstības plāns",
            "due_at": moment(12).strftime("%Y-%m-%dT%H:%M"),
            "audience": "participants",
        },
    )
    deadline.refresh_from_db()
    assert (deadline.title, deadline.due_at) == ("Attīstības plāns", moment(12))
    assert set(
        Reminder.objects.filter(
            source="deadline", object_id=deadline.pk, status="pending"
        ).values_list("due_at", flat=True)
    ) == {moment(5), moment(11)}
    client.post(reverse("cohorts:deadline_delete", args=[deadline.pk]))
    assert not Deadline.objects.filter(pk=deadline.pk).exists()


# --- when a meeting takes answers, attendance and changes ---------------------------------


def test_staff_record_attendance_from_the_meeting_page_on_its_day_before_it_starts(
    client, place, staff
):
    meeting = services.schedule_meeting(
        cycle=place.cycle, by=staff, **meeting_fields(starts_at=moment(3), ends_at=moment(3, 18))
    )
    client.force_login(staff)
    detail = reverse("cohorts:meeting_detail", args=[meeting.pk])
    with time_machine.travel(moment(2, 9), tick=False):  # the day before
        assert "Reģistrēt apmeklējumu" not in client.get(detail).content.decode()
    with time_machine.travel(moment(3, 9), tick=False):  # its morning, people arriving
        assert "Reģistrēt apmeklējumu" in client.get(detail).content.decode()
        prefix = f"org{place.organisation_id}"
        response = client.post(
            reverse("cohorts:attendance", args=[meeting.pk]),
            {f"{prefix}-status": "present", f"{prefix}-people": "2", f"{prefix}-note": ""},
        )
    assert response.status_code == 302
    assert Attendance.objects.get().people == 2


def test_a_meeting_that_has_ended_can_no_longer_be_changed(client, place, staff):
    held = services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        **meeting_fields(starts_at=moment(-2), ends_at=moment(-2, 18)),
    )
    with pytest.raises(ValidationError) as error:
        services.update_meeting(
            held,
            by=staff,
            **meeting_fields(starts_at=moment(-2), ends_at=moment(-2, 18), title="Pārdēvēta"),
        )
    assert "vairs nevar mainīt" in " ".join(error.value.messages)
    client.force_login(staff)
    response = client.get(reverse("cohorts:meeting_edit", args=[held.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("cohorts:meeting_detail", args=[held.pk])
    assert "vairs nevar mainīt" in response.content.decode()
    assert "Mainīt</a>" not in response.content.decode()
    response = client.get(reverse("cohorts:meeting_cancel", args=[held.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("cohorts:meeting_detail", args=[held.pk])
    held.refresh_from_db()
    assert held.title == "Otrā kopīgā tikšanās"


def test_a_meeting_under_way_no_longer_asks_for_an_answer(client, place, staff, applicant):
    meeting = services.schedule_meeting(
        cycle=place.cycle, by=staff, **meeting_fields(starts_at=moment(3), ends_at=moment(3, 18))
    )
    client.force_login(applicant)
    with time_machine.travel(moment(3, 16), tick=False):
        page = client.get(reverse("cohorts:my_programme")).content.decode()
        assert "Atbildiet, vai ieradīsieties uz “Otrā kopīgā tikšanās”" not in page
        assert "Tikšanās ir sākusies; atbildes vairs netiek pieņemtas." in page
        page = client.get(reverse("cohorts:meeting_detail", args=[meeting.pk])).content.decode()
        assert "Saglabāt atbildi" not in page


def test_only_active_people_can_be_named_as_coming(client, meeting, place, applicant):
    gone = factories.UserFactory(is_active=False, first_name="Aizgājusī")
    Membership.objects.create(organisation=place.organisation, user=gone)
    client.force_login(applicant)
    page = client.get(reverse("cohorts:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Aizgājusī" not in page
    prefix = f"m{meeting.pk}"
    response = client.post(
        reverse("cohorts:rsvp", args=[meeting.pk, place.organisation_id]),
        {f"{prefix}-answer": "yes", f"{prefix}-attendees": [gone.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert not MeetingResponse.objects.exists()


def test_a_participants_meeting_page_runs_the_same_queries_for_one_or_four_organisations(
    client, meeting, place, staff, applicant, count_queries
):
    services.respond(meeting, organisation=place.organisation, answer="maybe", by=applicant)
    client.force_login(applicant)
    url = reverse("cohorts:meeting_detail", args=[meeting.pk])
    client.get(url)
    one = count_queries(lambda: client.get(url))
    for _index in range(3):
        organisation = factories.OrganisationFactory(
            leader=applicant, priority_field=place.cohort.priority_field
        )
        for _ in range(3):
            Membership.objects.create(organisation=organisation, user=factories.UserFactory())
        factories.admit(organisation, place.cycle, staff)
        services.respond(
            meeting, organisation=organisation, answer="yes", by=applicant, attendees=[applicant]
        )
    page = client.get(url).content.decode()
    assert page.count("Saglabāt atbildi") == 4
    assert count_queries(lambda: client.get(url)) == one


def test_a_refused_answer_comes_back_with_what_was_chosen_and_typed(
    client, meeting, place, applicant, colleague
):
    stranger = factories.UserFactory()
    client.force_login(applicant)
    prefix = f"m{meeting.pk}"
    response = client.post(
        reverse("cohorts:rsvp", args=[meeting.pk, place.organisation_id]),
        {
            f"{prefix}-answer": "maybe",
            f"{prefix}-attendees": [colleague.pk, stranger.pk],
            f"{prefix}-note": "Ar diviem bērniem",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    page = response.content.decode()
    boxes = dict(re.findall(r'<input type="(?:radio|checkbox)"[^>]*value="([^"]+)"([^>]*)>', page))
    assert "checked" in boxes["maybe"] and "checked" not in boxes["yes"]
    assert "checked" in boxes[str(colleague.pk)] and "checked" not in boxes[str(applicant.pk)]
    assert str(stranger.pk) not in boxes
    assert 'value="Ar diviem bērniem"' in page
    assert f'id="id_{prefix}-attendees_error"' in page and "is-invalid" in page
