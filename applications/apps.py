from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incubator import landing
        from incubator.notifications import kinds
        from incubator.notifications import reminders as engine
        from incubator.permissions import is_staff

        from . import privacy, receivers, reminders
        from .permissions import is_reviewer

        receivers.connect()
        engine.register(reminders.PlaceOfferReminders())
        kinds.register("application", _("Applications and decisions"))
        kinds.register("committee", _("Evaluation committee"))
        privacy.register()
        register_menu()
        # Where each role lands (incubator.landing): staff on the applications, a
        # committee member on their reviews, anyone else on their applications.
        landing.register(landing.Home("applications:staff_list", is_staff, order=10))
        landing.register(landing.Home("applications:reviewer_dashboard", is_reviewer, order=30))
        landing.register(landing.Home("applications:dashboard", lambda user: True, order=100))


def organisation_rows(user):
    """The person's memberships of an organisation (None for staff: not their role)."""
    from incubator.models import Membership

    return None if user.is_staff else Membership.objects.filter(user=user)


def has_an_organisation(user):
    rows = organisation_rows(user)
    return rows is not None and rows.exists()


def committee_rows(user):
    from .models import CommitteeMember

    return CommitteeMember.objects.filter(user=user) if user.is_active else None


def register_menu():
    from incubator import sections
    from incubator.sections import STAFF, MenuGroup, MenuItem

    from .permissions import is_reviewer

    for item in [
        MenuItem("applications", _("Applications"), "applications:staff_list", STAFF, 10),
        MenuItem("evaluation", _("Evaluation"), "applications:review_home", STAFF, 20),
        MenuItem("my-reviews", _("My reviews"), "applications:reviewer_dashboard", "reviewer", 10),
        MenuItem(
            "my-applications", _("My applications"), "applications:dashboard", "applicant", 10
        ),
    ]:
        sections.register_menu_item(item)
    sections.register_menu_group(
        MenuGroup("reviewer", _("Evaluation committee"), is_reviewer, 30, rows=committee_rows)
    )
    # An organisation's people; a signed-in person with no other role starts here.
    sections.register_menu_group(
        MenuGroup(
            "applicant",
            _("My organisation"),
            has_an_organisation,
            40,
            fallback=True,
            rows=organisation_rows,
        )
    )
