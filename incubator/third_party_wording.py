"""Words of the libraries the portal uses, said again in the portal's own catalogue
(``locale/lv``), which Django reads before theirs: where their Latvian is wrong
or missing. ``gettext_noop`` only marks them for ``make messages``."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

CORRECTED = [
    # django-allauth's sign-up page ("spiedied").
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    # django-allauth's two-factor app in the admin.
    gettext_noop("MFA"),
]


def name_models():
    """Gives django-allauth's authenticator model translatable names for the admin
    (it has none, so the admin showed "Authenticators" on Latvian pages). Only the
    names shown change: the model's migration state keeps its original options."""
    from allauth.mfa.models import Authenticator

    Authenticator._meta.verbose_name = _("authenticator")
    Authenticator._meta.verbose_name_plural = _("authenticators")
