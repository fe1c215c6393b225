"""Consultation reminders through the kernel's engine: a day and an hour before (the
cycle's moments), to whoever the consultation concerns when the reminder is written;
optional reminders respect the opt-out. The mentor is reminded of a consultation not
logged two days on; whoever does an action item, the day before it is due. And each
person's calendar feed carries their consultations."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from incubator import services as kernel_services
from incubator.models import Membership
from incubator.notifications import reminders
from incubator.notifications.models import Email
from mentoring import services

from . import factories

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def booked(place, assigned, mentor, applicant, moment):
    slot = services.add_slot(
        mentor,
        starts_at=moment(5, 16),
        ends_at=moment(5, 17),
        mode="in_person",
        location="Lielā iela 3",
    )
    return services.book_slot(place, slot, by=applicant)


def _reminded(consultation, label):
    return set(
        Email.objects.filter(
            key__startswith=f"consultation:{consultation.pk}:", key__contains=f":{label}@"
        ).values_list("to", flat=True)
    )


def test_reminders_a_day_and_an_hour_before_reach_both_sides_with_the_calendar(
    booked, mentor, applicant
):
    with time_machine.travel(booked.starts_at - DAY + datetime.timedelta(minutes=1)):
        assert reminders.sweep() == 2
    assert _reminded(booked, "before-1d") == {mentor.user.email, applicant.email}
    email = Email.objects.get(key__contains=f"user:{applicant.pk}:before-1d@")
    assert email.subject.startswith("Atgādinājums: konsultācija — Ilze Krūmiņa, ")
    event = Calendar.from_ical(email.calendar).walk("VEVENT")[0]
    assert str(event["uid"]) == f"consultation-{booked.pk}@localhost"
    with time_machine.travel(booked.starts_at - HOUR + datetime.timedelta(minutes=1)):
        assert reminders.sweep() == 2
    assert _reminded(booked, "before-1h") == {mentor.user.email, applicant.email}


def test_reminders_respect_the_opt_out(booked, mentor, applicant):
    applicant.optional_reminders = False
    applicant.save()
    with time_machine.travel(booked.starts_at - HOUR + datetime.timedelta(minutes=1)):
        reminders.sweep()
    assert _reminded(booked, "before-1h") == {mentor.user.email}


def test_the_audience_is_read_when_the_reminder_is_written(
    booked, place, mentor, applicant, assigned, staff
):
    newcomer = factories.UserFactory(email="jauna@biedriba.lv")
    Membership.objects.create(organisation=place.organisation, user=newcomer)
    with time_machine.travel(booked.starts_at - DAY + datetime.timedelta(minutes=1)):
        reminders.sweep()
    assert _reminded(booked, "before-1d") == {mentor.user.email, applicant.email, newcomer.email}
    # Unassigned before the hour's reminder: the consultation is off, nobody is reminded.
    services.end_assignment(assigned, by=staff, reason="Pārslodze")
    with time_machine.travel(booked.starts_at - HOUR + datetime.timedelta(minutes=1)):
        reminders.sweep()
    assert _reminded(booked, "before-1h") == set()


def test_a_mentor_no_longer_assigned_is_not_reminded_of_a_consultation_still_booked(
    booked, mentor, applicant, assigned
):
    """Even were the consultation left booked, the reminder asks the data then."""
    from mentoring.models import MentorAssignment

    MentorAssignment.objects.filter(pk=assigned.pk).update(status="ended")
    with time_machine.travel(booked.starts_at - DAY + datetime.timedelta(minutes=1)):
        reminders.sweep()
    assert _reminded(booked, "before-1d") == {applicant.email}


def test_the_mentor_is_reminded_of_a_consultation_without_a_log_two_days_on(booked, mentor):
    with time_machine.travel(booked.ends_at + 47 * HOUR):
        reminders.sweep()
    assert not Email.objects.filter(key__contains=":no-log-48h@").exists()
    with time_machine.travel(booked.ends_at + 48 * HOUR + datetime.timedelta(minutes=1)):
        assert reminders.sweep() == 1
    email = Email.objects.get(key__contains=":no-log-48h@")
    assert email.to == mentor.user.email
    assert reverse("mentoring:consultation_log", args=[booked.pk]) in email.text_body


def test_a_logged_consultation_needs_no_reminder(booked, mentor):
    with time_machine.travel(booked.ends_at + HOUR):
        services.save_log(booked, by=mentor.user, outcome="held", minutes=60, summary="Labi.")
    with time_machine.travel(booked.ends_at + 3 * DAY):
        reminders.sweep()
    assert not Email.objects.filter(key__contains=":no-log-48h@").exists()


def test_action_items_are_reminded_the_day_before_to_whoever_does_them(
    booked, mentor, applicant, assigned, staff
):
    due = booked.starts_at.date() + 10 * DAY
    with time_machine.travel(booked.ends_at + HOUR):
        services.save_log(
            booked,
            by=mentor.user,
            outcome="held",
            minutes=60,
            summary="Labi.",
            items=[
                {"description": "Budžets", "owner": "organisation", "due_on": due},
                {"description": "Paraugi", "owner": "mentor", "due_on": due},
                {"description": "Statūti", "owner": "organisation", "due_on": due},
            ],
        )
    statutes = booked.action_items.get(description="Statūti")
    services.set_done(statutes, by=applicant)
    services.end_assignment(assigned, by=staff)
    day_before = timezone.make_aware(datetime.datetime.combine(due - DAY, datetime.time(9, 1)))
    with time_machine.travel(day_before - datetime.timedelta(minutes=2)):
        reminders.sweep()
    assert not Email.objects.filter(key__startswith="action-item:").exists()
    with time_machine.travel(day_before):
        reminders.sweep()
    sent = {(e.to, e.subject) for e in Email.objects.filter(key__startswith="action-item:")}
    assert {to for to, _subject in sent} == {applicant.email}
    assert any("Budžets" in subject for _to, subject in sent)


def test_each_persons_feed_carries_their_consultations(client, booked, mentor, applicant, staff):
    for person in (mentor.user, applicant):
        token = kernel_services.reset_calendar_token(person)
        body = client.get(reverse("calendar_feed", args=[token])).content
        (event,) = [
            e
            for e in Calendar.from_ical(body).walk("VEVENT")
            if str(e["uid"]).startswith("consultation-")
        ]
        assert event.decoded("dtstart") == booked.starts_at
    token = kernel_services.reset_calendar_token(staff)
    body = client.get(reverse("calendar_feed", args=[token])).content
    assert b"consultation-" not in body
    services.cancel_consultation(booked, by=applicant)
    token = kernel_services.reset_calendar_token(applicant)
    body = client.get(reverse("calendar_feed", args=[token])).content
    (event,) = [
        e for e in Calendar.from_ical(body).walk("VEVENT") if "consultation-" in str(e["uid"])
    ]
    assert str(event["status"]) == "CANCELLED"
