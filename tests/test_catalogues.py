"""The Latvian catalogues read as one text: every entry translated and none fuzzy,
each translation keeping its original's placeholders, every plural entry with the
three forms Latvian needs, msgfmt's own checks passing, and none of the English
words of the glossary (docs/glossary.md) left in a translation."""

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CATALOGUES = sorted(
    path for path in BASE.glob("**/locale/lv/LC_MESSAGES/*.po") if ".venv" not in path.parts
)
NPLURALS = 3
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None
    msgstrs: list
    flags: list
    line: int
    context: str | None = None


def _unescape(text):
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text)


def read(path):
    """The entries of a .po file (the header and obsolete entries left out)."""
    found = []
    text = path.read_text(encoding="utf-8")
    line_number = 1
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        start, line_number = line_number, line_number + len(lines) + 1
        fields, current, flags = {}, None, []
        for line in lines:
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = _unescape(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += _unescape(line[1:-1])
        if fields.get("msgid"):
            msgstrs = [value for key, value in fields.items() if key.startswith("msgstr")]
            found.append(
                Entry(
                    fields["msgid"],
                    fields.get("msgid_plural"),
                    msgstrs,
                    flags,
                    start,
                    fields.get("msgctxt"),
                )
            )
    return found


def ids(path):
    return str(path.relative_to(BASE))


every_catalogue = pytest.mark.parametrize("po_path", CATALOGUES, ids=ids)

PLACEHOLDER = re.compile(r"%\([\w.]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{[\w.]*\}")


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def test_the_catalogues_are_found():
    assert {ids(p).split("/")[0] for p in CATALOGUES} >= {
        "locale",
        "applications",
        "cohorts",
        "mentoring",
        "funding",
        "analysis",
    }


def test_the_placeholder_pattern_finds_each_kind():
    text = "%(name)s un %(count)d, %s, %d, {organisation}, {0}; 100%% ne"
    assert placeholders(text) == sorted(
        ["%(name)s", "%(count)d", "%s", "%d", "{organisation}", "{0}"]
    )


@every_catalogue
def test_no_entry_is_empty_or_fuzzy(po_path):
    bad = [
        (entry.line, entry.msgid)
        for entry in read(po_path)
        if "fuzzy" in entry.flags or not all(s.strip() for s in entry.msgstrs)
    ]
    assert bad == []


@every_catalogue
def test_every_translation_keeps_its_placeholders(po_path):
    bad = []
    for entry in read(po_path):
        # Each plural form serves numbers other than 1 too (21, 31): it keeps the
        # plural original's placeholders.
        original = placeholders(entry.msgid_plural or entry.msgid)
        for msgstr in entry.msgstrs:
            if placeholders(msgstr) != original:
                bad.append((entry.line, entry.msgid, msgstr))
    assert bad == []


@every_catalogue
def test_every_plural_entry_has_latvians_three_forms(po_path):
    header = po_path.read_text(encoding="utf-8")
    assert f"nplurals={NPLURALS}; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);" in (
        header.replace('"\n"', "")
    )
    bad = [
        (entry.line, entry.msgid)
        for entry in read(po_path)
        if entry.msgid_plural and len(entry.msgstrs) != NPLURALS
    ]
    assert bad == []


@every_catalogue
def test_msgfmt_finds_nothing_wrong(po_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is needed to compile the catalogues"
    result = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(po_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def glossary_english_terms():
    """The English words of the glossary's tables (first column), each term whole."""
    text = (BASE / "docs" / "glossary.md").read_text(encoding="utf-8")
    terms = set()
    for row in re.findall(r"^\| ([^|]+) \| [^|]+ \|", text, flags=re.MULTILINE):
        if row.strip() in {"English", "---"}:
            continue
        for term in re.split(r"[;,]", re.sub(r"\(.*?\)", "", row)):
            term = term.strip().lower()
            if len(term) > 3:
                terms.add(term)
    return terms


def glossary_latvian_words():
    """The words of the glossary's Latvian column: "mentors" is Latvian, not "mentor"
    with an English plural."""
    text = (BASE / "docs" / "glossary.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| [^|]+ \| ([^|]+) \|", text, flags=re.MULTILINE)
    return {word.lower() for row in rows for word in re.findall(r"\w+", row)}


def test_the_glossary_lists_english_terms():
    terms = glossary_english_terms()
    assert {"application", "reviewer", "cohort", "deadline", "funding source"} <= terms


def _prose(msgstr):
    """A translation without its placeholders, markup, addresses and keys."""
    text = PLACEHOLDER.sub(" ", msgstr)
    text = re.sub(r"<[^>]+>", " ", text)
    # addresses, template tags, internal keys ("application:12"), folders ("files/")
    return re.sub(r"\S+@\S+|https?://\S+|\{%.*?%\}|\{\{.*?\}\}|\S+:\d\S*|\S+/", " ", text)


@every_catalogue
def test_no_glossary_term_is_left_in_english(po_path):
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(t) for t in sorted(glossary_english_terms())) + r")s?\b",
        flags=re.IGNORECASE,
    )
    latvian = glossary_latvian_words()
    bad = []
    for entry in read(po_path):
        for msgstr in entry.msgstrs:
            match = pattern.search(_prose(msgstr))
            if match and match.group(0).lower() not in latvian:
                bad.append((entry.line, match.group(0), msgstr))
    assert bad == []


BLOCK = re.compile(
    r"\{% blocktrans(?:late)? (?P<tag>.*?)%\}(?P<body>.*?)\{% endblocktrans(?:late)? %\}", re.S
)
NOMINATIVE_DATE = re.compile(r'(\w+)=[\w.]+\|date:"(?:DATE|DATETIME)_FORMAT"')
CASE_WORDS = ("no", "līdz", "uz", "kopš", "pirms", "pēc")


def _msgid(body, trimmed):
    body = body.split("{% plural %}")[0]
    if trimmed:
        body = " ".join(line.strip() for line in body.strip().splitlines() if line.strip())
    return re.sub(r"\{\{ *(\w+) *\}\}", r"%(\1)s", body)


def nominative_dates_in_sentences():
    """(template, msgid, names): each translated block of a template that is given a
    date in DATE_FORMAT or DATETIME_FORMAT, which Latvian prints in the nominative."""
    found = []
    for template in sorted(BASE.glob("**/templates/**/*.*")):
        if ".venv" in template.parts or template.suffix not in {".html", ".txt"}:
            continue
        for block in BLOCK.finditer(template.read_text(encoding="utf-8")):
            names = NOMINATIVE_DATE.findall(block.group("tag"))
            if names:
                msgid = _msgid(block.group("body"), "trimmed" in block.group("tag"))
                found.append((template.relative_to(BASE), msgid, names))
    return found


def test_a_nominative_date_never_follows_a_preposition():
    """“no 2027. gada 31. augusts” is wrong: after *no*, *līdz*, *uz*… a date needs its
    case (the kernel's date filters); a date given as DATE_FORMAT stands after a label
    and a colon, or in brackets (docs/glossary.md)."""
    translations = {}
    for po_path in CATALOGUES:
        for entry in read(po_path):
            translations.setdefault(entry.msgid, []).extend(entry.msgstrs)
    checked, bad = 0, []
    for template, msgid, names in nominative_dates_in_sentences():
        for msgstr in translations.get(msgid, []):
            checked += 1
            for name in names:
                words = "|".join(CASE_WORDS)
                if re.search(rf"\b({words}) %\({name}\)s", msgstr, flags=re.IGNORECASE):
                    bad.append((str(template), name, msgstr))
    assert checked > 20  # the templates' blocks are found in the catalogues
    assert bad == []


# The portal's own catalogue (LOCALE_PATHS) is read before every app's, so an app's
# translation of a msgid the portal's catalogue also holds is never shown: a msgid that
# means something else in an app needs a context (pgettext) in the code, and any other
# difference is a slip in one of the catalogues.


def test_an_app_never_translates_a_msgid_of_the_portal_catalogue_differently():
    portal_path = BASE / "locale" / "lv" / "LC_MESSAGES" / "django.po"
    portal = {(entry.context, entry.msgid): entry.msgstrs for entry in read(portal_path)}
    clashes = [
        (ids(po_path), entry.msgid, entry.msgstrs, portal[entry.context, entry.msgid])
        for po_path in CATALOGUES
        if po_path != portal_path
        for entry in read(po_path)
        if (entry.context, entry.msgid) in portal
        and entry.msgstrs != portal[entry.context, entry.msgid]
    ]
    assert clashes == []
