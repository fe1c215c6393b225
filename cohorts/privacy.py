"""What ``cohorts`` holds about a person (their answers to meeting invitations), for
*My data* and erasure (``incubator.privacy.registry``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incubator.privacy import registry
from incubator.privacy.registry import DELETED, KEPT, Outcome

from .models import MeetingResponse

KEEP = _("An organisation's answers and attendance are the programme's records of its meetings.")
EXPLAINS = [
    Outcome(_("Your name on the list of who comes to a joint meeting"), DELETED),
    Outcome(_("Your organisations' answers to meeting invitations"), KEPT, KEEP),
]


def export(user, archive):
    responses = (
        MeetingResponse.objects.filter(Q(responded_by=user) | Q(attendees=user))
        .select_related("meeting", "organisation")
        .prefetch_related("attendees")
        .distinct()
        .order_by("meeting__starts_at", "pk")
    )
    archive.add_json(
        "meeting_responses.json",
        [
            {
                "meeting": response.meeting.title,
                "starts_at": response.meeting.starts_at,
                "organisation": response.organisation.name,
                "answer": response.answer,
                "note": response.note,
                "answered_by_you": response.responded_by_id == user.pk,
                "you_come": any(person.pk == user.pk for person in response.attendees.all()),
                "answered_at": response.updated_at,
            }
            for response in responses
        ],
    )


def erase(user):
    through = MeetingResponse.attendees.through
    removed = through.objects.filter(user=user).delete()[0]
    answered = MeetingResponse.objects.filter(responded_by=user).count()
    return [
        Outcome(_("Places on lists of who comes to a meeting"), DELETED, "", removed),
        Outcome(_("Answers to meeting invitations"), KEPT, KEEP, answered),
    ]


def register():
    registry.register(
        registry.Holder(name="cohorts", export=export, erase=erase, explains=EXPLAINS, order=30)
    )
