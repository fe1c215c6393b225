from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from . import sections


def portal(request):
    return {
        "portal_name": settings.PORTAL_NAME or _("NGO Growth Incubator"),
        # The language switch posts the page's address in the default language:
        # set_language resolves it in that language and translates it to the chosen one.
        "language_switch_next": translate_url(request.get_full_path(), settings.LANGUAGE_CODE),
        # The menu of what this person can use, by role (incubator.sections); worked
        # out only when a template shows it (htmx fragments and downloads do not).
        "menu": SimpleLazyObject(lambda: sections.menu_for(getattr(request, "user", None))),
    }
