"""Every write to an application: start, save a draft, attach, submit, withdraw."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from incubator.forms import message_of
from incubator.models import Cycle
from incubator.notifications import services as notifications
from incubator.privacy import services as privacy
from incubator.privacy.models import Consent
from incubator.uploads import delete_document, store_document

from .. import signals
from ..models import Application, Attachment, FieldQuota, ReviewAssignment, StatusChange
from .ranking import ranking_changed

# The applicant's answers: what a draft saves (the application form shows them all)
# and what submitting requires.
DRAFT_FIELDS = [
    "priority_field",
    "support_needs",
    "motivation",
    "challenges",
    "project_idea",
    "expected_results",
    "participants",
    "meeting_availability",
    "data_consent",
    "listing_consent",
]
# Being listed on the public results page is optional.
REQUIRED_TO_SUBMIT = [name for name in DRAFT_FIELDS if name != "listing_consent"]


def _moment(value):
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _record(application, status, by, note="", at=None, **extra):
    return StatusChange.objects.create(
        application=application,
        status=status,
        changed_by=by,
        note=note,
        changed_at=at or timezone.now(),
        **extra,
    )


def _lock(application):
    """Re-reads the application under a row lock, so two requests cannot both act."""
    return Application.objects.select_for_update().get(pk=application.pk)


def _require_draft(application):
    if application.status != Application.Status.DRAFT:
        raise ValidationError(
            _("This application has been %(status)s and can no longer be changed.")
            % {"status": application.get_status_display().lower()},
            code="locked",
        )


def start_application(*, cycle, organisation, by, now=None):
    """Returns the organisation's application to ``cycle``, creating a draft if there
    is none yet. Returns (application, created)."""
    now = now or timezone.now()
    existing = Application.objects.filter(cycle=cycle, organisation=organisation).first()
    if existing is not None:
        return existing, False
    if cycle.call_state(now) == "closed":
        raise ValidationError(
            _("The call of “%(cycle)s” closed on %(moment)s.")
            % {"cycle": cycle.name, "moment": _moment(cycle.call_closes_at)},
            code="closed",
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                cycle=cycle,
                organisation=organisation,
                priority_field=organisation.priority_field,
                created_by=by,
            )
            _record(application, Application.Status.DRAFT, by, at=now)
    except IntegrityError:
        # Someone in the same organisation started it at the same moment.
        return Application.objects.get(cycle=cycle, organisation=organisation), False
    return application, True


@transaction.atomic
def save_draft(application, *, by, **answers):
    """Saves the answers given (any subset of DRAFT_FIELDS) to a draft."""
    application = _lock(application)
    _require_draft(application)
    unknown = set(answers) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"Not an answer: {', '.join(sorted(unknown))}")
    for field, value in answers.items():
        setattr(application, field, value)
    application.save(update_fields=[*answers, "updated_at"])
    return application


def missing_items(application):
    """The labels of everything still needed to submit, in the form's order."""
    missing = []
    for name in REQUIRED_TO_SUBMIT:
        value = getattr(application, name if name != "priority_field" else "priority_field_id")
        if value in (None, "", [], False) or (isinstance(value, str) and not value.strip()):
            missing.append(capfirst(Application._meta.get_field(name).verbose_name))
    return missing


@transaction.atomic
def submit(application, *, by, now=None):
    """Submits a complete draft while the call is open (judged on this server's clock,
    in Europe/Riga time). On any refusal the draft is left exactly as it was."""
    now = now or timezone.now()
    application = _lock(application)
    _require_draft(application)
    cycle = application.cycle
    state = cycle.call_state(now)
    if state == "upcoming":
        raise ValidationError(
            _(
                "The call opens on %(moment)s (Riga time). Your draft is saved; "
                "you can submit it once the call is open."
            )
            % {"moment": _moment(cycle.call_opens_at)},
            code="early",
        )
    if state == "closed":
        raise ValidationError(
            _(
                "The call closed on %(moment)s (Riga time), so the application can no "
                "longer be submitted. Your draft is kept and you can still read it."
            )
            % {"moment": _moment(cycle.call_closes_at)},
            code="late",
        )
    missing = missing_items(application)
    if missing:
        raise ValidationError(
            [
                ValidationError(_("Missing: %(item)s") % {"item": label}, code="missing")
                for label in missing
            ]
        )
    application.status = Application.Status.SUBMITTED
    application.submitted_at = now
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(application, Application.Status.SUBMITTED, by, at=now)
    # The privacy notice the person accepted with the application (its version).
    privacy.record_consent(
        by, Consent.Context.APPLICATION, reference=f"application:{application.pk}", now=now
    )
    ranking_changed(application.cycle)
    for person in application.organisation.people.all():
        notifications.queue(
            key=f"application:{application.pk}:submitted:user:{person.pk}",
            recipient=person,
            template="applications/emails/submitted",
            context={"application": application, "submitted_by": by},
        )
    return application


# Which decision may follow which status: a submitted application gets its first
# decision, and a decision may be changed to another (with a reason).
DECISION_FROM = {
    decision: {Application.Status.SUBMITTED, *Application.DECISIONS} - {decision}
    for decision in Application.DECISIONS
}


def _announce_revoked(application):
    transaction.on_commit(
        lambda: signals.admission_revoked.send(sender=Application, application=application)
    )


@transaction.atomic
def _has_a_review(application):
    return application.assignments.filter(status=ReviewAssignment.Status.SUBMITTED).exists()


def _refuse_unreviewed(application):
    """An admission or a place on the waiting list rests on the evaluation: without
    a submitted review, staff must say that they decide without one."""
    raise ValidationError(
        _(
            "%(organisation)s has no submitted review yet, so the letter would have no "
            "figures to quote. Wait for the review, or tick “Decide without a submitted "
            "review” to record the decision deliberately."
        )
        % {"organisation": application.organisation},
        code="unreviewed",
    )


def places_left(application, *, exclude=None):
    """What an admission of ``application`` would go over: messages naming the
    numbers, for the cycle's places and for its field's maximum (empty: a place is
    free)."""
    cycle = application.cycle
    admitted = Application.objects.filter(cycle=cycle, status=Application.Status.ADMITTED)
    if exclude is not None:
        admitted = admitted.exclude(pk=exclude.pk)
    full = []
    taken = admitted.count()
    if taken >= cycle.places:
        full.append(
            _("All places of the cycle are taken: %(taken)d admitted of %(places)d.")
            % {"places": cycle.places, "taken": taken}
        )
    quota = (
        FieldQuota.objects.filter(cycle=cycle, priority_field=application.priority_field_id)
        .exclude(maximum_places=None)
        .first()
    )
    if quota is not None:
        in_field = admitted.filter(priority_field=application.priority_field_id).count()
        if in_field >= quota.maximum_places:
            full.append(
                _(
                    "The priority field “%(field)s” is full: %(taken)d places taken, "
                    "at most %(maximum)d."
                )
                % {
                    "field": application.priority_field.name,
                    "maximum": quota.maximum_places,
                    "taken": in_field,
                }
            )
    return full


def _check_places(application, over_places_reason):
    """Admitting when the places are taken needs staff's reason for going over."""
    full = places_left(application, exclude=application)
    if full and not over_places_reason.strip():
        anyway = _(
            "To admit %(organisation)s anyway, write why under “Reason for admitting "
            "over the places”: it is recorded with the decision."
        ) % {"organisation": application.organisation}
        raise ValidationError(" ".join([*full, anyway]), code="over_places")
    return over_places_reason.strip() if full else ""


@transaction.atomic
def decide(
    application,
    *,
    decision,
    by,
    reason="",
    internal_note="",
    without_review=False,
    over_places_reason="",
):
    """Admits, wait-lists or rejects a submitted application, or changes an earlier
    decision, recording who and why.

    A decision is internal to staff until ``publish_decision`` (with its letter):
    until then the organisation keeps seeing what it was last told, a published
    admission included (its place in the programme is given up only when the new
    decision is published). An application that failed an eligibility requirement
    can only be rejected. Admitting or wait-listing an application without a
    submitted review needs ``without_review`` (staff decide deliberately; its letter
    then leaves out the figures it does not have). ``reason`` is the reason for
    the organisation (its letter may quote it); ``internal_note`` is staff's own and
    never leaves the staff pages. Admitting when every place of the cycle (or of
    the field's maximum) is taken needs ``over_places_reason``, recorded with it.
    """
    if decision == Application.Status.ADMITTED:
        # One admission at a time per cycle, so that two cannot both take the last place.
        Cycle.objects.select_for_update().get(pk=application.cycle_id)
    application = _lock(application)
    if decision not in DECISION_FROM:
        raise ValueError(f"Not a decision: {decision}")
    if application.status not in DECISION_FROM[decision]:
        raise ValidationError(
            _("An application that is %(status)s cannot be %(decision)s.")
            % {
                "status": application.get_status_display().lower(),
                "decision": Application.Status(decision).label.lower(),
            },
            code="invalid_decision",
        )
    if (
        decision != Application.Status.REJECTED
        and application.eligibility_checks.filter(met=False).exists()
    ):
        raise ValidationError(
            _(
                "%(organisation)s does not meet an eligibility requirement, so it can only be "
                "rejected."
            )
            % {"organisation": application.organisation},
            code="ineligible",
        )
    unreviewed = decision != Application.Status.REJECTED and not _has_a_review(application)
    if unreviewed and not without_review:
        _refuse_unreviewed(application)
    override = ""
    if decision == Application.Status.ADMITTED:
        override = _check_places(application, over_places_reason)
    application.status = decision
    application.decision_published_at = None
    application.save(update_fields=["status", "decision_published_at", "updated_at"])
    _record(
        application,
        decision,
        by,
        note=reason,
        internal_note=internal_note.strip(),
        without_review=unreviewed,
        places_override=override,
    )
    return application


def decide_in_bulk(applications, *, decision, by, **details):
    """``decide`` for each application, each in its own transaction. Returns (the
    decided applications, [(application, message)] of those refused)."""
    decided, refused = [], []
    for application in applications:
        try:
            decided.append(decide(application, decision=decision, by=by, **details))
        except ValidationError as error:
            refused.append((application, message_of(error)))
    return decided, refused


@transaction.atomic
def publish_decision(application, *, by, now=None):
    """Shows the current decision to the organisation (``send_decision_letters``
    does this with the letter). Publishing an admission announces
    ``application_admitted`` once the transaction commits, so that the organisation
    joins the programme; publishing another decision after a published admission
    announces ``admission_revoked``. Publishing again changes nothing."""
    application = _lock(application)
    if not application.is_decided:
        raise ValidationError(
            _("There is no decision to publish for this application."), code="undecided"
        )
    if application.decision_published_at is not None:
        return application
    now = now or timezone.now()
    previous = application.published_decision
    application.decision_published_at = now
    application.published_decision = application.status
    application.save(update_fields=["decision_published_at", "published_decision", "updated_at"])
    change = (
        application.status_changes.filter(status=application.status)
        .order_by("-changed_at", "-pk")
        .first()
    )
    if change is not None:
        change.published_at = now
        change.save(update_fields=["published_at"])
    if application.status == Application.Status.ADMITTED:
        transaction.on_commit(
            lambda: signals.application_admitted.send(sender=Application, application=application)
        )
    elif previous == Application.Status.ADMITTED:
        _announce_revoked(application)
        _offer_the_place(application)
    return application


def can_withdraw(application):
    """A draft, a submitted application, and one admitted or wait-listed can be
    withdrawn; a rejection the organisation has been told of cannot."""
    if application.status == Application.Status.WITHDRAWN:
        return False
    return application.visible_status != Application.Status.REJECTED


@transaction.atomic
def withdraw(application, *, by, reason=""):
    """The organisation withdraws its application, or leaves the programme after
    being admitted (which announces ``admission_revoked`` after the commit, and
    offers the place to the next wait-listed organisation)."""
    application = _lock(application)
    if not can_withdraw(application):
        raise ValidationError(
            _("An application that is %(status)s cannot be withdrawn.")
            % {"status": application.visible_status.label.lower()},
            code="not_withdrawable",
        )
    was_admitted = application.visible_status == Application.Status.ADMITTED
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    _record(application, Application.Status.WITHDRAWN, by, note=reason)
    ranking_changed(application.cycle)
    for person in application.organisation.people.all():
        notifications.queue(
            key=f"application:{application.pk}:withdrawn:user:{person.pk}",
            recipient=person,
            template="applications/emails/withdrawn",
            context={
                "application": application,
                "withdrawn_by": by,
                "reason": reason,
                "was_admitted": was_admitted,
            },
        )
    if was_admitted:
        _announce_revoked(application)
        _offer_the_place(application)
    return application


def _offer_the_place(application):
    """An admitted organisation left: its place goes to the waiting list."""
    from .offers import offer_free_places  # offers build on this module's decide

    offer_free_places(application.cycle)


@transaction.atomic
def add_attachment(application, uploaded, *, by):
    """Attaches a checked document to a draft (at most ATTACHMENTS_PER_APPLICATION)."""
    application = _lock(application)
    _require_draft(application)
    limit = settings.ATTACHMENTS_PER_APPLICATION
    if application.attachments.count() >= limit:
        raise ValidationError(
            _("An application can have at most %(limit)d attachments; delete one first.")
            % {"limit": limit},
            code="too_many",
        )
    return store_document(
        Attachment(application=application, uploaded_by=by),
        uploaded,
        settings.ATTACHMENT_MAX_BYTES,
    )


@transaction.atomic
def delete_attachment(attachment, *, by):
    _require_draft(_lock(attachment.application))
    delete_document(attachment)


def set_listing_consent(application, *, consent, by):
    """Whether the organisation's name may be listed on the programme's public results
    page once it is admitted. Asked on the application form and changed later by the
    organisation's leader (also after the decision); kept in the application's history."""
    application = Application.objects.get(pk=application.pk)
    if application.listing_consent == bool(consent):
        return application  # unchanged: no new line in its history
    application.listing_consent = bool(consent)
    application._history_user = by
    application.save(update_fields=["listing_consent", "updated_at"])
    return application
