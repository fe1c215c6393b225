"""Pages that show rather than list: the ranking's totals as bars and its places
per field as a chart, readable criterion headers, and the staff list's field ×
status counts as a stacked bar. Every chart's figures are also in a table."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from applications import services
from applications.templatetags.ranking_marks import abbreviation

from . import factories

pytestmark = pytest.mark.django_db


def chart_data(page, name):
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_chart_js_is_served_from_static_with_its_licence():
    folder = Path(settings.BASE_DIR) / "static" / "vendor" / "chartjs"
    assert (folder / "chart.umd.min.js").read_text().startswith("/*!\n * Chart.js v4.5.1")
    assert "MIT License" in (folder / "LICENSE.md").read_text()
    assert (Path(settings.BASE_DIR) / "static" / "js" / "charts.js").exists()


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Ilgtspēja", "Ilgtspēja"),
        ("Komandas kapacitāte", "Komandas kapac."),
        ("Atbilstība programmas mērķim", "Atbilstība progr."),
        ("Sadarbība ar kopienu un partneriem", "Sadarbība kopi."),
    ],
)
def test_criterion_names_get_a_readable_abbreviation(name, short):
    assert abbreviation(name) == short


def test_the_staff_list_draws_the_field_by_status_counts_beside_the_table(
    client, cycle, staff, priority_fields
):
    culture, it = priority_fields[0], priority_fields[1]
    for field, status in [(culture, "submitted"), (culture, "submitted"), (it, "draft")]:
        factories.ApplicationFactory(
            cycle=cycle, priority_field=field, organisation__priority_field=field, status=status
        )
    factories.ApplicationFactory(cycle=cycle, priority_field=it, submitted=True)
    client.force_login(staff)
    page = client.get(reverse("applications:staff_list"), {"cycle": cycle.pk}).content.decode()
    figures = chart_data(page, "counts-chart-data")
    series = {s["tone"]: s["data"] for s in figures["series"]}
    at = {name: i for i, name in enumerate(figures["labels"])}
    assert series["submitted"][at[culture.name]] == 2
    assert series["submitted"][at[it.name]] == 1
    assert series["draft"][at[it.name]] == 1
    assert sum(sum(data) for data in series.values()) == 4
    assert figures["stacked"] is True
    assert 'data-chart="counts-chart-data"' in page and 'role="img"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page and "js/charts.js" in page
    # The same figures, as a table.
    assert 'id="counts-table"' in page


def test_the_ranking_shows_totals_as_bars_places_as_a_chart_and_full_criterion_names(
    client, cycle, staff, review, priority_fields
):
    long_name = factories.CriterionFactory(
        cycle=cycle, name_lv="Atbilstība programmas mērķim", weight=2, scale_max=5, order=1
    )
    short_name = factories.CriterionFactory(
        cycle=cycle, name_lv="Ilgtspēja", weight=1, scale_max=5, order=2
    )
    culture = priority_fields[0]
    applications = [
        factories.ApplicationFactory(
            cycle=cycle,
            submitted=True,
            priority_field=culture,
            organisation__priority_field=culture,
        )
        for _ in range(3)
    ]
    reviewer = factories.UserFactory()
    for application, (x, y) in zip(applications, [(5, 5), (4, 2), (1, 3)], strict=True):
        review(reviewer, application, {long_name: x, short_name: y})
    services.decide(applications[0], decision="admitted", by=staff)
    client.force_login(staff)
    page = client.get(reverse("applications:review_ranking", args=[cycle.pk])).content.decode()

    assert '<span aria-hidden="true">Atbilstība progr.</span>' in page
    assert '<span class="visually-hidden">Atbilstība programmas mērķim</span>' in page
    assert 'title="Atbilstība programmas mērķim"' in page
    # Each total with its bar, the figure written out (Latvian decimals) beside it.
    bars = re.findall(r'data-progress="([\d.]+)"', page)
    assert [float(b) for b in bars] == pytest.approx([100.0, 66.67, 33.33], abs=0.01)
    assert "66,67" in page

    places = chart_data(page, "places-chart-data")
    at = places["labels"].index(culture.name)
    admitted, remaining = places["series"]
    assert admitted["data"][at] == 1
    summary = next(
        line
        for line in client.get(reverse("applications:review_ranking", args=[cycle.pk]))
        .context["ranking"]
        .summary
        if line["field"] == culture
    )
    assert remaining["data"][at] == max(summary["suggested"] - 1, 0)
    assert 'data-chart="places-chart-data"' in page
