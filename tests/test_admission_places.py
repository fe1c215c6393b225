"""Admitting when every place is taken: a warning with the numbers, and an explicit
override that is recorded (who, when, why)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services
from applications.models import Application, StatusChange

from . import factories


@pytest.fixture
def three_scored(cycle, review, priority_fields, staff):
    """Two places; three scored applications, all in the first priority field."""
    cycle.places = 2
    cycle.save()
    criterion = factories.CriterionFactory(cycle=cycle)
    applications = []
    for name, value in (("Biedrība “Viens”", 5), ("Biedrība “Divi”", 4), ("Biedrība “Trīs”", 3)):
        application = factories.ApplicationFactory(
            cycle=cycle,
            submitted=True,
            organisation=factories.OrganisationFactory(
                name=name, priority_field=priority_fields[0]
            ),
        )
        review(factories.UserFactory(), application, {criterion: value})
        applications.append(application)
    return applications


def test_admitting_over_the_cycles_places_needs_a_recorded_reason(three_scored, staff):
    first, second, third = three_scored
    services.decide(first, decision="admitted", by=staff, reason="Labi")
    services.decide(second, decision="admitted", by=staff, reason="Labi")
    with pytest.raises(ValidationError) as error:
        services.decide(third, decision="admitted", by=staff, reason="Labi")
    assert error.value.code == "over_places"
    assert "Visas cikla vietas ir aizņemtas: uzņemtas 2 no 2." in error.value.messages[0]
    assert Application.objects.get(pk=third.pk).status == "submitted"
    # Wait-listing needs no place; changing an admitted decision keeps its own place.
    services.decide(third, decision="waitlisted", by=staff, reason="Rezervē")
    services.decide(second, decision="waitlisted", by=staff, reason="Pārdomāts")
    services.decide(second, decision="admitted", by=staff, reason="Atpakaļ")
    services.decide(
        third,
        decision="admitted",
        by=staff,
        reason="Labi",
        over_places_reason="Papildu finansējums",
    )
    change = StatusChange.objects.filter(application=third, status="admitted").get()
    assert (change.places_override, change.changed_by) == ("Papildu finansējums", staff)
    assert change.changed_at is not None
    assert Application.objects.filter(status="admitted").count() == 3
    # An admission with a free place records no override.
    assert StatusChange.objects.get(application=first, status="admitted").places_override == ""


def test_admitting_over_the_fields_maximum_names_the_field(three_scored, staff, priority_fields):
    first, second, _third = three_scored
    services.update_review_settings(first.cycle, by=staff, quotas={priority_fields[0]: (0, 1)})
    services.decide(first, decision="admitted", by=staff, reason="Labi")
    with pytest.raises(ValidationError) as error:
        services.decide(second, decision="admitted", by=staff, reason="Labi")
    message = error.value.messages[0]
    assert f"Prioritārā joma “{priority_fields[0].name}” ir pilna" in message
    assert "aizņemto vietu skaits 1, maksimums 1" in message
    services.decide(
        second, decision="admitted", by=staff, reason="Labi", over_places_reason="Spēcīga joma"
    )
    assert Application.objects.get(pk=second.pk).status == "admitted"


def test_staff_see_the_numbers_and_override_from_the_page(client, three_scored, staff):
    first, second, third = three_scored
    services.decide(first, decision="admitted", by=staff, reason="Labi")
    services.decide(second, decision="admitted", by=staff, reason="Labi")
    client.force_login(staff)
    url = reverse("applications:decide", args=[third.pk])
    response = client.post(url, {"decision": "admitted", "reason": "Spēcīgs projekts"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Visas cikla vietas ir aizņemtas: uzņemtas 2 no 2." in page
    assert "Spēcīgs projekts" in page  # what staff typed is kept
    assert "Pamatojums uzņemšanai virs vietu skaita" in page
    third.refresh_from_db()
    assert third.status == "submitted"
    response = client.post(
        url,
        {
            "decision": "admitted",
            "reason": "Spēcīgs projekts",
            "over_places_reason": "Padome piešķīra vēl vienu vietu",
        },
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.status == "admitted"
    detail = client.get(reverse("applications:staff_detail", args=[third.pk])).content.decode()
    assert "Padome piešķīra vēl vienu vietu" in detail
    decisions = client.get(reverse("applications:review_decisions", args=[third.cycle_id]))
    assert "Padome piešķīra vēl vienu vietu" in decisions.content.decode()


def test_bulk_admission_over_the_places_reports_each_refusal(client, three_scored, staff):
    cycle = three_scored[0].cycle
    client.force_login(staff)
    url = reverse("applications:review_decide", args=[cycle.pk])
    data = {"applications": [a.pk for a in three_scored], "decision": "admitted", "reason": "L"}
    page = client.post(url, data, follow=True).content.decode()
    assert "Reģistrēti 2 lēmumi" in page and "”: Visas cikla vietas ir aizņemtas" in page
    (left,) = Application.objects.filter(status="submitted")
    data["applications"] = [left.pk]
    client.post(url, {**data, "over_places_reason": "Papildu vieta"})
    assert Application.objects.filter(status="admitted").count() == 3
