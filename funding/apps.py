from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incubator import calendars, sections
        from incubator.notifications import kinds
        from incubator.notifications import reminders as engine

        from . import calendar, choices, privacy, profile, reminders, services
        from .bids import reminders as bid_reminders
        from .bids import sections as bid_sections
        from .bids import services as bid_services

        choices.connect()
        engine.register(reminders.CallDeadlineReminders())
        kinds.register(services.RECOMMENDATION_KIND, _("Funding recommendations"))
        kinds.register(services.DIGEST_KIND, _("Saved funding searches"))
        engine.register(bid_reminders.BidDeadlineReminders())
        kinds.register(bid_services.REVIEW_KIND, _("Bid review requests"))
        kinds.register(bid_services.COMMENT_KIND, _("Comments on bids"))
        calendars.register_provider(calendar.feed_events)
        sections.register(profile.SECTION)
        privacy.register()
        sections.register(bid_sections.SECTION)
        sections.register(bid_sections.MENTOR_SECTION)
        sections.register_menu_item(
            sections.MenuItem(
                name="funding", label=_("Funding"), url_name="funding:catalogue", order=50
            )
        )
        sections.register_menu_item(
            sections.MenuItem(
                name="funding-staff",
                label=_("Funding"),
                url_name="funding:staff_home",
                audience="staff",
                order=50,
            )
        )
