"""Booking consultations through the services: free times offered to whom they are
for, no double booking (the service's check and the database's constraints), the
invitations with their calendar files, cancelling and moving up to the cycle's
cut-off, requests when no free time fits."""

import datetime
import os

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from icalendar import Calendar

from incubator.models import Membership
from incubator.notifications import reminders
from incubator.notifications.models import Email, Reminder
from mentoring import services
from mentoring.models import Consultation, ConsultationRequest, Slot

from . import factories

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def _slot(mentor, starts, minutes=45, mode="in_person", location="Lielā iela 3, Liepāja"):
    return services.add_slot(
        mentor,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=minutes),
        mode=mode,
        location=location,
    )


def _event(email):
    calendar = Calendar.from_ical(email.calendar)
    return str(calendar["method"]), calendar.walk("VEVENT")[0]


@pytest.fixture
def colleague(place):
    user = factories.UserFactory(email="kolegis@biedriba.lv")
    Membership.objects.create(organisation=place.organisation, user=user)
    return user


def test_a_participant_books_a_free_time_and_both_sides_get_the_invitation(
    place, assigned, mentor, applicant, colleague, expertise_tags, moment
):
    slot = _slot(mentor, moment(5, 16))
    consultation = services.book_slot(
        place, slot, topic=expertise_tags["fundraising"], note="Fondu meklēšana", by=applicant
    )
    assert (consultation.status, consultation.mentor, consultation.cycle) == (
        "scheduled",
        mentor,
        place.cycle,
    )
    assert (consultation.starts_at, consultation.ends_at) == (slot.starts_at, slot.ends_at)
    emails = {e.to: e for e in Email.objects.filter(key__endswith=":booked")}
    assert set(emails) == {mentor.user.email, applicant.email, colleague.email}
    uids = set()
    for email in emails.values():
        method, event = _event(email)
        assert method == "REQUEST"
        assert event.decoded("dtstart") == slot.starts_at
        assert str(event["location"]) == "Lielā iela 3, Liepāja"
        uids.add(str(event["uid"]))
    assert uids == {f"consultation-{consultation.pk}@localhost"}
    # Reminders a day and an hour before; and the mentor's reminder to log it.
    labels = set(
        Reminder.objects.filter(source="consultation", object_id=consultation.pk).values_list(
            "label", flat=True
        )
    )
    assert labels == {"before-1d", "before-1h"}
    assert Reminder.objects.filter(source="consultation-log", object_id=consultation.pk).exists()


def test_the_second_booking_of_a_time_is_refused_and_leaves_nothing_behind(
    place, assigned, mentor, applicant, colleague, expertise_tags, moment
):
    slot = _slot(mentor, moment(5, 16))
    services.book_slot(place, slot, topic=expertise_tags["fundraising"], by=applicant)
    emails, reminders_before = Email.objects.count(), Reminder.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.book_slot(place, slot, topic=expertise_tags["law"], by=colleague)
    assert refused.value.messages == ["Kāds tikko rezervēja šo laiku. Lūdzu, izvēlieties citu."]
    assert Consultation.objects.count() == 1
    assert (Email.objects.count(), Reminder.objects.count()) == (emails, reminders_before)


def test_the_database_refuses_a_second_booking_of_a_slot(
    place, assigned, mentor, applicant, moment
):
    slot = _slot(mentor, moment(5, 16))
    consultation = services.book_slot(place, slot, by=applicant)
    fields = {
        "cycle": place.cycle,
        "organisation": place.organisation,
        "mentor": mentor,
        "slot": slot,
        "starts_at": consultation.starts_at,
        "ends_at": consultation.ends_at,
        "mode": "online",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(**fields)
    # Not on the slot, at the same moment: the same mentor cannot be there twice.
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(**{**fields, "slot": None})
    # A cancelled booking frees the time.
    Consultation.objects.filter(pk=consultation.pk).update(status="cancelled")
    Consultation.objects.create(**fields)


def test_postgresql_refuses_overlapping_consultations_of_a_mentor(
    place, assigned, mentor, applicant, moment
):
    if connection.vendor != "postgresql":
        reason = "the exclusion constraint is PostgreSQL's (SQLite: the service's check)"
        if os.environ.get("CI"):
            pytest.fail(f"CI set but {reason}")
        pytest.skip(reason)
    starts = moment(5, 16)
    Consultation.objects.create(
        cycle=place.cycle,
        organisation=place.organisation,
        mentor=mentor,
        starts_at=starts,
        ends_at=starts + HOUR,
        mode="online",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(
            cycle=place.cycle,
            organisation=place.organisation,
            mentor=mentor,
            starts_at=starts + datetime.timedelta(minutes=30),
            ends_at=starts + 2 * HOUR,
            mode="online",
        )
    # Back to back is fine: the ranges are half-open.
    Consultation.objects.create(
        cycle=place.cycle,
        organisation=place.organisation,
        mentor=mentor,
        starts_at=starts + HOUR,
        ends_at=starts + 2 * HOUR,
        mode="online",
    )


def test_an_overlapping_booking_is_refused_by_the_service_on_any_database(
    place, assigned, mentor, applicant, moment, expertise_tags
):
    """A consultation accepted from a request covers a free time: it is not offered,
    and booking it is refused."""
    slot = _slot(mentor, moment(6, 16), minutes=60)
    request = services.request_consultation(
        place,
        mentor,
        options=[moment(6, 16, 30), moment(7, 10)],
        minutes=60,
        mode="online",
        topic=expertise_tags["fundraising"],
        by=applicant,
    )
    services.accept_request(
        request, starts_at=moment(6, 16, 30), location="https://meet.example/x", by=mentor.user
    )
    assert not services.free_slots().filter(pk=slot.pk).exists()
    with pytest.raises(ValidationError, match="Kāds tikko rezervēja"):
        services.book_slot(place, slot, by=applicant)


def test_a_mentors_times_are_for_the_organisations_assigned_to_them(
    place, mentor, expert, applicant, moment, running_cycle, staff
):
    slot = _slot(mentor, moment(5, 16))
    with pytest.raises(ValidationError, match="nevar rezervēt laikus, ko publicējis"):
        services.book_slot(place, slot, by=applicant)
    # An expert's times are for every participating organisation.
    consultation = services.book_slot(place, _slot(expert, moment(5, 18)), by=applicant)
    assert consultation.mentor == expert
    # Another organisation of the cycle, not assigned either.
    other = factories.admit(
        factories.OrganisationFactory(leader=factories.UserFactory()), running_cycle, staff
    )
    with pytest.raises(ValidationError, match="nevar rezervēt laikus, ko publicējis"):
        services.book_slot(other, slot, by=other.organisation.people.get())


def test_times_in_the_past_or_after_the_cycle_are_refused(
    place, assigned, mentor, applicant, moment
):
    slot = _slot(mentor, moment(1, 16))
    with time_machine.travel(slot.starts_at + HOUR):
        with pytest.raises(ValidationError, match="Šis laiks ir pagājis"):
            services.book_slot(place, slot, by=applicant)
    late = _slot(mentor, moment((place.cycle.incubation_ends_on - timezone.localdate()).days + 3))
    with pytest.raises(ValidationError, match="cikla laikā"):
        services.book_slot(place, late, by=applicant)
    with pytest.raises(ValidationError, match="pagājis"):
        _slot(mentor, moment(-1, 16))


def test_overlapping_free_times_are_refused_with_the_times(mentor, moment):
    _slot(mentor, moment(3, 16), minutes=60)
    with pytest.raises(ValidationError) as refused:
        _slot(mentor, moment(3, 16, 30))
    assert "pārklājas" in refused.value.messages[0]
    assert Slot.objects.count() == 1


def test_staff_book_on_the_organisations_behalf(place, assigned, mentor, staff, applicant, moment):
    consultation = services.book_slot(place, _slot(mentor, moment(4, 9)), by=staff)
    assert consultation.booked_by == staff
    recipients = set(Email.objects.filter(key__endswith=":booked").values_list("to", flat=True))
    assert recipients == {mentor.user.email, applicant.email}


def test_cancelling_before_the_cut_off_tells_both_sides_with_the_same_uid(
    place, assigned, mentor, applicant, moment
):
    consultation = services.book_slot(place, _slot(mentor, moment(5, 16)), by=applicant)
    services.cancel_consultation(consultation, by=applicant, reason="Slimība")
    consultation.refresh_from_db()
    assert (consultation.status, consultation.sequence) == ("cancelled", 1)
    cancellations = Email.objects.filter(key__endswith=":cancelled")
    assert set(cancellations.values_list("to", flat=True)) == {mentor.user.email, applicant.email}
    method, event = _event(cancellations.first())
    assert method == "CANCEL"
    assert str(event["uid"]) == f"consultation-{consultation.pk}@localhost"
    assert int(event["sequence"]) == 1
    assert not Reminder.objects.filter(
        source="consultation", object_id=consultation.pk, status="pending"
    ).exists()
    # The time is free again.
    assert services.free_slots().filter(pk=consultation.slot_id).exists()


def test_after_the_cut_off_only_staff_cancel_or_move(
    place, assigned, mentor, applicant, staff, moment
):
    consultation = services.book_slot(place, _slot(mentor, moment(5, 16)), by=applicant)
    later = _slot(mentor, moment(6, 16))
    with time_machine.travel(consultation.starts_at - 20 * HOUR):
        for person in (applicant, mentor.user):
            with pytest.raises(ValidationError, match="tikai programmas darbinieki"):
                services.cancel_consultation(consultation, by=person)
            with pytest.raises(ValidationError, match="tikai programmas darbinieki"):
                services.reschedule_consultation(consultation, later, by=person)
        services.reschedule_consultation(consultation, later, by=staff)
    consultation.refresh_from_db()
    assert consultation.starts_at == later.starts_at


def test_the_cycles_cut_off_is_its_own(place, assigned, mentor, applicant, moment):
    services.update_settings(place.cycle, cutoff_hours=2, reminders_text="2d")
    consultation = services.book_slot(place, _slot(mentor, moment(5, 16)), by=applicant)
    assert set(
        Reminder.objects.filter(source="consultation", object_id=consultation.pk).values_list(
            "label", flat=True
        )
    ) == {"before-2d"}
    with time_machine.travel(consultation.starts_at - 3 * HOUR):
        services.cancel_consultation(consultation, by=applicant)


def test_moving_sends_a_new_request_with_the_same_uid_and_frees_the_old_time(
    place, assigned, mentor, applicant, moment
):
    first = _slot(mentor, moment(5, 16))
    consultation = services.book_slot(place, first, by=applicant)
    second = _slot(mentor, moment(8, 10), mode="online", location="https://meet.example/abc")
    services.reschedule_consultation(consultation, second, by=applicant)
    consultation.refresh_from_db()
    assert (consultation.slot, consultation.mode, consultation.sequence) == (second, "online", 1)
    moved = Email.objects.filter(key__endswith=":moved-1")
    assert moved.count() == 2
    method, event = _event(moved.first())
    assert method == "REQUEST"
    assert str(event["uid"]) == f"consultation-{consultation.pk}@localhost"
    assert event.decoded("dtstart") == second.starts_at
    assert services.free_slots().filter(pk=first.pk).exists()
    due = Reminder.objects.filter(
        source="consultation", object_id=consultation.pk, status="pending"
    ).values_list("event_at", flat=True)
    assert set(due) == {second.starts_at}
    # Only to another free time of the same mentor.
    other = factories.MentorProfileFactory(kind="expert")
    with pytest.raises(ValidationError, match="tā paša mentora"):
        services.reschedule_consultation(consultation, _slot(other, moment(9, 10)), by=applicant)


def test_a_request_accepted_becomes_a_booking(
    place, assigned, mentor, applicant, moment, expertise_tags
):
    request = services.request_consultation(
        place,
        mentor,
        options=[moment(10, 9), moment(11, 15), moment(12, 17)],
        minutes=60,
        mode="in_person",
        topic=expertise_tags["project-applications"],
        note="Pieteikums fondam",
        by=applicant,
    )
    (notice,) = Email.objects.filter(key__startswith=f"consultation-request:{request.pk}:new")
    assert notice.to == mentor.user.email
    consultation = services.accept_request(
        request, starts_at=moment(11, 15), location="Kafejnīca, Lielā iela 5", by=mentor.user
    )
    request.refresh_from_db()
    assert (request.status, request.consultation) == ("accepted", consultation)
    assert consultation.ends_at - consultation.starts_at == HOUR
    assert consultation.slot is None
    assert Email.objects.filter(key__endswith=":booked").count() == 2
    with pytest.raises(ValidationError, match="jau ir atbildēts"):
        services.decline_request(request, note="Nē", by=mentor.user)


def test_a_request_needs_two_different_times_ahead(
    place, assigned, mentor, applicant, moment, expertise_tags
):
    def ask(options):
        return services.request_consultation(
            place,
            mentor,
            options=options,
            minutes=60,
            mode="online",
            topic=expertise_tags["law"],
            by=applicant,
        )

    with pytest.raises(ValidationError) as refused:
        ask([moment(3, 10), moment(3, 10)])
    assert "option_2" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        ask([moment(-3, 10), moment(3, 10)])
    assert "option_1" in refused.value.error_dict
    assert not ConsultationRequest.objects.exists()


def test_a_declined_request_tells_the_organisation_and_an_unanswered_one_reminds_the_mentor(
    place, assigned, mentor, applicant, moment, expertise_tags
):
    ask = dict(minutes=45, mode="online", topic=expertise_tags["fundraising"], by=applicant)
    declined = services.request_consultation(
        place, mentor, options=[moment(10, 9), moment(11, 9)], **ask
    )
    services.decline_request(
        declined, note="Esmu komandējumā; rakstiet pēc 20. datuma.", by=mentor.user
    )
    (notice,) = Email.objects.filter(key__startswith=f"consultation-request:{declined.pk}:declined")
    assert notice.to == applicant.email and "komandējumā" in notice.text_body

    waiting = services.request_consultation(
        place, mentor, options=[moment(10, 12), moment(11, 12)], **ask
    )
    with time_machine.travel(waiting.created_at + 2 * DAY):
        assert reminders.sweep() == 0
    with time_machine.travel(waiting.created_at + 3 * DAY + datetime.timedelta(minutes=1)):
        assert reminders.sweep() == 1
    reminder = Email.objects.get(key__startswith=f"consultation-request:{waiting.pk}:user:")
    assert reminder.to == mentor.user.email
    # An answered request is not reminded of.
    answered = services.request_consultation(
        place, mentor, options=[moment(10, 15), moment(11, 15)], **ask
    )
    services.withdraw_request(answered, by=applicant)
    with time_machine.travel(answered.created_at + 4 * DAY):
        reminders.sweep()
    assert not Email.objects.filter(key__startswith=f"consultation-request:{answered.pk}:user:")
