"""The results dashboard, the programme report, an export and the public results page
run the same number of queries for a cycle of 10 organisations as for one of 1,000
(each with its applications, meetings and attendance, consultations, bids, feedback
and assessments: ``bench.analysis.grow`` and ``add_programme``)."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.analysis import add_programme, grow
from incubator.models import PriorityField

from . import factories, helpers


def _count(client, url):
    response = client.get(url)  # warm up: sessions, caches, templates
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_results_pages_do_not_grow_with_the_cycle(db, django_assert_num_queries):
    helpers.make_priority_fields()
    field = PriorityField.objects.get(code="culture")
    staff = factories.StaffFactory(email="koordinatore@inkubators.lv")
    cycle = factories.RunningCycleFactory(name="Inkubators 2027")
    add_programme(cycle, grow(cycle, field, staff, organisations=10), staff)
    client, anonymous = Client(), Client()
    client.force_login(staff)
    urls = {
        "dashboard": (client, reverse("analysis:dashboard", args=[cycle.pk])),
        "report": (client, reverse("analysis:programme_report", args=[cycle.pk])),
        "export": (client, reverse("analysis:results_xlsx", args=[cycle.pk, "hours-mentors"])),
        "public": (anonymous, reverse("analysis:public_cycle", args=[cycle.pk])),
    }
    small = {name: _count(c, url) for name, (c, url) in urls.items()}
    youth = PriorityField.objects.get(code="youth")
    add_programme(cycle, grow(cycle, youth, staff, organisations=990), staff)
    for name, (c, url) in urls.items():
        c.get(url)
        with django_assert_num_queries(small[name]):
            response = c.get(url)
        assert response.status_code == 200, name
    page = client.get(urls["dashboard"][1]).content.decode()
    assert "Biedrība M" in page and 'data-chart="chart-funnel"' in page
