"""The catalogue as a table: the columns staff export and import (CSV or XLSX).

An import is read whole and checked row by row before anything is written: each
row becomes a change (a new source, a changed one and which columns, or none) or
errors naming its line and column. A row's errors are found at once: the cells
that cannot be read, and the rules of the source (as a saved one is checked) on
the values that could, but for those that need a cell that could not be read.
Staff see that preview; only when they confirm, and only if no row has an error,
is everything written, in one transaction."""

import copy
import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from incubator.models import PriorityField
from incubator.spreadsheets import safe_row
from incubator.uploads import detect_kind

from . import areas, services
from .models import FundingCall, FundingSource, LegalForm, Municipality, Region

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
SEPARATOR = "; "
CROSS_CUTTING = "cross_cutting"
# Codes of the research file that name the kernel's priority fields.
FIELD_ALIASES = {
    "it_digital_entrepreneurship": "it",
    "environment_urban_community": "environment",
    "children_youth": "youth",
    "social_health": "social",
    "civic_cross_cutting": CROSS_CUTTING,
}

# column: the source's field it fills
COLUMNS = {
    "id": None,
    "name_lv": "name_lv",
    "name_en": "name_en",
    "funder": "funder",
    "description_lv": "description_lv",
    "description_en": "description_en",
    "kind": "kind",
    "priority_fields": "priority_fields",
    "legal_forms": "legal_forms",
    "eligibility_note": "eligibility_note",
    "scope": "scope",
    "regions": "regions",
    "municipalities": "municipalities",
    "scope_note": "scope_note",
    "min_eur": "amount_min",
    "max_eur": "amount_max",
    "cofinancing_percent": "cofinancing_percent",
    "cofinancing_note": "cofinancing_note",
    "call_frequency": "call_frequency",
    "website": "website",
    "facts_sources": "facts_sources",
    "verification": "verification",
    "verification_note": "verification_note",
    "last_checked_on": "last_checked_on",
}
COLUMN_OF = {name: column for column, name in COLUMNS.items() if name}
TEXT_COLUMNS = {
    "name_lv",
    "name_en",
    "funder",
    "description_lv",
    "description_en",
    "eligibility_note",
    "scope_note",
    "cofinancing_note",
    "call_frequency",
    "facts_sources",
    "verification_note",
}
CHOICE_COLUMNS = {
    "kind": FundingSource.Kind,
    "scope": FundingSource.Scope,
    "verification": FundingSource.Verification,
}
DECIMAL_COLUMNS = {"min_eur", "max_eur", "cofinancing_percent"}
CALL_COLUMNS = [
    "source_id",
    "source",
    "title",
    "status",
    "opens_at",
    "deadline",
    "budget",
    "rules_url",
]


_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class FileProblem(Exception):
    """The file as a whole cannot be read: not CSV or XLSX, too big, no name_lv."""


class CellProblems(ValueError):
    """A cell that cannot be read, for several reasons (e.g. two unknown codes)."""

    def __init__(self, messages):
        super().__init__(messages[0])
        self.messages = messages


# --- reading ---------------------------------------------------------------------


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def _read_xlsx(uploaded):
    try:
        workbook = load_workbook(uploaded, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(_("The XLSX file cannot be read.")) from error
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append([_cell(value) for value in row])
        if len(rows) > MAX_ROWS + 1:
            break
    workbook.close()
    return rows


def _read_csv(uploaded):
    raw = uploaded.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(
            _("The file is neither an XLSX workbook nor CSV text in UTF-8.")
        ) from error
    if _BINARY.search(text):
        raise FileProblem(_("The file is neither an XLSX workbook nor CSV text in UTF-8."))
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise FileProblem(_("The CSV file cannot be read: %(error)s") % {"error": error}) from error


def read_table(uploaded):
    """The header and the rows of an uploaded CSV or XLSX file, as text."""
    if uploaded.size > MAX_BYTES:
        raise FileProblem(_("The file is larger than 2 MB."))
    kind = detect_kind(uploaded)
    uploaded.seek(0)
    if kind == "xlsx":
        rows = _read_xlsx(uploaded)
    elif kind is None and not uploaded.read(4).startswith(b"PK"):
        uploaded.seek(0)
        rows = _read_csv(uploaded)
    else:  # another document, or a damaged workbook
        raise FileProblem(_("The file is neither an XLSX workbook nor CSV text in UTF-8."))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise FileProblem(_("The file is empty."))
    header = [cell.strip().lower() for cell in rows[0]]
    if len(rows) - 1 > MAX_ROWS:
        raise FileProblem(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    return header, rows[1:]


def check_header(header):
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise FileProblem(
            _("Unknown columns: %(columns)s. The columns are those of the export: %(known)s.")
            % {"columns": ", ".join(unknown), "known": ", ".join(COLUMNS)}
        )
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        raise FileProblem(_("Columns named twice: %(columns)s.") % {"columns": ", ".join(doubled)})
    if "name_lv" not in header:
        raise FileProblem(_("The file has no name_lv column: every row needs the Latvian name."))


# --- one row ----------------------------------------------------------------------


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("Row %(line)d, column “%(column)s”: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class Row:
    line: int  # as the spreadsheet numbers it: the header is line 1
    name: str
    source: FundingSource | None = None
    values: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    # The source's fields whose cells could not be read: no rule is checked on them.
    unreadable: set = field(default_factory=set)
    # The id names no source (or cannot be read): what the file leaves out is unknown.
    unknown_source: bool = False

    @property
    def action(self):
        if self.errors:
            return "error"
        if self.source is None:
            return "new"
        return "changed" if self.changes else "unchanged"


class Lookups:
    """Everything a row refers to, loaded once for the whole file."""

    def __init__(self):
        self.fields = {f.code: f for f in PriorityField.objects.all()}
        self.legal_forms = {f.code: f for f in LegalForm.objects.all()}
        self.regions = list(Region.objects.all())
        self.municipalities = list(Municipality.objects.all())

    def region(self, text):
        wanted = areas.plain(text)
        for region in self.regions:
            names = {region.code, areas.plain(region.name_lv), areas.plain(region.name_en)}
            if wanted in names:
                return region
        return None


def _tokens(text):
    return [token.strip() for token in re.split(r"[;,\n]", text or "") if token.strip()]


def _choice(choices, text):
    wanted = areas.plain(text)
    for value, label in choices.choices:
        if wanted in (value, areas.plain(str(label))):
            return value
    raise ValueError(
        _("“%(value)s” is not one of: %(choices)s.")
        % {"value": text, "choices": ", ".join(choices.values)}
    )


def _decimal(text):
    cleaned = re.sub(r"[\s\u00a0]", "", text).replace("€", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from error
    if not value.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
    return value


def _date(text):
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date like 2026-11-21.") % {"value": text})


def _raise_problems(problems):
    if problems:
        raise CellProblems(problems)


def _fields(text, lookups, values):
    chosen, cross_cutting, problems = [], False, []
    for token in _tokens(text):
        code = FIELD_ALIASES.get(token.lower(), token.lower())
        code = re.sub(r"\s*\(.*\)$", "", code)  # "children_youth (via ...)"
        code = FIELD_ALIASES.get(code, code)
        if code == CROSS_CUTTING:
            cross_cutting = True
        elif code in lookups.fields:
            chosen.append(lookups.fields[code])
        else:
            problems.append(
                _("Unknown priority field “%(value)s”. Known: %(known)s.")
                % {"value": token, "known": ", ".join([*lookups.fields, CROSS_CUTTING])}
            )
    _raise_problems(problems)
    values["priority_fields"] = chosen
    values["cross_cutting"] = cross_cutting


def _each(text, find, unknown):
    """What each of the tokens of ``text`` names (``find``: None for one it does not
    know), or CellProblems with ``unknown(token)`` for every token not known."""
    chosen, problems = [], []
    for token in _tokens(text):
        found = find(token)
        if found is None:
            problems.append(unknown(token))
        else:
            chosen.append(found)
    _raise_problems(problems)
    return chosen


def _legal_forms(text, lookups, values):
    values["legal_forms"] = _each(
        text,
        lambda token: lookups.legal_forms.get(token.lower()),
        lambda token: (
            _("Unknown legal form “%(value)s”. Known: %(known)s.")
            % {"value": token, "known": ", ".join(lookups.legal_forms)}
        ),
    )


def _regions(text, lookups, values):
    values["regions"] = _each(
        text,
        lookups.region,
        lambda token: (
            _("Unknown planning region “%(value)s”. Known: %(known)s.")
            % {"value": token, "known": ", ".join(r.code for r in lookups.regions)}
        ),
    )


def _municipalities(text, lookups, values):
    values["municipalities"] = _each(
        text,
        lambda token: areas.find_municipality(token, lookups.municipalities),
        lambda token: _("Unknown municipality “%(value)s”.") % {"value": token},
    )


RELATION_PARSERS = {
    "priority_fields": _fields,
    "legal_forms": _legal_forms,
    "regions": _regions,
    "municipalities": _municipalities,
}


def _website(text):
    if text and "://" not in text:
        return f"https://{text}"
    return text


def _value(column, text):
    """The value of one scalar cell (raises ValueError with a message)."""
    if column in TEXT_COLUMNS:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if column in CHOICE_COLUMNS:
        if not text:
            raise ValueError(_("This column cannot be empty."))
        return _choice(CHOICE_COLUMNS[column], text)
    if column in DECIMAL_COLUMNS:
        return _decimal(text) if text else None
    if column == "last_checked_on":
        return _date(text) if text else None
    if column == "website":
        return _website(text)
    raise AssertionError(column)


def _parse_cells(row, cells, lookups):
    for column, text in cells.items():
        if column == "id":
            continue
        try:
            if column in RELATION_PARSERS:
                RELATION_PARSERS[column](text, lookups, row.values)
            else:
                row.values[COLUMNS[column]] = _value(column, text)
        except ValueError as error:
            messages = getattr(error, "messages", [error.args[0]])
            row.errors.extend(RowError(row.line, column, str(message)) for message in messages)
            row.unreadable.add(COLUMNS[column])
            if column == "priority_fields":
                row.unreadable.add("cross_cutting")


def _existing(row, cells, by_id, by_name):
    if cells.get("id"):
        try:
            pk = int(cells["id"])
        except ValueError:
            row.unknown_source = True
            row.errors.append(
                RowError(row.line, "id", _("“%(value)s” is not an id.") % {"value": cells["id"]})
            )
            return
        row.source = by_id.get(pk)
        if row.source is None:
            row.unknown_source = True
            row.errors.append(
                RowError(
                    row.line, "id", _("There is no funding source with the id %(id)d.") % {"id": pk}
                )
            )
    else:
        row.source = by_name.get(cells.get("name_lv", ""))


def _validate(row):
    """Checks the row's source as it would be saved, without saving it, but for the
    rules that need a value the row does not give (a cell that could not be read,
    or a column it leaves out when its id names no source)."""
    instance = FundingSource() if row.source is None else copy.copy(row.source)
    unknown = set(row.unreadable)
    if row.unknown_source:
        unknown |= {
            name
            for name in [*services.SOURCE_FIELDS, *services.SOURCE_RELATIONS]
            if name not in row.values
        }
    relations = {}
    for name in services.SOURCE_RELATIONS:
        if name in row.values:
            relations[name] = row.values[name]
        elif row.source is not None:
            relations[name] = list(getattr(row.source, name).all())
        else:
            relations[name] = []
    for name, value in row.values.items():
        if name in services.SOURCE_FIELDS:
            setattr(instance, name, value)
    unknown_fields = [name for name in services.SOURCE_FIELDS if name in unknown]
    for name in unknown_fields:
        # Not the source's old value nor the default: the model's clean() compares
        # only the values it has (a minimum not read is not compared with the maximum).
        setattr(instance, name, None)
    scope_errors = {}
    if "scope" not in unknown:
        scope_errors = services.scope_errors(
            instance.scope, relations["regions"], relations["municipalities"]
        )
    try:
        services.check_model(
            instance,
            {name: message for name, message in scope_errors.items() if name not in unknown},
            exclude=unknown_fields,
            validate_unique=not row.unknown_source,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                row.errors.append(RowError(row.line, COLUMN_OF.get(name, ""), message))


def _changes(row):
    if row.source is None:
        return []
    before = export_values(row.source)
    after = dict(before)
    for name, value in row.values.items():
        after[COLUMN_OF.get(name, name)] = _export_value(name, value)
    if "cross_cutting" in row.values:
        after["priority_fields"] = _fields_cell(
            row.values["priority_fields"], row.values["cross_cutting"]
        )
    return [
        column for column in COLUMNS if column != "id" and before.get(column) != after.get(column)
    ]


def parse(header, rows):
    """Checks every row of a file; returns the Rows (nothing is written)."""
    check_header(header)
    lookups = Lookups()
    sources = FundingSource.objects.prefetch_related(*services.SOURCE_RELATIONS)
    by_id = {source.pk: source for source in sources}
    by_name = {source.name_lv: source for source in by_id.values()}
    seen_names, seen_ids, parsed = {}, {}, []
    # A row's errors in the order of its columns (in the file, then those it leaves out).
    order = {}
    for column in [*header, *COLUMNS]:
        if column:
            order.setdefault(column, len(order))
    for offset, cells_list in enumerate(rows, start=2):
        cells = {
            name: (cells_list[index] if index < len(cells_list) else "").strip()
            for index, name in enumerate(header)
            if name
        }
        row = Row(line=offset, name=cells.get("name_lv", ""))
        _existing(row, cells, by_id, by_name)
        _parse_cells(row, cells, lookups)
        name = row.values.get("name_lv", "")
        if name and name in seen_names:
            row.errors.append(
                RowError(
                    offset,
                    "name_lv",
                    _("The same name as row %(line)d.") % {"line": seen_names[name]},
                )
            )
        if row.source is not None and row.source.pk in seen_ids:
            row.errors.append(
                RowError(
                    offset,
                    "id",
                    _("The same source as row %(line)d.") % {"line": seen_ids[row.source.pk]},
                )
            )
        seen_names.setdefault(name, offset)
        if row.source is not None:
            seen_ids.setdefault(row.source.pk, offset)
        _validate(row)
        row.errors.sort(key=lambda error: order.get(error.column, len(order)))
        if not row.errors:
            row.changes = _changes(row)
        parsed.append(row)
    return parsed


def errors_of(rows):
    return [error for row in rows for error in row.errors]


@transaction.atomic
def apply(rows, *, by, only_new=False):
    """Writes checked rows, all or nothing. ``only_new``: leaves the sources already
    there as they are (seeding). Returns {"new": n, "changed": n, "unchanged": n}."""
    if errors_of(rows):
        raise ValidationError(_("The file has errors; nothing was imported."))
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    try:
        with transaction.atomic():
            for row in rows:
                if row.action == "unchanged" or (only_new and row.source is not None):
                    counts["unchanged"] += 1
                    continue
                services.save_source(row.source, by=by, values=row.values)
                counts[row.action] += 1
    except IntegrityError as error:
        raise ValidationError(
            _("The file conflicts with sources saved meanwhile; nothing was imported. Try again.")
        ) from error
    return counts


class RowErrors(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def import_file(path, *, by=None, only_new=False):
    """Imports a file from disk (the seed): all of it, or nothing when a row has an
    error (RowErrors)."""
    with open(path, "rb") as handle:
        header, raw = read_table(File(handle, name=path.name))
    rows = parse(header, raw)
    if errors_of(rows):
        raise RowErrors(errors_of(rows))
    return apply(rows, by=by, only_new=only_new)


# --- export ------------------------------------------------------------------------


def _join(rows, attribute="code"):
    return SEPARATOR.join(getattr(row, attribute) for row in rows)


def _fields_cell(fields, cross_cutting):
    codes = [f.code for f in sorted(fields, key=lambda f: (f.order, f.code))]
    return SEPARATOR.join(codes + ([CROSS_CUTTING] if cross_cutting else []))


def _export_value(name, value):
    if name in ("legal_forms", "regions"):
        return SEPARATOR.join(row.code for row in sorted(value, key=lambda r: (r.order, r.code)))
    if name == "municipalities":
        return SEPARATOR.join(sorted(m.name for m in value))
    if name == "priority_fields":
        return _fields_cell(value, False)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def export_values(source):
    """{column: text} of a source (relations prefetched)."""
    values = {"id": str(source.pk)}
    for column, name in COLUMNS.items():
        if name is None:
            continue
        value = getattr(source, name)
        if name in services.SOURCE_RELATIONS:
            value = list(value.all())
        values[column] = _export_value(name, value)
    values["priority_fields"] = _fields_cell(source.priority_fields.all(), source.cross_cutting)
    return values


def export_rows(sources):
    for source in sources:
        values = export_values(source)
        yield safe_row([values[column] for column in COLUMNS])


def call_rows(calls):
    from django.utils import timezone

    def moment(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    for call in calls:
        yield safe_row(
            [
                call.source_id,
                call.source.name_lv,
                call.title,
                call.status,
                moment(call.opens_at),
                moment(call.deadline),
                _export_value("budget", call.budget),
                call.rules_url,
            ]
        )


def export_sources():
    return FundingSource.objects.prefetch_related(*services.SOURCE_RELATIONS).order_by(
        "name_lv", "pk"
    )


def export_calls():
    return FundingCall.objects.select_related("source").order_by(
        "source__name_lv", "deadline", "pk"
    )


def csv_text(sources):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # spreadsheet programs then read it as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(list(COLUMNS))
    writer.writerows(export_rows(sources))
    return buffer.getvalue()


def xlsx_bytes(sources, calls):
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in (
        (_("Funding sources"), list(COLUMNS), export_rows(sources)),
        (_("Calls"), CALL_COLUMNS, call_rows(calls)),
    ):
        sheet = workbook.create_sheet(title=title[:31])
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
