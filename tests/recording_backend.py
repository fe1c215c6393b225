"""An email backend for the real-worker test: it records every attempt and every
delivery in a log file shared by all worker processes, and can refuse the first N
attempts of each message (an SMTP error) or take its time (to kill a worker mid-send).

Configured by a directory in TEST_MAIL_DIR holding ``control.json``
({"fail_first": N, "delay": seconds}); the log is ``log.txt`` with lines
``attempt <key>``, ``failed <key>`` and ``delivered <key>``.
"""

import fcntl
import json
import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


def folder():
    return Path(os.environ["TEST_MAIL_DIR"])


def control():
    path = folder() / "control.json"
    return json.loads(path.read_text()) if path.exists() else {}


def log(line):
    with open(folder() / "log.txt", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(line + "\n")
        handle.flush()
        fcntl.flock(handle, fcntl.LOCK_UN)


def read_log():
    path = folder() / "log.txt"
    if not path.exists():
        return []
    return [line.split(" ", 1) for line in path.read_text().splitlines() if line]


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        settings = control()
        for message in messages:
            key = message.extra_headers["X-Incubator-Key"]
            attempts = sum(1 for kind, k in read_log() if kind == "attempt" and k == key)
            log(f"attempt {key}")
            if attempts < settings.get("fail_first", 0):
                log(f"failed {key}")
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            time.sleep(settings.get("delay", 0))
            log(f"delivered {key}")
        return len(messages)
