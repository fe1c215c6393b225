"""Settings of the Celery worker that tests/test_celery_worker.py starts: the test
settings, tasks really queued in Redis, and an email backend that records what it
delivers (see tests/recording_backend.py). DATABASE_URL points at the test database."""

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
