"""Searching the catalogue's text in Latvian and English.

On PostgreSQL: full-text search. The Latvian text (name, funder, description) is
read with ``funding_lv``, a copy of the ``simple`` configuration that first strips
diacritics (unaccent), so "jauniesi" finds "jaunieši"; the English text with
``funding_en``, the English stemmer after unaccent. Each word typed is a prefix
("kultūr" finds "kultūras"), to be found in either language; all words must be.
Both configurations and a GIN index on the searchable document are made by
migration 0003 (on PostgreSQL only). On SQLite: every word must appear in one of
the same columns.

The document is written out as SQL here rather than built from Django's
SearchVector (which migration 0003 used to make the index, and which produces the
same SQL): building that expression took half the time of composing the catalogue
page's query. It must read exactly as the index does, or PostgreSQL would not use
the index; ``tests/test_funding_catalogue.py`` checks that it does.
"""

import re

from django.db import connection
from django.db.models import BooleanField, Expression, F, FloatField, Q, Value

LV_CONFIG = "funding_lv"
EN_CONFIG = "funding_en"
MAX_WORDS = 8
TEXT_FIELDS = ["name_lv", "name_en", "funder", "description_lv", "description_en"]

DOCUMENT = (
    "(setweight(to_tsvector('funding_lv'::regconfig, COALESCE({name_lv}, '')), 'A')"
    " || setweight(to_tsvector('funding_lv'::regconfig,"
    " COALESCE({funder}, '') || ' ' || COALESCE({description_lv}, '')), 'B')"
    " || setweight(to_tsvector('funding_en'::regconfig, COALESCE({name_en}, '')), 'A')"
    " || setweight(to_tsvector('funding_en'::regconfig, COALESCE({description_en}, '')), 'B'))"
)
# One word, as a prefix, in either language.
TERM = "(to_tsquery('funding_lv', %s) || to_tsquery('funding_en', %s))"

_WORD = re.compile(r"\w+", re.UNICODE)


def full_text():
    """Whether the database searches with full-text search (PostgreSQL)."""
    return connection.vendor == "postgresql"


def words(text):
    """The words of a search, at most MAX_WORDS; nothing a tsquery could read as an
    operator survives."""
    found = [word.replace("_", "") for word in _WORD.findall(text or "")]
    return [word for word in found if word][:MAX_WORDS]


class _OnDocument(Expression):
    """SQL on the searchable document of the source being queried and the words
    searched for (all of them, each a prefix, in either language)."""

    template = ""

    def __init__(self, terms, output_field):
        super().__init__(output_field=output_field)
        self.terms = list(terms)
        self.columns = [F(name) for name in TEXT_FIELDS]

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, expressions):
        self.columns = expressions

    def as_sql(self, compiler, connection):
        columns = {}
        for name, column in zip(TEXT_FIELDS, self.columns, strict=True):
            columns[name], _params = compiler.compile(column)
        tsquery = " && ".join([TERM] * len(self.terms))
        params = [f"{term}:*" for term in self.terms for _config in (LV_CONFIG, EN_CONFIG)]
        sql = self.template.format(document=DOCUMENT.format(**columns), tsquery=tsquery)
        return sql, params


class Matches(_OnDocument):
    template = "{document} @@ ({tsquery})"
    conditional = True

    def __init__(self, terms):
        super().__init__(terms, BooleanField())


class Rank(_OnDocument):
    template = "ts_rank({document}, ({tsquery}))"

    def __init__(self, terms):
        super().__init__(terms, FloatField())


def plain_condition(text):
    """SQLite: each word in one of the text columns."""
    condition = Q()
    for word in words(text):
        either = Q()
        for field in TEXT_FIELDS:
            either |= Q(**{f"{field}__icontains": word})
        condition &= either
    return condition


def apply(sources, text, rank=False):
    """``sources`` narrowed to those matching ``text``; ``rank``: annotated with how
    well each matches (``rank``, 0 without full-text search), to sort by relevance.
    The document itself is never selected: the index answers the match."""
    terms = words(text)
    nothing = Value(0.0, output_field=FloatField())
    if not terms:
        return sources.annotate(rank=nothing) if rank else sources
    if not full_text():
        sources = sources.filter(plain_condition(text))
        return sources.annotate(rank=nothing) if rank else sources
    sources = sources.filter(Matches(terms))
    return sources.annotate(rank=Rank(terms)) if rank else sources
