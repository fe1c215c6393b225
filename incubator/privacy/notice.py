"""The privacy notice: its current version and where its text lives.

A new version is a new pair of templates (``privacy/notice/<version>_lv.html`` and
``_en.html``) and a new ``VERSION``; the consents people gave name the version they
accepted, so an older one is kept."""

import datetime

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

VERSION = "2026-12"
PUBLISHED_ON = datetime.date(2026, 12, 1)


def template_for(language, version=VERSION):
    language = "en" if (language or "").startswith("en") else "lv"
    return f"privacy/notice/{version}_{language}.html"


def _link():
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>',
        reverse("privacy:notice"),
        gettext("Read the privacy notice"),
    )


# A link to the notice, for the help text of the fields where people accept it.
link = lazy(_link, SafeString)
