"""The notification engine against a real Celery worker and the local Redis.

A ``celery -A incubator worker`` subprocess consumes from the broker in
CELERY_BROKER_URL and works on this test run's database (on SQLite, a file: see
``django_db_modify_db_settings`` in conftest.py). It shows that running the
dispatch twice, or twice at once in two worker processes, sends each reminder once;
that an SMTP error is retried (by the every-minute dispatch, never a broker
countdown) and the email then sent once; and that a worker killed in the middle of
a batch loses nothing and sends nothing again that was recorded as sent, whether
the broker hands the unacknowledged batch to the next worker (acks_late) or the
sweep hands its rows on first; the one email in flight at the kill is sent again
after the grace period and marked as possibly duplicated. Faults between the mail
server and the outbox's record, over real SMTP, are in test_delivery_faults.py.

Whether two sweeps really overlap is up to the workers here; the forced overlap of
two sweeps, and of a sweep with a cancellation, is in test_reminders_concurrency.py.

When to run: these tests need a Redis: CELERY_BROKER_URL when it names one, else
the one answering on 127.0.0.1:6379 (database 13). Without one they are skipped
with the reason; with REQUIRE_SERVICES=1 (as ``.ci/run`` sets) a missing broker
fails them instead, so CI never silently skips them (tests/needs.py).
"""

import datetime
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cohorts import services as cohort_services
from incubator.celery import app as celery_app
from incubator.notifications import services
from incubator.notifications.models import Email, Reminder
from incubator.notifications.tasks import dispatch

from . import factories, recording_backend
from .redis_broker import broker_url

# The workers of these tests share one Redis (its unacknowledged tasks are restored
# across queues): under pytest-xdist they run one after another on one process.
pytestmark = [pytest.mark.redis, pytest.mark.xdist_group("redis")]


def _database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """Starts, kills and stops ``celery -A incubator worker`` processes."""

    def __init__(self, broker, queue, mail_dir, log_dir):
        self.broker, self.queue, self.mail_dir, self.log_dir = broker, queue, mail_dir, log_dir
        self.process = None
        self.name = None

    def start(self, concurrency=2, visibility_timeout=None):
        self.name = f"test-{uuid.uuid4().hex[:8]}@%h"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": self.broker,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "TEST_MAIL_DIR": str(self.mail_dir),
            "TEST_CELERY_QUEUE": self.queue,
        }
        if visibility_timeout is not None:
            env["TEST_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
        log = open(self.log_dir / f"worker-{self.name.split('@')[0]}.log", "w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "incubator",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                self.name,
                "--queues",
                self.queue,
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed with its pool
        )
        node = self.name.replace("%h", os.uname().nodename)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited: {log.name}")
            if celery_app.control.ping(destination=[node], timeout=0.5):
                return
        raise RuntimeError(f"the worker did not start in time: {log.name}")

    def kill(self):
        """SIGKILL to the worker and its pool: no chance to acknowledge or clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker(transactional_db, tmp_path, monkeypatch, settings):
    broker = broker_url()
    # As in tests/worker_settings.py: a row left "sending" by a killed worker is sent
    # again after two seconds (ten minutes in production).
    settings.EMAIL_SENDING_GRACE = 2
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    monkeypatch.setenv("TEST_MAIL_DIR", str(mail_dir))
    # This process queues tasks in Redis instead of running them itself, on a queue of
    # its own (a parallel test run, or another checkout, may share the broker).
    eager, queue = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = f"test-{uuid.uuid4().hex[:12]}"
    controller = Worker(broker, celery_app.conf.task_default_queue, mail_dir, tmp_path)
    yield controller
    controller.stop()
    celery_app.control.purge()
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = eager, queue


def _control(**values):
    (recording_backend.folder() / "control.json").write_text(json.dumps(values))


def _wait_for(condition, timeout=60, what="the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _delivered():
    return Counter(key for kind, key in recording_backend.read_log() if kind == "delivered")


def test_dispatching_twice_or_twice_at_once_sends_each_reminder_once(
    worker, priority_fields, staff
):
    """Two dispatch tasks handed to a worker with two processes, then a third: each
    reminder is written and sent once. Whether the first two sweeps overlap in time
    is up to the worker (test_reminders_concurrency.py forces the overlap)."""
    cycle = factories.RunningCycleFactory()
    for index in range(4):
        factories.admit(
            factories.OrganisationFactory(
                leader=factories.UserFactory(), priority_field=priority_fields[index]
            ),
            cycle,
            staff,
        )
    starts = timezone.now() + datetime.timedelta(days=5)
    # Scheduled three days ago; the 7-day reminder fell due two days ago, while
    # nothing ran. The meeting is still ahead, so it goes out now, once.
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3)):
        cohort_services.schedule_meeting(
            cycle=cycle,
            by=staff,
            cohort=None,
            title="Kopīgā tikšanās",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            place="Lielā iela 3",
            online_url="",
            agenda="",
        )
    _control()
    worker.start(concurrency=2)
    dispatch.delay()
    dispatch.delay()  # two sweeps at once, one per worker process

    def reminders_sent():
        emails = Email.objects.filter(key__contains=":before-7d@")
        # The four organisations' leaders and the staff member who scheduled it.
        return emails.count() == 5 and not emails.exclude(status="sent").exists()

    _wait_for(reminders_sent, what="the reminders to be sent")
    dispatch.delay()  # and once more, afterwards
    _wait_for(
        lambda: (
            not Reminder.objects.filter(
                status="pending", source="meeting", label="before-7d"
            ).exists()
        )
    )
    time.sleep(2)
    delivered = {k: n for k, n in _delivered().items() if ":before-7d@" in k}
    assert len(delivered) == 5
    assert set(delivered.values()) == {1}
    assert Reminder.objects.get(label="before-7d", source="meeting").emails_written == 5


def test_an_smtp_error_is_retried_by_the_dispatch_and_the_email_then_sent_once(worker):
    _control(fail_first=2)
    worker.start(concurrency=1)
    with transaction.atomic():
        email = services.queue_rendered(
            key="test:smtp-error", to="anna@example.lv", subject="Sveiki", text="Teksts"
        )
    _wait_for(lambda: Email.objects.get(pk=email.pk).attempts == 1, what="the first attempt")
    # Due again after one second, but nothing is scheduled in the broker: without a
    # dispatch the worker does not try again.
    time.sleep(3)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 1)

    def sent_after_dispatching():
        dispatch.delay()  # as beat does every minute
        return Email.objects.get(pk=email.pk).status == "sent"

    _wait_for(sent_after_dispatching, what="the retries")
    email.refresh_from_db()
    assert email.attempts == 3
    assert "SMTPServerDisconnected" in email.last_error
    log = Counter(kind for kind, key in recording_backend.read_log() if key == "test:smtp-error")
    assert log == {"attempt": 3, "failed": 2, "delivered": 1}


def _write_batch(keys):
    """Rows written together and handed to the workers as one batch task, as the sweep
    does with the reminders it writes."""
    with transaction.atomic():
        ids = [
            Email.objects.create(
                key=key,
                to=f"p{n}@example.lv",
                language="lv",
                subject="Sveiki",
                text_body="x",
                enqueued_at=timezone.now(),
            ).pk
            for n, key in enumerate(keys)
        ]
        services.enqueue_batches_on_commit(ids)


def _kill_mid_batch(worker, keys):
    # Five recorded as sent (an email is delivered first, then recorded: waiting for
    # the deliveries alone could kill the worker between the two on a busy machine).
    _wait_for(
        lambda: Email.objects.filter(key__in=keys, status="sent").count() >= 5,
        what="the first deliveries",
    )
    worker.kill()
    sent_before = set(Email.objects.filter(status="sent").values_list("key", flat=True))
    assert 5 <= len(sent_before) < len(keys), "killed in the middle of the batch"
    assert Email.objects.filter(status="queued").exists()
    return sent_before, _delivered()


def _finish_the_interrupted_one(keys):
    """The email being handed to the mail server when the worker died stays "sending"
    until the grace period has passed; then a dispatch (or the batch handed back by
    the broker) sends it again."""

    def all_sent():
        if not Email.objects.filter(key__in=keys).exclude(status="sent").exists():
            return True
        services.dispatch(grace=datetime.timedelta(0))
        time.sleep(0.5)
        return False

    _wait_for(all_sent, what="the interrupted email")


def _assert_nothing_lost_nothing_recorded_sent_again(keys, sent_before, delivered_before):
    delivered = _delivered()
    assert set(delivered) == set(keys)  # nothing lost
    for key in sent_before:
        assert delivered[key] == 1, f"{key} was recorded as sent and went out again"
    # At most the one email being handed over at the moment of the kill (sent, not yet
    # recorded) can go out twice: that is the only unrecorded moment; it is marked.
    assert sum(n - 1 for n in delivered.values()) <= 1
    assert sum(delivered_before.values()) >= len(sent_before)
    flagged = set(Email.objects.filter(possibly_duplicated=True).values_list("key", flat=True))
    assert len(flagged) <= 1 and not flagged & sent_before
    assert {key for key, n in delivered.items() if n > 1} <= flagged


def test_a_batch_whose_worker_was_killed_comes_back_from_the_broker(worker):
    """acks_late: the batch task of a worker killed half-way stays unacknowledged in
    Redis, which hands it to the next worker once its visibility timeout has passed
    (an hour in production, three seconds here). No dispatch runs in this test."""
    _control(delay=0.3)
    worker.start(concurrency=1)
    keys = [f"test:batch:{n}" for n in range(20)]
    _write_batch(keys)
    sent_before, delivered_before = _kill_mid_batch(worker, keys)

    _control(delay=0)
    worker.start(concurrency=1, visibility_timeout=3)
    _wait_for(
        lambda: not Email.objects.filter(key__in=keys, status="queued").exists(),
        what="the broker to hand the batch back",
    )
    _finish_the_interrupted_one(keys)
    _assert_nothing_lost_nothing_recorded_sent_again(keys, sent_before, delivered_before)


def test_a_batch_whose_worker_was_killed_is_finished_by_the_sweep_first(worker):
    """In production the broker waits an hour before handing a dead worker's task on;
    the every-minute sweep hands the batch's rows on two minutes after they were
    enqueued (here without waiting: grace 0)."""
    _control(delay=0.3)
    worker.start(concurrency=1)
    keys = [f"test:batch:{n}" for n in range(20)]
    _write_batch(keys)
    sent_before, delivered_before = _kill_mid_batch(worker, keys)

    worker.start(concurrency=1)
    _control(delay=0)
    services.dispatch(grace=datetime.timedelta(0))
    _wait_for(
        lambda: not Email.objects.filter(key__in=keys, status="queued").exists(),
        what="the rest of the batch",
    )
    _finish_the_interrupted_one(keys)
    _assert_nothing_lost_nothing_recorded_sent_again(keys, sent_before, delivered_before)
