"""Calendars: each person's private feed, and the invitations attached to emails.

The kernel knows nothing of meetings or consultations. Apps register a provider,
a function ``provider(user)`` returning the ``CalendarEvent`` items that concern
that person, in their ``AppConfig.ready()``; the feed collects them all. The same
``CalendarEvent`` is turned into an ``.ics`` invitation for an email.
"""

import datetime
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText
from icalendar.parser import Contentline, Parameters

PRODUCT_ID = "-//NGO Incubator Portal//incubator//LV"

_providers = []


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across changes, e.g. "meeting-42"; made globally unique below
    summary: str
    start: datetime.datetime
    end: datetime.datetime | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    sequence: int = 0  # raised on every change, so calendars replace the old copy
    cancelled: bool = False
    updated_at: datetime.datetime | None = None


def register_provider(provider):
    """Adds ``provider(user) -> iterable of CalendarEvent`` to everyone's feed."""
    if provider not in _providers:
        _providers.append(provider)


def events_for(user):
    events = [event for provider in _providers for event in provider(user)]
    return sorted(events, key=lambda event: event.start)


def _domain():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _utc(moment):
    return moment.astimezone(datetime.UTC)


def _vevent(event, stamp):
    vevent = Event()
    vevent.add("uid", f"{event.uid}@{_domain()}")
    vevent.add("dtstamp", _utc(stamp))
    vevent.add("dtstart", _utc(event.start))
    if event.end is not None:
        vevent.add("dtend", _utc(event.end))
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.url:
        vevent.add("url", event.url)
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    if event.updated_at is not None:
        vevent.add("last-modified", _utc(event.updated_at))
    return vevent


def _calendar(method=None, name=None):
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def feed(user, name):
    """The person's whole calendar as iCalendar bytes."""
    return events_feed(events_for(user), name)


def events_feed(events, name):
    """A calendar to subscribe to, of ``events`` (CalendarEvent items), as iCalendar
    bytes: a person's feed, or a public one (an app's calendar of deadlines)."""
    calendar = _calendar(name=name)
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"value": "DURATION"})
    stamp = timezone.now()
    for event in events:
        calendar.add_component(_vevent(event, stamp))
    return calendar.to_ical()


def invitations(event, attendee_emails):
    """``.ics`` invitations for one event, as text for email attachments, one per
    attendee: METHOD:REQUEST (or CANCEL), organised by the portal's sender address.
    The calendar is serialised once; only each attendee's line differs."""
    calendar = _calendar(method="CANCEL" if event.cancelled else "REQUEST")
    vevent = _vevent(event, timezone.now())
    sender_name, sender_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{sender_address}")
    if sender_name:
        organizer.params["cn"] = vText(sender_name)
    vevent.add("organizer", organizer)
    calendar.add_component(vevent)
    head, end = calendar.to_ical().decode().rsplit("END:VEVENT\r\n", 1)
    parameters = Parameters({"PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"})
    result = {}
    for email in attendee_emails:
        line = Contentline.from_parts("ATTENDEE", parameters, f"mailto:{email}").to_ical()
        result[email] = f"{head}{line.decode()}\r\nEND:VEVENT\r\n{end}"
    return result


def invitation(event, attendee_email):
    return invitations(event, [attendee_email])[attendee_email]
