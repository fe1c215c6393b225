"""The expertise taxonomy's first tags; staff edit them and add others."""

from django.db import migrations

# (code, Latvian, English, the support asked for in an application it answers)
TAGS = [
    ("fundraising", "Finansējuma piesaiste", "Fundraising", "funding"),
    (
        "project-applications",
        "Projektu pieteikumu rakstīšana",
        "Writing project applications",
        "project_applications",
    ),
    ("law", "Tiesības un statūti", "Law and statutes", ""),
    ("accounting", "Grāmatvedība un finanses", "Accounting and finance", ""),
    (
        "communication",
        "Komunikācija un sabiedriskās attiecības",
        "Communication and PR",
        "communication",
    ),
    ("strategy", "Stratēģija", "Strategy", "analysis"),
    ("governance", "Pārvaldība un valde", "Governance and boards", "analysis"),
    ("volunteers", "Brīvprātīgie un cilvēki", "Volunteers and people", ""),
    ("digital", "Digitālie rīki", "Digital tools", ""),
    ("social-enterprise", "Sociālā uzņēmējdarbība", "Social entrepreneurship", ""),
]


def create(apps, schema_editor):
    ExpertiseTag = apps.get_model("mentoring", "ExpertiseTag")
    for order, (code, name_lv, name_en, need) in enumerate(TAGS, start=1):
        ExpertiseTag.objects.get_or_create(
            code=code,
            defaults={"name_lv": name_lv, "name_en": name_en, "support_need": need, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0002_consultations")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
