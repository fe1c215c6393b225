"""The outbox: bulk writes, delivery with retries and backoff, expiry, the staff's
outbox page with its filters and retry."""

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from incubator.notifications import services
from incubator.notifications.models import Email

from . import factories


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses the first ``failures`` messages."""

    failures = 0
    sent = []

    def send_messages(self, messages):
        if FailingBackend.failures > 0:
            FailingBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FailingBackend.sent.extend(messages)
        return len(messages)


class BrokenBackend(BaseEmailBackend):
    """A message that cannot be built: the first one raises something other than an
    SMTP error (a bad header, an encoding bug); the others go through."""

    sent = []
    broken = set()

    def send_messages(self, messages):
        for message in messages:
            if message.extra_headers["X-Incubator-Key"] in BrokenBackend.broken:
                raise ValueError("Header values may not contain linefeed or carriage return")
            BrokenBackend.sent.append(message)
        return len(messages)


class LostConnection:
    """Fails the next ``left`` database statements as over a dropped connection."""

    left = 0

    def __call__(self, execute, sql, params, many, context):
        if LostConnection.left > 0:
            LostConnection.left -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


class AcceptThenLoseConnection(locmem.EmailBackend):
    """The mail server accepts the message; then, once, the database connection is lost
    for the next ``statements`` statements (the record of the delivery)."""

    statements = 0

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        LostConnection.left, AcceptThenLoseConnection.statements = self.statements, 0
        return sent


@pytest.fixture
def connection_lost_after_sending(settings, monkeypatch):
    settings.EMAIL_BACKEND = f"{__name__}.AcceptThenLoseConnection"
    monkeypatch.setattr(services, "RECORD_BACKOFF", 0)

    def lose(statements):
        AcceptThenLoseConnection.statements = statements

    with connection.execute_wrapper(LostConnection()):
        yield lose
    LostConnection.left = 0


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.sent = []

    def fail(times):
        FailingBackend.failures = times

    yield fail
    FailingBackend.failures = 0


def _queued(key="test:1", **extra):
    return services.queue_rendered(
        key=key, to="a@example.lv", subject="Sveiki", text="Teksts", **extra
    )


def test_queue_many_writes_each_key_once_in_the_recipients_language(db):
    latvian = factories.UserFactory(language="lv")
    english = factories.UserFactory(language="en")
    application = factories.ApplicationFactory()
    messages = [
        services.Outgoing(
            key=f"test:withdrawn:{person.pk}",
            recipient=person,
            template="applications/emails/withdrawn",
            context={"application": application, "withdrawn_by": person, "reason": ""},
        )
        for person in (latvian, english)
    ]
    first = services.queue_many(messages)
    again = services.queue_many(messages)
    assert len(first) == 2 and again == []
    by_language = {e.language: e for e in Email.objects.all()}
    assert by_language["lv"].subject != by_language["en"].subject
    assert by_language["en"].to == english.email


def test_queue_many_returns_only_the_rows_it_wrote_even_at_the_same_moment(db):
    """Two writes at one moment (a frozen clock, or two events in one transaction):
    the second returns its own new row only, not the first one's again."""
    person = factories.UserFactory()
    application = factories.ApplicationFactory()

    def message(key):
        return services.Outgoing(
            key=key,
            recipient=person,
            template="applications/emails/withdrawn",
            context={"application": application, "withdrawn_by": person, "reason": ""},
        )

    now = timezone.now()
    (first,) = services.queue_many([message("test:a")], now=now)
    second = services.queue_many([message("test:a"), message("test:b"), message("test:b")], now=now)
    assert second == [Email.objects.get(key="test:b").pk]
    assert first not in second
    assert Email.objects.count() == 2


def test_delivery_sends_once_and_records_the_moment(db):
    email = _queued()
    assert services.deliver(email.pk) is None
    assert services.deliver(email.pk) is None
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 1 and email.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["X-Incubator-Key"] == "test:1"


def test_an_smtp_error_is_retried_with_exponential_backoff_then_sent(db, failing, settings):
    settings.EMAIL_RETRY_SECONDS = 30
    failing(2)
    email = _queued()
    now = timezone.now()
    assert services.deliver(email.pk, now=now) == 30
    email.refresh_from_db()
    assert email.status == "queued" and email.attempts == 1
    assert "SMTPServerDisconnected" in email.last_error
    assert email.next_attempt_at == now + datetime.timedelta(seconds=30)
    # Not due yet: nothing happens.
    assert services.deliver(email.pk, now=now + datetime.timedelta(seconds=10)) is None
    assert services.deliver(email.pk, now=now + datetime.timedelta(seconds=30)) == 60
    assert services.deliver(email.pk, now=now + datetime.timedelta(seconds=90)) is None
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 3
    assert len(FailingBackend.sent) == 1


def test_after_the_last_attempt_the_email_fails_and_staff_can_retry_it(
    db, failing, settings, client, staff
):
    settings.EMAIL_MAX_ATTEMPTS = 2
    failing(10)
    email = _queued()
    now = timezone.now()
    services.deliver(email.pk, now=now)
    services.deliver(email.pk, now=now + datetime.timedelta(hours=1))
    email.refresh_from_db()
    assert email.status == "failed" and email.attempts == 2

    failing(0)
    client.force_login(staff)
    response = client.post(reverse("notifications:email_retry", args=[email.pk]), follow=True)
    assert "atkal ievietots rindā" in response.content.decode()
    email.refresh_from_db()
    assert email.status == "queued" and email.attempts == 0
    services.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == "sent"
    # Retrying a sent email changes nothing.
    response = client.post(reverse("notifications:email_retry", args=[email.pk]), follow=True)
    assert "Atkārtot var tikai" in response.content.decode()


def test_an_expired_reminder_is_not_sent(db):
    email = _queued(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    services.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == "expired" and mail.outbox == []


def test_the_cron_command_sends_what_is_due(db):
    email = _queued()
    Email.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    call_command("dispatch_notifications")
    email.refresh_from_db()
    assert email.status == "sent"


def test_the_beat_sweep_reenqueues_only_stalled_emails(db):
    fresh = _queued("test:fresh")
    stalled = _queued("test:stalled")
    Email.objects.filter(pk=stalled.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert services.stalled() == [stalled.pk]
    assert fresh.pk not in services.stalled()


def test_a_failed_attempt_is_handed_on_by_the_first_dispatch_once_it_is_due(db, failing, settings):
    """No broker countdown: the row's next attempt is the schedule, and the
    every-minute dispatch picks it up as soon as it is due."""
    settings.EMAIL_RETRY_SECONDS = 30
    failing(1)
    email = _queued()
    now = timezone.now()
    assert services.deliver(email.pk, now=now) == 30
    assert services.stalled(now=now + datetime.timedelta(seconds=29)) == []
    assert services.stalled(now=now + datetime.timedelta(seconds=30)) == [email.pk]
    with time_machine.travel(now + datetime.timedelta(seconds=30), tick=False):
        services.dispatch()  # its send task runs at once here (eager Celery)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


def test_each_sweep_hands_on_a_bounded_number_and_not_the_same_ones_again(db, monkeypatch):
    from incubator.notifications import tasks

    handed = []
    monkeypatch.setattr(tasks.send_emails, "delay", lambda ids: handed.append(ids))
    monkeypatch.setattr(services, "SWEEP_LIMIT", 5)
    monkeypatch.setattr(services, "TASK_BATCH", 2)
    emails = [_queued(f"test:{n}") for n in range(12)]
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Email.objects.update(enqueued_at=an_hour_ago, next_attempt_at=an_hour_ago)
    now = timezone.now()
    assert services.dispatch(now=now) == (0, 5)
    assert [len(ids) for ids in handed] == [2, 2, 1]
    first = [pk for ids in handed for pk in ids]
    assert first == [e.pk for e in emails[:5]]
    handed.clear()
    # The next minute: the next five, not the five whose tasks are on their way.
    assert services.dispatch(now=now + datetime.timedelta(minutes=1)) == (0, 5)
    assert [pk for ids in handed for pk in ids] == [e.pk for e in emails[5:10]]


def test_a_calendar_invitation_is_attached_as_text_calendar(db):
    email = _queued(calendar="BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n")
    services.deliver(email.pk)
    ((name, content, mimetype),) = mail.outbox[0].attachments
    assert name == "invite.ics" and mimetype == "text/calendar; method=CANCEL"


# --- the staff's outbox page ----------------------------------------------------------------


def test_the_outbox_filters_by_status_kind_and_text(client, staff):
    services.queue_rendered(
        key="meeting:1:user:1:invited", to="anna@example.lv", subject="Ielūgums", text="x"
    )
    failed = services.queue_rendered(
        key="deadline:1:user:1:before-7d@x", to="juris@example.lv", subject="Termiņš", text="x"
    )
    Email.objects.filter(pk=failed.pk).update(status="failed", last_error="SMTPError: nope")
    client.force_login(staff)
    url = reverse("notifications:outbox")
    assert "juris@example.lv" in client.get(url, {"status": "failed"}).content.decode()
    assert "anna@example.lv" not in client.get(url, {"status": "failed"}).content.decode()
    assert "anna@example.lv" in client.get(url, {"kind": "meeting"}).content.decode()
    assert "juris@example.lv" not in client.get(url, {"kind": "meeting"}).content.decode()
    page = client.get(url, {"q": "Termiņš"}).content.decode()
    assert "juris@example.lv" in page and "anna@example.lv" not in page
    assert "SMTPError: nope" in page


def test_the_text_of_a_sign_in_email_is_never_shown(client, staff):
    email = services.queue_rendered(
        key="account:1",
        to="a@example.lv",
        subject="Apstipriniet",
        text="https://portal/confirm/SECRET",
        sensitive=True,
    )
    client.force_login(staff)
    page = client.get(reverse("notifications:email_detail", args=[email.pk])).content.decode()
    assert "SECRET" not in page


def test_people_other_than_staff_cannot_read_the_outbox(client, applicant):
    email = _queued()
    client.force_login(applicant)
    assert client.get(reverse("notifications:outbox")).status_code == 403
    assert client.get(reverse("notifications:email_detail", args=[email.pk])).status_code == 403


def test_the_outbox_runs_as_many_queries_with_many_emails_as_with_few(client, staff, count_queries):
    people = [factories.UserFactory() for _ in range(3)]
    application = factories.ApplicationFactory()

    def write(first, last):
        services.queue_many(
            [
                services.Outgoing(
                    key=f"test:{n}",
                    recipient=people[n % 3],
                    template="applications/emails/withdrawn",
                    context={"application": application, "withdrawn_by": staff, "reason": ""},
                )
                for n in range(first, last)
            ]
        )
        Email.objects.filter(key__in=[f"test:{n}" for n in range(first, last, 4)]).update(
            status="failed", last_error="SMTPError: nope"
        )

    client.force_login(staff)
    url = reverse("notifications:outbox")
    write(0, 5)
    client.get(url)
    few = count_queries(lambda: client.get(url))
    write(5, 130)  # more than a page of 50
    many = count_queries(lambda: client.get(url))
    page = client.get(url).content.decode()
    assert "Atrasti 130 ziņojumi" in page
    assert page.count('href="/staff/outbox/') >= 50  # a full page of rows
    assert many == few


def test_a_batch_shares_one_connection_and_a_failure_only_delays_its_own_email(
    db, failing, settings
):
    settings.EMAIL_RETRY_SECONDS = 30
    first, second, third = (_queued(f"test:{n}") for n in range(3))
    failing(1)
    retry = services.deliver_batch([first.pk, second.pk, third.pk])
    assert retry == {first.pk: 30}
    statuses = dict(Email.objects.values_list("key", "status"))
    assert statuses == {"test:0": "queued", "test:1": "sent", "test:2": "sent"}
    assert [m.extra_headers["X-Incubator-Key"] for m in FailingBackend.sent] == ["test:1", "test:2"]


def test_an_error_other_than_smtp_fails_the_email_once_and_the_batch_goes_on(db, settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    BrokenBackend.sent, BrokenBackend.broken = [], {"test:0"}
    broken, fine = _queued("test:0"), _queued("test:1")
    assert services.deliver_batch([broken.pk, fine.pk]) == {}
    broken.refresh_from_db()
    assert (broken.status, broken.attempts) == ("failed", 1)
    assert broken.last_error.startswith("ValueError: Header values")
    assert "cannot be sent" in caplog.text
    assert [m.extra_headers["X-Incubator-Key"] for m in BrokenBackend.sent] == ["test:1"]
    # Failed for good: the sweep does not pick it up again every minute.
    later = timezone.now() + datetime.timedelta(hours=1)
    assert services.stalled(now=later) == []


def test_every_attempt_at_an_email_carries_the_same_message_id(db, failing, settings):
    settings.DEFAULT_FROM_EMAIL = "Inkubators <inkubators@liepaja.lv>"
    failing(1)
    email = _queued()
    now = timezone.now()
    services.deliver(email.pk, now=now)
    services.deliver(email.pk, now=now + datetime.timedelta(hours=1))
    (message,) = FailingBackend.sent
    assert message.message()["Message-ID"] == services.message_id("test:1")
    assert services.message_id("test:1").endswith("@liepaja.lv>")
    assert services.message_id("test:1") != services.message_id("test:2")


def test_an_agenda_that_mentions_method_cancel_is_still_an_invitation(place, staff):
    from cohorts import services as cohort_services

    starts = timezone.now() + datetime.timedelta(days=20)
    cohort_services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        cohort=None,
        title="Kalendāri",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Lielā iela 3",
        online_url="",
        agenda="Kā darbojas METHOD:CANCEL un METHOD:REQUEST",
    )
    email = Email.objects.get(key__endswith=":invited", recipient__is_staff=False)
    services.deliver(email.pk)
    ((_name, _content, mimetype),) = mail.outbox[0].attachments
    assert mimetype == "text/calendar; method=REQUEST"


def test_the_kinds_come_from_the_apps_that_send_them(client, staff, monkeypatch):
    from incubator.notifications import kinds

    # Reminder sources first, in the order the apps register them.
    assert [prefix for prefix, _label in kinds.choices()][:3] == [
        "place-offer",
        "meeting",
        "deadline",
    ]
    assert {"organisation", "account", "application", "committee"} <= {
        prefix for prefix, _label in kinds.choices()
    }
    # An app added later names its own kind; the outbox offers it without a change here.
    monkeypatch.setitem(kinds._registered, "consultation", "Konsultācijas")
    services.queue_rendered(
        key="consultation:3:user:1:invited", to="anna@example.lv", subject="Konsultācija", text="x"
    )
    services.queue_rendered(
        key="meeting:1:user:1:invited", to="juris@example.lv", subject="Ielūgums", text="x"
    )
    client.force_login(staff)
    url = reverse("notifications:outbox")
    page = client.get(url).content.decode()
    assert '<option value="consultation">Konsultācijas</option>' in page
    page = client.get(url, {"kind": "consultation"}).content.decode()
    assert "anna@example.lv" in page and "juris@example.lv" not in page
    # Any kind, registered or not, can be found by the start of its key.
    page = client.get(url, {"q": "consultation:"}).content.decode()
    assert "anna@example.lv" in page and "juris@example.lv" not in page


def test_the_dispatch_loop_goes_on_after_a_failed_run(db, monkeypatch, caplog):
    """Next to ``make run``'s web process, SQLite can be busy for a moment: the loop
    logs the failure and runs again a minute later instead of stopping."""
    from django.db import OperationalError

    from incubator.notifications.management.commands import dispatch_notifications

    runs = []

    def dispatch(**options):
        runs.append(options)
        if len(runs) == 1:
            raise OperationalError("database is locked")
        return 0, 0

    def sleep(seconds):
        assert seconds == 60
        if len(runs) == 2:
            raise KeyboardInterrupt  # the person stops make run

    monkeypatch.setattr(services, "dispatch", dispatch)
    monkeypatch.setattr(dispatch_notifications.time, "sleep", sleep)
    with pytest.raises(KeyboardInterrupt):
        call_command("dispatch_notifications", "--loop")
    assert len(runs) == 2
    assert "The dispatch failed; trying again in a minute" in caplog.text


# --- faults between the mail server and the record (a real worker: test_delivery_faults.py) --


def _waiting(key="test:1"):
    """A queued row whose send task is not run here (outside a test transaction the
    eager task of ``queue_rendered`` would send it at once)."""
    return Email.objects.create(
        key=key, to="a@example.lv", language="lv", subject="Sveiki", text_body="Teksts"
    )


def test_each_attempt_is_committed_as_sending_before_the_mail_server_is_spoken_to(
    transactional_db, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.SeenFromElsewhere"
    email = _waiting()
    services.deliver(email.pk)
    # What another connection saw while the message was with the mail server.
    assert SeenFromElsewhere.seen == [("sending", 1)]
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


class SeenFromElsewhere(locmem.EmailBackend):
    seen = []

    def send_messages(self, messages):
        import threading

        def look():
            SeenFromElsewhere.seen = list(Email.objects.values_list("status", "attempts"))
            connection.close()

        thread = threading.Thread(target=look)
        thread.start()
        thread.join()
        return super().send_messages(messages)


def test_a_connection_lost_after_the_mail_server_accepted_is_reopened_and_sent_once(
    transactional_db, connection_lost_after_sending, caplog
):
    connection_lost_after_sending(3)
    email = _waiting()
    assert services.deliver(email.pk) is None
    email.refresh_from_db()
    assert (email.status, email.attempts, email.possibly_duplicated) == ("sent", 1, False)
    assert len(mail.outbox) == 1
    assert caplog.text.count("Database error in the outbox") == 3
    # Nothing is left for a later dispatch to send again.
    later = timezone.now() + datetime.timedelta(hours=1)
    assert services.stalled(now=later, grace=datetime.timedelta(0)) == []


def test_a_database_away_for_long_leaves_the_email_sending_and_it_is_sent_again_marked(
    transactional_db, connection_lost_after_sending, settings
):
    """After the last try the worker gives up: the row stays "sending" (the attempt
    was committed before the mail server was spoken to). After the grace period it is
    handed on and sent again, with the same Message-ID, and marked for staff."""
    settings.EMAIL_SENDING_GRACE = 600
    connection_lost_after_sending(services.RECORD_ATTEMPTS)
    email = _waiting()
    now = timezone.now()
    with pytest.raises(OperationalError):
        services.deliver(email.pk, now=now)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sending", 1)

    # A living worker may still be on it: nobody takes it within the grace period.
    within = now + datetime.timedelta(seconds=599)
    assert services.stalled(now=within, grace=datetime.timedelta(0)) == []
    assert services.deliver(email.pk, now=within) is None
    assert len(mail.outbox) == 1

    after = now + datetime.timedelta(seconds=600)
    assert services.stalled(now=after, grace=datetime.timedelta(0)) == [email.pk]
    services.deliver(email.pk, now=after)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.possibly_duplicated) == ("sent", 2, True)
    first, second = mail.outbox
    assert first.message()["Message-ID"] == second.message()["Message-ID"]
    assert first.message()["Message-ID"] == services.message_id(email.key)


def test_an_interrupted_reminder_whose_event_started_is_not_sent_again(db, settings):
    settings.EMAIL_SENDING_GRACE = 600
    now = timezone.now()
    email = _queued(expires_at=now + datetime.timedelta(minutes=5))
    Email.objects.filter(pk=email.pk).update(
        status="sending", attempts=1, claimed_at=now - datetime.timedelta(minutes=20)
    )
    assert services.deliver(email.pk, now=now + datetime.timedelta(minutes=10)) is None
    email.refresh_from_db()
    assert email.status == "expired" and mail.outbox == []
    assert "may have been delivered" in email.last_error


def test_a_cancellation_leaves_an_email_being_sent_to_finish(db):
    sending = _queued("test:sending")
    _queued("test:queued")
    Email.objects.filter(pk=sending.pk).update(
        status="sending", attempts=1, claimed_at=timezone.now()
    )
    assert services.cancel_queued(Email.objects.all()) == 1
    assert dict(Email.objects.values_list("key", "status")) == {
        "test:sending": "sending",
        "test:queued": "cancelled",
    }


def test_staff_see_and_filter_the_possibly_duplicated_emails(client, staff):
    marked = _queued("test:marked")
    _queued("test:plain")
    Email.objects.filter(pk=marked.pk).update(
        status="sent", attempts=2, possibly_duplicated=True, sent_at=timezone.now()
    )
    Email.objects.filter(key="test:plain").update(to="plain@example.lv")
    client.force_login(staff)
    url = reverse("notifications:outbox")
    page = client.get(url).content.decode()
    assert page.count("Iespējams, dublēts") == 2  # the count above, and the row
    page = client.get(url, {"duplicated": "on"}).content.decode()
    assert "a@example.lv" in page and "plain@example.lv" not in page
    assert "Atrasts 1 ziņojums" in page
    detail = client.get(reverse("notifications:email_detail", args=[marked.pk])).content.decode()
    assert "Iespējams, dublēts" in detail and "saņēmis divreiz" in detail
    assert services.message_id("test:marked").replace("<", "&lt;").replace(">", "&gt;") in detail


def test_the_admin_filters_the_possibly_duplicated_emails(client, db):
    admin = factories.AdminFactory()
    marked = _queued("test:marked")
    _queued("test:plain")
    Email.objects.filter(pk=marked.pk).update(possibly_duplicated=True, to="marked@example.lv")
    client.force_login(admin)
    url = reverse("admin:notifications_email_changelist")
    page = client.get(url).content.decode()
    assert "Iespējams, dublēts" in page  # the filter's title, translated
    page = client.get(url, {"possibly_duplicated__exact": "1"}).content.decode()
    assert "marked@example.lv" in page and "a@example.lv" not in page


def test_an_email_being_sent_shows_when_its_attempt_started(client, staff):
    email = _queued()
    Email.objects.filter(pk=email.pk).update(
        status="sending", attempts=1, claimed_at=timezone.now()
    )
    client.force_login(staff)
    outbox = client.get(reverse("notifications:outbox"), {"status": "sending"}).content.decode()
    assert "a@example.lv" in outbox and "Tiek sūtīts" in outbox
    detail = client.get(reverse("notifications:email_detail", args=[email.pk])).content.decode()
    assert "Mēģinājums sākts" in detail


def test_the_reminder_loop_writes_no_file_when_there_is_nothing_to_send(db, settings, tmp_path):
    """The embedded default writes emails to files in var/mail/: a dispatch with
    nothing due writes nothing there (a newcomer looks there for their email)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    settings.EMAIL_FILE_PATH.mkdir()
    for minute in range(3):
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minute)):
            call_command("dispatch_notifications")
    assert list(settings.EMAIL_FILE_PATH.iterdir()) == []
    # Three emails due: one file, with the three.
    for n in range(3):
        Email.objects.filter(pk=_queued(key=f"test:{n}").pk).update(
            next_attempt_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    call_command("dispatch_notifications")
    call_command("dispatch_notifications")  # nothing left
    (written,) = settings.EMAIL_FILE_PATH.iterdir()
    assert written.read_text().count("Subject: Sveiki") == 3
    assert set(Email.objects.values_list("status", flat=True)) == {"sent"}


def test_the_outbox_shows_one_row_per_message_with_its_recipients_states(
    client, staff, count_queries
):
    """A meeting's invitation to all its people is one row with their states, opened
    to see each; the page runs as many queries with forty people as with three."""

    def invite(meeting, people, subject):
        for person in people:
            services.queue_rendered(
                key=f"meeting:{meeting}:user:{person.pk}:invited",
                recipient=person,
                to=person.email,
                subject=subject,
                text="Ielūdzam",
            )

    few = [factories.UserFactory() for _ in range(3)]
    invite(1, few, "Ielūgums: 1. kopīgā tikšanās")
    invite(2, few, "Ielūgums: 2. kopīgā tikšanās")
    single = services.queue_rendered(
        key="account:9", to="viens@example.lv", subject="Apstipriniet e-pastu", text="x"
    )
    Email.objects.filter(key=f"meeting:1:user:{few[0].pk}:invited").update(
        status="failed", last_error="SMTPError: nope"
    )
    Email.objects.filter(key__startswith="meeting:1:", status="queued").update(status="sent")
    client.force_login(staff)
    url = reverse("notifications:outbox")
    client.get(url)
    queries_with_few = count_queries(lambda: client.get(url))

    response = client.get(url)
    groups = {g["message"]: g for g in response.context["page"]}
    assert set(groups) == {"meeting:1:invited", "meeting:2:invited", "account:9"}
    first = groups["meeting:1:invited"]
    assert first["recipients"] == 3
    assert [(status, n) for status, _label, n in first["states"]] == [("sent", 2), ("failed", 1)]
    assert sorted(e.to for e in first["emails"]) == sorted(p.email for p in few)
    assert groups["account:9"]["emails"] == [single]
    page = response.content.decode()
    assert "Atrasti 3 ziņojumi" in page
    assert page.count("<details") == 2
    assert "3 saņēmēji" in page and "SMTPError: nope" in page

    many = [factories.UserFactory() for _ in range(40)]
    invite(3, many, "Ielūgums: 3. kopīgā tikšanās")
    invite(1, many, "Ielūgums: 1. kopīgā tikšanās")
    assert count_queries(lambda: client.get(url)) == queries_with_few
    groups = {g["message"]: g for g in client.get(url).context["page"]}
    assert (
        groups["meeting:1:invited"]["recipients"],
        groups["meeting:3:invited"]["recipients"],
    ) == (
        43,
        40,
    )
    filtered = client.get(url, {"status": "failed"}).context["page"]
    assert [(g["message"], g["recipients"]) for g in filtered] == [("meeting:1:invited", 1)]
