"""The tests that need more than the embedded default: PostgreSQL (two connections
holding row locks), Redis (a real Celery worker) or Chromium (the browser tests).

Each says so with a marker: ``@pytest.mark.postgresql``, ``@pytest.mark.redis`` or
``@pytest.mark.browser`` (every test under ``tests/browser/`` is marked for it).
Before such a test runs, ``check(item)`` (called from conftest.py) looks for the
service: when it is missing, the test is skipped with the reason, or, with
``REQUIRE_SERVICES=1`` (as ``.ci/run`` sets), fails, so that CI never skips one
silently. (``REQUIRE_BROWSER=1`` and ``CI``, the older names, still count.)
"""

import os
import shutil
from pathlib import Path

import pytest

FLAG = "REQUIRE_SERVICES"
SERVICES = ("postgresql", "redis", "browser")


def required():
    """Whether a missing service fails the run instead of skipping its tests."""
    return (
        os.environ.get(FLAG) == "1"
        or os.environ.get("REQUIRE_BROWSER") == "1"
        or bool(os.environ.get("CI"))
    )


def find_chromium():
    for candidate in (
        os.environ.get("CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _postgresql():
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return "needs PostgreSQL's row locks: set DATABASE_URL=postgres://..."
    return None


def _redis():
    from .redis_broker import broker_url

    if broker_url() is None:
        return (
            "needs Redis: CELERY_BROKER_URL is not a reachable Redis and none answered on "
            "127.0.0.1:6379 when the tests started; start one (or set e.g. "
            "CELERY_BROKER_URL=redis://host:6379/13)"
        )
    return None


def _browser():
    if find_chromium() is None:
        return "needs Chromium: install Debian's chromium or set CHROMIUM=/path/to/chromium"
    return None


MISSING = {"postgresql": _postgresql, "redis": _redis, "browser": _browser}


def check(item):
    """Skips ``item`` (or fails it, with REQUIRE_SERVICES=1) when a service it is
    marked for is missing."""
    for service in SERVICES:
        if item.get_closest_marker(service) is None:
            continue
        reason = MISSING[service]()
        if reason is None:
            continue
        if required():
            pytest.fail(f"{FLAG}=1 but this test {reason}", pytrace=False)
        pytest.skip(reason)
