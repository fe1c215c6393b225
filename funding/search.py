"""Searching the catalogue's text in Latvian and English.

On PostgreSQL: full-text search. The Latvian text (name, funder, description) is
read with ``funding_lv``, a copy of the ``simple`` configuration that first strips
diacritics (unaccent), so "jauniesi" finds "jaunieši"; the English text with
``funding_en``, the English stemmer after unaccent. Each word typed is a prefix
("kultūr" finds "kultūras"), to be found in either language; all words must be.
Both configurations and a GIN index on ``document()`` are made by migration 0003
(on PostgreSQL only). On SQLite: every word must appear in one of the same columns.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import FloatField, Q, Value

LV_CONFIG = "funding_lv"
EN_CONFIG = "funding_en"
MAX_WORDS = 8
TEXT_FIELDS = ["name_lv", "name_en", "funder", "description_lv", "description_en"]

_WORD = re.compile(r"\w+", re.UNICODE)


def full_text():
    """Whether the database searches with full-text search (PostgreSQL)."""
    return connection.vendor == "postgresql"


def document():
    """The searchable document of a source; the index of migration 0003 is on this
    very expression, so that the database uses it."""
    return (
        SearchVector("name_lv", config=LV_CONFIG, weight="A")
        + SearchVector("funder", "description_lv", config=LV_CONFIG, weight="B")
        + SearchVector("name_en", config=EN_CONFIG, weight="A")
        + SearchVector("description_en", config=EN_CONFIG, weight="B")
    )


def words(text):
    """The words of a search, at most MAX_WORDS; nothing a tsquery could read as an
    operator survives."""
    return [word for word in _WORD.findall(text or "") if word.strip("_")][:MAX_WORDS]


def query(text):
    """The tsquery: each word as a prefix, in Latvian or English; all words."""
    combined = None
    for word in words(text):
        term = f"{word.replace('_', '')}:*"
        either = SearchQuery(term, search_type="raw", config=LV_CONFIG) | SearchQuery(
            term, search_type="raw", config=EN_CONFIG
        )
        combined = either if combined is None else combined & either
    return combined


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
    if not words(text):
        return sources.annotate(rank=Value(0.0, output_field=FloatField())) if rank else sources
    if not full_text():
        sources = sources.filter(plain_condition(text))
        return sources.annotate(rank=Value(0.0, output_field=FloatField())) if rank else sources
    tsquery = query(text)
    sources = sources.alias(document=document()).filter(document=tsquery)
    return sources.annotate(rank=SearchRank(document(), tsquery)) if rank else sources
