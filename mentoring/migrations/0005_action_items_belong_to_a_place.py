"""After 0004 filled them: every action item names its cycle and organisation."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0004_action_items_stand_on_their_own"),
    ]

    operations = [
        migrations.AlterField(
            model_name="actionitem",
            name="cycle",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="action_items",
                to="incubator.cycle",
                verbose_name="cycle",
            ),
        ),
        migrations.AlterField(
            model_name="actionitem",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="action_items",
                to="incubator.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="actionitem",
            index=models.Index(fields=["cycle", "organisation"], name="action_item_place_idx"),
        ),
        migrations.AddConstraint(
            model_name="actionitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("owner", "organisation"), ("mentor__isnull", False), _connector="OR"
                ),
                name="action_item_of_a_mentor_names_the_mentor",
            ),
        ),
    ]
