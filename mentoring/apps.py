from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incubator import calendars, landing
        from incubator import sections as menu
        from incubator.notifications import kinds
        from incubator.notifications import reminders as engine
        from incubator.sections import STAFF, MenuGroup, MenuItem

        from . import calendar, privacy, reminders, sections
        from .audiences import register_audience
        from .permissions import is_mentor

        register_audience()
        engine.register(reminders.ConsultationReminders())
        engine.register(reminders.LogReminders())
        engine.register(reminders.RequestReminders())
        engine.register(reminders.ActionItemReminders())
        kinds.register("mentor-assignment", _("Mentor assignments"))
        kinds.register("mentor-invitation", _("Mentor invitations"))
        calendars.register_provider(calendar.feed_events)
        sections.register()
        privacy.register()
        landing.register(landing.Home("mentoring:dashboard", is_mentor, order=20))
        menu.register_menu_item(
            MenuItem("mentoring", _("Mentoring"), "mentoring:overview", STAFF, 40)
        )
        # The mentor's or expert's own pages, under their role.
        menu.register_menu_group(
            MenuGroup("mentor", _mentor_or_expert, is_mentor, 20, rows=_profile_rows)
        )
        for item in [
            MenuItem("my-mentoring", _("My mentoring"), "mentoring:dashboard", "mentor", 10),
            MenuItem("my-free-times", _("My free times"), "mentoring:availability", "mentor", 20),
            MenuItem("my-mentor-profile", _my_profile, "mentoring:profile", "mentor", 30),
        ]:
            menu.register_menu_item(item)


def _profile_rows(user):
    """The person's mentor or expert profile as rows, as ``is_mentor`` asks."""
    from .models import MentorProfile

    return MentorProfile.objects.filter(user=user, is_active=True) if user.is_active else None


def _is_expert(user):
    from .selectors.access import profile_of

    profile = profile_of(user)
    return profile is not None and profile.is_expert


def _mentor_or_expert(user):
    return _("Expert") if _is_expert(user) else _("Mentor")


def _my_profile(user):
    return _("My expert profile") if _is_expert(user) else _("My mentor profile")
