"""A real SMTP server on loopback for the delivery tests, and faults at the one moment
that matters: right after the mail server accepted a message, before the outbox has
recorded it.

- ``SMTPSink``: an aiosmtpd server on 127.0.0.1 (a free port) in a thread of the test
  process; it keeps every message it accepted (its X-Incubator-Key and Message-ID).
- ``FaultySMTPBackend``: Django's own SMTP backend (the production path) in the Celery
  worker (see tests/worker_settings.py); after the server accepted the message whose key
  ``control.json`` names in ``after_accepting`` (once), it either drops the worker's
  database connection (``"fault": "drop-database-connection"``: ``pg_terminate_backend``
  from another connection on PostgreSQL; on SQLite the connection is closed under
  Django's feet) or kills the whole worker with SIGKILL (``"fault": "kill-worker"``).
"""

import email
import os
import signal
import socket
import threading

from aiosmtpd.controller import Controller
from django.core.mail.backends import smtp

from . import recording_backend


class _Handler:
    def __init__(self):
        self.accepted = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.accepted.append((message["X-Incubator-Key"], message["Message-ID"]))
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPSink:
    """An SMTP server on loopback: ``start()``, then ``accepted()`` lists (key,
    Message-ID) of every message it accepted, in order; ``stop()``."""

    def __init__(self):
        self.handler = _Handler()
        self.port = _free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def accepted(self):
        with self.handler.lock:
            return list(self.handler.accepted)


def drop_database_connection():
    """Cuts this process's database connection as a database administrator (or a
    server restart) would, without Django knowing."""
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        import psycopg2

        pid = connection.connection.get_backend_pid()
        other = psycopg2.connect(**connection.get_connection_params())
        try:
            other.autocommit = True
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        finally:
            other.close()
    else:
        connection.connection.close()


def _fire_once(key):
    """True the first time the fault for ``key`` is due (across worker processes)."""
    try:
        os.close(os.open(recording_backend.folder() / f"fault-{key}", os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return False
    return True


class FaultySMTPBackend(smtp.EmailBackend):
    def send_messages(self, messages):
        sent = super().send_messages(messages)
        control = recording_backend.control()
        for message in messages:
            key = message.extra_headers["X-Incubator-Key"]
            if key != control.get("after_accepting") or not _fire_once(key):
                continue
            if control.get("fault") == "kill-worker":
                os.killpg(os.getpgrp(), signal.SIGKILL)
            else:
                drop_database_connection()
        return sent
