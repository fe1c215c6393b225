"""Consultations as calendar events: the ``.ics`` attached to every booking, change
and cancellation (one UID for all of them), and each person's private feed
(registered with the kernel in apps.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from incubator.calendars import CalendarEvent, invitations
from incubator.site import absolute

from . import selectors

FEED_HISTORY = datetime.timedelta(days=180)


def consultation_event(consultation, cancelled=None):
    url = absolute(reverse("mentoring:consultation_detail", args=[consultation.pk]))
    cancelled = consultation.is_cancelled if cancelled is None else cancelled
    summary = _("Consultation: %(organisation)s — %(mentor)s") % {
        "organisation": consultation.organisation.name,
        "mentor": consultation.mentor.name,
    }
    if cancelled:
        summary = pgettext("consultation", "Cancelled: %(title)s") % {"title": summary}
    topic = consultation.topic.name if consultation.topic_id else ""
    description = "\n\n".join(
        part for part in [topic, consultation.note.strip(), consultation.location, url] if part
    )
    return CalendarEvent(
        uid=f"consultation-{consultation.pk}",
        summary=summary,
        start=consultation.starts_at,
        end=consultation.ends_at,
        description=description,
        location=consultation.location,
        url=url,
        sequence=consultation.sequence,
        cancelled=cancelled,
        updated_at=consultation.updated_at,
    )


def consultation_invitations(consultation, users, cancelled=None):
    """The ``.ics`` for each of ``users`` in their language: {user id: text}, a
    REQUEST (or a CANCEL) built once per language."""
    by_language = {}
    for user in users:
        by_language.setdefault(user.language, []).append(user)
    result = {}
    for language, people in by_language.items():
        with translation.override(language):
            event = consultation_event(consultation, cancelled=cancelled)
            texts = invitations(event, [person.email for person in people])
        result.update({person.pk: texts[person.email] for person in people})
    return result


def feed_events(user):
    """The kernel's feed provider: the person's consultations, as a mentor or expert
    and as one of an organisation's people (cancelled ones too, so that calendars
    drop their copy)."""
    consultations = selectors.consultations_for_feed(user, timezone.now() - FEED_HISTORY)
    return [consultation_event(c) for c in consultations]
