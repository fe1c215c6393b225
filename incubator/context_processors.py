from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from . import sections


def _in_default_language(request):
    """The page's address in the default language, as ``translate_url`` makes it,
    from the match the request was resolved with (``translate_url`` resolves the
    path once more, which costs as much as the rest of this processor)."""
    full_path = request.get_full_path()
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name is None or full_path.split("?")[0] != request.path_info:
        return translate_url(full_path, settings.LANGUAGE_CODE)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(settings.LANGUAGE_CODE):
        try:
            path = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return full_path
    parsed = urlsplit(full_path)
    return urlunsplit((parsed.scheme, parsed.netloc, path, parsed.query, parsed.fragment))


def portal(request):
    return {
        "portal_name": settings.PORTAL_NAME or _("NGO Growth Incubator"),
        # The language switch posts the page's address in the default language:
        # set_language resolves it in that language and translates it to the chosen one.
        "language_switch_next": _in_default_language(request),
        # The menu of what this person can use, by role (incubator.sections); worked
        # out only when a template shows it (htmx fragments and downloads do not).
        "menu": SimpleLazyObject(lambda: sections.menu_for(getattr(request, "user", None))),
    }
