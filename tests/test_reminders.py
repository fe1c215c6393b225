"""Reminders over time (time-machine moves the clock): exactly at the offset, after a
downtime, after the event, a moved meeting, a person who opted out, the call's
closing to drafts, and the engine's guarantee that a reminder is written once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cohorts import services
from cohorts.models import Deadline
from incubator.models import Membership
from incubator.notifications import reminders
from incubator.notifications import services as outbox
from incubator.notifications.models import Email, Reminder

from . import factories
from .helpers import DAY, HOUR, moment

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def organiser(db):
    """Staff who scheduled the meeting and switched optional reminders off: the
    reminders counted here are the participants' (the hosts' are in
    test_meeting_audience.py); notices still reach the organiser."""
    return factories.StaffFactory(optional_reminders=False)


@pytest.fixture
def meeting(place, organiser):
    starts = moment(20)
    return services.schedule_meeting(
        cycle=place.cycle,
        by=organiser,
        cohort=None,
        title="Kopīgā tikšanās",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )


def reminder_emails(**filters):
    return list(Email.objects.filter(key__contains=":before-", **filters).order_by("pk"))


def test_nothing_is_written_a_second_before_the_offset_and_all_exactly_at_it(meeting, applicant):
    seven_days_before = meeting.starts_at - 7 * DAY
    with time_machine.travel(seven_days_before - SECOND, tick=False):
        assert reminders.sweep() == 0
    with time_machine.travel(seven_days_before, tick=False):
        assert reminders.sweep() == 1
    (email,) = reminder_emails()
    assert email.recipient == applicant
    assert email.key.startswith(f"meeting:{meeting.pk}:user:{applicant.pk}:before-7d@")
    assert email.subject.startswith("Atgādinājums: Kopīgā tikšanās")
    assert email.expires_at == meeting.starts_at
    assert "BEGIN:VCALENDAR" in email.calendar
    assert Reminder.objects.get(source="meeting", label="before-7d").status == "written"


def test_sweeping_again_or_from_cron_writes_nothing_more(meeting):
    with time_machine.travel(meeting.starts_at - 6 * DAY, tick=False):
        assert reminders.sweep() == 1
        assert reminders.sweep() == 0
        call_command("dispatch_notifications")
    assert len(reminder_emails()) == 1


def test_a_reminder_missed_while_workers_were_down_is_still_sent_before_the_event(meeting):
    # Down from 8 days before until 2 days before: the 7-day reminder goes out late,
    # the 1-day one at its own moment.
    with time_machine.travel(meeting.starts_at - 2 * DAY, tick=False):
        assert reminders.sweep() == 1
    with time_machine.travel(meeting.starts_at - DAY, tick=False):
        assert reminders.sweep() == 1
    assert [e.key.split(":")[4].split("@")[0] for e in reminder_emails()] == [
        "before-7d",
        "before-1d",
    ]


def test_of_two_reminders_due_at_once_only_the_nearer_is_sent_the_other_skipped(
    meeting, place, organiser, applicant
):
    # A second meeting four days after the first: when the workers come back two
    # days before the first, both its reminders are due, and only the second
    # meeting's "7 days before".
    later = services.schedule_meeting(
        cycle=place.cycle,
        by=organiser,
        cohort=None,
        title="Otrā tikšanās",
        starts_at=meeting.starts_at + 4 * DAY,
        ends_at=meeting.starts_at + 4 * DAY + 3 * HOUR,
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )
    colleague = factories.UserFactory()
    Membership.objects.create(organisation=place.organisation, user=colleague)
    with time_machine.travel(meeting.starts_at - DAY / 2, tick=False):
        assert reminders.sweep() == 4
        assert reminders.sweep() == 0
    sent = {
        (e.recipient_id, e.key.split(":")[1], e.key.split(":")[4].split("@")[0])
        for e in reminder_emails()
    }
    assert sent == {
        (person.pk, str(m.pk), label)
        for person in (applicant, colleague)
        for m, label in ((meeting, "before-1d"), (later, "before-7d"))
    }
    statuses = {(r.object_id, r.label): r.status for r in Reminder.objects.filter(source="meeting")}
    assert statuses == {
        (meeting.pk, "before-7d"): "skipped",
        (meeting.pk, "before-1d"): "written",
        (later.pk, "before-7d"): "written",
        (later.pk, "before-1d"): "pending",
    }
    # The later meeting's "1 day before" still comes at its own moment.
    with time_machine.travel(later.starts_at - DAY, tick=False):
        assert reminders.sweep() == 2


def test_nothing_is_sent_once_the_event_has_started(meeting):
    with time_machine.travel(meeting.starts_at, tick=False):
        assert reminders.sweep() == 0
    assert reminder_emails() == []
    assert set(Reminder.objects.filter(source="meeting").values_list("status", flat=True)) == {
        "missed"
    }


def test_a_written_reminder_not_yet_delivered_expires_with_its_event(meeting):
    with time_machine.travel(meeting.starts_at - DAY, tick=False):
        reminders.sweep()
    email = reminder_emails()[0]
    with time_machine.travel(meeting.starts_at + SECOND, tick=False):
        assert outbox.deliver(email.pk) is None
    email.refresh_from_db()
    assert email.status == "expired"
    assert mail.outbox == []


def test_a_moved_meeting_reminds_at_its_new_time_again(meeting, staff, applicant):
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        assert reminders.sweep() == 1
        later = meeting.starts_at + 14 * DAY
        services.update_meeting(
            meeting,
            by=staff,
            cohort=None,
            title=meeting.title,
            starts_at=later,
            ends_at=later + datetime.timedelta(hours=3),
            place=meeting.place,
            online_url="",
            agenda="",
        )
        # Nothing is due at the old time any more.
        assert reminders.sweep() == 0
    with time_machine.travel(meeting.starts_at, tick=False):  # the old start
        assert reminders.sweep() == 0
    with time_machine.travel(later - 7 * DAY, tick=False):
        assert reminders.sweep() == 1
    stale, fresh = reminder_emails()
    assert stale.expires_at == meeting.starts_at and stale.status == "cancelled"
    assert fresh.expires_at == later and fresh.status == "queued"
    assert Email.objects.filter(key__endswith=":changed-1", recipient=applicant).exists()


def test_a_cancelled_meeting_reminds_nobody(meeting, staff):
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        assert reminders.sweep() == 1  # written; still waiting to be sent
    with time_machine.travel(meeting.starts_at - 3 * DAY, tick=False):
        services.cancel_meeting(meeting, reason="Slimība", by=staff)
    with time_machine.travel(meeting.starts_at - DAY, tick=False):
        assert reminders.sweep() == 0
        call_command("dispatch_notifications")
    assert [e.status for e in reminder_emails()] == ["cancelled"]
    # To the participant and to the organiser.
    assert [m.subject for m in mail.outbox] == ["Atcelts: Kopīgā tikšanās"] * 2


def test_a_person_who_opted_out_gets_no_reminder_but_still_the_notice(
    meeting, place, applicant, staff
):
    colleague = factories.UserFactory(optional_reminders=False)
    Membership.objects.create(organisation=place.organisation, user=colleague)
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        reminders.sweep()
    assert [e.recipient for e in reminder_emails()] == [applicant]
    assert Reminder.objects.get(source="meeting", label="before-7d").emails_written == 1
    services.cancel_meeting(meeting, reason="Telpas slēgtas", by=staff)
    assert Email.objects.filter(recipient=colleague, key__endswith=":cancelled").exists()


def test_opting_out_in_the_profile(client, applicant):
    client.force_login(applicant)
    response = client.post(
        "/profile/",
        {
            "first_name": applicant.first_name,
            "last_name": applicant.last_name,
            "phone": "",
            "language": "lv",
        },
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.optional_reminders is False


def test_reminders_are_written_in_each_persons_language(meeting, place):
    english = factories.UserFactory(language="en")
    Membership.objects.create(organisation=place.organisation, user=english)
    with time_machine.travel(meeting.starts_at - DAY, tick=False):
        reminders.sweep()
    subjects = {e.recipient.language: e.subject for e in reminder_emails()}
    assert subjects["lv"].startswith("Atgādinājums:")
    assert subjects["en"].startswith("Reminder:")


def test_changing_the_cycles_offsets_moves_the_pending_reminders(meeting, place):
    services.update_reminder_settings(
        place.cycle, meetings="3d, 2h", deadlines="7d", call_closing="3d"
    )
    assert dict(
        Reminder.objects.filter(source="meeting", status="pending").values_list("label", "due_at")
    ) == {
        "before-3d": meeting.starts_at - 3 * DAY,
        "before-2h": meeting.starts_at - datetime.timedelta(hours=2),
    }


def test_unreadable_offsets_are_refused_with_the_part_named(place):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.update_reminder_settings(
            place.cycle, meetings="7 dienas", deadlines="1d", call_closing="3d"
        )
    assert "meetings" in error.value.message_dict


# --- deadlines and the call's closing ----------------------------------------------------


def test_the_call_closing_reminds_every_organisation_with_a_draft_three_days_before(
    cycle, applicant, application
):
    submitted = factories.ApplicationFactory(cycle=cycle, submitted=True)
    factories.ApplicationFactory(
        cycle=cycle, organisation__leader=factories.UserFactory(), submitted=True
    )
    submitted_leader = factories.UserFactory()
    Membership.objects.create(organisation=submitted.organisation, user=submitted_leader)
    # The sweep puts the new cycle's milestones in step with its dates first.
    with time_machine.travel(cycle.call_closes_at - 3 * DAY - SECOND, tick=False):
        assert reminders.sweep() == 0
    call = Deadline.objects.get(cycle=cycle, kind="call_closes")
    assert call.due_at == cycle.call_closes_at
    with time_machine.travel(cycle.call_closes_at - 3 * DAY, tick=False):
        assert reminders.sweep() == 1
    (email,) = reminder_emails()
    assert email.recipient == applicant
    assert email.key.startswith(f"deadline:{call.pk}:user:{applicant.pk}:before-3d@")
    assert "joprojām ir melnraksts" in email.subject
    assert f"/applications/{application.pk}/" in email.text_body


def test_a_changed_call_closing_moves_its_reminder(cycle, application):
    with time_machine.travel(cycle.call_opens_at + DAY, tick=False):
        reminders.sweep()
        cycle.call_closes_at += 5 * DAY
        cycle.save()
        reminders.sweep()
    (pending,) = Reminder.objects.filter(source="deadline", status="pending", label="before-3d")
    assert pending.due_at == cycle.call_closes_at - 3 * DAY


def test_a_participants_deadline_reminds_participants_of_its_cohort_only(
    place, staff, priority_fields
):
    youth = next(f for f in priority_fields if f.code == "youth")
    outsider_place = factories.admit(
        factories.OrganisationFactory(leader=factories.UserFactory(), priority_field=youth),
        place.cycle,
        staff,
    )
    deadline = services.create_deadline(
        cycle=place.cycle,
        by=staff,
        cohort=place.cohort,
        title="Attīstības plāns",
        description="Iesūtiet plānu.",
        due_at=moment(15, 23),
        audience="participants",
    )
    with time_machine.travel(deadline.due_at - DAY, tick=False):
        reminders.sweep()
    recipients = {e.recipient for e in reminder_emails(key__startswith=f"deadline:{deadline.pk}:")}
    assert recipients == set(place.organisation.people.all())
    assert not recipients & set(outsider_place.organisation.people.all())


@pytest.mark.parametrize("audience", ["staff", "mentors"])
def test_staff_and_mentor_deadlines_reach_them(place, staff, audience):
    mentor = factories.MentorProfileFactory().user
    factories.MentorProfileFactory(is_active=False)
    deadline = services.create_deadline(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Ieteikumi",
        description="",
        due_at=moment(15, 17),
        audience=audience,
    )
    with time_machine.travel(deadline.due_at - 7 * DAY, tick=False):
        reminders.sweep()
    recipients = {e.recipient for e in reminder_emails(key__startswith=f"deadline:{deadline.pk}:")}
    assert recipients == ({staff} if audience == "staff" else {mentor})


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"due_at": moment(400)}, "due_at"),
        ({"audience": "everyone"}, "audience"),
        ({"audience": "applicants", "cohort": "own"}, "audience"),
        ({"title": " "}, "title"),
    ],
)
def test_a_deadline_that_makes_no_sense_is_refused(place, staff, fields, field):
    from django.core.exceptions import ValidationError

    values = {
        "cohort": None,
        "title": "Plāns",
        "description": "",
        "due_at": moment(10),
        "audience": "participants",
        **fields,
    }
    if values["cohort"] == "own":
        values["cohort"] = place.cohort
    with pytest.raises(ValidationError) as error:
        services.create_deadline(cycle=place.cycle, by=staff, **values)
    assert field in error.value.message_dict


def test_a_deleted_deadline_reminds_nobody(place, staff):
    deadline = services.create_deadline(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Plāns",
        description="",
        due_at=moment(15),
        audience="participants",
    )
    pk = deadline.pk
    services.delete_deadline(deadline, by=staff)
    statuses = Reminder.objects.filter(source="deadline", object_id=pk).values_list("status")
    assert set(statuses) == {("cancelled",)}


def test_the_cycles_own_milestones_cannot_be_deleted_or_edited(place, staff):
    from django.core.exceptions import ValidationError

    services.sync_cycle_deadlines(place.cycle)
    end = Deadline.objects.get(kind="cycle_ends")
    with pytest.raises(ValidationError):
        services.delete_deadline(end, by=staff)
    with pytest.raises(ValidationError):
        services.update_deadline(end, by=staff, title="x")


def _sweep_queries():
    """(queries other than the emails' INSERTs, INSERTs) of one sweep. SQLite takes a
    few hundred rows per INSERT, PostgreSQL the whole chunk of 500."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        reminders.sweep()
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    return len(queries) - len(inserts), len(inserts)


def test_a_sweep_runs_as_many_queries_for_many_reminders_and_people_as_for_few(
    running_cycle, staff, priority_fields
):
    """A batch of reminders (meetings and deadlines of a cycle) is written in a
    constant number of queries, however many reminders and people it has."""
    services.sync_cycle_deadlines(running_cycle)
    starts = moment(20)

    def grow(organisations, meetings, first_hour):
        for index in range(organisations):
            factories.admit(
                factories.OrganisationFactory(
                    leader=factories.UserFactory(), priority_field=priority_fields[index % 5]
                ),
                running_cycle,
                staff,
            )
        for index in range(meetings):
            at = starts + (first_hour + index) * HOUR
            services.schedule_meeting(
                cycle=running_cycle,
                by=staff,
                cohort=None,
                title=f"Tikšanās {index}",
                starts_at=at,
                ends_at=at + datetime.timedelta(minutes=50),
                place="Lielā iela 3",
                online_url="",
                agenda="",
            )
            services.create_deadline(
                cycle=running_cycle,
                by=staff,
                cohort=None,
                title=f"Termiņš {index}",
                description="",
                due_at=at,
                audience="participants",
            )

    grow(organisations=2, meetings=2, first_hour=0)
    with time_machine.travel(starts - 6 * DAY, tick=False):
        few, _inserts = _sweep_queries()
    assert Email.objects.filter(key__contains=":before-7d@").count() == 2 * 3 + 2 * 2
    grow(organisations=10, meetings=8, first_hour=2)
    with time_machine.travel(starts - 6 * DAY + datetime.timedelta(hours=12), tick=False):
        many, inserts = _sweep_queries()
    # 8 more meetings (12 leaders and the organiser) and 8 more deadlines (12 leaders).
    assert Email.objects.filter(key__contains=":before-7d@").count() == 10 + 8 * 13 + 8 * 12
    assert many == few
    assert inserts <= 200 // 50 + 1


def test_the_reminder_settings_page_saves_and_explains_bad_input(client, place, staff):
    from django.urls import reverse

    client.force_login(staff)
    url = reverse("cohorts:reminder_settings", args=[place.cycle_id])
    response = client.post(
        url, {"meetings": "7d, 2 dienas", "deadlines": "1d", "call_closing": "3d"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "“2 dienas” nav laiks formā 7d, 12h vai 30m." in page
    assert 'value="7d, 2 dienas"' in page
    response = client.post(url, {"meetings": "14d 2d", "deadlines": "1d", "call_closing": "5d"})
    assert response.status_code == 302
    settings_row = place.cycle.reminder_settings
    assert (settings_row.meetings, settings_row.call_closing) == ("14d, 2d", "5d")


def test_staff_move_a_meeting_from_its_page(client, meeting, staff, applicant):
    from django.urls import reverse

    later = meeting.starts_at + 3 * DAY
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:meeting_edit", args=[meeting.pk]),
        {
            "title": meeting.title,
            "starts_at": timezone.localtime(later).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(later + DAY / 8).strftime("%Y-%m-%dT%H:%M"),
            "place": "Rožu iela 6",
            "online_url": "",
            "agenda": "",
        },
        follow=True,
    )
    assert "Tikšanās ir mainīta, un visiem ir paziņots." in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.place, meeting.sequence) == (later, "Rožu iela 6", 1)
    assert Email.objects.filter(recipient=applicant, key__endswith=":changed-1").exists()


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(
    st.lists(st.tuples(st.integers(1, 999), st.sampled_from("dhm")), min_size=1, max_size=5),
    st.sampled_from([", ", ",", "; ", " "]),
)
def test_offsets_written_any_way_read_back_the_same(parts, separator):
    text = separator.join(f"{n}{unit}" for n, unit in parts)
    offsets = reminders.parse_offsets(text)
    assert set(offsets) == {f"before-{n}{unit}" for n, unit in parts}
    assert list(offsets.values()) == sorted(offsets.values(), reverse=True)
    assert reminders.parse_offsets(reminders.format_offsets(offsets)) == offsets


# --- the sweep's batches -------------------------------------------------------------


@pytest.fixture
def five_people(place):
    for _ in range(4):
        Membership.objects.create(organisation=place.organisation, user=factories.UserFactory())
    return list(place.organisation.people.all())


@pytest.fixture
def written_per_transaction(monkeypatch):
    sizes = []
    queue_many = outbox.queue_many

    def recording(messages, now=None):
        sizes.append(len(messages))
        return queue_many(messages, now=now)

    monkeypatch.setattr(outbox, "queue_many", recording)
    return sizes


def test_a_reminder_with_more_people_than_a_batch_is_written_over_several_transactions(
    meeting, five_people, monkeypatch, written_per_transaction
):
    monkeypatch.setattr(reminders, "EMAILS_PER_BATCH", 3)
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        assert reminders._sweep_batch(timezone.now()) == (3, True)
        reminder = Reminder.objects.get(source="meeting", label="before-7d")
        # Not all of its people have their email yet: it stays pending.
        assert (reminder.status, reminder.emails_written) == ("pending", 3)
        assert reminders.sweep() == 2
    reminder.refresh_from_db()
    assert (reminder.status, reminder.emails_written) == ("written", 5)
    assert written_per_transaction == [3, 2]
    assert {e.recipient for e in reminder_emails()} == set(five_people)


def test_a_sweep_goes_through_many_more_reminders_than_one_batch_claims(
    meeting, monkeypatch, organiser, place
):
    monkeypatch.setattr(reminders, "REMINDERS_PER_BATCH", 2)
    for index in range(6):
        starts = moment(21, 9 + index)
        services.schedule_meeting(
            cycle=place.cycle,
            by=organiser,
            cohort=None,
            title=f"Tikšanās {index}",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            place="Lielā iela 3",
            online_url="",
            agenda="",
        )
    with time_machine.travel(moment(14), tick=False):  # seven 7-day reminders are due
        assert reminders.sweep() == 7
    pending = Reminder.objects.filter(source="meeting", label="before-7d", status="pending")
    assert not pending.exists()


def test_reminders_of_a_source_nobody_registers_wait_and_are_reported(meeting, monkeypatch, caplog):
    monkeypatch.setattr(reminders, "REMINDERS_PER_BATCH", 1)
    early = meeting.starts_at - 10 * DAY
    orphan = Reminder.objects.create(
        source="no-such-source",
        object_id=1,
        label="before-1d",
        due_at=early,
        event_at=early + DAY,
    )
    with time_machine.travel(meeting.starts_at - 7 * DAY, tick=False):
        # It is due first, yet it neither blocks the batch nor is marked written.
        assert reminders.sweep() == 1
    orphan.refresh_from_db()
    assert (orphan.status, orphan.emails_written) == ("pending", 0)
    assert "1 due reminders of 'no-such-source' are left pending" in caplog.text


def test_cycles_whose_milestones_are_out_of_step_are_found_in_one_query(
    running_cycle, cycle, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert {c.pk for c in services.cycles_out_of_step()} == {running_cycle.pk, cycle.pk}
    services.sync_cycle_deadlines(running_cycle)
    services.sync_cycle_deadlines(cycle)
    assert services.cycles_out_of_step() == []
    cycle.incubation_ends_on += datetime.timedelta(days=1)
    cycle.save()
    running_cycle.call_closes_at -= datetime.timedelta(minutes=5)
    running_cycle.save()
    with django_assert_num_queries(1):
        assert {c.pk for c in services.cycles_out_of_step()} == {running_cycle.pk, cycle.pk}
