"""Call deadlines as calendar events: the public feed of the catalogue, and the calls
a person follows in their private calendar feed (registered in apps.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.calendars import CalendarEvent
from incubator.site import absolute

from . import selectors

FEED_HISTORY = datetime.timedelta(days=180)


def call_event(call):
    source = call.source
    url = absolute(reverse("funding:source_detail", args=[source.pk]))
    description = "\n\n".join(
        part
        for part in [
            source.name,
            source.funder,
            _("Rules of the call: %(url)s") % {"url": call.rules_url} if call.rules_url else "",
            url,
        ]
        if part
    )
    summary = _("Deadline: %(title)s") % {"title": f"{call.title} ({source.name})"}
    return CalendarEvent(
        uid=f"funding-call-{call.pk}",
        summary=summary,
        start=call.deadline,
        description=description,
        url=url,
        cancelled=call.status == call.Status.CLOSED and call.deadline > timezone.now(),
        updated_at=call.updated_at,
    )


def feed_events(user):
    """The kernel's feed provider: deadlines of the calls ``user`` follows."""
    calls = selectors.followed_calls(user, timezone.now() - FEED_HISTORY)
    return [call_event(call) for call in calls]
