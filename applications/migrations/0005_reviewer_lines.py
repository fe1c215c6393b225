
import django.db.models.deletion
from django.db import migrations, models

# Standard SQL that SQLite and PostgreSQL both run (SQRT is built into PostgreSQL
# and registered by Django on SQLite connections). Each score is put on a 0–1 scale,
# u = (value − lowest) / (highest − lowest); "own" holds each member's mean of u and
# of u², "committee" those of the whole cycle's committee (weighted by the number of
# scores), and the variance is mean(u²) − mean(u)². "own" groups on the tables' own
# columns, so that the planner estimates the few rows this yields.
CREATE_VIEW = """
CREATE VIEW applications_reviewerline AS
WITH own AS (
    SELECT r.member_id AS member_id, m.cycle_id AS cycle_id, COUNT(*) AS scores,
           AVG(CAST(s.value - s.scale_min AS DOUBLE PRECISION) / (s.scale_max - s.scale_min))
               AS mean,
           AVG(CAST(s.value - s.scale_min AS DOUBLE PRECISION) / (s.scale_max - s.scale_min)
               * (s.value - s.scale_min) / (s.scale_max - s.scale_min)) AS mean_square
    FROM applications_score s
    JOIN applications_reviewassignment r ON r.id = s.assignment_id
    JOIN applications_committeemember m ON m.id = r.member_id
    WHERE r.status = 'submitted' AND s.value IS NOT NULL
    GROUP BY r.member_id, m.cycle_id
),
committee AS (
    SELECT cycle_id, SUM(scores * mean) / SUM(scores) AS mean,
           SUM(scores * mean_square) / SUM(scores) AS mean_square
    FROM own
    GROUP BY cycle_id
),
slopes AS (
    SELECT own.member_id AS member_id, own.scores AS scores, own.mean AS mean,
           committee.mean AS committee_mean,
           CASE WHEN own.mean_square - own.mean * own.mean > 1e-12
                 AND committee.mean_square - committee.mean * committee.mean > 0
                THEN SQRT((committee.mean_square - committee.mean * committee.mean)
                          / (own.mean_square - own.mean * own.mean))
                ELSE 0 END AS slope
    FROM own JOIN committee ON committee.cycle_id = own.cycle_id
)
SELECT member_id, scores, mean, committee_mean, slope,
       committee_mean - slope * mean AS intercept
FROM slopes
"""


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0004_review_and_selection'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReviewerLine',
            fields=[
                ('member', models.OneToOneField(db_column='member_id', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='line', serialize=False, to='applications.committeemember', verbose_name='reviewer')),
                ('scores', models.IntegerField(verbose_name='scores')),
                ('mean', models.FloatField(verbose_name='mean score (0–1)')),
                ('committee_mean', models.FloatField(verbose_name="committee's mean score (0–1)")),
                ('slope', models.FloatField(verbose_name='slope')),
                ('intercept', models.FloatField(verbose_name='intercept')),
            ],
            options={
                'verbose_name': 'reviewer normalisation',
                'verbose_name_plural': 'reviewer normalisation',
                'db_table': 'applications_reviewerline',
                'ordering': ['member'],
                'managed': False,
            },
        ),
        migrations.RunSQL(CREATE_VIEW, "DROP VIEW applications_reviewerline"),
    ]
