"""The waiting list moves: when an admitted organisation leaves, its place is
offered to the next wait-listed one by the ranking (within the field quotas), by
email; declined or lapsed, the next one is offered; accepted, it is admitted."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications import selectors, services
from applications.models import Application, PlaceOffer
from cohorts.models import CohortMembership
from incubator.notifications import reminders
from incubator.notifications.models import Email

from . import factories

NAMES = (
    "Biedrība “Uzņemtā”",
    "Biedrība “Pirmā rindā”",
    "Biedrība “Otrā rindā”",
    "Biedrība “Trešā rindā”",
)


@pytest.fixture
def waiting_three(cycle, staff, review, priority_fields):
    """One place, taken; three organisations on the waiting list (told so), ranked
    4, 3, 2 of 5. Returns (admitted, [wait-listed in ranking order])."""
    cycle.places = 1
    cycle.save()
    criterion = factories.CriterionFactory(cycle=cycle, scale_max=5)
    applications = []
    for name, value in zip(NAMES, (5, 4, 3, 2), strict=True):
        application = factories.ApplicationFactory(
            cycle=cycle,
            submitted=True,
            organisation=factories.OrganisationFactory(
                name=name, leader=factories.UserFactory(), priority_field=priority_fields[0]
            ),
        )
        review(factories.UserFactory(), application, {criterion: value})
        applications.append(application)
    admitted, *waiting = applications
    services.decide(admitted, decision="admitted", by=staff, reason="Labi")
    for application in waiting:
        services.decide(application, decision="waitlisted", by=staff, reason="Rezervē")
    services.finalise_ranking(cycle, by=staff)
    services.send_decision_letters(cycle, applications, by=staff)
    return admitted, waiting


def leader(application):
    return application.organisation.people.get()


def offer_emails(application):
    return list(
        Email.objects.filter(key__startswith="place-offer:", recipient=leader(application))
        .exclude(key__contains=":before-")
        .order_by("pk")
    )


def test_withdraw_offer_decline_next_offer_accept(
    client, cycle, staff, waiting_three, django_capture_on_commit_callbacks
):
    admitted, (first, second, third) = waiting_three
    client.force_login(leader(admitted))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:withdraw", args=[admitted.pk]), {"reason": "Valde"})

    # The first on the waiting list is offered the place, by email, for five days.
    offer = PlaceOffer.objects.get()
    assert (offer.application, offer.status) == (first, "open")
    assert offer.expires_at - offer.offered_at == datetime.timedelta(days=5)
    (email,) = offer_emails(first)
    link = reverse("applications:offer", args=[offer.pk])
    assert link in email.text_body and "Pirmā rindā" in email.text_body
    assert offer_emails(second) == [] and offer_emails(third) == []

    # Nobody else can open or answer it.
    client.force_login(leader(second))
    assert client.get(link).status_code == 404
    assert client.post(reverse("applications:offer_accept", args=[offer.pk])).status_code == 404

    # The first declines: the second is offered the place.
    client.force_login(leader(first))
    page = client.get(link).content.decode()
    assert "Pieņemt vietu" in page and "Atteikties no vietas" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:offer_decline", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == "declined" and offer.answered_by == leader(first)
    first.refresh_from_db()
    assert first.status == "waitlisted"
    second_offer = PlaceOffer.objects.get(status="open")
    assert second_offer.application == second
    assert len(offer_emails(second)) == 1 and offer_emails(third) == []

    # The second accepts: admitted, told, and in the programme like any admission.
    client.force_login(leader(second))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:offer_accept", args=[second_offer.pk]), follow=True
        )
    assert "Jūs pieņēmāt vietu" in response.content.decode()
    second.refresh_from_db()
    assert (second.status, second.visible_status) == ("admitted", "admitted")
    assert CohortMembership.objects.filter(cycle=cycle, organisation=second.organisation).exists()
    # Answered once: a second click changes nothing.
    client.post(reverse("applications:offer_accept", args=[second_offer.pk]))
    assert Application.objects.filter(cycle=cycle, status="admitted").count() == 1
    # The place is taken: the third is not offered anything.
    assert not PlaceOffer.objects.filter(application=third).exists()

    # Staff see every offer and its state.
    client.force_login(staff)
    page = client.get(reverse("applications:review_decisions", args=[cycle.pk]))
    offers = list(page.context["offers"])
    assert [(o.application, o.status) for o in offers] == [
        (second, "accepted"),
        (first, "declined"),
    ]
    html = page.content.decode()
    assert "Pieņemts" in html and "Atteikts" in html


def test_an_offer_is_reminded_a_day_before_and_lapses_to_the_next(
    cycle, staff, waiting_three, django_capture_on_commit_callbacks
):
    admitted, (first, second, third) = waiting_three
    services.update_review_settings(cycle, by=staff, offer_days=3)
    start = timezone.now()
    services.withdraw(admitted, by=leader(admitted), reason="")
    offer = PlaceOffer.objects.get()
    assert offer.expires_at == pytest.approx(
        start + datetime.timedelta(days=3), abs=datetime.timedelta(seconds=60)
    )

    # Two days on, nothing is due yet.
    with time_machine.travel(start + datetime.timedelta(days=1, hours=12), tick=False):
        reminders.sweep()
    assert not Email.objects.filter(key__contains=":before-1d").exists()
    # A day before it lapses, the organisation is reminded, once.
    with time_machine.travel(start + datetime.timedelta(days=2, minutes=5), tick=False):
        reminders.sweep()
        reminders.sweep()
    (reminder,) = Email.objects.filter(key__contains=":before-1d")
    assert reminder.recipient == leader(first) and "Atgādinājums" in reminder.subject
    assert reverse("applications:offer", args=[offer.pk]) in reminder.text_body
    # It lapses unanswered: the next on the waiting list is offered the place.
    with time_machine.travel(start + datetime.timedelta(days=3, minutes=5), tick=False):
        reminders.sweep()
    offer.refresh_from_db()
    assert offer.status == "lapsed"
    second_offer = PlaceOffer.objects.get(status="open")
    assert second_offer.application == second and len(offer_emails(second)) == 1
    # A lapsed offer can no longer be accepted.
    with time_machine.travel(start + datetime.timedelta(days=3, minutes=6), tick=False):
        with pytest.raises(Exception, match="vairs nav spēkā"):
            services.accept_offer(offer, by=leader(first))
    # Staff can still admit by hand.
    services.decide(third, decision="admitted", by=staff, reason="Rokām", over_places_reason="J")
    assert Application.objects.get(pk=third.pk).status == "admitted"


def test_the_offer_respects_the_field_quotas(cycle, staff, waiting_three, priority_fields):
    admitted, (first, second, third) = waiting_three
    culture, other_field = priority_fields[0], priority_fields[1]
    # The admitted organisation and the second on the list are of another field; the
    # first field may have one place at most, and it is taken.
    for application in (admitted, second):
        Application.objects.filter(pk=application.pk).update(priority_field=other_field)
    factories.ApplicationFactory(cycle=cycle, status="admitted", priority_field=culture)
    cycle.places = 2
    cycle.save()
    services.reopen_ranking(cycle, by=staff)
    services.update_review_settings(cycle, by=staff, quotas={culture: (0, 1)})
    services.withdraw(admitted, by=leader(admitted), reason="")
    # The first on the list is skipped: its field is full.
    (offer,) = PlaceOffer.objects.all()
    assert offer.application == second
    assert offer_emails(first) == [] and offer_emails(third) == []


def test_staff_offer_a_place_they_freed(client, cycle, staff, waiting_three):
    admitted, (first, _second, _third) = waiting_three
    cycle.places = 2
    cycle.save()
    client.force_login(staff)
    page = client.get(reverse("applications:review_decisions", args=[cycle.pk])).content
    assert "Piedāvāt brīvās vietas gaidīšanas sarakstam" in page.decode()
    response = client.post(
        reverse("applications:review_offer_places", args=[cycle.pk]), follow=True
    )
    assert "Biedrība “Pirmā rindā”" in response.content.decode()
    offer = PlaceOffer.objects.get()
    assert (offer.application, offer.offered_by) == (first, staff)
    # Pressed again: the place is on offer, nothing new.
    client.post(reverse("applications:review_offer_places", args=[cycle.pk]))
    assert PlaceOffer.objects.count() == 1
    assert re.search("place-offer", offer_emails(first)[0].key)


def test_the_decisions_page_reads_offers_in_constant_queries(
    client, cycle, staff, waiting_three, django_assert_max_num_queries
):
    admitted, waiting = waiting_three
    services.withdraw(admitted, by=leader(admitted), reason="")
    client.force_login(staff)
    url = reverse("applications:review_decisions", args=[cycle.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for offer in PlaceOffer.objects.filter(status="open"):
        services.decline_offer(offer, by=leader(offer.application))
    for offer in PlaceOffer.objects.filter(status="open"):
        services.decline_offer(offer, by=leader(offer.application))
    assert PlaceOffer.objects.count() == 3
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
    assert selectors.place_offers(cycle).count() == 3
