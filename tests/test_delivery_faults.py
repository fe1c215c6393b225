"""Emails under faults between the mail server and the outbox's record, with a real
Celery worker, the local Redis and real SMTP (Django's SMTP backend talking to an
aiosmtpd server on loopback, tests/smtp_faults.py).

The one moment a delivery is not yet recorded is after the mail server accepted the
message and before the outbox says so. ``deliver()`` claims each attempt in a
committed step of its own ("sending", the attempt counted), speaks to the mail server
outside any transaction, and records the result in a new statement, reconnecting when
the database connection was lost. So:

- the worker's database connection cut right there (``pg_terminate_backend`` on
  PostgreSQL, the connection closed under Django on SQLite): every email is delivered
  exactly once, recorded as sent, nothing marked;
- the worker killed right there (SIGKILL to the worker and its pool): the email it was
  sending is delivered at most once more, after the grace period, with the same
  Message-ID, and marked as possibly duplicated; every other email exactly once.

These need a Redis, like test_celery_worker.py (the ``redis`` marker, tests/needs.py:
skipped with the reason without one, a failure with REQUIRE_SERVICES=1), and run in
its xdist group, one worker at a time.
"""

import datetime
import time
from collections import Counter

import pytest

from incubator.notifications import services
from incubator.notifications.models import Email

from . import test_celery_worker
from .smtp_faults import SMTPSink
from .test_celery_worker import _control, _finish_the_interrupted_one, _wait_for, _write_batch

pytestmark = [pytest.mark.redis, pytest.mark.xdist_group("redis")]

worker = test_celery_worker.worker  # the fixture: a real worker on its own queue


@pytest.fixture
def smtp(monkeypatch):
    """An SMTP server on loopback; the workers started in the test send to it."""
    sink = SMTPSink().start()
    monkeypatch.setenv("TEST_SMTP_PORT", str(sink.port))
    yield sink
    sink.stop()


def _all_sent(keys):
    return not Email.objects.filter(key__in=keys).exclude(status="sent").exists()


def _worker_log(tmp_path):
    return "".join(path.read_text() for path in tmp_path.glob("worker-*.log"))


def test_a_lost_database_connection_after_the_mail_server_accepted_sends_exactly_once(
    worker, smtp, tmp_path
):
    keys = [f"test:fault:{n}" for n in range(4)]
    _control(after_accepting=keys[1], fault="drop-database-connection")
    worker.start(concurrency=1)
    _write_batch(keys)
    _wait_for(lambda: _all_sent(keys), what="the batch")
    assert (tmp_path / "mail" / f"fault-{keys[1]}").exists(), "the fault happened"
    assert "Database error in the outbox" in _worker_log(tmp_path), "the record reconnected"

    # Past the grace period, a dispatch finds nothing left to send.
    time.sleep(2.5)
    assert services.dispatch(grace=datetime.timedelta(0)) == (0, 0)
    time.sleep(1)
    accepted = smtp.accepted()
    assert Counter(key for key, _id in accepted) == dict.fromkeys(keys, 1)
    rows = Email.objects.filter(key__in=keys)
    assert {(e.status, e.attempts, e.possibly_duplicated) for e in rows} == {("sent", 1, False)}


def test_a_worker_killed_after_the_mail_server_accepted_sends_at_most_one_more_copy(worker, smtp):
    keys = [f"test:fault:{n}" for n in range(5)]
    _control(after_accepting=keys[2], fault="kill-worker")
    worker.start(concurrency=1)
    _write_batch(keys)
    _wait_for(lambda: worker.process.poll() is not None, what="the worker to be killed")
    statuses = dict(Email.objects.filter(key__in=keys).values_list("key", "status"))
    assert statuses == {
        keys[0]: "sent",
        keys[1]: "sent",
        keys[2]: "sending",  # accepted by the mail server, not recorded
        keys[3]: "queued",
        keys[4]: "queued",
    }

    _control()  # no more faults
    worker.start(concurrency=1)
    # The dispatch hands on the rest of the batch at once, and the interrupted email
    # once its grace period has passed.
    _finish_the_interrupted_one(keys)
    accepted = smtp.accepted()
    delivered = Counter(key for key, _id in accepted)
    assert delivered == {**dict.fromkeys(keys, 1), keys[2]: 2}
    assert {message_id for key, message_id in accepted if key == keys[2]} == {
        services.message_id(keys[2])
    }
    interrupted = Email.objects.get(key=keys[2])
    assert (interrupted.status, interrupted.attempts, interrupted.possibly_duplicated) == (
        "sent",
        2,
        True,
    )
    assert not Email.objects.filter(possibly_duplicated=True).exclude(key=keys[2]).exists()
