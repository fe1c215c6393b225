from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubatorConfig(AppConfig):
    name = "incubator"
    verbose_name = _("Incubator")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import landing, selectors
        from .notifications import kinds

        # Someone with an invitation waiting lands where they can accept it.
        landing.register(
            landing.Home(
                "invitations", lambda user: selectors.invitations_for(user).exists(), order=1
            )
        )

        # The kernel's own emails (incubator/services.py, incubator/adapters.py).
        kinds.register("organisation", _("Organisations and people"))
        kinds.register("account", _("Account (sign-in links)"))
