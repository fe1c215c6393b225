from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incubator import calendars, landing
        from incubator.notifications import kinds
        from incubator.notifications import reminders as engine

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
