"""Staff assign mentors to organisations; the mentor accepts or declines.

A mentor's capacity (organisations per cycle) is a hard limit: an assignment beyond
it is refused unless staff confirm an override, which is recorded with its reason."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import CohortMembership

from ..models import Consultation, MentorAssignment, MentorProfile
from . import notices
from .booking import cancel_consultation

Status = MentorAssignment.Status


def _history_by(row, user):
    row._history_user = user
    return row


def open_assignments(mentor, cycle):
    return MentorAssignment.objects.filter(
        mentor=mentor, cycle=cycle, status__in=MentorAssignment.OPEN
    )


@transaction.atomic
def assign_mentor(cycle, organisation, mentor, *, by, override=False, override_reason="", now=None):
    """Assigns ``mentor`` to ``organisation`` for ``cycle``; the mentor is asked to
    accept. Beyond the mentor's capacity only with ``override`` and a reason
    (ValidationError code "over_capacity" otherwise)."""
    now = now or timezone.now()
    # Locked, so that two assignments made at once cannot both take the last place.
    mentor = MentorProfile.objects.select_for_update().select_related("user").get(pk=mentor.pk)
    if not mentor.is_ready:
        raise ValidationError(
            _("%(mentor)s has not completed the profile or is not active.")
            % {"mentor": mentor.name},
            code="not_ready",
        )
    if mentor.is_expert:
        raise ValidationError(
            _("Experts are not assigned: every participating organisation can book them."),
            code="expert",
        )
    if not CohortMembership.objects.filter(
        cycle=cycle, organisation=organisation, status=CohortMembership.Status.ACTIVE
    ).exists():
        raise ValidationError(
            _("%(organisation)s does not take part in this cycle.")
            % {"organisation": organisation},
            code="not_taking_part",
        )
    if open_assignments(mentor, cycle).filter(organisation=organisation).exists():
        raise ValidationError(
            _("%(mentor)s is already assigned to %(organisation)s.")
            % {"mentor": mentor.name, "organisation": organisation},
            code="already_assigned",
        )
    used = open_assignments(mentor, cycle).count()
    beyond = used >= mentor.capacity
    if beyond and not override:
        raise ValidationError(
            _(
                "%(mentor)s already works with %(used)d of %(capacity)d organisations in this "
                "cycle. To assign beyond the capacity, confirm it with a reason."
            )
            % {"mentor": mentor.name, "used": used, "capacity": mentor.capacity},
            code="over_capacity",
        )
    if beyond and not override_reason.strip():
        raise ValidationError(
            {"override_reason": _("Say why the mentor takes on more than the capacity.")}
        )
    assignment = _history_by(
        MentorAssignment(
            cycle=cycle,
            organisation=organisation,
            mentor=mentor,
            assigned_by=by,
            assigned_at=now,
            capacity_override=beyond,
            override_reason=override_reason.strip() if beyond else "",
        ),
        by,
    )
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ValidationError(
            _("%(mentor)s is already assigned to %(organisation)s.")
            % {"mentor": mentor.name, "organisation": organisation},
            code="already_assigned",
        ) from None
    notices.tell(
        [mentor.user],
        key=f"mentor-assignment:{assignment.pk}:proposed",
        template="assignment_proposed",
        now=now,
        assignment=assignment,
    )
    return assignment


def _lock(assignment):
    return (
        MentorAssignment.objects.select_for_update(of=("self",))
        .select_related("cycle", "organisation", "mentor__user", "assigned_by")
        .get(pk=assignment.pk)
    )


def _staff_to_tell(assignment):
    """The staff member who made the assignment (every answer shows on the matching
    page too)."""
    by = assignment.assigned_by
    return [by] if by is not None and by.is_staff and by.is_active else []


@transaction.atomic
def accept_assignment(assignment, *, by, now=None):
    """The mentor accepts: the organisation's people are told who their mentor is."""
    now = now or timezone.now()
    assignment = _lock(assignment)
    if assignment.status != Status.PROPOSED:
        raise ValidationError(_("This assignment has already been answered."), code="answered")
    assignment.status = Status.ACCEPTED
    assignment.responded_at = now
    _history_by(assignment, by).save()
    people = notices.organisation_people(assignment.organisation_id)
    notices.tell(
        people + [u for u in _staff_to_tell(assignment) if u not in people],
        key=f"mentor-assignment:{assignment.pk}:accepted",
        template="assignment_accepted",
        now=now,
        assignment=assignment,
    )
    return assignment


@transaction.atomic
def decline_assignment(assignment, *, by, reason, now=None):
    """The mentor declines, with a reason; the staff member who assigned is told."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the programme staff why.")})
    assignment = _lock(assignment)
    if assignment.status != Status.PROPOSED:
        raise ValidationError(_("This assignment has already been answered."), code="answered")
    assignment.status = Status.DECLINED
    assignment.responded_at = now
    assignment.decline_reason = reason.strip()
    _history_by(assignment, by).save()
    notices.tell(
        _staff_to_tell(assignment),
        key=f"mentor-assignment:{assignment.pk}:declined",
        template="assignment_declined",
        now=now,
        assignment=assignment,
    )
    return assignment


@transaction.atomic
def end_assignment(assignment, *, by, reason="", now=None):
    """Staff end an assignment: the mentor's consultations ahead with the organisation
    in the cycle are cancelled (both sides told), and the mentor and the
    organisation's people are told."""
    now = now or timezone.now()
    assignment = _lock(assignment)
    if not assignment.is_open:
        raise ValidationError(_("This assignment has already ended."), code="ended")
    was_accepted = assignment.status == Status.ACCEPTED
    assignment.status = Status.ENDED
    assignment.ended_at = now
    assignment.end_reason = reason.strip()
    _history_by(assignment, by).save()
    ahead = Consultation.objects.filter(
        cycle=assignment.cycle,
        organisation=assignment.organisation,
        mentor=assignment.mentor,
        status=Consultation.Status.SCHEDULED,
        starts_at__gt=now,
    )
    for consultation in ahead:
        cancel_consultation(
            consultation,
            by=by,
            reason=_("The mentor no longer works with the organisation."),
            now=now,
            check=False,
        )
    people = [assignment.mentor.user]
    if was_accepted:
        people += notices.organisation_people(assignment.organisation_id)
    notices.tell(
        people,
        key=f"mentor-assignment:{assignment.pk}:ended",
        template="assignment_ended",
        now=now,
        assignment=assignment,
    )
    return assignment
