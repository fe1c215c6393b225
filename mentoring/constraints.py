"""The database's own guard against double booking.

On PostgreSQL an exclusion constraint (GiST over a time range, with ``btree_gist``
for the equality on the mentor) refuses a second consultation that overlaps one of
the same mentor, whichever connection writes it. SQLite has no such constraint: there
the constraint is left out of the schema, and a unique constraint on the start plus
the services' own check (under SQLite's single writer) refuse the second booking.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import connections
from django.db.models import Func


class TsTzRange(Func):
    """``tstzrange(start, end, '[)')``: a half-open time range, so that one
    consultation may end at the moment the next one starts."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL, nothing elsewhere (the same migration
    runs on SQLite)."""

    @staticmethod
    def _postgresql(schema_editor):
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return (
            super().constraint_sql(model, schema_editor)
            if self._postgresql(schema_editor)
            else None
        )

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._postgresql(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._postgresql(schema_editor) else None

    def validate(self, model, instance, exclude=None, using="default"):
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)
