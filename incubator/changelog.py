"""How many writes the database has committed: the key under which pages are kept.

PostgreSQL only. Every table of the portal's database carries a statement-level
trigger that records the writing transaction in ``incubator_change`` (one row per
transaction, whatever it wrote and however: a service, the admin, a bulk update, raw
SQL, another process). ``committed()`` reads the sum of the rows' weights, which grows
by one with every committed writing transaction and by nothing else, so two reads that
find the same sum see the same data. Writers add rows and never update one, so the log
takes no lock another transaction could wait for.

``compact()`` (a Celery beat task every ten minutes) folds the rows into one carrying
their summed weight, keeping the sum and the table small. The table and the triggers
are made after every ``migrate`` (``install()``, idempotent), so tables that later
migrations add are covered too.
"""

from django.db import connection

TABLE = "incubator_change"
FUNCTION = "incubator_note_change"

_TABLE_SQL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xact xid8 UNIQUE,
    weight bigint NOT NULL DEFAULT 1
)
"""

_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (xact) VALUES (pg_current_xact_id()) ON CONFLICT (xact) DO NOTHING;
    RETURN NULL;
END
$$
"""

_TRIGGERS_SQL = f"""
DO $$
DECLARE
    name text;
BEGIN
    FOR name IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
          AND c.relname <> '{TABLE}'
          AND NOT EXISTS (
              SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = '{FUNCTION}'
          )
    LOOP
        EXECUTE format(
            'CREATE TRIGGER {FUNCTION} '
            'AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
            'FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()',
            name
        );
    END LOOP;
END
$$
"""

_COMPACT_SQL = f"""
WITH gone AS (DELETE FROM {TABLE} RETURNING weight)
INSERT INTO {TABLE} (weight) SELECT sum(weight) FROM gone HAVING count(*) > 0
"""


def available(using=connection):
    return using.vendor == "postgresql"


def install(using=connection):
    """The log's table, its function and a trigger on every table (PostgreSQL)."""
    if not available(using):
        return
    with using.cursor() as cursor:
        cursor.execute(_TABLE_SQL)
        cursor.execute(_FUNCTION_SQL)
        cursor.execute(_TRIGGERS_SQL)


def committed(using=connection):
    """The number of writing transactions committed and visible now."""
    with using.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(sum(weight), 0) FROM {TABLE}")
        return int(cursor.fetchone()[0])


def compact(using=connection):
    """Fold the log into one row of the same total weight."""
    if not available(using):
        return
    with using.cursor() as cursor:
        cursor.execute(_COMPACT_SQL)


def on_migrate(sender, using, **kwargs):
    """``post_migrate``: (re)install once per migrate run, for every table it made."""
    from django.db import connections

    if sender.name == "incubator":
        install(connections[using])
