"""Following sources and calls (reminders before their deadlines through the
kernel's engine, the profile, the calendar) and saved searches with their weekly
email."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from funding import services
from funding.models import Follow, FundingCall, SavedSearch
from incubator import services as kernel_services
from incubator.notifications import services as notifications
from incubator.notifications.models import Email
from tests import factories

from .funding_support import at, source


@pytest.fixture
def call(funding_reference):
    fund = source(name_lv="Jauniešu fonds", name_en="Youth fund", fields=["youth"])
    return factories.FundingCallFactory(
        source=fund, title="Pavasara konkurss", deadline=at(30, 23, 59), opens_at=at(-1)
    )


def _schedule(call):
    return services.save_call(call, by=None, values={"title": call.title})


def _dispatch(moment):
    with time_machine.travel(moment, tick=False):
        notifications.dispatch(grace=datetime.timedelta(0), synchronous=True)


def test_followers_of_the_call_and_of_its_source_are_reminded_14_and_3_days_before(call):
    _schedule(call)
    of_call = factories.UserFactory(email="anna@biedriba.lv")
    of_source = factories.UserFactory(email="juris@biedriba.lv", language="en")
    both = factories.UserFactory(email="ilze@biedriba.lv")
    opted_out = factories.UserFactory(email="nerakstiet@biedriba.lv", optional_reminders=False)
    factories.UserFactory(email="citi@biedriba.lv")
    services.follow(of_call, call=call)
    services.follow(of_source, source=call.source)
    services.follow(both, call=call)
    services.follow(both, source=call.source)
    services.follow(opted_out, call=call)

    _dispatch(call.deadline - datetime.timedelta(days=14, minutes=1))
    assert not Email.objects.exists()
    _dispatch(call.deadline - datetime.timedelta(days=14))
    emails = {email.to: email for email in Email.objects.all()}
    assert set(emails) == {"anna@biedriba.lv", "juris@biedriba.lv", "ilze@biedriba.lv"}
    assert emails["anna@biedriba.lv"].subject.startswith("Finansējuma termiņš: Pavasara konkurss")
    assert "Atgādinām par finansējuma termiņu, kam sekojat" in emails["anna@biedriba.lv"].text_body
    assert emails["juris@biedriba.lv"].subject.startswith("Funding deadline: Pavasara konkurss")
    # The same moment again: nothing twice.
    _dispatch(call.deadline - datetime.timedelta(days=14))
    assert Email.objects.count() == 3
    _dispatch(call.deadline - datetime.timedelta(days=3))
    assert Email.objects.count() == 6
    assert all(email.status == "sent" for email in Email.objects.all())


def test_a_moved_deadline_reminds_at_the_new_moment_and_a_closed_call_not_at_all(call):
    person = factories.UserFactory(email="anna@biedriba.lv")
    services.follow(person, call=call)
    _schedule(call)
    moved = call.deadline + datetime.timedelta(days=10)
    services.save_call(call, by=None, values={"deadline": moved})
    _dispatch(call.deadline - datetime.timedelta(days=14))
    assert not Email.objects.exists()
    _dispatch(moved - datetime.timedelta(days=14))
    assert Email.objects.count() == 1
    services.save_call(call, by=None, values={"status": FundingCall.Status.CLOSED})
    _dispatch(moved - datetime.timedelta(days=3))
    assert Email.objects.count() == 1


def test_a_person_follows_and_unfollows_from_the_source_page(client, call):
    person = factories.UserFactory(email="anna@biedriba.lv")
    client.force_login(person)
    page = reverse("funding:source_detail", args=[call.source_id])
    response = client.post(
        reverse("funding:follow_call", args=[call.pk]), {"follow": "1", "next": page}
    )
    assert response.status_code == 302 and response.url == page
    response = client.post(reverse("funding:follow_call", args=[call.pk]), {"follow": "1"})
    assert Follow.objects.filter(user=person, call=call).count() == 1
    client.post(reverse("funding:follow_source", args=[call.source_id]), {"follow": "1"})
    profile = client.get(reverse("profile")).content.decode()
    assert "Finansējums, kam sekoju" in profile
    assert "Pavasara konkurss" in profile and "Jauniešu fonds" in profile
    client.post(reverse("funding:follow_call", args=[call.pk]), {"follow": "0"})
    assert list(Follow.objects.filter(user=person).values_list("source", flat=True)) == [
        call.source_id
    ]
    # Anonymous visitors are sent to sign in.
    client.logout()
    response = client.post(reverse("funding:follow_call", args=[call.pk]), {"follow": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_closed_call_cannot_be_followed(client, call):
    FundingCall.objects.filter(pk=call.pk).update(deadline=at(-1), opens_at=at(-20))
    person = factories.UserFactory(email="anna@biedriba.lv")
    client.force_login(person)
    response = client.post(reverse("funding:follow_call", args=[call.pk]), {"follow": "1"})
    assert response.status_code == 302
    assert not Follow.objects.exists()


def test_the_calls_a_person_follows_are_in_their_calendar_feed(client, call):
    person = factories.UserFactory(email="anna@biedriba.lv")
    services.follow(person, source=call.source)
    kernel_services.reset_calendar_token(person)
    response = client.get(reverse("calendar_feed", args=[person.calendar_token]))
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["uid"]).split("@")[0] for e in events] == [f"funding-call-{call.pk}"]
    assert events[0].decoded("dtstart") == call.deadline


# --- saved searches ----------------------------------------------------------------


def test_saving_a_search_from_the_catalogue(client, call):
    person = factories.UserFactory(email="anna@biedriba.lv")
    client.force_login(person)
    response = client.post(
        reverse("funding:search_save"),
        {"name": "Jaunatne", "query": "field=youth&open_now=1&amount=oops&unknown=1"},
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get()
    assert search.query == {"field": "youth", "open_now": "1"}
    # The same name again: a message on the field, the catalogue as it was filtered.
    response = client.post(
        reverse("funding:search_save"), {"name": "Jaunatne", "query": "field=youth"}
    )
    assert response.status_code == 400
    assert response.context["search_form"].errors["name"] == [
        "Jums jau ir saglabāts meklējums ar šādu nosaukumu."
    ]
    assert response.context["form"].cleaned_data["field"] == "youth"
    response = client.post(reverse("funding:search_save"), {"name": "", "query": ""})
    assert response.status_code == 400
    assert SavedSearch.objects.count() == 1
    # Deleted from the profile; another person's is a 404.
    other = factories.UserFactory(email="cits@biedriba.lv")
    client.force_login(other)
    assert client.post(reverse("funding:search_delete", args=[search.pk])).status_code == 404
    client.force_login(person)
    assert client.post(reverse("funding:search_delete", args=[search.pk])).status_code == 302
    assert not SavedSearch.objects.exists()


def test_the_weekly_email_reports_what_is_new_or_changed_and_nothing_else(call):
    person = factories.UserFactory(email="anna@biedriba.lv")
    start = timezone.now()
    search = services.save_search(person, name="Jaunatne", query={"field": "youth"}, now=start)
    culture = source(name_lv="Kultūras fonds", fields=["culture"])

    # A week later nothing matching has changed: no email.
    week = start + datetime.timedelta(days=7)
    assert services.send_digests(now=week) == 0
    assert not Email.objects.exists()

    # A new youth source and a changed call of another: both in the next email; the
    # culture source, changed too, does not match.
    with time_machine.travel(week + datetime.timedelta(days=1), tick=False):
        source(name_lv="Jaunais jauniešu fonds", fields=["youth"])
        services.save_call(call, by=None, values={"budget": Decimal("50000")})
        services.save_source(culture, by=None, values={"amount_max": Decimal("900")})
    two_weeks = start + datetime.timedelta(days=14)
    # Too early (less than six days since the last run): nothing.
    assert services.send_digests(now=week + datetime.timedelta(days=2)) == 0
    assert services.send_digests(now=two_weeks) == 1
    email = Email.objects.get()
    assert email.subject == "Jaunais un mainītais finansējums: Jaunatne"
    assert "Jaunais jauniešu fonds" in email.text_body
    assert "Pavasara konkurss" in email.text_body
    assert "Kultūras fonds" not in email.text_body
    search.refresh_from_db()
    assert search.last_sent_at == two_weeks
    # Run again (a second beat, the command): nothing twice.
    assert services.send_digests(now=two_weeks) == 0
    with time_machine.travel(two_weeks + datetime.timedelta(days=7), tick=False):
        call_command("send_funding_digests", stdout=StringIO())
    assert Email.objects.count() == 1


def test_the_beat_schedule_runs_the_digest_task():
    from django.conf import settings

    from funding import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["funding-saved-search-digests"]
    assert entry["task"] == tasks.send_saved_search_digests.name
