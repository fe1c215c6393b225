"""The public catalogue's list, as one SQL statement a page.

The list is the catalogue's busiest read, so it is written as SQL rather than
composed with the ORM: composing and compiling the same statement from querysets
(a subquery per filter, three per source for its calls) took longer than the
database took to run it. What a filter means is stated once, in
``selectors.catalogue_sources`` (saved searches use it); ``tests/test_funding_listing.py``
checks on both databases that this statement finds the same sources for every
combination of filters, in the catalogue's order.

One statement fetches a page of sources with what their cards show: the nearest
deadline ahead, whether a call is open now or rolling, the ids of their priority
fields, and how many sources match in all (``COUNT(*) OVER ()``), so that neither
a count nor the fields need a statement of their own (on SQLite the fields come
as a comma-separated list).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import translation

from incubator.models import PriorityField

from . import search
from .models import FundingCall, FundingSource, LegalForm
from .selectors import CROSS_CUTTING, LEGAL_PERSONS, SOON

CLOSED = FundingCall.Status.CLOSED.value
OPEN = FundingCall.Status.OPEN.value
HISTORIC = FundingSource.Verification.HISTORIC.value
CENTS = Decimal("0.01")


def _tables():
    return {
        "source": FundingSource._meta.db_table,
        "call": FundingCall._meta.db_table,
        "source_fields": FundingSource.priority_fields.through._meta.db_table,
        "source_forms": FundingSource.legal_forms.through._meta.db_table,
        "field": PriorityField._meta.db_table,
        "form": LegalForm._meta.db_table,
    }


def _sql(template, **parts):
    return template.format(**TABLES, **parts)


TABLES = _tables()
# Calls ``c`` of the source ``s`` not closed with their deadline ahead, or rolling:
# what one may still prepare for (models.calls_ahead). Parameter: now.
AHEAD = f"c.source_id = s.id AND c.status <> '{CLOSED}' AND (c.deadline > %s OR c.deadline IS NULL)"
# ... and open now (models.open_calls): opened, where an announced call without an
# opening date has not. Parameters: now, now.
OPEN_NOW = f"{AHEAD} AND (c.opens_at <= %s OR (c.opens_at IS NULL AND c.status = '{OPEN}'))"
CALL = "EXISTS (SELECT 1 FROM {call} c WHERE {condition})"
NEXT_DEADLINE = "(SELECT MIN(c.deadline) FROM {call} c WHERE {ahead} AND c.deadline IS NOT NULL)"
FIELD = (
    "EXISTS (SELECT 1 FROM {source_fields} f JOIN {field} p ON p.id = f.priorityfield_id"
    " WHERE f.fundingsource_id = s.id AND p.code = %s)"
)
FORM = (
    "(EXISTS (SELECT 1 FROM {source_forms} l JOIN {form} lf ON lf.id = l.legalform_id"
    " WHERE l.fundingsource_id = s.id AND lf.code IN ({codes}))"
    " OR NOT EXISTS (SELECT 1 FROM {source_forms} l WHERE l.fundingsource_id = s.id))"
)
FIELD_IDS = {
    "postgresql": "ARRAY(SELECT f.priorityfield_id FROM {source_fields} f"
    " WHERE f.fundingsource_id = s.id)",
    "sqlite": "(SELECT group_concat(f.priorityfield_id) FROM {source_fields} f"
    " WHERE f.fundingsource_id = s.id)",
}
LISTED = [
    "name_lv",
    "name_en",
    "funder",
    "kind",
    "scope",
    "cross_cutting",
    "amount_min",
    "amount_max",
    "verification",
    "verification_note",
]


@dataclass(frozen=True, slots=True)
class Listed:
    """A source as the catalogue's list shows it; ``total``: how many are listed in all."""

    pk: int
    name_lv: str
    name_en: str
    funder: str
    kind: str
    scope: str
    cross_cutting: bool
    amount_min: Decimal | None
    amount_max: Decimal | None
    verification: str
    verification_note: str
    next_deadline: datetime.datetime | None
    has_open_call: bool
    has_rolling_call: bool
    field_ids: list
    total: int


def _amount(value):
    """A stored amount as the ORM reads it: SQLite gives a number, PostgreSQL a Decimal."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(CENTS)


def _moment(value):
    """A stored moment as the ORM reads it: SQLite gives text in UTC."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    return connection.ops.convert_datetimefield_value(value, None, connection)


def _ids(value):
    """Priority fields' ids: PostgreSQL gives an array, SQLite "3,1" (or NULL)."""
    if isinstance(value, list):
        return value
    return [int(pk) for pk in value.split(",")] if value else []


def _listed(row):
    (pk, name_lv, name_en, funder, kind, scope, cross_cutting, low, high, verification,
     note, deadline, open_now, rolling, field_ids, _rank, total) = row  # fmt: skip
    return Listed(
        pk, name_lv, name_en, funder, kind, scope, bool(cross_cutting), _amount(low),
        _amount(high), verification, note, _moment(deadline), bool(open_now), bool(rolling),
        _ids(field_ids), total,
    )  # fmt: skip


class Listing:
    """The catalogue's sources for ``filters`` at ``now``, in the catalogue's order
    (``filters.sort``; names in ``language``, the active one by default), as Django's
    Paginator reads a list: ``count()`` and slices."""

    def __init__(self, filters, now, language=None):
        self.filters = filters
        self.now = now
        self.language = (language or translation.get_language() or "lv")[:2]
        self.words = search.words(filters.q)
        self.ranked = filters.sort == "relevance" and bool(self.words)

    def _text(self, params):
        """Every word found, in either language: full-text search through the search
        index on PostgreSQL (search.Matches), each word in one of the text columns on
        SQLite (search.plain_condition)."""
        if search.full_text():
            params.extend(f"{word}:*" for word in self.words for _config in (1, 2))
            return f"{self._document()} @@ ({self._tsquery()})"
        conditions = []
        for word in self.words:
            pattern = f"%{connection.ops.prep_for_like_query(word)}%"
            either = [f"s.{name} LIKE %s ESCAPE '\\'" for name in search.TEXT_FIELDS]
            params.extend([pattern] * len(either))
            conditions.append(f"({' OR '.join(either)})")
        return " AND ".join(conditions)

    def _document(self):
        return search.DOCUMENT.format(**{name: f"s.{name}" for name in search.TEXT_FIELDS})

    def _tsquery(self):
        return " && ".join([search.TERM] * len(self.words))

    def _where(self, params):
        """The conditions of the filters, as selectors._conditions states them."""
        filters, now = self.filters, self._db_moment(self.now)
        conditions = []
        if not filters.show_historic or filters.open_now or filters.closing_soon:
            conditions.append(f"s.verification <> '{HISTORIC}'")
        if filters.field == CROSS_CUTTING:
            conditions.append("s.cross_cutting = %s")
            params.append(True)
        elif filters.field:
            conditions.append(_sql(FIELD))
            params.append(filters.field)
        if filters.legal_form:
            codes = [filters.legal_form]
            if filters.legal_form in LEGAL_PERSONS:
                codes.append("any_legal_person")
            conditions.append(_sql(FORM, codes=", ".join(["%s"] * len(codes))))
            params.extend(codes)
        for name in ("scope", "kind"):
            if getattr(filters, name):
                conditions.append(f"s.{name} = %s")
                params.append(getattr(filters, name))
        if filters.amount is not None:
            conditions.append("(s.amount_min IS NULL OR s.amount_min <= %s)")
            conditions.append("(s.amount_max IS NULL OR s.amount_max >= %s)")
            params.extend([connection.ops.adapt_decimalfield_value(filters.amount)] * 2)
        if filters.open_now:
            conditions.append(_sql(CALL, condition=OPEN_NOW))
            params.extend([now, now])
        if filters.closing_soon:
            conditions.append(_sql(CALL, condition=f"{AHEAD} AND c.deadline <= %s"))
            params.extend([now, self._db_moment(self.now + SOON)])
        if self.words:
            conditions.append(self._text(params))
        return " AND ".join(conditions) or "1 = 1"

    @staticmethod
    def _db_moment(moment):
        return connection.ops.adapt_datetimefield_value(moment)

    def count(self):
        params = []
        sql = f"SELECT COUNT(*) FROM {TABLES['source']} s WHERE {self._where(params)}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def _order(self):
        name = "s.name_en" if self.language == "en" else "s.name_lv"
        deadline = "next_deadline ASC NULLS LAST"
        if self.filters.sort == "name":
            return f"{name}, s.id"
        if self.ranked:
            return f"rank DESC, {deadline}, s.id"
        return f"{deadline}, {name}, s.id"

    def _annotations(self, params):
        """next_deadline, has_open_call, has_rolling_call, field_ids, rank."""
        now = self._db_moment(self.now)
        annotations = [f"{_sql(NEXT_DEADLINE, ahead=AHEAD)} AS next_deadline"]
        params.append(now)
        if self.filters.open_now:
            annotations.append("1 = 1")  # each source listed has a call open now
        else:
            annotations.append(_sql(CALL, condition=OPEN_NOW))
            params.extend([now, now])
        annotations.append(_sql(CALL, condition=f"{AHEAD} AND c.deadline IS NULL"))
        params.append(now)
        annotations.append(_sql(FIELD_IDS[connection.vendor]))
        if self.ranked and search.full_text():
            annotations.append(f"ts_rank({self._document()}, ({self._tsquery()})) AS rank")
            params.extend(f"{word}:*" for word in self.words for _config in (1, 2))
        else:
            annotations.append("0.0 AS rank")
        return annotations

    def __getitem__(self, rows):
        """The sources of the slice ``rows`` (a start and a stop)."""
        params = []
        columns = ", ".join(["s.id", *(f"s.{name}" for name in LISTED)])
        annotations = ", ".join(self._annotations(params))
        sql = (
            f"SELECT {columns}, {annotations}, COUNT(*) OVER ()"
            f" FROM {TABLES['source']} s WHERE {self._where(params)}"
            f" ORDER BY {self._order()}"
            f" LIMIT {int(rows.stop - rows.start)} OFFSET {int(rows.start)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [_listed(row) for row in cursor.fetchall()]
