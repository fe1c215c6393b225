"""Consent: the version of the privacy notice each person accepted, at sign-up and
with each application; the notice (lv/en) is linked from every page's footer."""

import pytest
from django.urls import reverse

from applications import services as applications
from incubator.models import User
from incubator.privacy import notice
from incubator.privacy.models import Consent

from . import factories


def _signup(client, email, **extra):
    return client.post(
        reverse("account_signup"),
        {
            "first_name": "Jana",
            "last_name": "Ozola",
            "email": email,
            "password1": "Drošs-parole-2027",
            "password2": "Drošs-parole-2027",
            **extra,
        },
    )


def test_sign_up_requires_accepting_the_notice_and_records_its_version(
    client, db, django_capture_on_commit_callbacks
):
    response = _signup(client, "jana@biedriba.lv")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lūdzu, izlasiet privātuma paziņojumu un piekrītiet tam." in page
    assert 'value="jana@biedriba.lv"' in page  # what was typed is kept
    assert not User.objects.filter(email="jana@biedriba.lv").exists()

    for email in ("jana@biedriba.lv", "peteris@biedriba.lv", "ilze@biedriba.lv"):
        with django_capture_on_commit_callbacks(execute=True):
            assert _signup(client, email, privacy_notice="on").status_code == 302
        client.logout()
    consents = Consent.objects.filter(context="signup").order_by("user__email")
    assert [(c.user.email, c.version, c.language) for c in consents] == [
        ("ilze@biedriba.lv", notice.VERSION, "lv"),
        ("jana@biedriba.lv", notice.VERSION, "lv"),
        ("peteris@biedriba.lv", notice.VERSION, "lv"),
    ]


def test_each_submitted_application_records_the_notice_accepted_with_it(db):
    leader = factories.UserFactory()
    organisation = factories.OrganisationFactory(leader=leader)
    submitted = []
    for _n in range(3):
        application = factories.ApplicationFactory(
            organisation=organisation, complete=True, cycle=factories.CycleFactory()
        )
        applications.submit(application, by=leader)
        submitted.append(application)
    consents = Consent.objects.filter(user=leader, context="application")
    assert sorted(c.reference for c in consents) == sorted(f"application:{a.pk}" for a in submitted)
    assert {c.version for c in consents} == {notice.VERSION}


@pytest.mark.parametrize(
    ("prefix", "heading"), [("", "Privātuma paziņojums"), ("/en", "Privacy notice")]
)
def test_the_notice_in_latvian_and_english_is_linked_from_every_page(client, db, prefix, heading):
    home = client.get(f"{prefix}/").content.decode()
    link = f'href="{prefix}/privacy/"'
    assert link in home
    page = client.get(f"{prefix}/privacy/")
    assert page.status_code == 200
    content = page.content.decode()
    assert f'<h1 class="h3">{heading}</h1>' in content and notice.VERSION in content
    client.force_login(factories.UserFactory())
    assert link in client.get(f"{prefix}/profile/").content.decode()


def test_my_data_shows_the_versions_a_person_accepted(client, db):
    user = factories.UserFactory()
    client.force_login(user)
    assert "Vēl nav neviena" in client.get(reverse("privacy:my_data")).content.decode()
    from incubator.privacy import services

    services.record_consent(user, Consent.Context.SIGNUP)
    services.record_consent(user, Consent.Context.SIGNUP)  # once per version and place
    assert Consent.objects.filter(user=user).count() == 1
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert f"Versija {notice.VERSION}, Reģistrācija" in page
