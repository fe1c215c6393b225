"""Cohorts and the places in them: cohorts made by the first admission of their
field and described by staff; places made by admission, moved or ended by staff."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Application

from ..models import Cohort, CohortMembership
from .invitations import Audiences, revision


def _history_by(obj, user):
    obj._history_user = user


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


COHORT_FIELDS = ["coordinator", "description"]


def check_coordinator(user):
    """A cohort's coordinator (if any) is an active member of the programme staff."""
    if user is not None and not (user.is_staff and user.is_active):
        raise ValidationError(
            {"coordinator": _("The coordinator must be on the programme staff.")},
            code="coordinator",
        )


@transaction.atomic
def update_cohort(cohort, *, by, now=None, **fields):
    """Staff change a cohort's coordinator or description; its history records who.
    A coordinator hosts the cohort's meetings: a new one is invited to those ahead,
    with the calendar file, and one who no longer hosts them is told and their
    calendar copy withdrawn."""
    unknown = set(fields) - set(COHORT_FIELDS)
    if unknown:
        raise ValueError(f"Not a cohort field: {', '.join(sorted(unknown))}")
    check_coordinator(fields.get("coordinator"))
    now = now or timezone.now()
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    changed = [name for name, value in fields.items() if getattr(cohort, name) != value]
    if not changed:
        return cohort
    audiences = Audiences(cohort.cycle_id, now) if "coordinator" in changed else None
    for name in changed:
        setattr(cohort, name, fields[name])
    _history_by(cohort, by)
    cohort.save()
    if audiences is not None:
        audiences.tell_changes(revision=revision(now))
    return cohort


@transaction.atomic
def place_admitted(application, now=None):
    """Places an admitted organisation in its cycle's cohort for the application's
    priority field, creating the cohort when it is the first. Idempotent: a place
    that exists stays where staff put it (an organisation that had left returns).
    Its people are invited to the meetings ahead that they now take part in."""
    now = now or timezone.now()
    application = Application.objects.select_related("organisation", "cycle").get(pk=application.pk)
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
        audiences = Audiences(application.cycle_id, now)
        try:
            with transaction.atomic():
                membership = CohortMembership.objects.create(
                    cohort=cohort,
                    cycle=application.cycle,
                    organisation=application.organisation,
                    application=application,
                    joined_at=now,
                )
        except IntegrityError:
            return CohortMembership.objects.get(
                cycle=application.cycle, organisation=application.organisation
            )
        audiences.tell_changes(
            revision=revision(now), withdraw=False, organisation=application.organisation
        )
        return membership
    if membership.status == CohortMembership.Status.LEFT:
        audiences = Audiences(application.cycle_id, now)
        membership.status = CohortMembership.Status.ACTIVE
        membership.reason = ""
        membership.ended_at = None
        membership.application = application
        membership.save()
        audiences.tell_changes(
            revision=revision(now), withdraw=False, organisation=application.organisation
        )
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
def move_membership(membership, *, cohort, by, now=None):
    """Staff move an organisation to another cohort of the same cycle. Its people are
    invited to the new cohort's meetings ahead, and told that the old cohort's are no
    longer on their programme."""
    if cohort.cycle_id != membership.cycle_id:
        raise ValidationError(_("An organisation can only move to a cohort of the same cycle."))
    now = now or timezone.now()
    membership = CohortMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.cohort_id == cohort.pk:
        return membership
    audiences = Audiences(membership.cycle_id, now)
    membership.cohort = cohort
    _history_by(membership, by)
    membership.save()
    audiences.tell_changes(
        revision=revision(now),
        organisation=membership.organisation,
        moved_to=cohort,
        moved=membership.organisation,
    )
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
    now = now or timezone.now()
    membership = CohortMembership.objects.select_for_update().get(pk=membership.pk)
    # An organisation taking part again is invited to the meetings ahead; one that
    # leaves or completes is not sent a notice for each meeting.
    audiences = None
    if status == Status.ACTIVE and membership.status != Status.ACTIVE:
        audiences = Audiences(membership.cycle_id, now)
    membership.status = status
    membership.reason = reason if status == Status.LEFT else ""
    membership.ended_at = None if status == Status.ACTIVE else now
    _history_by(membership, by)
    membership.save()
    if audiences is not None:
        audiences.tell_changes(
            revision=revision(now), withdraw=False, organisation=membership.organisation
        )
    return membership
