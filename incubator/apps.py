from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubatorConfig(AppConfig):
    name = "incubator"
    verbose_name = _("Incubator")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import changelog, landing, mfa, sections, selectors, third_party_wording
        from .notifications import kinds
        from .permissions import is_staff

        user_logged_in.connect(mfa.note_signed_in, dispatch_uid="incubator.mfa")
        post_migrate.connect(changelog.on_migrate, dispatch_uid="incubator.changelog")
        # Someone with an invitation waiting lands where they can accept it.
        landing.register(
            landing.Home(
                "invitations", lambda user: selectors.invitations_for(user).exists(), order=1
            )
        )

        # The kernel's own emails (incubator/services.py, incubator/adapters.py).
        kinds.register("organisation", _("Organisations and people"))
        kinds.register("account", _("Account (sign-in links)"))

        third_party_wording.name_models()
        # Programme staff: the first role of the menu; the apps add their pages to it.
        sections.register_menu_group(
            sections.MenuGroup(sections.STAFF, _("Programme staff"), is_staff, order=10)
        )
        sections.register_menu_item(
            sections.MenuItem(
                "admin", _("Administration"), "admin:index", audience=sections.STAFF, order=90
            )
        )
