from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Organisation analysis")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incubator import sections as registry
        from incubator.notifications import reminders as engine
        from mentoring.selectors import matching

        from . import listing, needs, receivers, reminders, sections

        sections.register()
        listing.register()
        receivers.connect()
        matching.register_needs(needs.assessment_needs)
        engine.register(reminders.AssessmentReminders())
        # An organisation's people and mentors: the organisations' analysis.
        for group in ("applicant", "mentor"):
            registry.register_menu_item(
                registry.MenuItem(
                    name=f"analysis-{group}",
                    label=_("Analysis"),
                    url_name="analysis:home",
                    audience=group,
                    order=60,
                )
            )
        registry.register_menu_item(
            registry.MenuItem(
                name="analysis-results", label=_("Results"), url_name="analysis:public", order=70
            )
        )
        registry.register_menu_item(
            registry.MenuItem(
                name="analysis-staff",
                label=_("Analysis"),
                url_name="analysis:overview",
                audience="staff",
                order=60,
            )
        )
