"""Every user-facing string has a Latvian translation, and the compiled catalogues
match their sources."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUES = sorted(
    path
    for path in Path(settings.BASE_DIR).glob("**/locale/lv/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)


def entries(po_path):
    """(msgid, [msgstr...], flags, context) for each entry of a .po file, header excluded."""
    text = po_path.read_text(encoding="utf-8")
    result = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            translations = [v for k, v in fields.items() if k.startswith("msgstr")]
            result.append((fields["msgid"], translations, flags, fields.get("msgctxt")))
    return result


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 2


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.parent.parent.parent.parent))
def test_every_string_is_translated(po_path):
    missing = [
        msgid
        for msgid, translations, flags, _context in entries(po_path)
        if "fuzzy" in flags or not all(translations)
    ]
    assert missing == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.parent.parent.parent.parent))
def test_compiled_catalogue_is_up_to_date(po_path):
    with open(po_path.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, translations, _flags, context in entries(po_path):
        if "\\" in msgid or len(translations) > 1:
            continue  # escapes and plurals: compared by msgfmt itself
        found = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        assert found == translations[0], msgid
