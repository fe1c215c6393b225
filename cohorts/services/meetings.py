"""Joint meetings: scheduling, changes and cancellations (everyone invited is told),
materials, answers and attendance."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.notifications import reminders
from incubator.uploads import delete_document, store_document

from ..models import Attendance, JointMeeting, MeetingMaterial, MeetingResponse
from ..permissions import may_answer_for
from . import invitations
from .checks import cycle_errors
from .schedule import MEETING_SOURCE, schedule_meeting_reminders

MATERIALS_PER_MEETING = 20


def _check_meeting(meeting):
    """The meeting's rules, for the staff's form (whose fields show these errors)
    and any other caller alike."""
    errors = cycle_errors(
        meeting.cycle,
        meeting.cohort,
        meeting.starts_at,
        field="starts_at",
        outside=_("The meeting must take place within the cycle, between %(start)s and %(end)s."),
    )
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if not meeting.place.strip() and not meeting.online_url.strip():
        errors["place"] = _("Give the place, the online link, or both.")
    if errors:
        raise ValidationError(errors)


def _tell_everyone(meeting, notice, now, exclude=()):
    """Writes a mandatory notice (invited, changed-N, cancelled) to everyone the
    meeting is for, each with the calendar file in their language."""
    people = [i for i in invitations.invitees(meeting) if i.user.pk not in exclude]
    template = f"meeting_{notice.split('-')[0]}"
    return invitations.tell(meeting, people, notice=notice, template=template, now=now)


MEETING_FIELDS = ["cohort", "title", "starts_at", "ends_at", "place", "online_url", "agenda"]
# Changes people are told about (with a new calendar invitation).
NOTIFIED_FIELDS = {"starts_at", "ends_at", "place", "online_url"}


def _only_meeting_fields(fields):
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise ValueError(f"Not a meeting field: {', '.join(sorted(unknown))}")


def _locked(meeting):
    return (
        JointMeeting.objects.select_for_update(of=("self",))
        .select_related("cycle", "created_by")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def schedule_meeting(*, cycle, by, now=None, **fields):
    """Staff schedule a joint meeting: everyone it is for receives an invitation with
    a calendar file, and reminders are set for the cycle's moments before it."""
    now = now or timezone.now()
    _only_meeting_fields(fields)
    meeting = JointMeeting(cycle=cycle, created_by=by, **fields)
    _check_meeting(meeting)
    meeting.save()
    if meeting.starts_at > now:
        schedule_meeting_reminders(meeting, now)
        _tell_everyone(meeting, "invited", now)
    return meeting


@transaction.atomic
def update_meeting(meeting, *, by, now=None, **fields):
    """Staff change a meeting, until it has ended. A new time, place or link is a
    change people are told about, with an updated calendar invitation; its reminders
    follow the new time. Given to another cohort (or to the whole cycle), a meeting
    ahead invites the people it newly concerns and withdraws itself from those it no
    longer does. Returns the meeting and whether anyone was told."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    _require_editable(meeting, now)
    _only_meeting_fields(fields)
    changed = {name for name, value in fields.items() if getattr(meeting, name) != value}
    # Who the meeting is for, taken before it is given to another cohort.
    audiences = None
    if "cohort" in changed:
        audiences = invitations.Audiences(meeting.cycle_id, now, meetings=[meeting])
    for name in changed:
        setattr(meeting, name, fields[name])
    _check_meeting(meeting)
    notify = bool(changed & NOTIFIED_FIELDS) and meeting.ends_at > now
    if audiences is not None and meeting.starts_at <= now:
        audiences = None  # a meeting under way invites and withdraws nobody
    if notify or audiences is not None:
        meeting.sequence += 1
    meeting.save()
    if changed & {"starts_at", "cohort"}:
        _follow_reminders(meeting, now)
    return meeting, _tell_changes(meeting, now, notify=notify, audiences=audiences)


def _require_editable(meeting, now):
    if not meeting.is_editable(now):
        if meeting.is_cancelled:
            raise ValidationError(_("A cancelled meeting can no longer be changed."))
        raise ValidationError(_("A meeting that has taken place can no longer be changed."))


def _follow_reminders(meeting, now):
    """The meeting's reminders follow its new time or cohort; once it has started
    there is nothing left to remind of."""
    if meeting.starts_at > now:
        schedule_meeting_reminders(meeting, now)
    else:
        reminders.cancel(source=MEETING_SOURCE, object_id=meeting.pk)


def _tell_changes(meeting, now, *, notify, audiences):
    """Tells people about a changed meeting: with ``audiences`` (taken before it was
    given to another cohort) those it newly concerns are invited and those it no
    longer concerns withdrawn; with ``notify`` everyone else is told what changed,
    and the emails about it still waiting are not sent. Returns whether anyone was
    told."""
    invited, withdrawn = set(), set()
    if notify:
        invitations.withdraw_queued(meeting)
    if audiences is not None:
        invited, withdrawn = audiences.tell_changes(
            revision=f"-{meeting.sequence}", now_for_cohort=meeting.cohort
        )
    if notify:
        _tell_everyone(meeting, f"changed-{meeting.sequence}", now, exclude=invited | withdrawn)
    return notify or bool(invited or withdrawn)


@transaction.atomic
def cancel_meeting(meeting, *, reason, by, now=None):
    """Staff cancel a meeting: its reminders are dropped and everyone it was for is
    told, with a calendar cancellation."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    if meeting.is_cancelled:
        return meeting
    if not meeting.is_editable(now):
        raise ValidationError(_("A meeting that has taken place cannot be cancelled."))
    meeting.status = JointMeeting.Status.CANCELLED
    meeting.cancellation_reason = reason.strip()
    meeting.sequence += 1
    meeting.save()
    reminders.cancel(source=MEETING_SOURCE, object_id=meeting.pk)
    invitations.withdraw_queued(meeting)
    _tell_everyone(meeting, "cancelled", now)
    return meeting


@transaction.atomic
def add_material(meeting, uploaded, *, by):
    """Attaches a checked document (agenda, slides, handouts) to a meeting."""
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.materials.count() >= MATERIALS_PER_MEETING:
        raise ValidationError(
            _("A meeting can have at most %(limit)d files; delete one first.")
            % {"limit": MATERIALS_PER_MEETING},
            code="too_many",
        )
    return store_document(
        MeetingMaterial(meeting=meeting, uploaded_by=by), uploaded, settings.ATTACHMENT_MAX_BYTES
    )


@transaction.atomic
def delete_material(material, *, by):
    delete_document(material)


@transaction.atomic
def respond(meeting, *, organisation, answer, by, attendees=(), note="", now=None):
    """An organisation answers whether it comes to a meeting, and who comes.
    It can change its answer until the meeting starts."""
    now = now or timezone.now()
    if answer not in MeetingResponse.Answer.values:
        raise ValidationError({"answer": _("Choose whether you will come.")})
    if not meeting.accepts_answers(now):
        if meeting.is_cancelled:
            raise ValidationError(_("This meeting has been cancelled."), code="cancelled")
        raise ValidationError(_("This meeting has already started."), code="started")
    if not may_answer_for(by, meeting, organisation):
        raise ValidationError(_("Your organisation is not invited to this meeting."))
    people = set(organisation.people.filter(is_active=True).values_list("pk", flat=True))
    attendees = list(attendees)
    if any(person.pk not in people for person in attendees):
        raise ValidationError(
            {"attendees": _("Choose people of your organisation.")}, code="attendees"
        )
    if answer == MeetingResponse.Answer.NO:
        attendees = []
    response, _created = MeetingResponse.objects.update_or_create(
        meeting=meeting,
        organisation=organisation,
        defaults={"answer": answer, "note": note.strip(), "responded_by": by},
    )
    response.attendees.set(attendees)
    return response


@transaction.atomic
def record_attendance(meeting, rows, *, by, now=None):
    """Staff record, on one page, whether each organisation took part. ``rows`` is a
    list of (organisation, status, people, note); an organisation left out keeps its
    record. Refused before the meeting's day."""
    now = now or timezone.now()
    if not meeting.attendance_open(now):
        if meeting.is_cancelled:
            raise ValidationError(_("This meeting was cancelled."), code="cancelled")
        raise ValidationError(
            _("Attendance can be recorded from the day of the meeting."), code="early"
        )
    existing = {a.organisation_id: a for a in Attendance.objects.filter(meeting=meeting)}
    create, update = [], []
    for organisation, status, people, note in rows:
        if status not in Attendance.Status.values:
            raise ValueError(f"Not an attendance status: {status}")
        people = people if status == Attendance.Status.PRESENT else 0
        if status == Attendance.Status.PRESENT and people < 1:
            raise ValidationError(
                _("%(organisation)s: say how many people came.") % {"organisation": organisation}
            )
        record = existing.get(organisation.pk)
        if record is None:
            create.append(
                Attendance(
                    meeting=meeting,
                    organisation=organisation,
                    status=status,
                    people=people,
                    note=note.strip(),
                    recorded_by=by,
                )
            )
        elif (record.status, record.people, record.note) != (status, people, note.strip()):
            record.status, record.people, record.note = status, people, note.strip()
            record.recorded_by, record.recorded_at = by, now
            update.append(record)
    Attendance.objects.bulk_create(create)
    Attendance.objects.bulk_update(
        update, ["status", "people", "note", "recorded_by", "recorded_at"]
    )
    return len(create) + len(update)
