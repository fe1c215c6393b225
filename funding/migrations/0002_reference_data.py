"""Reference data of the catalogue: the legal forms a source may admit, Latvia's
five planning regions and its 43 municipalities (7 state cities and 36 novadi, as
of the 2021 administrative reform), each in its planning region. Staff can change
them in the administration."""

from django.db import migrations

LEGAL_FORMS = [
    ("association", "Biedrība", "Association"),
    ("foundation", "Nodibinājums", "Foundation"),
    ("religious", "Reliģiska organizācija", "Religious organisation"),
    ("social_enterprise", "Sociālais uzņēmums", "Social enterprise"),
    ("municipality", "Pašvaldība vai tās iestāde", "Municipality or its institution"),
    ("any_legal_person", "Jebkura juridiska persona", "Any legal person"),
    ("natural_person", "Fiziska persona vai neformāla grupa", "Natural person or informal group"),
]

REGIONS = [
    ("kurzeme", "Kurzeme", "Kurzeme"),
    ("latgale", "Latgale", "Latgale"),
    ("riga", "Rīgas reģions", "Rīga region"),
    ("vidzeme", "Vidzeme", "Vidzeme"),
    ("zemgale", "Zemgale", "Zemgale"),
]

MUNICIPALITIES = {
    "kurzeme": [
        "Liepāja",
        "Ventspils",
        "Dienvidkurzemes novads",
        "Kuldīgas novads",
        "Saldus novads",
        "Talsu novads",
        "Tukuma novads",
        "Ventspils novads",
    ],
    "latgale": [
        "Daugavpils",
        "Rēzekne",
        "Augšdaugavas novads",
        "Balvu novads",
        "Krāslavas novads",
        "Līvānu novads",
        "Ludzas novads",
        "Preiļu novads",
        "Rēzeknes novads",
        "Varakļānu novads",
    ],
    "riga": [
        "Rīga",
        "Jūrmala",
        "Ādažu novads",
        "Ķekavas novads",
        "Mārupes novads",
        "Ogres novads",
        "Olaines novads",
        "Ropažu novads",
        "Salaspils novads",
        "Saulkrastu novads",
        "Siguldas novads",
    ],
    "vidzeme": [
        "Alūksnes novads",
        "Cēsu novads",
        "Gulbenes novads",
        "Limbažu novads",
        "Madonas novads",
        "Smiltenes novads",
        "Valkas novads",
        "Valmieras novads",
    ],
    "zemgale": [
        "Jelgava",
        "Aizkraukles novads",
        "Bauskas novads",
        "Dobeles novads",
        "Jelgavas novads",
        "Jēkabpils novads",
    ],
}


def create(apps, schema_editor):
    LegalForm = apps.get_model("funding", "LegalForm")
    Region = apps.get_model("funding", "Region")
    Municipality = apps.get_model("funding", "Municipality")
    for order, (code, name_lv, name_en) in enumerate(LEGAL_FORMS, start=1):
        LegalForm.objects.update_or_create(
            code=code, defaults={"name_lv": name_lv, "name_en": name_en, "order": order}
        )
    for order, (code, name_lv, name_en) in enumerate(REGIONS, start=1):
        region, _created = Region.objects.update_or_create(
            code=code, defaults={"name_lv": name_lv, "name_en": name_en, "order": order}
        )
        for name in MUNICIPALITIES[code]:
            Municipality.objects.update_or_create(name=name, defaults={"region": region})


def remove(apps, schema_editor):
    apps.get_model("funding", "Municipality").objects.all().delete()
    apps.get_model("funding", "Region").objects.all().delete()
    apps.get_model("funding", "LegalForm").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
