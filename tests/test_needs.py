"""The one rule for tests that need PostgreSQL, Redis or Chromium (tests/needs.py):
skipped with the reason when the service is missing, failed with REQUIRE_SERVICES=1."""

import pytest

from . import needs


@pytest.fixture
def no_flag(monkeypatch):
    for name in (needs.FLAG, "REQUIRE_BROWSER", "CI"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("service", needs.SERVICES)
def test_a_missing_service_skips_the_test_with_the_reason(request, no_flag, service):
    no_flag.setitem(needs.MISSING, service, lambda: f"needs {service}")
    request.node.add_marker(getattr(pytest.mark, service))
    with pytest.raises(pytest.skip.Exception, match=f"needs {service}"):
        needs.check(request.node)


@pytest.mark.parametrize("flag", [needs.FLAG, "REQUIRE_BROWSER"])
@pytest.mark.parametrize("service", needs.SERVICES)
def test_with_require_services_a_missing_service_fails_the_test(request, no_flag, service, flag):
    no_flag.setenv(flag, "1")
    no_flag.setitem(needs.MISSING, service, lambda: f"needs {service}")
    request.node.add_marker(getattr(pytest.mark, service))
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_SERVICES=1 but this test needs"):
        needs.check(request.node)


def test_a_test_without_a_marker_needs_nothing(request, no_flag):
    no_flag.setenv(needs.FLAG, "1")
    for service in needs.SERVICES:
        no_flag.setitem(needs.MISSING, service, lambda: "missing")
    needs.check(request.node)  # neither skips nor fails
