"""Settings of the Celery worker that tests/test_celery_worker.py and
tests/test_delivery_faults.py start: the test settings, tasks really queued in Redis,
and an email backend that records what it delivers (tests/recording_backend.py) or,
for the delivery-fault tests, SMTP to a server on loopback. DATABASE_URL points at the
test database."""

import os

from tests.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "tests.recording_backend.RecordingBackend"
EMAIL_RETRY_SECONDS = 1  # 1 s, 2 s, 4 s ... so that a retried email goes out within the test
LOGGING = {"version": 1, "disable_existing_loggers": False}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TEST_CELERY_QUEUE", "celery")
# How long Redis keeps a task a worker took but never acknowledged (it died) before
# handing it to another: an hour in production; a test that shows the redelivery
# shortens it, and has the worker look for such tasks every second.
if os.environ.get("TEST_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
# A row left "sending" by a killed worker is sent again after this many seconds (ten
# minutes in production); the test process uses the same (see the worker fixture).
EMAIL_SENDING_GRACE = 2
# The delivery-fault tests: Django's SMTP backend to a server on loopback, with a fault
# right after the server accepted a message (tests/smtp_faults.py).
if os.environ.get("TEST_SMTP_PORT"):
    EMAIL_BACKEND = "tests.smtp_faults.FaultySMTPBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = int(os.environ["TEST_SMTP_PORT"])
    EMAIL_USE_TLS = EMAIL_USE_SSL = False
    EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
    EMAIL_TIMEOUT = 10
