"""A mentor publishes a weekly pattern; a participant books one of its times and
receives the invitation with its calendar file; a participant of another
organisation, who opened the same time a moment earlier, cannot take it; a day
before, the reminder arrives; the mentor logs the consultation with an action item;
the participant confirms the log, rates it and marks the item done; staff see the
hours on the overview. In Latvian, in headless Chromium."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from mentoring import services
from mentoring.models import Consultation, ConsultationLog
from tests import factories

from .conftest import text_of
from .test_meeting_journey import sign_in, sign_out


@pytest.fixture
def programme(transactional_db, priority_fields, expertise_tags):
    culture = next(f for f in priority_fields if f.code == "culture")
    staff = factories.StaffFactory(
        email="santa@inkubators.lv", first_name="Santa", last_name="Kalniņa"
    )
    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(email="edgars@lbi.lv", first_name="Edgars", last_name="Krūmiņš"),
        tags=["fundraising", "project-applications"],
    )
    leader = factories.UserFactory(email="liene@kori.lv", first_name="Liene", last_name="Bērziņa")
    other = factories.UserFactory(email="janis@jura.lv", first_name="Jānis", last_name="Ozols")
    cycle = factories.RunningCycleFactory(name="NVO izaugsmes inkubators — pilotcikls")
    places = []
    for person, name in [(leader, "Biedrība “Liepājas kori”"), (other, "Biedrība “Jūras vārti”")]:
        organisation = factories.OrganisationFactory(
            leader=person, name=name, priority_field=culture
        )
        place = factories.admit(organisation, cycle, staff)
        assignment = services.assign_mentor(cycle, organisation, mentor, by=staff)
        services.accept_assignment(assignment, by=mentor.user)
        places.append(place)
    return staff, mentor, leader, other


def _open_week_of(page, day):
    page.get_by_role("link", name="Mana programma").click()
    page.get_by_role("region", name="Mentori un konsultācijas").get_by_role(
        "link", name="Rezervēt konsultāciju"
    ).click()
    expect(page.get_by_role("heading", name="Rezervēt konsultāciju")).to_be_visible()
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for _week in range((day - monday).days // 7):
        page.get_by_role("link", name=re.compile("Nākamā nedēļa")).click()
    page.get_by_role("region", name=re.compile(f"{day.day}\\. ")).get_by_role(
        "link", name=re.compile("16:00–16:45")
    ).click()
    expect(page.get_by_role("button", name="Rezervēt šo laiku")).to_be_visible()


def test_a_mentor_publishes_a_participant_books_logs_ratings_and_hours(
    page, browser, live_server, mailbox, programme
):
    staff, mentor, leader, other = programme
    day = timezone.localdate() + datetime.timedelta(days=7)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16)))

    # The mentor lands on their dashboard and publishes a weekly pattern.
    sign_in(page, mentor.user.email)
    expect(page.get_by_role("heading", name="Mans mentorings")).to_be_visible()
    page.get_by_role("link", name="Mani brīvie laiki").first.click()
    pattern = page.get_by_role("region", name="Iknedēļas grafiks")
    pattern.get_by_label("Nedēļas diena").select_option(str(day.weekday()))
    pattern.get_by_label(re.compile(r"^\s*No\W*$")).fill("16:00")
    pattern.get_by_label(re.compile(r"^\s*Līdz\W*$")).fill("18:00")
    pattern.get_by_label("Minūtes vienai konsultācijai").fill("45")
    pattern.get_by_label("Pirmā diena").fill(f"{timezone.localdate():%Y-%m-%d}")
    pattern.get_by_label("Pēdējā diena").fill(f"{day + datetime.timedelta(days=7):%Y-%m-%d}")
    pattern.get_by_label("Kā").select_option(label="Klātienē")
    pattern.get_by_label("Vieta vai saite").fill("Liepājas Biznesa inkubators, Lielā iela 3")
    pattern.get_by_role("button", name="Publicēt grafiku").click()
    expect(page.get_by_text(re.compile("Iknedēļas grafiks ir publicēts"))).to_be_visible()
    sign_out(page, "Edgars Krūmiņš")

    # A participant of another organisation opens the same time first...
    second = browser.new_context(
        base_url=live_server.url, locale="lv-LV", timezone_id="Europe/Riga"
    ).new_page()
    sign_in(second, other.email)
    _open_week_of(second, day)

    # ...and the participant books it.
    sign_in(page, leader.email)
    _open_week_of(page, day)
    page.get_by_label("Tēma").select_option(label="Finansējuma piesaiste")
    page.get_by_label("Ko vēlaties pārrunāt?").fill("Kopienu fonda pieteikums")
    page.get_by_role("button", name="Rezervēt šo laiku").click()
    expect(page.get_by_text(re.compile("Konsultācija ir rezervēta"))).to_be_visible()
    consultation = Consultation.objects.get()
    assert (consultation.starts_at, consultation.organisation.name) == (
        starts,
        "Biedrība “Liepājas kori”",
    )
    invitation = next(
        m
        for m in mailbox()
        if m["To"] == leader.email and m["Subject"].strip().startswith("Konsultācija —")
    )
    assert invitation["Subject"].strip().startswith("Konsultācija — Edgars Krūmiņš, ")
    (ics,) = [p for p in invitation.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(ics.get_content())
    assert str(calendar["method"]) == "REQUEST"
    assert calendar.walk("VEVENT")[0].decoded("dtstart") == starts
    assert any(m["To"] == mentor.user.email for m in mailbox())

    # The second participant cannot take it: a clear message, and what they typed stays.
    second.get_by_label("Tēma").select_option(label="Projektu pieteikumu rakstīšana")
    second.get_by_label("Ko vēlaties pārrunāt?").fill("Mūsu pieteikums")
    second.get_by_role("button", name="Rezervēt šo laiku").click()
    expect(
        second.get_by_text("Kāds tikko rezervēja šo laiku. Lūdzu, izvēlieties citu.")
    ).to_be_visible()
    expect(second.get_by_label("Ko vēlaties pārrunāt?")).to_have_value("Mūsu pieteikums")
    assert Consultation.objects.count() == 1
    second.context.close()
    sign_out(page, "Liene Bērziņa")

    # The clock reaches a day before: the every-minute dispatch sends the reminder.
    with time_machine.travel(starts - datetime.timedelta(days=1), tick=False):
        call_command("dispatch_notifications")
    reminder = [m for m in mailbox() if m["To"] == leader.email][-1]
    assert reminder["Subject"].strip().startswith("Atgādinājums: konsultācija — Edgars Krūmiņš")
    assert "Kopienu fonda pieteikums" in text_of(reminder)

    due = day + datetime.timedelta(days=14)
    with time_machine.travel(starts + datetime.timedelta(hours=2), tick=True):
        # The mentor logs it, with an action item for the organisation.
        sign_in(page, mentor.user.email)
        todo = page.get_by_role("region", name="Konsultācijas, kurām jāaizpilda atskaite")
        todo.get_by_role("link", name="Aizpildīt atskaiti").click()
        page.get_by_label("Notikusi").check()
        page.get_by_label("Faktiskais ilgums minūtēs").fill("60")
        page.get_by_label("Kopsavilkums").fill("Pārrunājām Kopienu fonda nosacījumus.")
        page.get_by_label("Ieteikumi").fill("Pieteikties līdz mēneša beigām.")
        page.get_by_label("Kas jādara").first.fill("Sagatavot budžeta tāmi")
        page.get_by_label("Kas to dara").first.select_option(label="Organizācija")
        page.get_by_label("Termiņš").first.fill(f"{due:%Y-%m-%d}")
        page.get_by_role("button", name="Saglabāt atskaiti").click()
        expect(
            page.get_by_text("Atskaite ir saglabāta; organizācija var to izlasīt.")
        ).to_be_visible()
        sign_out(page, "Edgars Krūmiņš")

        # The participant confirms the log, rates it and marks the item done.
        sign_in(page, leader.email)
        page.get_by_role("link", name="Mana programma").click()
        page.get_by_role("region", name="Mentori un konsultācijas").get_by_role(
            "link", name=re.compile("· Edgars Krūmiņš")
        ).click()
        expect(page.get_by_text("Pārrunājām Kopienu fonda nosacījumus.")).to_be_visible()
        page.get_by_role("button", name="Apstiprināt atskaiti").click()
        expect(page.get_by_text("Paldies, atskaite ir apstiprināta.")).to_be_visible()
        page.locator("label[for=rating-5]").click()
        page.get_by_label("Komentārs").fill("Ļoti noderīgi")
        page.get_by_role("button", name="Saglabāt novērtējumu").click()
        expect(page.get_by_text("Paldies par novērtējumu.")).to_be_visible()
        page.get_by_role("button", name="Atzīmēt kā izdarītu: Sagatavot budžeta tāmi").click()
        expect(page.get_by_text("Atzīmēts kā izdarīts: Sagatavot budžeta tāmi")).to_be_visible()
        sign_out(page, "Liene Bērziņa")
    log = ConsultationLog.objects.get()
    assert (log.rating, log.confirmed_by, log.minutes) == (5, leader, 60)
    assert log.consultation.action_items.get().is_done

    # Staff see the hours on the overview.
    sign_in(page, staff.email)
    page.get_by_role("link", name="Mentorings").click()
    hours = page.get_by_role("region", name="Stundas pa organizācijām")
    row = hours.get_by_role("row", name=re.compile("Liepājas kori"))
    expect(row).to_contain_text("1,0")
    expect(row).to_contain_text("Edgars Krūmiņš")
