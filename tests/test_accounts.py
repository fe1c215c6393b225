"""Accounts: email login, mandatory verification, password reset through the outbox,
allauth's rate limits, and the language switch."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.html import escape

from incubator.models import User

from . import factories


def signup(client, email="jauna@biedriba.lv", **overrides):
    return client.post(
        reverse("account_signup"),
        {
            "first_name": "Jana",
            "last_name": "Ozola",
            "email": email,
            "password1": "Drošs-parole-2027",
            "password2": "Drošs-parole-2027",
            "privacy_notice": "on",
            **overrides,
        },
    )


def test_signing_up_requires_verifying_the_email_first(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="jauna@biedriba.lv")
    assert user.language == "lv" and user.first_name == "Jana"
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["jauna@biedriba.lv"]
    assert confirmation.subject == "Lūdzu apstipriniet savu e-pasta adresi"
    assert re.search(r"http://testserver/accounts/confirm-email/[\w:-]+/", confirmation.body)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "jauna@biedriba.lv", "password": "Drošs-parole-2027"}
    )
    assert response.url == reverse("account_email_verification_sent")  # not signed in yet
    assert "_auth_user_id" not in client.session


def test_signing_up_in_english_sets_the_email_language(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en" + reverse("account_signup"),
            {
                "first_name": "Jane",
                "last_name": "Doe",
                "email": "jane@example.org",
                "password1": "Safe-password-2027",
                "password2": "Safe-password-2027",
                "privacy_notice": "on",
            },
        )
    assert User.objects.get(email="jane@example.org").language == "en"
    assert "/en/accounts/confirm-email/" in mail.outbox[-1].body


def test_a_taken_email_does_not_reveal_the_account(client, db, django_capture_on_commit_callbacks):
    """allauth's enumeration protection: the form behaves as for a new address and
    the owner of the address is told by email instead."""
    existing = factories.UserFactory(email="aiznemts@biedriba.lv")
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, email="aiznemts@biedriba.lv")
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email="aiznemts@biedriba.lv").get() == existing
    assert mail.outbox[-1].to == ["aiznemts@biedriba.lv"]


def test_a_weak_password_keeps_the_form_filled(client, db):
    response = signup(client, password1="123", password2="123")
    assert response.status_code == 200
    assert 'value="jauna@biedriba.lv"' in response.content.decode()
    assert not User.objects.filter(email="jauna@biedriba.lv").exists()


def test_password_reset_goes_through_the_outbox_and_the_link_works(
    client, applicant, django_capture_on_commit_callbacks, outbox_emails
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": applicant.email})
    record = outbox_emails(to=applicant.email)[-1]
    assert record.sensitive and record.status == "sent" and record.text_body == ""
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(
        form_url, {"password1": "Jauna-parole-2027", "password2": "Jauna-parole-2027"}
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.check_password("Jauna-parole-2027")


def test_repeated_failed_logins_are_rate_limited(client, applicant):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": applicant.email, "password": "nepareiza"})
    response = client.post(url, {"login": applicant.email, "password": factories.PASSWORD})
    assert "_auth_user_id" not in client.session  # even the right password waits now
    assert "Pārāk daudz" in response.content.decode()


def test_login_with_email_any_case(client, applicant):
    response = client.post(
        reverse("account_login"),
        {"login": applicant.email.upper(), "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(applicant.pk)


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_latvian_by_default_english_under_en(client, db, path):
    latvian = client.get(path, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert 'lang="lv"' in latvian
    english = client.get("/en" + path).content.decode()
    assert 'lang="en"' in english


def test_the_language_switch_keeps_the_page(client, db):
    english_page = client.get("/en/accounts/login/?next=/dashboard/").content.decode()
    assert 'name="next" type="hidden" value="/accounts/login/?next=/dashboard/"' in english_page
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.url == "/en/accounts/login/"
    response = client.post(reverse("set_language"), {"language": "lv", "next": "/accounts/login/"})
    assert response.url == "/accounts/login/"


@pytest.mark.parametrize(
    "path",
    [
        "/en/funding/?q=youth&field=culture&page=2",
        "/en/funding/sources/12345/",
        "/funding/?q=jaunie%C5%A1u",
        "/en/no-such-page/",
    ],
)
def test_the_language_switch_posts_the_page_in_the_default_language(client, db, path):
    # The address is the one translate_url gives in the page's language (the page
    # reuses the match its request was resolved with).
    with translation.override("en" if path.startswith("/en/") else "lv"):
        expected = translate_url(path, settings.LANGUAGE_CODE)
    assert not expected.startswith("/en/funding/")
    assert (
        f'name="next" type="hidden" value="{escape(expected)}"' in client.get(path).content.decode()
    )


def test_profile_keeps_input_on_error_and_saves_the_language(client, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("profile"), {"first_name": "Līga", "last_name": "", "phone": "", "language": "xx"}
    )
    assert response.status_code == 200
    assert 'value="Līga"' in response.content.decode()
    client.post(
        reverse("profile"),
        {"first_name": "Līga", "last_name": "Zariņa", "phone": "+371 20000001", "language": "en"},
    )
    applicant.refresh_from_db()
    assert (applicant.first_name, applicant.language) == ("Līga", "en")
