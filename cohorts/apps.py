from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts and joint meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incubator import calendars
        from incubator.notifications import reminders as engine

        from . import calendar, privacy, receivers, reminders

        receivers.connect()
        engine.register(reminders.MeetingReminders())
        engine.register(reminders.DeadlineReminders())
        calendars.register_provider(calendar.feed_events)
        privacy.register()
