"""Staff import the catalogue from CSV or XLSX: a preview of what changes and every
error with its row and column, nothing written until they confirm, nothing at all
when a row has an error; and export it in the same columns."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from funding import spreadsheet
from funding.models import FundingSource
from tests import factories

HEADER = [
    "name_lv",
    "name_en",
    "funder",
    "kind",
    "priority_fields",
    "legal_forms",
    "scope",
    "municipalities",
    "min_eur",
    "max_eur",
    "cofinancing_percent",
    "verification",
]


def _csv(rows, header=HEADER, delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("avoti.csv", buffer.getvalue().encode(), content_type="text/csv")


def _xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("avoti.xlsx", buffer.getvalue())


GOOD = [
    "Ventspils NVO konkurss",
    "Ventspils NGO competition",
    "Ventspils valstspilsētas pašvaldība",
    "grant",
    "culture; youth",
    "association; foundation",
    "municipal",
    "Ventspils",
    "200",
    "3000",
    "20",
    "confirmed",
]
BAD = [
    "Talsu kopienu fonds",
    "",
    "Talsu novada fonds",
    "grant",
    "culture; sports",
    "company",
    "municipal",
    "Talsu nov.",
    "5000",
    "1000",
    "120",
    "confirmed",
]


@pytest.fixture
def staff_client(client, staff, funding_reference):
    client.force_login(staff)
    return client


def test_a_file_with_one_bad_row_shows_each_error_and_writes_nothing(staff_client):
    response = staff_client.post(reverse("funding:import"), {"file": _csv([GOOD, BAD])})
    assert response.status_code == 400
    errors = [str(error) for error in response.context["errors"]]
    # The codes that cannot be read, and the rules on the amounts that could: all at once.
    assert errors == [
        "3. rinda, kolonna “priority_fields”: Nezināma prioritārā joma “sports”. "
        "Zināmās: culture, it, environment, youth, social, cross_cutting.",
        "3. rinda, kolonna “legal_forms”: Nezināma juridiskā forma “company”. Zināmās: "
        "association, foundation, religious, social_enterprise, municipality, "
        "any_legal_person, natural_person.",
        "3. rinda, kolonna “max_eur”: Maksimālā summa nevar būt mazāka par minimālo.",
        "3. rinda, kolonna “cofinancing_percent”: Līdzfinansējums ir procenti no 0 līdz 100.",
    ]
    assert response.context["token"] == ""
    assert "Apstiprināt importu" not in response.content.decode()
    assert not FundingSource.objects.exists()


def test_every_error_of_a_row_is_listed_in_one_upload(staff_client):
    factories.FundingSourceFactory(name_lv="Liepājas fonds", amount_min=Decimal("1000"))
    five = [
        "Kuldīgas kopienu fonds",
        "",
        "",  # no funder
        "grantt",
        "culture",
        "association",
        "national",
        "",
        "abc",
        "-5",
        "150",
        "confirmed",
    ]
    # A municipality's source with no municipality, and a minimum that cannot be read:
    # not compared with the maximum, nor is the minimum the source has now.
    other = [
        "Liepājas fonds",
        "",
        "Liepājas pašvaldība",
        "grant",
        "culture",
        "association",
        "municipal",
        "",
        "daudz",
        "500",
        "",
        "confirmed",
    ]
    response = staff_client.post(reverse("funding:import"), {"file": _csv([GOOD, five, other])})
    assert response.status_code == 400
    errors = [str(error) for error in response.context["errors"]]
    assert errors == [
        "3. rinda, kolonna “funder”: Šis lauks nevar būt tukšs",
        "3. rinda, kolonna “kind”: “grantt” nav neviena no vērtībām: grant, loan, prize, "
        "in_kind, sponsorship, crowdfunding, other.",
        "3. rinda, kolonna “min_eur”: “abc” nav skaitlis.",
        "3. rinda, kolonna “max_eur”: Maksimālā summa nevar būt negatīva.",
        "3. rinda, kolonna “cofinancing_percent”: Līdzfinansējums ir procenti no 0 līdz 100.",
        "4. rinda, kolonna “municipalities”: Izvēlieties pašvaldības, ko šis avots aptver.",
        "4. rinda, kolonna “min_eur”: “daudz” nav skaitlis.",
    ]
    assert [row.action for row in response.context["rows"]] == ["new", "error", "error"]
    assert response.context["token"] == ""
    assert "Apstiprināt importu" not in response.content.decode()
    assert list(FundingSource.objects.values_list("name_lv", "amount_min")) == [
        ("Liepājas fonds", Decimal("1000"))
    ]


def test_each_unknown_code_is_listed_and_a_row_of_no_known_source_is_not_held_to_its_columns(
    staff_client,
):
    rows = [["999", "X fonds", "company; club"], ["", "Y fonds", "association"]]
    response = staff_client.post(
        reverse("funding:import"), {"file": _csv(rows, header=["id", "name_lv", "legal_forms"])}
    )
    errors = [str(error) for error in response.context["errors"]]
    known = (
        "Zināmās: association, foundation, religious, social_enterprise, municipality, "
        "any_legal_person, natural_person."
    )
    # Row 2 names no source: the columns the file leaves out (funder) are not its errors;
    # row 3 is a new source, which needs a funder.
    assert errors == [
        "2. rinda, kolonna “id”: Nav finansējuma avota ar id 999.",
        f"2. rinda, kolonna “legal_forms”: Nezināma juridiskā forma “company”. {known}",
        f"2. rinda, kolonna “legal_forms”: Nezināma juridiskā forma “club”. {known}",
        "3. rinda, kolonna “funder”: Šis lauks nevar būt tukšs",
    ]
    assert not FundingSource.objects.exists()


def test_the_preview_writes_nothing_until_staff_confirm(staff_client, staff):
    fixed = BAD[:4] + ["culture", "association"] + BAD[6:8] + ["1000", "5000", "15", "partial"]
    response = staff_client.post(reverse("funding:import"), {"file": _csv([GOOD, fixed])})
    assert response.status_code == 200
    assert [row.action for row in response.context["rows"]] == ["new", "new"]
    token = response.context["token"]
    assert token and not FundingSource.objects.exists()

    response = staff_client.post(reverse("funding:import_confirm"), {"token": token})
    assert response.status_code == 302
    ventspils = FundingSource.objects.get(name_lv="Ventspils NVO konkurss")
    assert ventspils.created_by == staff
    assert [m.name for m in ventspils.municipalities.all()] == ["Ventspils"]
    assert set(ventspils.priority_fields.values_list("code", flat=True)) == {"culture", "youth"}
    assert (ventspils.amount_min, ventspils.amount_max) == (Decimal("200"), Decimal("3000"))
    talsi = FundingSource.objects.get(name_lv="Talsu kopienu fonds")
    assert [m.name for m in talsi.municipalities.all()] == ["Talsu novads"]
    assert talsi.verification == "partial"

    # The same file again: nothing new, nothing changed.
    response = staff_client.post(reverse("funding:import"), {"file": _csv([GOOD, fixed])})
    assert [row.action for row in response.context["rows"]] == ["unchanged", "unchanged"]


def test_a_changed_row_lists_its_columns_and_a_tampered_token_is_refused(staff_client):
    factories.FundingSourceFactory(name_lv="Ventspils NVO konkurss", funder="Vecais")
    response = staff_client.post(reverse("funding:import"), {"file": _csv([GOOD])})
    (row,) = response.context["rows"]
    assert row.action == "changed"
    assert {"funder", "priority_fields", "scope", "max_eur"} <= set(row.changes)
    response = staff_client.post(
        reverse("funding:import_confirm"), {"token": response.context["token"] + "x"}
    )
    assert response.status_code == 302 and response.url == reverse("funding:import")
    assert FundingSource.objects.get().funder == "Vecais"


def test_a_source_saved_meanwhile_is_seen_at_the_confirmation(staff_client):
    response = staff_client.post(reverse("funding:import"), {"file": _csv([GOOD])})
    token = response.context["token"]
    factories.FundingSourceFactory(name_lv="Ventspils NVO konkurss", funder="Cits")
    response = staff_client.post(reverse("funding:import_confirm"), {"token": token})
    assert response.status_code == 302
    # Checked again at the confirmation: the row changes that source, no duplicate.
    assert FundingSource.objects.get().funder == "Ventspils valstspilsētas pašvaldība"


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("x.csv", b""), "Iesniegtā datne ir tukša."),
        (SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad"), "nav ne XLSX darbgrāmata"),
        (SimpleUploadedFile("x.csv", b"nosaukums,summa\nA,1\n"), "Nezināmas kolonnas: nosaukums"),
        (SimpleUploadedFile("x.csv", b"name_en\nA\n"), "nav kolonnas name_lv"),
        (SimpleUploadedFile("x.xlsx", b"PK\x03\x04 broken"), "nav ne XLSX darbgrāmata"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(staff_client, upload, message):
    response = staff_client.post(reverse("funding:import"), {"file": upload})
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors["file"])
    assert not FundingSource.objects.exists()


def test_numbers_and_dates_as_people_type_them_and_row_numbers_of_bad_cells(staff_client):
    header = ["name_lv", "funder", "min_eur", "max_eur", "last_checked_on", "kind", "website"]
    rows = [
        ["A fonds", "A", "1 000,50", "2000", "21.11.2026", "Grants", "www.a.lv"],
        ["B fonds", "B", "tūkstotis", "", "2026-02-30", "grant", ""],
        ["C fonds", "C", "-5", "", "", "", ""],
    ]
    response = staff_client.post(
        reverse("funding:import"), {"file": _csv(rows, header=header, delimiter=";")}
    )
    errors = [str(error) for error in response.context["errors"]]
    assert errors == [
        "3. rinda, kolonna “min_eur”: “tūkstotis” nav skaitlis.",
        "3. rinda, kolonna “last_checked_on”: “2026-02-30” nav datums formā 2026-11-21.",
        "4. rinda, kolonna “min_eur”: Minimālā summa nevar būt negatīva.",
        "4. rinda, kolonna “kind”: Šī kolonna nevar būt tukša.",
    ]
    first = response.context["rows"][0]
    assert first.values["amount_min"] == Decimal("1000.50")
    assert first.values["website"] == "https://www.a.lv"


def test_an_xlsx_file_imports_the_same_way(staff_client):
    response = staff_client.post(reverse("funding:import"), {"file": _xlsx([GOOD])})
    assert response.status_code == 200
    staff_client.post(reverse("funding:import_confirm"), {"token": response.context["token"]})
    assert FundingSource.objects.get().amount_max == Decimal("3000")


def test_the_export_round_trips_and_guards_formulas(staff_client, seeded):
    FundingSource.objects.filter(name_lv__startswith="Liepājas valstspilsētas").update(
        funder='=HYPERLINK("http://x")'
    )
    response = staff_client.get(reverse("funding:export_csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="funding-sources-')
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 25
    liepaja = next(r for r in rows if r["name_lv"].startswith("Liepājas valstspilsētas"))
    assert liepaja["funder"] == '\'=HYPERLINK("http://x")'
    assert liepaja["municipalities"] == "Liepāja"
    assert liepaja["priority_fields"] == "culture; it; environment; youth; social; cross_cutting"
    # Imported back unchanged (but the guarded cell, which now reads as text).
    header, raw = spreadsheet.read_table(SimpleUploadedFile("e.csv", response.content))
    actions = [row.action for row in spreadsheet.parse(header, raw)]
    assert actions.count("unchanged") == 24 and actions.count("changed") == 1

    response = staff_client.get(reverse("funding:export_xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    sources, calls = workbook.worksheets
    assert sources.max_row == 26 and sources["B1"].value == "name_lv"
    assert [cell.value for cell in calls[1]][:3] == ["source_id", "source", "title"]


def test_the_seed_command_refuses_a_file_with_errors(funding_reference, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "avoti.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(BAD) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_funding_sources", str(path))
    assert "kolonna “priority_fields”" in str(raised.value)
    assert not FundingSource.objects.exists()
