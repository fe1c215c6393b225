"""The expertise that helps an organisation weak in an area (mentor matching): the
field, and the default tags for the areas of the instruments that exist."""

from django.db import migrations, models

# Per area code, the expertise tag codes (as in analysis.default_instrument.EXPERTISE
# when this was written).
EXPERTISE = {
    "governance": ["governance", "law"],
    "strategy": ["strategy"],
    "finance": ["accounting"],
    "fundraising": ["fundraising", "project-applications"],
    "projects": ["project-applications"],
    "people": ["volunteers"],
    "communication": ["communication"],
    "partnerships": ["strategy", "social-enterprise"],
    "digital": ["digital"],
}


def link(apps, schema_editor):
    Area = apps.get_model("analysis", "Area")
    ExpertiseTag = apps.get_model("mentoring", "ExpertiseTag")
    tags = {tag.code: tag for tag in ExpertiseTag.objects.all()}
    for area in Area.objects.filter(code__in=EXPERTISE):
        area.expertise_tags.add(*(tags[c] for c in EXPERTISE[area.code] if c in tags))


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0002_feedback"),
        ("mentoring", "0003_expertise_tags"),
    ]

    operations = [
        migrations.AddField(
            model_name="area",
            name="expertise_tags",
            field=models.ManyToManyField(
                blank=True,
                help_text=(
                    "An organisation whose score in this area is low is matched with mentors "
                    "who have this expertise."
                ),
                related_name="areas",
                to="mentoring.expertisetag",
                verbose_name="expertise that helps",
            ),
        ),
        migrations.RunPython(link, migrations.RunPython.noop),
    ]
