from django.db import migrations

PRIORITY_FIELDS = [
    ("culture", "Kultūra", "Culture"),
    ("it", "IT, digitalizācija un uzņēmējdarbība", "IT, digitalisation and entrepreneurship"),
    (
        "environment",
        "Vide, pilsētvide un kopienu attīstība",
        "Environment, urban environment and community development",
    ),
    ("youth", "Bērni un jaunieši", "Children and youth"),
    ("social", "Sociālā joma un veselība", "Social and health"),
]


def create(apps, schema_editor):
    PriorityField = apps.get_model("incubator", "PriorityField")
    for order, (code, name_lv, name_en) in enumerate(PRIORITY_FIELDS, start=1):
        PriorityField.objects.update_or_create(
            code=code, defaults={"name_lv": name_lv, "name_en": name_en, "order": order}
        )


def remove(apps, schema_editor):
    PriorityField = apps.get_model("incubator", "PriorityField")
    PriorityField.objects.filter(code__in=[code for code, *_names in PRIORITY_FIELDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("incubator", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
