"""Ready for a strict Content-Security-Policy (no 'unsafe-inline', no 'unsafe-eval'):
no template of the portal, outside its email templates, carries an inline event
handler, a style attribute, an inline script or a ``javascript:`` URL. Behaviour
lives in static/js/portal.js (keyed on data attributes), looks in static/css."""

import re
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
OUR_APPS = ("incubator", "applications", "cohorts", "mentoring", "funding", "analysis")

FORBIDDEN = {
    "inline event handler": re.compile(r"<[^>]*?\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*?\sstyle\s*=", re.IGNORECASE),
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE),
    "javascript: URL": re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
}


def our_templates():
    """Every template file of the portal: the project's templates/ and each of our
    apps' templates/ folders (nested ones, as under incubator/notifications, too)."""
    folders = [ROOT / "templates"]
    for app in OUR_APPS:
        folders += sorted((ROOT / app).glob("**/templates")) if (ROOT / app).exists() else []
    for folder in folders:
        yield from sorted(folder.rglob("*.html"))


def outside_emails(path):
    return "emails" not in path.relative_to(ROOT).parts


def findings(text):
    return [
        (what, match.group(0)[-60:])
        for what, pattern in FORBIDDEN.items()
        for match in pattern.finditer(text)
    ]


def test_the_scan_sees_the_templates_and_would_catch_each_kind():
    paths = [p.relative_to(ROOT).as_posix() for p in our_templates()]
    assert "templates/base.html" in paths
    assert "templates/_cycle_picker.html" in paths
    assert "applications/templates/applications/review/review.html" in paths
    assert "incubator/notifications/templates/notifications/email_detail.html" in paths
    caught = findings(
        '<select onchange="this.form.submit()">'
        '<div class="x" style="width: 5%">'
        "<script>alert(1)</script>"
        '<a href="javascript:void(0)">'
        "<style>p {}</style>"
    )
    assert {what for what, _text in caught} == set(FORBIDDEN)
    assert findings('<script src="/static/js/portal.js" defer></script>') == []
    assert findings('<form data-confirm="Dzēst?" hx-post="/x/">') == []


def test_no_template_outside_emails_has_inline_script_handler_or_style():
    offenders = {
        path.relative_to(ROOT).as_posix(): found
        for path in our_templates()
        if outside_emails(path) and (found := findings(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_scripts_and_styles_the_templates_name_are_static_files():
    for name in ("js/portal.js", "css/portal.css"):
        assert (ROOT / "static" / name).is_file()
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert "{% static 'js/portal.js' %}" in base
    assert '"allowEval": false' in base and '"includeIndicatorStyles": false' in base


@override_settings(DEBUG=False)
def test_the_server_error_page_renders_alone_with_its_stylesheet():
    page = engines["django"].get_template("500.html").render()
    assert '<link rel="stylesheet" href="/static/css/portal.css">' in page
    assert findings(page) == []
