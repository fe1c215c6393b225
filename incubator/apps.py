from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubatorConfig(AppConfig):
    name = "incubator"
    verbose_name = _("Incubator")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .notifications import kinds

        # The kernel's own emails (incubator/services.py, incubator/adapters.py).
        kinds.register("organisation", _("Organisations and people"))
        kinds.register("account", _("Account (sign-in links)"))
