"""Reads of the outbox for staff: emails grouped by the message they carry.

One event often writes one email per person (``meeting:42:user:7:invited``,
``meeting:42:user:9:invited``): the outbox shows them as one message
(``meeting:42:invited``) with its recipients and their states. The message is the
key without its ``user:<id>`` part, computed by the database."""

from django.db.models import Case, CharField, Count, F, IntegerField, Max, Min, Q, Value, When
from django.db.models.functions import Concat, StrIndex, Substr

from .models import Email

_USER = ":user:"


def with_message(emails):
    """``emails`` annotated with ``message``: the key without ``:user:<id>``."""
    at = StrIndex(F("key"), Value(_USER))
    tail = Substr(F("key"), F("_at") + len(_USER))  # "7:invited"
    return (
        emails.annotate(_at=at)
        .annotate(
            _after_id=Case(
                When(_at=0, then=Value(0)),
                default=StrIndex(tail, Value(":")),
                output_field=IntegerField(),
            )
        )
        .annotate(
            message=Case(
                When(_at=0, then=F("key")),
                When(_after_id=0, then=Substr(F("key"), 1, F("_at") - 1)),
                default=Concat(Substr(F("key"), 1, F("_at") - 1), Substr(tail, F("_after_id"))),
                output_field=CharField(),
            )
        )
    )


def message_groups(emails):
    """One row per message of ``emails`` (a filtered queryset), newest first:
    ``message``, ``recipients``, a count per status, the first email's pk and
    subject, when it was written and last sent."""
    per_status = {
        f"n_{status}": Count("pk", filter=Q(status=status)) for status, _l in Email.Status.choices
    }
    return (
        with_message(emails.order_by())
        .values("message")
        .annotate(
            recipients=Count("pk"),
            first_pk=Min("pk"),
            subject=Min("subject"),
            written_at=Max("created_at"),
            sent_at=Max("sent_at"),
            duplicated=Count("pk", filter=Q(possibly_duplicated=True)),
            with_calendar=Count("pk", filter=~Q(calendar="")),
            **per_status,
        )
        .order_by("-written_at", "-first_pk")
    )


def emails_of(emails, messages):
    """The emails (of ``emails``) of the given messages, {message: [emails]}."""
    found = {}
    for email in (
        with_message(emails)
        .filter(message__in=list(messages))
        .select_related("recipient")
        .order_by("to", "pk")
    ):
        found.setdefault(email.message, []).append(email)
    return found
