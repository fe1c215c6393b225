"""The programme's results in a cycle (analysis/figures.py): every table of the staff's
results dashboard checked against the figures counted by hand in
``tests/results_support.py``, its CSV and XLSX exports, the programme report and the
public results page (aggregates only, a figure over fewer than three organisations
left out, only the organisations that consented named)."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from analysis import public
from analysis.figures import Figures, shown
from applications.models import Application

from .results_support import programme


@pytest.fixture
def world(db):
    return programme()


@pytest.fixture
def figures(world):
    return Figures(world.cycle)


def test_the_funnel_per_field(figures):
    table = figures.table("funnel")
    assert table.rows == [
        ["Kultūra", 4, 3, 3, 2, 0, 1],
        ["Bērni un jaunieši", 2, 2, 1, 1, 0, 0],
    ]
    assert table.total == ["Kopā", 6, 5, 4, 3, 0, 1]
    assert table.chart["labels"] == ["Kultūra", "Bērni un jaunieši"]
    assert table.chart["series"][0]["data"] == [4.0, 2.0]


def test_once_the_cycle_ended_those_still_taking_part_completed(world):
    world.cycle.incubation_ends_on = timezone.localdate() - timezone.timedelta(days=1)
    table = Figures(world.cycle).table("funnel")
    assert table.rows[0][1:] == [4, 3, 3, 0, 2, 1]
    assert table.total[1:] == [6, 5, 4, 0, 3, 1]


def test_attendance_per_meeting_counts_only_meetings_held(figures):
    table = figures.table("attendance_meetings")
    assert [row[0] for row in table.rows] == ["Ievadtikšanās", "Kultūras darbnīca"]
    assert [row[2:] for row in table.rows] == [
        ["Visi", 2, 1, 1, 3, 50],
        ["Kultūra", 2, 0, 0, 2, 100],
    ]


def test_attendance_per_organisation_against_the_meetings_held_for_it(figures, world):
    table = figures.table("attendance_organisations")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows == {
        "Biedrība “A kopiena”": ["Kultūra", 2, 2, 0, 0, 100],
        "Biedrība “B kopiena”": ["Kultūra", 2, 1, 1, 0, 50],
        "Biedrība “C kopiena” (izstājusies)": ["Kultūra", 2, 0, 0, 1, 0],
        "Biedrība “D kopiena”": ["Bērni un jaunieši", 1, 1, 0, 0, 100],
    }


def test_consultation_hours_per_field_mentor_and_organisation(figures):
    fields = figures.table("hours_fields")
    assert fields.rows == [
        ["Kultūra", 1, 3, Decimal("3.0"), Decimal("3.0")],
        ["Bērni un jaunieši", 1, 1, Decimal("1.0"), Decimal("1.0")],
    ]
    assert fields.total == ["Kopā", 2, 4, Decimal("4.0"), Decimal("2.0")]
    mentors = figures.table("hours_mentors")
    assert mentors.rows == [
        ["Pēteris Kalns", "Eksperts", 1, 1, Decimal("0.5")],
        ["Ilze Ozola", "Mentors", 2, 3, Decimal("3.5")],
    ]
    organisations = {row[0]: row[2:] for row in figures.table("hours_organisations").rows}
    assert organisations == {
        "Biedrība “A kopiena”": [3, Decimal("3.0")],
        "Biedrība “B kopiena”": [0, Decimal("0.0")],
        "Biedrība “C kopiena” (izstājusies)": [0, Decimal("0.0")],
        "Biedrība “D kopiena”": [1, Decimal("1.0")],
    }


def test_bids_per_field(figures):
    table = figures.table("bids")
    assert table.rows == [
        ["Kultūra", 3, 2, 1, 1, 50, Decimal("15000"), Decimal("8000")],
        ["Bērni un jaunieši", 1, 1, 0, 0, None, Decimal("4000"), Decimal("0")],
    ]
    assert table.total == ["Kopā", 4, 3, 1, 1, 50, Decimal("19000"), Decimal("8000")]


def test_satisfaction_means_and_comments(figures):
    table = figures.table("satisfaction")
    assert [row[1] for row in table.rows] == [3.0, 4.0, 4.0, 3.33, 4.0]
    assert table.extra["count"] == 3
    assert table.extra["comments"] == [
        "Ļoti noderīgi: tagad mums ir finanšu plāns.",
        "Gribētos vairāk par finansēm.",
    ]


def test_cells_are_shown_in_latvian():
    assert shown(Decimal("12500.5"), "money") == "12\xa0500,50"
    assert shown(3.333, "mean") == "3,33"
    assert shown(50, "percent") == "50\xa0%"
    assert shown(None, "number") == "—"


def test_the_figures_take_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(17):
        Figures(world.cycle).tables()


# --- the pages ---------------------------------------------------------------------


@pytest.fixture
def staff_client(world):
    client = Client()
    client.force_login(world.staff)
    return client


def test_the_dashboard_shows_every_section_with_chart_and_table(staff_client, world):
    response = staff_client.get(reverse("analysis:dashboard", args=[world.cycle.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for key in Figures.KEYS:
        slug = key.replace("_", "-")
        assert f'id="table-{slug}"' in page
        assert reverse("analysis:results_csv", args=[world.cycle.pk, slug]) in page
        assert reverse("analysis:results_xlsx", args=[world.cycle.pk, slug]) in page
    assert 'data-chart="chart-funnel"' in page
    assert "19\xa0000,00" in page
    # Staff see the name of whoever did not ask to be left unnamed.
    assert "Ļoti noderīgi" in page and "Bez vārda" in page


def test_a_table_as_csv(staff_client, world):
    url = reverse("analysis:results_csv", args=[world.cycle.pk, "bids"])
    response = staff_client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "inkubators-2027-bids-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0][0] == "Prioritārā joma" and rows[0][-1] == "Piešķirti EUR"
    assert rows[1] == ["Kultūra", "3", "2", "1", "1", "50", "15000.0", "8000.0"]
    assert rows[2][5] == ""  # no bid decided yet: no success rate
    assert rows[3] == ["Kopā", "4", "3", "1", "1", "50", "19000.0", "8000.0"]


def test_a_table_as_xlsx(staff_client, world):
    url = reverse("analysis:results_xlsx", args=[world.cycle.pk, "hours-mentors"])
    response = staff_client.get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Mentors vai eksperts",
        "Loma",
        "Organizācijas",
        "Notikušās konsultācijas",
        "Stundas",
    ]
    assert rows[1:] == [
        ["Pēteris Kalns", "Eksperts", 1, 1, 0.5],
        ["Ilze Ozola", "Mentors", 2, 3, 3.5],
    ]


def test_an_unknown_table_is_404(staff_client, world):
    url = reverse("analysis:results_csv", args=[world.cycle.pk, "salaries"])
    assert staff_client.get(url).status_code == 404


def test_the_programme_report_reads_as_a_document(staff_client, world):
    response = staff_client.get(reverse("analysis:programme_report", args=[world.cycle.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Starpposma pārskats par programmu" in page
    assert "Inkubators 2027" in page
    assert "Ciklam pieteicās 6 organizācijas" in page
    assert "data-print" in page
    assert "css/results.css" in page
    # The funder's copy names nobody who gave feedback, and has no export buttons.
    assert "Gribētos vairāk par finansēm." in page
    assert world.leaders["A"].display_name not in page
    assert "results_csv" not in page and ".csv" not in page


# --- the public page ---------------------------------------------------------------


def test_the_public_page_names_only_consenting_organisations_still_taking_part(world):
    page = Client().get(reverse("analysis:public_cycle", args=[world.cycle.pk])).content.decode()
    assert "Biedrība “A kopiena”" in page
    assert "Biedrība “D kopiena”" in page
    assert "Biedrība “B kopiena”" not in page  # did not consent
    assert "Biedrība “C kopiena”" not in page  # consented, but left


def test_the_public_figures_leave_out_what_stands_for_fewer_than_three(world):
    figures = public.figures(world.cycle)
    assert figures["applied"] == 6
    fields = {row["field"].code: (row["applied"], row["admitted"]) for row in figures["fields"]}
    # Culture: 4 applied, 3 admitted (C left later); youth: too few to show.
    assert fields == {"culture": (4, 3), "youth": (None, None)}
    assert figures["hours"] is None  # two organisations consulted
    assert figures["bids"] == {"submitted": None, "awarded": None, "raised": None}
    assert figures["satisfaction"] == 4.0
    assert [p.organisation.name for p in figures["listed"]] == [
        "Biedrība “A kopiena”",
        "Biedrība “D kopiena”",
    ]


def test_the_public_bids_show_once_three_organisations_submitted(world):
    from .results_support import _bid

    for letter in ("B", "C"):
        _bid(world.places[letter], "Vēl viens", "1000", ["submitted", "awarded"], awarded="1000")
    figures = public.figures(world.cycle)
    assert figures["bids"] == {"submitted": 5, "awarded": 3, "raised": Decimal("10000")}


def test_the_consent_is_asked_on_the_application_form_and_optional(db, client, applicant):
    from .factories import ApplicationFactory

    application = ApplicationFactory(complete=True, created_by=applicant)
    from incubator.models import Membership

    Membership.objects.create(organisation=application.organisation, user=applicant, role="leader")
    client.force_login(applicant)
    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert 'name="listing_consent"' in page
    from applications.services import missing_items

    assert missing_items(Application.objects.get(pk=application.pk)) == []


def test_the_leader_lists_the_organisation_from_my_programme(world):
    client = Client()
    client.force_login(world.leaders["B"])
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    assert "netiek publicēts" in page
    url = reverse("analysis:listing", args=[world.places["B"].pk])
    assert url in page
    response = client.post(url, {"consent": "1"})
    assert response.status_code == 302 and response.url == reverse("cohorts:my_programme")
    application = Application.objects.get(pk=world.places["B"].application_id)
    assert application.listing_consent is True
    assert application.history.first().history_user == world.leaders["B"]
    public_page = Client().get(reverse("analysis:public_cycle", args=[world.cycle.pk]))
    assert "Biedrība “B kopiena”" in public_page.content.decode()
    client.post(url, {"consent": ""})
    assert Application.objects.get(pk=application.pk).listing_consent is False


def test_a_member_who_is_not_the_leader_cannot_change_the_listing(world):
    from incubator.models import Membership

    from . import factories

    colleague = factories.UserFactory(email="kolege@biedriba.lv")
    Membership.objects.create(organisation=world.organisations["A"], user=colleague)
    client = Client()
    client.force_login(colleague)
    response = client.post(reverse("analysis:listing", args=[world.places["A"].pk]), {})
    assert response.status_code == 403
    assert Application.objects.get(pk=world.places["A"].application_id).listing_consent is True


def test_the_consent_shows_in_the_staff_application(world):
    client = Client()
    client.force_login(world.staff)
    application = Application.objects.get(pk=world.places["A"].application_id)
    page = client.get(reverse("applications:staff_detail", args=[application.pk])).content.decode()
    assert "Piekrišana publicēšanai publiskajā rezultātu lapā" in page


def test_names_in_the_tables_are_escaped(staff_client, world):
    from incubator.models import Organisation

    Organisation.objects.filter(pk=world.organisations["A"].pk).update(name="A <b>kopiena</b>")
    page = staff_client.get(reverse("analysis:dashboard", args=[world.cycle.pk])).content.decode()
    assert "A &lt;b&gt;kopiena&lt;/b&gt;" in page and "<b>kopiena</b>" not in page
