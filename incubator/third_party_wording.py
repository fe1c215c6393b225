"""Words of the libraries the portal uses, said again in the portal's own catalogue
(``locale/lv``), which Django reads before theirs: where their Latvian is wrong
or missing. ``gettext_noop`` only marks them for ``make messages``."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy

CORRECTED = [
    # django-allauth's sign-up page ("spiedied").
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    # django-allauth's two-factor app in the admin.
    gettext_noop("MFA"),
    # django-simple-history's History page in the admin (it has no Latvian): its
    # column headers, the kinds of change and its buttons.
    gettext_noop("Object"),
    gettext_noop("Date/time"),
    gettext_noop("Comment"),  # "Komentārs": the apps use the same word for their comments
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("Revert %s"),
    gettext_noop("View %s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Revert"),
    gettext_noop("Change History"),
    gettext_noop("You may edit it again below"),
    ngettext_lazy("entry", "entries", "count"),
]


def name_models():
    """Gives django-allauth's authenticator model translatable names for the admin
    (it has none, so the admin showed "Authenticators" on Latvian pages). Only the
    names shown change: the model's migration state keeps its original options."""
    from allauth.mfa.models import Authenticator

    Authenticator._meta.verbose_name = _("authenticator")
    Authenticator._meta.verbose_name_plural = _("authenticators")
