"""Two-factor authentication is required of programme staff and administrators
(allauth's TOTP, with recovery codes). A staff member whose account has no
authenticator app is sent to set one up before any other page opens; one who has it
signed in with it, as allauth asks for the code at sign-in (the Django admin's own
sign-in form goes through allauth too: ``incubator/urls.py``). The check costs no
query per request: it is noted in the session once the authenticator is known."""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

SESSION_KEY = "incubator.mfa_user"

# What a staff member without an authenticator may still open: setting one up (and
# confirming their password for it), signing out, the language switch.
OPEN_WITHOUT_MFA = {"account_logout", "account_reauthenticate", "set_language"}


def required_for(user):
    return user.is_authenticated and (user.is_staff or user.is_superuser)


def has_totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def note_signed_in(sender, request, user, **kwargs):
    """On sign-in (``user_logged_in``): remember that this person has their authenticator."""
    if request is not None and hasattr(request, "session") and required_for(user):
        if has_totp(user):
            request.session[SESSION_KEY] = user.pk


def _open_without_mfa(request):
    try:
        name = resolve(request.path_info).url_name or ""
    except Resolver404:
        return True  # a 404 shows nothing
    return name.startswith("mfa_") or name in OPEN_WITHOUT_MFA


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if required_for(user) and request.session.get(SESSION_KEY) != user.pk:
            if has_totp(user):
                request.session[SESSION_KEY] = user.pk
            elif not _open_without_mfa(request):
                messages.warning(
                    request,
                    _(
                        "Programme staff and administrators must use two-factor "
                        "authentication. Set up an authenticator app to continue."
                    ),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        """Staff keep their authenticator app (they may replace their recovery codes)."""
        if authenticator.type == Authenticator.Type.TOTP and required_for(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
