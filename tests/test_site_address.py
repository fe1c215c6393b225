"""Links in emails and pages use the portal's own address: inside a request the
request's (a portal run on port 8801 links to port 8801), outside one SITE_URL,
which `make run` derives from PORT unless SITE_URL is set."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from incubator import services as kernel_services
from incubator.notifications.models import Email
from incubator.site import absolute, site_url

from . import factories

ROOT = Path(__file__).resolve().parent.parent
ELSEWHERE = "localhost:8801"


def test_outside_a_request_links_use_the_site_url(settings):
    settings.SITE_URL = "https://inkubators.example.lv"
    assert site_url() == "https://inkubators.example.lv"
    assert absolute("/profile/") == "https://inkubators.example.lv/profile/"


def test_the_profile_shows_the_calendar_address_of_the_request(client, applicant, settings):
    settings.SITE_URL = "http://localhost:8000"
    kernel_services.reset_calendar_token(applicant)
    applicant.refresh_from_db()
    client.force_login(applicant)
    page = client.get(reverse("profile"), HTTP_HOST=ELSEWHERE).content.decode()
    feed = reverse("calendar_feed", args=[applicant.calendar_token])
    assert f"http://{ELSEWHERE}{feed}" in page
    assert "localhost:8000" not in page
    # Asked by another name, the page answers with that one.
    page = client.get(reverse("profile"), HTTP_HOST="127.0.0.1:8123").content.decode()
    assert f"http://127.0.0.1:8123{feed}" in page


def test_an_email_written_in_a_request_links_to_the_request_address(
    client, applicant, organisation, settings
):
    settings.SITE_URL = "http://localhost:8000"
    client.force_login(applicant)
    for address in ["anna@biedriba.lv", "janis@biedriba.lv", "ilze@biedriba.lv"]:
        response = client.post(
            reverse("colleague_add", args=[organisation.pk]),
            {"email": address},
            HTTP_HOST=ELSEWHERE,
        )
        assert response.status_code == 302
    emails = Email.objects.filter(to__endswith="@biedriba.lv").exclude(to=applicant.email)
    assert emails.count() == 3
    for email in emails:
        assert f"http://{ELSEWHERE}{reverse('invitations')}" in email.text_body
        assert f"http://{ELSEWHERE}" in email.html_body
        assert "localhost:8000" not in email.text_body + email.html_body


def test_an_email_written_outside_a_request_uses_the_site_url(applicant, organisation, settings):
    settings.SITE_URL = "http://localhost:8801"
    kernel_services.invite_colleague(
        organisation=organisation, email="anna@biedriba.lv", by=applicant
    )
    email = Email.objects.get(to="anna@biedriba.lv")
    assert f"http://localhost:8801{reverse('invitations')}" in email.text_body


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("environment", "arguments", "expected"),
    [
        ({}, ["PORT=8801"], "http://localhost:8801"),
        ({}, [], "http://localhost:8000"),
        (
            {"SITE_URL": "https://inkubators.example.lv"},
            ["PORT=8801"],
            "https://inkubators.example.lv",
        ),
    ],
)
def test_make_run_derives_the_site_url_from_the_port(environment, arguments, expected):
    """`make -n run` prints the commands `make run` would run: the portal, the demo
    load and the reminder loop all get the address."""
    env = {"PATH": "/usr/bin:/bin", **environment}
    commands = subprocess.run(
        ["make", "-n", "run", *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout.splitlines()
    for command in ["runserver", "load_demo", "dispatch_notifications"]:
        line = next(line for line in commands if f"manage.py {command}" in line)
        assert f"SITE_URL='{expected}'" in line, line


def test_decision_letters_sent_from_another_port_link_to_it(
    client, cycle, application, applicant, staff, review, settings
):
    """The letters staff read and send on a portal at port 8801 link there; what they
    read is the same letter whatever address the portal is reached at."""
    from applications import services

    settings.SITE_URL = "http://localhost:8000"
    criterion = factories.CriterionFactory(cycle=cycle, weight=1, scale_max=5)
    application.status = "submitted"
    application.save()
    review(factories.UserFactory(), application, {criterion: 4})
    services.decide(application, decision="admitted", by=staff)
    services.finalise_ranking(cycle, by=staff)
    client.force_login(staff)
    preview = client.get(
        reverse("applications:review_letters_preview", args=[cycle.pk]),
        {"unsent": "1"},
        HTTP_HOST=ELSEWHERE,
    ).content.decode()
    link = f"http://{ELSEWHERE}{reverse('applications:edit', args=[application.pk])}"
    assert link in preview and "localhost:8000" not in preview
    # Read here, or prepared outside any request: the same letter.
    fingerprint = services.fingerprint(services.prepare_letters(cycle, [application]))
    assert f'name="fingerprint" value="{fingerprint}"' in preview
    response = client.post(
        reverse("applications:review_letters_send", args=[cycle.pk]),
        {"applications": [application.pk], "fingerprint": fingerprint},
        HTTP_HOST=ELSEWHERE,
    )
    assert response.status_code == 302
    letter = Email.objects.get(to=applicant.email, key__contains="letter")
    assert link in letter.text_body and "localhost:8000" not in letter.text_body
