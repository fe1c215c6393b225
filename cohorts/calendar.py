"""Meetings and deadlines as calendar events: for invitations attached to emails and
for each person's calendar feed (registered with the kernel in apps.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incubator.calendars import CalendarEvent, invitations
from incubator.site import absolute

from . import selectors

# How far back a feed reaches; calendar apps keep what they already have.
FEED_HISTORY = datetime.timedelta(days=180)


def meeting_event(meeting, withdrawn=False):
    """The meeting as a calendar event. ``withdrawn``: for someone it no longer
    concerns, a cancellation of their copy, though the meeting itself takes place."""
    url = absolute(reverse("cohorts:meeting_detail", args=[meeting.pk]))
    description = "\n\n".join(
        part for part in [meeting.agenda.strip(), meeting.online_url, url] if part
    )
    summary = meeting.title
    if meeting.is_cancelled:
        summary = _("Cancelled: %(title)s") % {"title": meeting.title}
    return CalendarEvent(
        uid=f"meeting-{meeting.pk}",
        summary=summary,
        start=meeting.starts_at,
        end=meeting.ends_at,
        description=description,
        location=meeting.place or meeting.online_url,
        url=url,
        sequence=meeting.sequence,
        cancelled=meeting.is_cancelled or withdrawn,
        updated_at=meeting.updated_at,
    )


def deadline_event(deadline):
    url = absolute(reverse("cohorts:my_programme"))
    return CalendarEvent(
        uid=f"deadline-{deadline.pk}",
        summary=_("Deadline: %(title)s") % {"title": deadline.name},
        start=deadline.due_at,
        description="\n\n".join(part for part in [deadline.description.strip(), url] if part),
        url=url,
        updated_at=deadline.updated_at,
    )


def meeting_invitations(meeting, users, withdrawn=False):
    """The ``.ics`` attached to a meeting email, for each of ``users`` in their
    language: {user id: text}. Built once per language, not once per person."""
    by_language = {}
    for user in users:
        by_language.setdefault(user.language, []).append(user)
    result = {}
    for language, people in by_language.items():
        with translation.override(language):
            event = meeting_event(meeting, withdrawn=withdrawn)
            texts = invitations(event, [person.email for person in people])
        result.update({person.pk: texts[person.email] for person in people})
    return result


def feed_events(user):
    """The kernel's feed provider: the meetings and deadlines that concern ``user``."""
    meetings, deadlines = selectors.upcoming_for_feed(user, timezone.now() - FEED_HISTORY)
    return [meeting_event(m) for m in meetings] + [deadline_event(d) for d in deadlines]
