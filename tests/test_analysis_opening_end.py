"""Staff open the end assessment from the cycle's page with a date to answer by:
without one nobody would be reminded of it, so a missing date (or one in the past)
is refused with a clear message, keeping what was typed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis import reminders, services
from analysis.models import Assessment
from incubator.notifications.models import Reminder


@pytest.fixture
def baseline(place, staff):
    services.open_assessments(place.cycle, kind="baseline", by=staff)
    return place


def _open(client, staff, place, **data):
    client.force_login(staff)
    return client.post(reverse("analysis:cycle", args=[place.cycle_id]), data)


def test_the_end_assessment_needs_a_date_to_answer_by(client, baseline, staff):
    response = _open(client, staff, baseline, kind="end", due_on="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Norādiet datumu, līdz kuram jāaizpilda noslēguma novērtējums" in page
    assert '<option value="end" selected>' in page  # the choice is kept
    assert not Assessment.objects.filter(kind="end").exists()


def test_a_past_date_to_answer_by_is_refused_and_kept(client, baseline, staff):
    past = timezone.localdate() - datetime.timedelta(days=1)
    response = _open(client, staff, baseline, kind="end", due_on=past.isoformat())
    assert response.status_code == 400
    page = response.content.decode()
    assert "nevar būt pagātnē" in page
    assert f'value="{past.isoformat()}"' in page
    assert not Assessment.objects.filter(kind="end").exists()


def test_the_end_assessment_opens_with_a_date_and_is_reminded(client, baseline, staff):
    due = timezone.localdate() + datetime.timedelta(days=14)
    response = _open(client, staff, baseline, kind="end", due_on=due.isoformat())
    assert response.status_code == 302
    end = Assessment.objects.get(kind="end", organisation=baseline.organisation)
    assert end.due_on == due
    assert Reminder.objects.filter(source=reminders.SOURCE, object_id=end.pk).exists()
