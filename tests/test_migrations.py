"""Later migrations can still change the evaluation's tables.

A database view over the scores (``applications_reviewerline``, dropped in
``0006``) made SQLite refuse to rebuild the tables it read (Django rebuilds a
SQLite table to add or change a column: "error in view ...: no such table"), and
PostgreSQL refuse to change the type of a column it used. These operations are the
kind a later migration makes; they are applied to the test database and undone."""

import pytest
from django.db import connection, migrations, models
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

LATER_CHANGES = [
    migrations.AddField("score", "note", models.CharField(max_length=20, blank=True, default="")),
    migrations.AlterField("score", "value", models.IntegerField(null=True, blank=True)),
    migrations.AddField(
        "reviewassignment", "note", models.CharField(max_length=20, blank=True, default="")
    ),
    migrations.AlterField("reviewassignment", "status", models.CharField(max_length=20)),
    migrations.AddField(
        "committeemember", "note", models.CharField(max_length=20, blank=True, default="")
    ),
    migrations.AddField(
        "application", "note", models.CharField(max_length=20, blank=True, default="")
    ),
]


def test_a_later_migration_can_change_scores_reviews_and_the_committee():
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes("applications")
    states = [executor.loader.project_state(leaf, at_end=True)]
    with connection.schema_editor() as editor:
        for operation in LATER_CHANGES:
            before, after = states[-1], states[-1].clone()
            operation.state_forwards("applications", after)
            operation.database_forwards("applications", editor, before, after)
            states.append(after)
    with connection.schema_editor() as editor:
        for index, operation in reversed(list(enumerate(LATER_CHANGES))):
            operation.database_backwards("applications", editor, states[index + 1], states[index])
    columns = {
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), "applications_score"
        )
    }
    assert "note" not in columns and "value" in columns
