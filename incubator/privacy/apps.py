from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "incubator.privacy"
    label = "privacy"
    verbose_name = _("Personal data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incubator import sections
        from incubator.notifications import kinds

        from . import kernel

        kinds.register("privacy", _("Personal data"))
        kernel.register()
        sections.register_menu_item(
            sections.MenuItem(
                "privacy", _("Personal data"), "privacy:erasure_list", audience="staff", order=85
            )
        )
