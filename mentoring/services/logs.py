"""After a consultation: the mentor's log (outcome, length, topics, summary,
recommendations, action items, files, a private note), the organisation's
confirmation and rating, action items marked done; and consultations that were
never booked, logged directly."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.notifications import reminders
from incubator.uploads import delete_document, store_document

from ..models import ActionItem, Consultation, ConsultationFile, ConsultationLog
from . import notices
from .booking import check_place, save_booking
from .schedule import (
    ACTION_ITEM_SOURCE,
    cancel_consultation_reminders,
    schedule_action_item_reminder,
)

FILES_PER_CONSULTATION = 10
ITEMS_PER_CONSULTATION = 20


def _check_log(consultation, outcome, minutes, summary, now):
    errors = {}
    if consultation.is_cancelled:
        raise ValidationError(_("A cancelled consultation has no log."), code="cancelled")
    if consultation.starts_at > now:
        raise ValidationError(
            _("A consultation is logged once it has started."), code="not_started"
        )
    if outcome not in dict(Consultation.OUTCOMES):
        errors["outcome"] = _("Choose what happened.")
    if minutes is None or not 0 <= minutes <= 600:
        errors["minutes"] = _("Give the length in minutes, from 0 to 600.")
    elif outcome == Consultation.Status.HELD and minutes == 0:
        errors["minutes"] = _("How long did the consultation last?")
    if outcome == Consultation.Status.HELD and not summary.strip():
        errors["summary"] = _("Summarise what was discussed.")
    if errors:
        raise ValidationError(errors)


def _place_of(consultation):
    """The fields an action item agreed at ``consultation`` takes from it."""
    return {
        "consultation": consultation,
        "cycle_id": consultation.cycle_id,
        "organisation_id": consultation.organisation_id,
        "mentor_id": consultation.mentor_id,
    }


def _save_items(consultation, items, now):
    """``items``: dicts with ``description``, ``owner``, ``due_on`` and, for an item
    already there, its ``id`` (and ``delete``)."""
    existing = {item.pk: item for item in consultation.action_items.all()}
    kept = 0
    for entry in items:
        item = existing.get(entry.get("id")) if entry.get("id") else None
        if entry.get("delete"):
            if item is not None:
                reminders.cancel(source=ACTION_ITEM_SOURCE, object_id=item.pk, now=now)
                item.delete()
            continue
        if not (entry.get("description") or "").strip():
            continue
        if entry.get("owner") not in ActionItem.Owner.values:
            raise ValidationError(_("Say who does each action item."))
        kept += 1
        if item is None:
            item = ActionItem(**_place_of(consultation), created_at=now)
        item.description = entry["description"].strip()[:300]
        item.owner = entry["owner"]
        item.due_on = entry.get("due_on")
        item.save()
        schedule_action_item_reminder(item, now)
    if kept + sum(1 for pk in existing if pk not in {e.get("id") for e in items}) > (
        ITEMS_PER_CONSULTATION
    ):
        raise ValidationError(
            _("A consultation can have at most %(limit)d action items.")
            % {"limit": ITEMS_PER_CONSULTATION}
        )


@transaction.atomic
def save_log(
    consultation,
    *,
    by,
    outcome,
    minutes,
    summary="",
    recommendations="",
    private_note="",
    topics=(),
    items=(),
    now=None,
):
    """The mentor writes (or corrects) the log. The first log tells the organisation's
    people, who then confirm and rate it; the reminder to log is dropped."""
    now = now or timezone.now()
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("cycle", "organisation", "mentor__user")
        .get(pk=consultation.pk)
    )
    _check_log(consultation, outcome, minutes, summary, now)
    log = ConsultationLog.objects.filter(consultation=consultation).first()
    first = log is None
    if first:
        log = ConsultationLog(consultation=consultation, logged_by=by, logged_at=now)
    log.outcome = outcome
    log.minutes = minutes
    log.summary = summary.strip()
    log.recommendations = recommendations.strip()
    log.private_note = private_note.strip()
    log._history_user = by
    log.save()
    log.topics.set(topics)
    consultation.status = outcome
    consultation._history_user = by
    consultation.save()
    _save_items(consultation, list(items), now)
    cancel_consultation_reminders(consultation, now)
    if first:
        notices.tell(
            notices.organisation_people(consultation.organisation_id),
            key=f"consultation:{consultation.pk}:logged",
            template="consultation_logged",
            now=now,
            consultation=consultation,
            log=log,
        )
    return log


@transaction.atomic
def log_ad_hoc(place, mentor, *, starts_at, mode, location="", by, now=None, **log_fields):
    """A consultation that was never booked (a phone call), logged directly."""
    now = now or timezone.now()
    check_place(place)
    minutes = log_fields.get("minutes") or 0
    if starts_at is None or starts_at > now:
        raise ValidationError({"starts_at": _("Give when it took place (not in the future).")})
    if (
        not place.cycle.incubation_starts_on
        <= timezone.localdate(starts_at)
        <= (place.cycle.incubation_ends_on)
    ):
        raise ValidationError({"starts_at": _("Give a time within the incubation cycle.")})
    consultation = Consultation(
        cycle=place.cycle,
        organisation=place.organisation,
        mentor=mentor,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=max(minutes, 1)),
        mode=mode,
        location=location.strip(),
        ad_hoc=True,
        booked_by=by,
        booked_at=now,
        status=Consultation.Status.HELD,
    )
    _check_log(consultation, log_fields.get("outcome"), minutes, log_fields.get("summary", ""), now)
    save_booking(
        consultation,
        taken=ValidationError(
            {"starts_at": _("You already have a consultation at this time.")}, code="taken"
        ),
    )
    return save_log(consultation, by=by, now=now, **log_fields)


def _log_of(consultation):
    log = ConsultationLog.objects.select_for_update().filter(consultation=consultation).first()
    if log is None:
        raise ValidationError(_("The mentor has not logged this consultation yet."), code="no_log")
    return log


@transaction.atomic
def confirm_log(consultation, *, by, now=None):
    """The organisation confirms the log as what happened."""
    log = _log_of(consultation)
    if log.confirmed_at is None:
        log.confirmed_at = now or timezone.now()
        log.confirmed_by = by
        log._history_user = by
        log.save()
    return log


@transaction.atomic
def rate(consultation, *, by, rating, comment="", now=None):
    """The organisation rates a consultation that was held, 1–5, with a comment."""
    log = _log_of(consultation)
    if log.outcome != Consultation.Status.HELD:
        raise ValidationError(_("Only a consultation that was held is rated."), code="not_held")
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("Choose from 1 to 5.")})
    log.rating = rating
    log.rating_comment = comment.strip()
    log.rated_by = by
    log.rated_at = now or timezone.now()
    if log.confirmed_at is None:
        log.confirmed_at, log.confirmed_by = log.rated_at, by
    log._history_user = by
    log.save()
    return log


@transaction.atomic
def add_action_item(consultation, *, description, owner, due_on=None, by, now=None):
    """One more action item of ``consultation`` (one that was not cancelled), agreed
    after it (from a recommendation of the analysis, say): reminded the day before it
    is due like the log's own items. A due date is today or later."""
    now = now or timezone.now()
    consultation = Consultation.objects.select_for_update(of=("self",)).get(pk=consultation.pk)
    errors = _item_errors(description, owner, due_on, now)
    if consultation.is_cancelled:
        errors["consultation"] = _("Choose a consultation that was not cancelled.")
    if errors:
        raise ValidationError(errors)
    if consultation.action_items.count() >= ITEMS_PER_CONSULTATION:
        raise ValidationError(
            _("A consultation can have at most %(limit)d action items.")
            % {"limit": ITEMS_PER_CONSULTATION}
        )
    item = ActionItem.objects.create(
        **_place_of(consultation),
        description=description.strip()[:300],
        owner=owner,
        due_on=due_on,
        created_at=now,
    )
    schedule_action_item_reminder(item, now)
    return item


def _item_errors(description, owner, due_on, now):
    errors = {}
    if not (description or "").strip():
        errors["description"] = _("Say what is to be done.")
    if owner not in ActionItem.Owner.values:
        errors["owner"] = _("Say who does it.")
    if due_on is not None and due_on < timezone.localdate(now):
        errors["due_on"] = _("The due date cannot be in the past.")
    return errors


@transaction.atomic
def add_standalone_action_item(
    cycle, organisation, *, mentor=None, description, owner, due_on=None, by, now=None
):
    """An action item of the organisation in the cycle agreed without a consultation
    (from a recommendation of the baseline analysis, before any consultation): the
    organisation sees it on My programme, ``mentor`` (the mentor who wrote it, if
    any) on their dashboard when they do it, and it is reminded the day before it
    is due. The mentor's own items name the mentor."""
    now = now or timezone.now()
    errors = _item_errors(description, owner, due_on, now)
    if owner == ActionItem.Owner.MENTOR and mentor is None:
        errors["owner"] = _(
            "Without a consultation only the organisation can do it: choose the "
            "consultation of the mentor who does it."
        )
    if errors:
        raise ValidationError(errors)
    item = ActionItem.objects.create(
        cycle=cycle,
        organisation=organisation,
        mentor=mentor,
        description=description.strip()[:300],
        owner=owner,
        due_on=due_on,
        created_at=now,
    )
    schedule_action_item_reminder(item, now)
    return item


@transaction.atomic
def set_done(item, *, by, done=True, now=None):
    now = now or timezone.now()
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if done and item.done_at is None:
        item.done_at, item.done_by = now, by
    elif not done:
        item.done_at, item.done_by = None, None
    item.save()
    schedule_action_item_reminder(item, now)
    return item


@transaction.atomic
def add_file(consultation, uploaded, *, by):
    consultation = Consultation.objects.select_for_update(of=("self",)).get(pk=consultation.pk)
    if consultation.files.count() >= FILES_PER_CONSULTATION:
        raise ValidationError(
            _("A consultation can have at most %(limit)d files; delete one first.")
            % {"limit": FILES_PER_CONSULTATION},
            code="too_many",
        )
    return store_document(
        ConsultationFile(consultation=consultation, uploaded_by=by),
        uploaded,
        settings.ATTACHMENT_MAX_BYTES,
    )


@transaction.atomic
def delete_file(document, *, by):
    delete_document(document)
