"""The privacy notice: its current version and where its text lives.

A new version is a new pair of templates (``privacy/notice/<version>_lv.html`` and
``_en.html``) and a new ``VERSION``; the consents people gave name the version they
accepted, so an older one is kept."""

import datetime

VERSION = "2026-12"
PUBLISHED_ON = datetime.date(2026, 12, 1)


def template_for(language, version=VERSION):
    language = "en" if (language or "").startswith("en") else "lv"
    return f"privacy/notice/{version}_{language}.html"
