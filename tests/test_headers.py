"""The headers every response carries: a strict Content-Security-Policy (with its
report endpoint), a Permissions-Policy, and ``Cache-Control: no-store`` on what a
signed-in person sees, exports included."""

import json
import logging

import pytest
from django.urls import reverse

from . import factories


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_every_page_has_a_strict_content_security_policy(client, organisation, applicant):
    pages = [client.get(reverse("home")), client.get(reverse("account_login"))]
    client.force_login(applicant)
    pages.append(client.get(reverse("organisation_detail", args=[organisation.pk])))
    for response in pages:
        policy = directives(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["report-uri"] == [reverse("csp_report")]
        assert "unsafe" not in response["Content-Security-Policy"]
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_signed_in_pages_and_exports_are_never_stored(client, staff, cycle):
    applications = [factories.ApplicationFactory(cycle=cycle, submitted=True) for _ in range(3)]
    public = client.get(reverse("home"))
    assert "no-store" not in public.get("Cache-Control", "")
    client.force_login(staff)
    urls = [
        reverse("applications:staff_list"),
        *(reverse("applications:staff_detail", args=[a.pk]) for a in applications),
        reverse("applications:review_ranking", args=[cycle.pk]),
        reverse("applications:review_ranking_csv", args=[cycle.pk]),
        reverse("applications:review_ranking_xlsx", args=[cycle.pk]),
        reverse("profile"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_an_applicants_pages_are_not_stored_either(client, application, applicant):
    client.force_login(applicant)
    for url in [
        reverse("applications:edit", args=[application.pk]),
        reverse("organisation_detail", args=[application.organisation_id]),
    ]:
        assert client.get(url)["Cache-Control"] == "private, no-store"


REPORT = {
    "csp-report": {
        "document-uri": "https://inkubators.example.lv/lv/start/",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "inline",
        "original-policy": "default-src 'self'",
    }
}


def test_violation_reports_are_logged(db, client, caplog):
    csrf_client = client.__class__(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="incubator.csp"):
        for n in range(3):
            report = json.loads(json.dumps(REPORT))
            report["csp-report"]["blocked-uri"] = f"https://evil.example/{n}.js"
            response = csrf_client.post(
                reverse("csp_report"), json.dumps(report), content_type="application/csp-report"
            )
            assert response.status_code == 204
    logged = [r.getMessage() for r in caplog.records if r.name == "incubator.csp"]
    assert len(logged) == 3
    assert "script-src-elem" in logged[0] and "https://evil.example/0.js" in logged[0]
    assert "/lv/start/" in logged[2]


@pytest.mark.parametrize(
    "body",
    ["", "not json", json.dumps({"other": 1}), json.dumps([1, 2]), "x" * (17 * 1024)],
)
def test_what_is_not_a_report_is_refused(db, client, caplog, body):
    with caplog.at_level(logging.WARNING, logger="incubator.csp"):
        response = client.post(reverse("csp_report"), body, content_type="application/json")
    assert response.status_code == 400
    assert not [r for r in caplog.records if r.name == "incubator.csp"]
    assert client.get(reverse("csp_report")).status_code == 405
