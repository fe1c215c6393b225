"""Accounts made for people staff invite (reviewers, mentors, experts)."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .models import User
from .site import absolute


def set_password_url(user, language):
    """A link to allauth's password reset form, with which an invited person chooses
    their password (valid for PASSWORD_RESET_TIMEOUT, then they can ask for a new one
    with “Forgot your password?”)."""
    with translation.override(language):
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
    return absolute(path)


def invited_account(email, *, first_name="", last_name="", language=None):
    """The account of the person with ``email``, made (without a password, the
    address verified) when they have none. Returns (user, created)."""
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    user = User(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language or settings.LANGUAGE_CODE,
    )
    user.set_unusable_password()
    user.save()
    # The address is the one staff invited; only its owner can follow the password
    # link sent to it, which is the proof allauth would otherwise ask for.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, True
