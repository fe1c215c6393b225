"""Every write of the incubation cycle: places in cohorts, meetings, answers,
attendance, deadlines and when their reminders go out."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.models import Application
from incubator.models import Cycle
from incubator.notifications import reminders
from incubator.notifications.services import Outgoing, queue_many
from incubator.uploads import check_document

from . import audiences, selectors
from .calendar import meeting_invitations
from .models import (
    Attendance,
    Cohort,
    CohortMembership,
    CycleReminders,
    Deadline,
    JointMeeting,
    MeetingMaterial,
    MeetingResponse,
)

MEETING_SOURCE = "meeting"
DEADLINE_SOURCE = "deadline"
MATERIALS_PER_MEETING = 20


def _date(moment):
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def _history_by(obj, user):
    obj._history_user = user


# --- places in cohorts -------------------------------------------------------------


def _cohort_for(cycle, priority_field):
    try:
        with transaction.atomic():
            cohort, _created = Cohort.objects.get_or_create(
                cycle=cycle, priority_field=priority_field
            )
    except IntegrityError:
        # Two organisations of a new field were admitted at the same moment.
        cohort = Cohort.objects.get(cycle=cycle, priority_field=priority_field)
    return cohort


@transaction.atomic
def place_admitted(application, now=None):
    """Places an admitted organisation in its cycle's cohort for the application's
    priority field, creating the cohort when it is the first. Idempotent: a place
    that exists stays where staff put it (an organisation that had left returns)."""
    application = Application.objects.select_related("organisation", "cycle").get(
        pk=application.pk
    )
    if application.status != Application.Status.ADMITTED:
        raise ValidationError(_("Only an admitted organisation joins a cohort."))
    field = application.priority_field or application.organisation.priority_field
    cohort = _cohort_for(application.cycle, field)
    membership = (
        CohortMembership.objects.select_for_update()
        .filter(cycle=application.cycle, organisation=application.organisation)
        .first()
    )
    if membership is None:
        try:
            with transaction.atomic():
                membership = CohortMembership.objects.create(
                    cohort=cohort,
                    cycle=application.cycle,
                    organisation=application.organisation,
                    application=application,
                    joined_at=now or timezone.now(),
                )
        except IntegrityError:
            membership = CohortMembership.objects.get(
                cycle=application.cycle, organisation=application.organisation
            )
        return membership
    if membership.status == CohortMembership.Status.LEFT:
        membership.status = CohortMembership.Status.ACTIVE
        membership.reason = ""
        membership.ended_at = None
        membership.application = application
        membership.save()
    return membership


@transaction.atomic
def revoke_place(application, now=None):
    """The admission was revoked: the organisation's place is marked as left."""
    membership = (
        CohortMembership.objects.select_for_update()
        .filter(cycle_id=application.cycle_id, organisation_id=application.organisation_id)
        .first()
    )
    if membership is None or membership.status == CohortMembership.Status.LEFT:
        return membership
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The admission was revoked.")
    membership.status = CohortMembership.Status.LEFT
    membership.reason = reason
    membership.ended_at = now or timezone.now()
    membership.save()
    return membership


@transaction.atomic
def move_membership(membership, *, cohort, by):
    """Staff move an organisation to another cohort of the same cycle."""
    if cohort.cycle_id != membership.cycle_id:
        raise ValidationError(_("An organisation can only move to a cohort of the same cycle."))
    membership = CohortMembership.objects.select_for_update().get(pk=membership.pk)
    membership.cohort = cohort
    _history_by(membership, by)
    membership.save()
    return membership


@transaction.atomic
def set_membership_status(membership, *, status, reason="", by, now=None):
    """Staff mark a place as left (a reason is required), completed, or active again."""
    Status = CohortMembership.Status
    if status not in Status.values:
        raise ValueError(f"Not a status: {status}")
    reason = reason.strip()
    if status == Status.LEFT and not reason:
        raise ValidationError(
            {"reason": _("Say why the organisation leaves the programme.")}, code="reason"
        )
    membership = CohortMembership.objects.select_for_update().get(pk=membership.pk)
    membership.status = status
    membership.reason = reason if status == Status.LEFT else ""
    membership.ended_at = None if status == Status.ACTIVE else (now or timezone.now())
    _history_by(membership, by)
    membership.save()
    return membership


# --- reminder settings ------------------------------------------------------------


def reminder_settings(cycle):
    try:
        return cycle.reminder_settings
    except CycleReminders.DoesNotExist:
        return CycleReminders.defaults(cycle)


def _offsets(cycle, which):
    try:
        return reminders.parse_offsets(getattr(reminder_settings(cycle), which))
    except ValueError:
        return reminders.parse_offsets(getattr(CycleReminders.defaults(cycle), which))


@transaction.atomic
def update_reminder_settings(cycle, *, meetings, deadlines, call_closing, now=None):
    """Saves when the cycle's reminders go out, and moves the pending reminders of
    its meetings and deadlines ahead to the new moments."""
    values = {"meetings": meetings, "deadlines": deadlines, "call_closing": call_closing}
    errors = {}
    for name, text in values.items():
        try:
            values[name] = reminders.format_offsets(reminders.parse_offsets(text))
        except ValueError as error:
            errors[name] = _("“%(part)s” is not a moment like 7d, 12h or 30m.") % {
                "part": error.args[0]
            }
    if errors:
        raise ValidationError(errors)
    settings_row = reminder_settings(cycle)
    for name, text in values.items():
        setattr(settings_row, name, text)
    settings_row.save()
    reschedule_cycle(cycle, now=now)
    return settings_row


def reschedule_cycle(cycle, now=None):
    now = now or timezone.now()
    for meeting in JointMeeting.objects.filter(
        cycle=cycle, starts_at__gt=now, status=JointMeeting.Status.SCHEDULED
    ):
        _schedule_meeting_reminders(meeting, now)
    for deadline in Deadline.objects.filter(cycle=cycle, due_at__gt=now):
        _schedule_deadline_reminders(deadline, now)


# --- joint meetings ---------------------------------------------------------------


def _check_meeting(meeting):
    errors = {}
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if not meeting.place.strip() and not meeting.online_url.strip():
        errors["place"] = _("Give the place, the online link, or both.")
    if meeting.cohort is not None and meeting.cohort.cycle_id != meeting.cycle_id:
        errors["cohort"] = _("Choose a cohort of this cycle.")
    opens, ends = selectors.cycle_window(meeting.cycle)
    if meeting.starts_at and not (opens <= meeting.starts_at <= ends):
        errors["starts_at"] = _(
            "The meeting must take place within the cycle, between %(start)s and %(end)s."
        ) % {"start": _date(opens), "end": _date(ends)}
    if errors:
        raise ValidationError(errors)


def _schedule_meeting_reminders(meeting, now):
    reminders.schedule(
        source=MEETING_SOURCE,
        object_id=meeting.pk,
        event_at=meeting.starts_at,
        offsets=_offsets(meeting.cycle, "meetings"),
        now=now,
    )


def _tell_participants(meeting, notice, now):
    """Writes a mandatory notice (invited, changed, cancelled) to everyone the
    meeting is for, each with the calendar invitation in their language."""
    people = selectors.participant_people([meeting.cycle_id])
    audience = selectors.audience_of(people, meeting.cycle_id, meeting.cohort_id)
    calendars = meeting_invitations(meeting, [user for user, _organisation in audience])
    messages = [
        Outgoing(
            key=f"meeting:{meeting.pk}:user:{user.pk}:{notice}",
            recipient=user,
            template=f"cohorts/emails/meeting_{notice.split('-')[0]}",
            context={"meeting": meeting, "organisation": organisation},
            calendar=calendars[user.pk],
        )
        for user, organisation in audience
    ]
    return queue_many(messages, now=now)


MEETING_FIELDS = ["cohort", "title", "starts_at", "ends_at", "place", "online_url", "agenda"]
# Changes people are told about (with a new calendar invitation).
NOTIFIED_FIELDS = {"starts_at", "ends_at", "place", "online_url"}


@transaction.atomic
def schedule_meeting(*, cycle, by, now=None, **fields):
    """Staff schedule a joint meeting: everyone it is for receives an invitation with
    a calendar file, and reminders are set for the cycle's moments before it."""
    now = now or timezone.now()
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise ValueError(f"Not a meeting field: {', '.join(sorted(unknown))}")
    meeting = JointMeeting(cycle=cycle, created_by=by, **fields)
    _check_meeting(meeting)
    meeting.save()
    if meeting.starts_at > now:
        _schedule_meeting_reminders(meeting, now)
        _tell_participants(meeting, "invited", now)
    return meeting


@transaction.atomic
def update_meeting(meeting, *, by, now=None, **fields):
    """Staff change a meeting. A new time, place or link is a change people are
    told about, with an updated calendar invitation; its reminders follow the new
    time. Returns the meeting and whether people were notified."""
    now = now or timezone.now()
    meeting = JointMeeting.objects.select_for_update().select_related("cycle").get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting can no longer be changed."))
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise ValueError(f"Not a meeting field: {', '.join(sorted(unknown))}")
    changed = {name for name, value in fields.items() if getattr(meeting, name) != value}
    for name in changed:
        setattr(meeting, name, fields[name])
    _check_meeting(meeting)
    notify = bool(changed & NOTIFIED_FIELDS) and meeting.ends_at > now
    if notify:
        meeting.sequence += 1
    meeting.save()
    if "starts_at" in changed or "cohort" in changed:
        if meeting.starts_at > now:
            _schedule_meeting_reminders(meeting, now)
        else:
            reminders.cancel(source=MEETING_SOURCE, object_id=meeting.pk)
    if notify:
        _tell_participants(meeting, f"changed-{meeting.sequence}", now)
    return meeting, notify


@transaction.atomic
def cancel_meeting(meeting, *, reason, by, now=None):
    """Staff cancel a meeting: its reminders are dropped and everyone it was for is
    told, with a calendar cancellation."""
    now = now or timezone.now()
    meeting = JointMeeting.objects.select_for_update().select_related("cycle").get(pk=meeting.pk)
    if meeting.is_cancelled:
        return meeting
    if meeting.ends_at <= now:
        raise ValidationError(_("A meeting that has taken place cannot be cancelled."))
    meeting.status = JointMeeting.Status.CANCELLED
    meeting.cancellation_reason = reason.strip()
    meeting.sequence += 1
    meeting.save()
    reminders.cancel(source=MEETING_SOURCE, object_id=meeting.pk)
    _tell_participants(meeting, "cancelled", now)
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
    _kind, content_type, name = check_document(uploaded, settings.ATTACHMENT_MAX_BYTES)
    material = MeetingMaterial(
        meeting=meeting, name=name, content_type=content_type, size=uploaded.size, uploaded_by=by
    )
    material.file.save(name, uploaded, save=False)
    try:
        material.save()
    except Exception:
        material.file.delete(save=False)
        raise
    return material


@transaction.atomic
def delete_material(material, *, by):
    storage, path = material.file.storage, material.file.name
    material.delete()
    transaction.on_commit(lambda: storage.delete(path))


@transaction.atomic
def respond(meeting, *, organisation, answer, by, attendees=(), note="", now=None):
    """An organisation answers whether it comes to a meeting, and who comes.
    It can change its answer until the meeting starts."""
    now = now or timezone.now()
    if answer not in MeetingResponse.Answer.values:
        raise ValidationError({"answer": _("Choose whether you will come.")})
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting has been cancelled."), code="cancelled")
    if meeting.starts_at <= now:
        raise ValidationError(_("This meeting has already started."), code="started")
    invited = selectors.meeting_organisations(meeting, by).filter(organisation=organisation)
    if not invited.exists():
        raise ValidationError(_("Your organisation is not invited to this meeting."))
    people = set(organisation.people.values_list("pk", flat=True))
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
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."), code="cancelled")
    if timezone.localdate(meeting.starts_at) > timezone.localdate(now):
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
            create.append(Attendance(
                meeting=meeting, organisation=organisation, status=status, people=people,
                note=note.strip(), recorded_by=by,
            ))
        elif (record.status, record.people, record.note) != (status, people, note.strip()):
            record.status, record.people, record.note = status, people, note.strip()
            record.recorded_by, record.recorded_at = by, now
            update.append(record)
    Attendance.objects.bulk_create(create)
    Attendance.objects.bulk_update(update, ["status", "people", "note", "recorded_by", "recorded_at"])
    return len(create) + len(update)


# --- deadlines ----------------------------------------------------------------------


def _check_deadline(deadline):
    errors = {}
    audience = audiences.get(deadline.audience)
    if audience is None:
        errors["audience"] = _("Choose for whom the deadline is.")
    elif deadline.cohort is not None and not audience.cohort_scoped:
        errors["audience"] = _("This audience is for the whole cycle: leave the cohort empty.")
    if deadline.cohort is not None and deadline.cohort.cycle_id != deadline.cycle_id:
        errors["cohort"] = _("Choose a cohort of this cycle.")
    if deadline.kind == Deadline.Kind.CUSTOM and not deadline.title.strip():
        errors["title"] = _("Give the deadline a title.")
    opens, ends = selectors.cycle_window(deadline.cycle)
    if deadline.due_at and not (opens <= deadline.due_at <= ends):
        errors["due_at"] = _(
            "The deadline must fall within the cycle, between %(start)s and %(end)s."
        ) % {"start": _date(opens), "end": _date(ends)}
    if errors:
        raise ValidationError(errors)


def _schedule_deadline_reminders(deadline, now):
    which = "call_closing" if deadline.kind == Deadline.Kind.CALL_CLOSES else "deadlines"
    reminders.schedule(
        source=DEADLINE_SOURCE,
        object_id=deadline.pk,
        event_at=deadline.due_at,
        offsets=_offsets(deadline.cycle, which),
        now=now,
    )


DEADLINE_FIELDS = ["cohort", "title", "description", "due_at", "audience"]


@transaction.atomic
def create_deadline(*, cycle, by, now=None, **fields):
    unknown = set(fields) - set(DEADLINE_FIELDS)
    if unknown:
        raise ValueError(f"Not a deadline field: {', '.join(sorted(unknown))}")
    deadline = Deadline(cycle=cycle, created_by=by, **fields)
    _check_deadline(deadline)
    deadline.save()
    _schedule_deadline_reminders(deadline, now or timezone.now())
    return deadline


@transaction.atomic
def update_deadline(deadline, *, by, now=None, **fields):
    """Staff change a deadline; its pending reminders follow the new moment. The
    cycle's own milestones follow the cycle and are changed there."""
    deadline = Deadline.objects.select_for_update().select_related("cycle").get(pk=deadline.pk)
    if deadline.is_milestone:
        raise ValidationError(
            _("This deadline follows the cycle's dates; change them in the cycle.")
        )
    unknown = set(fields) - set(DEADLINE_FIELDS)
    if unknown:
        raise ValueError(f"Not a deadline field: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(deadline, name, value)
    _check_deadline(deadline)
    deadline.save()
    _schedule_deadline_reminders(deadline, now or timezone.now())
    return deadline


@transaction.atomic
def delete_deadline(deadline, *, by):
    if deadline.is_milestone:
        raise ValidationError(
            _("This deadline follows the cycle's dates and cannot be deleted.")
        )
    reminders.cancel(source=DEADLINE_SOURCE, object_id=deadline.pk)
    deadline.delete()


@transaction.atomic
def sync_cycle_deadlines(cycle, now=None):
    """Keeps the cycle's milestones — the call's closing (a reminder to every
    organisation with a draft) and the cycle's end (to participants) — in step with
    the cycle's dates, with their reminders."""
    now = now or timezone.now()
    milestones = {
        Deadline.Kind.CALL_CLOSES: (cycle.call_closes_at, audiences.APPLICANTS_WITH_DRAFTS),
        Deadline.Kind.CYCLE_ENDS: (selectors.cycle_end(cycle), audiences.PARTICIPANTS),
    }
    for kind, (due_at, audience) in milestones.items():
        deadline, created = Deadline.objects.select_for_update().get_or_create(
            cycle=cycle, kind=kind, defaults={"due_at": due_at, "audience": audience}
        )
        if created or deadline.due_at != due_at:
            deadline.due_at = due_at
            deadline.save(update_fields=["due_at", "updated_at"])
            _schedule_deadline_reminders(deadline, now)


def cycles_out_of_step(now=None):
    """Cycles still running whose milestones do not match their dates (new cycles,
    or dates changed in the administration), found in one query."""
    today = timezone.localdate(now or timezone.now())

    def due(kind):
        return Subquery(
            Deadline.objects.filter(cycle=OuterRef("pk"), kind=kind).values("due_at")[:1]
        )

    cycles = Cycle.objects.filter(incubation_ends_on__gte=today).annotate(
        closes=due(Deadline.Kind.CALL_CLOSES), ends=due(Deadline.Kind.CYCLE_ENDS)
    )
    return [
        cycle for cycle in cycles
        if cycle.closes != cycle.call_closes_at or cycle.ends != selectors.cycle_end(cycle)
    ]
