"""Emails about consultations, requests and assignments, written to the kernel's
outbox in the transaction of the change that causes them.

Every booking, change and cancellation is told to both sides (the mentor or expert,
and the organisation's people as they are now), each with an ``.ics`` in their
language: a REQUEST, or a CANCEL, all with the consultation's one UID and its
``sequence``. Keys: ``consultation:<id>:user:<id>:<notice>``."""

from incubator.notifications.models import Email
from incubator.notifications.services import Outgoing, cancel_queued, queue_many

from ..calendar import consultation_invitations
from ..selectors.access import people_of

TEMPLATES = "mentoring/emails"


def consultation_people(consultation):
    """Both sides of a consultation: [(user, is_the_mentor)], each person once."""
    people = [(consultation.mentor.user, True)]
    if not consultation.mentor.user.is_active:
        people = []
    seen = {user.pk for user, _mentor in people}
    for user in people_of([consultation.organisation_id]).get(consultation.organisation_id, []):
        if user.pk not in seen:
            seen.add(user.pk)
            people.append((user, False))
    return people


def tell_consultation(consultation, *, notice, template, now, cancelled=None, **context):
    """Writes one email about ``consultation`` to each of its people, with the
    calendar file. Returns the new row ids."""
    people = consultation_people(consultation)
    calendars = consultation_invitations(consultation, [u for u, _m in people], cancelled)
    return queue_many(
        [
            Outgoing(
                key=f"consultation:{consultation.pk}:user:{user.pk}:{notice}",
                recipient=user,
                template=f"{TEMPLATES}/{template}",
                context={"consultation": consultation, "for_mentor": is_mentor, **context},
                calendar=calendars[user.pk],
            )
            for user, is_mentor in people
        ],
        now=now,
    )


def withdraw_queued(consultation):
    """The emails about the consultation still waiting in the outbox describe it as it
    was: they are not sent."""
    return cancel_queued(Email.objects.filter(key__startswith=f"consultation:{consultation.pk}:"))


def tell(people, *, key, template, now, **context):
    """One email to each of ``people`` (users), keyed ``<key>:user:<id>``."""
    return queue_many(
        [
            Outgoing(
                key=f"{key}:user:{user.pk}",
                recipient=user,
                template=f"{TEMPLATES}/{template}",
                context=context,
            )
            for user in people
            if user is not None and user.is_active
        ],
        now=now,
    )


def organisation_people(organisation_id):
    return people_of([organisation_id]).get(organisation_id, [])
