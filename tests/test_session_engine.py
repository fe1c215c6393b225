"""Where sessions are read from: the shared cache when production has one, the
database otherwise (a per-process cache would keep a session ended elsewhere)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _session_engine(cache_url):
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="incubator.settings", SECRET_KEY="x" * 50)
    if cache_url:
        env["CACHE_URL"] = cache_url
    return subprocess.run(
        [sys.executable, "-c", "from incubator import settings; print(settings.SESSION_ENGINE)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.mark.parametrize(
    ("cache_url", "engine"),
    [
        ("rediscache://127.0.0.1:6379/1", "django.contrib.sessions.backends.cached_db"),
        (None, "django.contrib.sessions.backends.db"),
        ("locmemcache://", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_are_read_from_the_shared_cache_only(cache_url, engine):
    assert _session_engine(cache_url) == engine


@pytest.mark.django_db
def test_a_signed_in_page_reads_its_session_from_the_cache(client, settings, applicant):
    """With cached sessions, the session costs no query after the first request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(applicant)
    client.get(reverse("applications:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("applications:dashboard")).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"]]
