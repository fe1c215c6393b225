"""Staff schedule a joint meeting; a participant sees it on "my programme" and
answers; when the clock reaches 7 days before, the reminder with its calendar
invitation arrives. In Latvian, in headless Chromium."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from cohorts.models import JointMeeting, MeetingResponse
from tests import factories

from .conftest import sign_in, sign_out, text_of


@pytest.fixture
def programme(transactional_db, priority_fields):
    environment = next(f for f in priority_fields if f.code == "environment")
    staff = factories.StaffFactory(
        email="santa@inkubators.lv", first_name="Santa", last_name="Kalniņa"
    )
    leader = factories.UserFactory(
        email="liene@zala-liepaja.lv", first_name="Liene", last_name="Bērziņa"
    )
    organisation = factories.OrganisationFactory(
        leader=leader, name="Biedrība “Zaļā Liepāja”", priority_field=environment
    )
    cycle = factories.RunningCycleFactory(name="NVO izaugsmes inkubators — pilotcikls")
    factories.admit(organisation, cycle, staff)
    return staff, leader


def test_staff_schedule_a_participant_answers_and_the_reminder_arrives(page, mailbox, programme):
    staff, leader = programme
    day = timezone.localdate() + datetime.timedelta(days=21)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))

    # Staff schedule the second joint meeting.
    sign_in(page, staff.email)
    page.get_by_role("link", name="Kohortas").first.click()
    expect(page.get_by_role("heading", name="Kohortas").first).to_be_visible()
    page.get_by_role("link", name="Ieplānot tikšanos").click()
    page.get_by_label("Nosaukums").fill("2. kopīgā tikšanās: finansējuma avoti")
    page.get_by_label("Sākums").fill(f"{day:%Y-%m-%d}T15:00")
    page.get_by_label("Beigas").fill(f"{day:%Y-%m-%d}T18:00")
    page.get_by_label("Vieta").fill("Liepājas Biznesa inkubators, Lielā iela 3")
    page.get_by_label("Darba kārtība").fill("1. Fondi NVO\n2. Projektu pieteikumi")
    page.get_by_role("button", name="Ieplānot un uzaicināt").click()
    expect(page.get_by_text("Tikšanās ir ieplānota.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("2. kopīgā tikšanās"))).to_be_visible()
    meeting = JointMeeting.objects.get()
    assert meeting.starts_at == starts
    invitations = {message["To"]: message for message in mailbox()}
    invitation = invitations[leader.email]
    assert invitation["Subject"].strip().startswith("Ielūgums: 2. kopīgā tikšanās")
    assert staff.email in invitations  # the organiser has it in her calendar too
    sign_out(page, "Santa Kalniņa")

    # The participant sees it on "my programme" and answers who will come.
    sign_in(page, leader.email)
    page.get_by_role("link", name="Mana programma").click()
    next_meeting = page.get_by_role("region", name="Nākamā kopīgā tikšanās")
    expect(next_meeting).to_contain_text("2. kopīgā tikšanās: finansējuma avoti")
    expect(next_meeting).to_contain_text("Liepājas Biznesa inkubators")
    expect(page.get_by_text("Atbildiet, vai ieradīsieties uz")).to_be_visible()
    next_meeting.get_by_label("Jā, ieradīsimies").check()
    next_meeting.get_by_label("Liene Bērziņa").check()
    next_meeting.get_by_label("Citi, kas ieradīsies, vai komentārs").fill("Un viens brīvprātīgais")
    next_meeting.get_by_role("button", name="Saglabāt atbildi").click()
    expect(next_meeting.get_by_text("Paldies, jūsu atbilde ir saglabāta.")).to_be_visible()
    expect(next_meeting).to_contain_text("Jūsu atbilde: Jā, ieradīsimies — Liene Bērziņa")
    answer = MeetingResponse.objects.get()
    assert (answer.answer, list(answer.attendees.all())) == ("yes", [leader])

    # The clock moves to 7 days before the meeting: the every-minute dispatch runs.
    with time_machine.travel(starts - datetime.timedelta(days=7), tick=False):
        call_command("dispatch_notifications")
    reminder = [message for message in mailbox() if message["To"] == leader.email][-1]
    assert (
        reminder["Subject"]
        .strip()
        .startswith("Atgādinājums: 2. kopīgā tikšanās: finansējuma avoti")
    )
    body = text_of(reminder)
    assert "Biedrība “Zaļā Liepāja” atbildēja: Jā, ieradīsimies." in body
    (attachment,) = [
        part for part in reminder.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    assert attachment.get_filename() == "invite.ics"
    event = Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert str(event["summary"]) == "2. kopīgā tikšanās: finansējuma avoti"
    assert event.decoded("dtstart") == starts
    assert str(event["location"]) == "Liepājas Biznesa inkubators, Lielā iela 3"


def test_staff_move_an_organisation_and_its_leader_is_invited_to_the_new_cohort(
    page, mailbox, programme, priority_fields
):
    """Moved to another cohort after the meetings were scheduled, the organisation's
    leader receives the invitation to the new cohort's meeting, and a notice whose
    calendar file removes the old cohort's meeting; "my programme" follows."""
    from cohorts import services
    from cohorts.models import Cohort
    from incubator.models import Cycle

    staff, leader = programme
    cycle = Cycle.objects.get()
    youth = next(f for f in priority_fields if f.code == "youth")
    youth_cohort = Cohort.objects.create(cycle=cycle, priority_field=youth)
    environment_cohort = Cohort.objects.get(cycle=cycle, priority_field__code="environment")

    def meeting(title, cohort, days):
        starts = timezone.make_aware(
            datetime.datetime.combine(
                timezone.localdate() + datetime.timedelta(days=days), datetime.time(15)
            )
        )
        return services.schedule_meeting(
            cycle=cycle,
            by=staff,
            cohort=cohort,
            title=title,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            place="Lielā iela 3",
            online_url="",
            agenda="",
        )

    meeting("Vides kohortas tikšanās", environment_cohort, 10)
    meeting("Jauniešu kohortas tikšanās", youth_cohort, 12)

    sign_in(page, staff.email)
    page.get_by_role("link", name="Kohortas").first.click()
    page.get_by_role("link", name="Vide, pilsētvide un kopienu attīstība").click()
    row = page.get_by_role("row", name=re.compile("Zaļā Liepāja"))
    row.get_by_text("Mainīt").click()
    row.get_by_label("Pārvietot uz kohortu").select_option(label="Bērni un jaunieši")
    row.get_by_role("button", name="Pārvietot").click()
    expect(
        page.get_by_text("Biedrība “Zaļā Liepāja” pārvietota uz kohortu “Bērni un jaunieši”.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Kohorta: Bērni un jaunieši")).to_be_visible()

    to_leader = {m["Subject"].strip(): m for m in mailbox() if m["To"] == leader.email}
    invitation = next(m for s, m in to_leader.items() if s.startswith("Ielūgums: Jauniešu"))
    withdrawn = to_leader["Vairs nav jūsu programmā: Vides kohortas tikšanās"]
    assert "tagad ir kohortā “Bērni un jaunieši”" in text_of(withdrawn)

    def method(message):
        (attachment,) = [
            part
            for part in message.iter_attachments()
            if part.get_content_type() == "text/calendar"
        ]
        return str(Calendar.from_ical(attachment.get_content())["method"])

    assert (method(invitation), method(withdrawn)) == ("REQUEST", "CANCEL")
    sign_out(page, "Santa Kalniņa")

    sign_in(page, leader.email)
    page.get_by_role("link", name="Mana programma").click()
    next_meeting = page.get_by_role("region", name="Nākamā kopīgā tikšanās")
    expect(next_meeting).to_contain_text("Jauniešu kohortas tikšanās")
    expect(page.get_by_text("Vides kohortas tikšanās")).to_have_count(0)
