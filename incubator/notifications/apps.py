from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "incubator.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incubator import sections

        sections.register_menu_item(
            sections.MenuItem(
                "outbox", _("Outbox"), "notifications:outbox", audience=sections.STAFF, order=80
            )
        )
