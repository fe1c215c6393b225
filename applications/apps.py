from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incubator.notifications import kinds

        from . import receivers

        receivers.connect()
        kinds.register("application", _("Applications and decisions"))
        kinds.register("committee", _("Evaluation committee"))
