"""Full-text search of the catalogue on PostgreSQL: the unaccent extension, two text
search configurations (Latvian text: ``simple`` after unaccent; English text: the
English stemmer after unaccent) and a GIN index on the searchable document, which
``funding.search`` queries. On any other database (SQLite) every step does nothing: the
catalogue then searches plainly."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import UnaccentExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = "funding_source_search"

CONFIGURATIONS = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'funding_lv') THEN
        CREATE TEXT SEARCH CONFIGURATION funding_lv (COPY = pg_catalog.simple);
        ALTER TEXT SEARCH CONFIGURATION funding_lv
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'funding_en') THEN
        CREATE TEXT SEARCH CONFIGURATION funding_en (COPY = pg_catalog.english);
        ALTER TEXT SEARCH CONFIGURATION funding_en
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
    END IF;
END
$$;
"""

DROP_CONFIGURATIONS = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS funding_lv;
DROP TEXT SEARCH CONFIGURATION IF EXISTS funding_en;
"""


def _index():
    # funding.search.DOCUMENT writes out the SQL of this very expression.
    document = (
        SearchVector("name_lv", config="funding_lv", weight="A")
        + SearchVector("funder", "description_lv", config="funding_lv", weight="B")
        + SearchVector("name_en", config="funding_en", weight="A")
        + SearchVector("description_en", config="funding_en", weight="B")
    )
    return GinIndex(document, name=INDEX)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CONFIGURATIONS)
    schema_editor.add_index(apps.get_model("funding", "FundingSource"), _index())


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("funding", "FundingSource"), _index())
    schema_editor.execute(DROP_CONFIGURATIONS)


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_reference_data")]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(forwards, backwards),
    ]
