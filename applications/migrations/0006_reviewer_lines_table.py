"""Replaces the ``applications_reviewerline`` database view with a table.

SQLite refused to rebuild the tables the view read (which Django does to add or
change a column), PostgreSQL refused to change the type of a column it used, and
the view computed every cycle's lines to use one cycle's. The lines are now stored
per committee member and recomputed for one cycle by the scoring services whenever
a review is submitted or reopened (``services.refresh_reviewer_lines``); this
migration computes them for the reviews already submitted."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

CREATE_VIEW = importlib.import_module("applications.migrations.0005_reviewer_lines").CREATE_VIEW


def compute_lines(apps, schema_editor):
    from django.db.models import Avg, Count, F, FloatField
    from django.db.models.functions import Cast

    from applications.selectors.figures import normalisation_lines

    Score = apps.get_model("applications", "Score")
    ReviewerLine = apps.get_model("applications", "ReviewerLine")
    unit = Cast(F("value") - F("scale_min"), FloatField()) / Cast(
        F("scale_max") - F("scale_min"), FloatField()
    )
    rows = (
        Score.objects.filter(assignment__status="submitted", value__isnull=False)
        .values("assignment__member__cycle_id", "assignment__member_id")
        .annotate(n=Count("pk"), mean=Avg(unit), mean_square=Avg(unit * unit))
        .order_by("assignment__member__cycle_id", "assignment__member_id")
    )
    by_cycle = {}
    for row in rows:
        by_cycle.setdefault(row["assignment__member__cycle_id"], []).append(
            (row["assignment__member_id"], row["n"], row["mean"], row["mean_square"])
        )
    ReviewerLine.objects.bulk_create(
        ReviewerLine(member_id=member_id, scores=n, mean=mean, committee_mean=committee_mean,
                     slope=slope, intercept=intercept)
        for cycle_rows in by_cycle.values()
        for member_id, n, mean, committee_mean, slope, intercept
        in normalisation_lines(cycle_rows)
    )


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0005_reviewer_lines"),
    ]

    operations = [
        migrations.RunSQL("DROP VIEW IF EXISTS applications_reviewerline", CREATE_VIEW),
        migrations.DeleteModel(name="ReviewerLine"),
        migrations.CreateModel(
            name="ReviewerLine",
            fields=[
                ("member", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="line", serialize=False, to="applications.committeemember", verbose_name="reviewer")),
                ("scores", models.PositiveIntegerField(verbose_name="scores")),
                ("mean", models.FloatField(verbose_name="mean score (0–1)")),
                ("committee_mean", models.FloatField(verbose_name="committee's mean score (0–1)")),
                ("slope", models.FloatField(verbose_name="slope")),
                ("intercept", models.FloatField(verbose_name="intercept")),
            ],
            options={
                "verbose_name": "reviewer normalisation",
                "verbose_name_plural": "reviewer normalisation",
                "ordering": ["member"],
            },
        ),
        migrations.RunPython(compute_lines, migrations.RunPython.noop),
    ]
