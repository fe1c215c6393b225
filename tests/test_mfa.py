"""Staff and administrators use two-factor authentication (allauth's TOTP): without
an authenticator app they are sent to set one up before any other page opens; with
one, signing in (the Django admin's too) asks for its code."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.urls import reverse

from . import factories
from .factories import PASSWORD, totp_code

ACTIVATE = reverse("mfa_activate_totp")


@pytest.mark.parametrize("make", [factories.StaffFactory, factories.AdminFactory])
def test_staff_without_an_authenticator_are_sent_to_set_one_up(db, client, make):
    person = make(mfa=False)
    client.force_login(person)
    for url in [
        reverse("applications:staff_list"),
        reverse("dashboard"),
        reverse("profile"),
        reverse("admin:index"),
        reverse("admin:incubator_user_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url == ACTIVATE, url
    # Setting it up (and signing out) stays open.
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200


def test_others_are_not_asked_for_a_second_factor(db, client, organisation, applicant):
    client.force_login(applicant)
    response = client.get(reverse("organisation_detail", args=[organisation.pk]))
    assert response.status_code == 200


def test_staff_set_up_their_authenticator_and_then_work(db, client):
    people = [factories.StaffFactory(mfa=False) for _ in range(2)]
    for person in people:
        client.force_login(person)
        # Setting it up asks for the password first, then the app's code.
        response = client.get(ACTIVATE)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert client.get(ACTIVATE).status_code == 200
        secret = client.session[SECRET_SESSION_KEY]
        response = client.post(ACTIVATE, {"code": "123"})
        assert response.status_code == 200  # a wrong code is refused, on the form
        assert not Authenticator.objects.filter(user=person, type="totp").exists()
        response = client.post(ACTIVATE, {"code": totp_code(secret)})
        assert response.status_code == 302
        assert Authenticator.objects.filter(user=person, type="totp").exists()
        assert client.get(reverse("applications:staff_list")).status_code == 200
        client.logout()


def test_staff_sign_in_with_their_code(db, client):
    people = [factories.StaffFactory(), factories.AdminFactory()]
    for person in people:
        response = client.post(
            reverse("account_login"), {"login": person.email, "password": PASSWORD}
        )
        assert response.url == reverse("mfa_authenticate")
        # The password alone signs nobody in.
        response = client.get(reverse("applications:staff_list"))
        assert response.url.startswith(reverse("account_login"))
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert response.status_code == 200
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
        assert response.status_code == 302
        assert client.get(reverse("applications:staff_list")).status_code == 200
        assert client.get(reverse("admin:index")).status_code == 200
        client.logout()


def test_the_admin_signs_in_through_the_portals_sign_in(db, client):
    admin = factories.AdminFactory()
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")
    # Its own form does not sign anyone in, with the right password or not.
    response = client.post(reverse("admin:login"), {"username": admin.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert client.get(reverse("admin:index")).url.startswith(reverse("admin:login"))
    # A signed-in person who is not staff is refused.
    client.force_login(factories.UserFactory())
    assert client.get(reverse("admin:login")).status_code == 403


def test_staff_cannot_switch_their_authenticator_off(db, client):
    person = factories.StaffFactory()
    client.force_login(person)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=person, type="totp").exists()
    assert client.get(reverse("applications:staff_list")).status_code == 200


def test_a_person_made_staff_is_asked_to_set_it_up(db, client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("profile")).status_code == 200
    applicant.is_staff = True
    applicant.save()
    assert client.get(reverse("profile")).url == ACTIVATE
