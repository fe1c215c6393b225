from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts and joint meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incubator import calendars, landing, sections
        from incubator.notifications import reminders as engine
        from incubator.sections import STAFF, MenuItem

        from . import calendar, privacy, receivers, reminders
        from .selectors.access import takes_part

        receivers.connect()
        engine.register(reminders.MeetingReminders())
        engine.register(reminders.DeadlineReminders())
        calendars.register_provider(calendar.feed_events)
        privacy.register()
        sections.register_menu_item(
            MenuItem("cohorts", _("Cohorts"), "cohorts:cohort_list", STAFF, 30)
        )
        sections.register_menu_item(
            MenuItem("my-programme", _("My programme"), "cohorts:my_programme", "applicant", 20)
        )
        # The people of an organisation taking part in a cycle land on their programme.
        landing.register(landing.Home("cohorts:my_programme", takes_part, order=40))
