"""Writes about the evaluation committee: inviting members (with an account to
set up when they have none), and assigning applications to them by hand or
automatically, never to someone who belongs to the organisation or has declared a
conflict of interest with it."""

from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from incubator import quota
from incubator.accounts import invited_account, set_password_url
from incubator.notifications import services as notifications

from ..models import Application, CommitteeMember, ReviewAssignment, ReviewSettings
from ..selectors.figures import is_ineligible
from ..selectors.review import blocked_pairs, review_settings
from .balancing import balanced
from .common import record_author, require_open_ranking
from .ranking import ranking_changed

Status = ReviewAssignment.Status


def _send_invitation(member, by):
    quota.spend(by, "committee")
    user = member.user
    needs_password = not user.has_usable_password()
    context = {
        "member": member,
        "cycle": member.cycle,
        "invited_by": by,
        "recipient": user,
        "set_password_url": set_password_url(user, user.language) if needs_password else "",
        "password_link_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    subject, text, html = notifications.render(
        "applications/emails/committee_invitation", context, user.language
    )
    member.invitations_sent += 1
    member.save(update_fields=["invitations_sent"])
    return notifications.queue_rendered(
        key=f"committee:{member.pk}:invitation:{member.invitations_sent}",
        recipient=user,
        to=user.email,
        language=user.language,
        subject=subject,
        text=text,
        html=html,
        sensitive=needs_password,
    )


@transaction.atomic
def invite_reviewer(
    cycle, *, email, by, first_name="", last_name="", affiliation="", language=None
):
    """Gives the person with ``email`` the reviewer role for ``cycle``, creating their
    account if they have none, and emails them: a new account gets a link to choose
    a password, an existing one a link to sign in. Returns the committee member."""
    user, created = invited_account(
        email, first_name=first_name, last_name=last_name, language=language
    )
    if not created and CommitteeMember.objects.filter(cycle=cycle, user=user).exists():
        raise ValidationError(
            _("%(person)s is already a member of this cycle's evaluation committee.")
            % {"person": user.display_name},
            code="already_member",
        )
    member = record_author(
        CommitteeMember(cycle=cycle, user=user, affiliation=affiliation.strip(), invited_by=by),
        by,
    )
    member.save()
    _send_invitation(member, by)
    return member


@transaction.atomic
def resend_invitation(member, *, by):
    member = (
        CommitteeMember.objects.select_for_update()
        .select_related("user", "cycle")
        .get(pk=member.pk)
    )
    return _send_invitation(member, by)


@transaction.atomic
def remove_member(member, *, by):
    if member.assignments.exists():
        raise ValidationError(
            _("%(person)s already has applications assigned; remove those assignments first.")
            % {"person": member.user.display_name},
            code="has_assignments",
        )
    record_author(member, by).delete()


# --- assignments ------------------------------------------------------------------------


def _notify_assigned(member, assignments, by):
    if not assignments:
        return
    first, last = min(a.pk for a in assignments), max(a.pk for a in assignments)
    notifications.queue(
        key=f"committee:{member.pk}:assigned:{first}-{last}",
        recipient=member.user,
        template="applications/emails/reviews_assigned",
        context={
            "member": member,
            "cycle": member.cycle,
            "count": len(assignments),
            "organisations": [a.application.organisation.name for a in assignments],
            "due_on": review_settings(member.cycle).reviews_due_on,
            "assigned_by": by,
        },
    )


@transaction.atomic
def assign(application, member, *, by):
    """Assigns one application to one committee member by hand."""
    application = (
        Application.objects.select_for_update()
        .select_related("organisation")
        .get(pk=application.pk)
    )
    if member.cycle_id != application.cycle_id:
        raise ValueError("A committee member of another cycle")
    require_open_ranking(application.cycle)
    if application.status not in Application.EVALUATED:
        raise ValidationError(_("Only submitted applications are reviewed."), code="not_submitted")
    if (member.user_id, application.organisation_id) in blocked_pairs(
        [member.user_id], [application.organisation_id]
    ):
        raise ValidationError(
            _(
                "%(person)s cannot review %(organisation)s: they belong to it or have "
                "declared a conflict of interest."
            )
            % {"person": member.user.display_name, "organisation": application.organisation},
            code="conflict",
        )
    if ReviewAssignment.objects.filter(application=application, member=member).exists():
        raise ValidationError(
            _("%(person)s is already assigned to this application.")
            % {"person": member.user.display_name},
            code="already_assigned",
        )
    assignment = record_author(
        ReviewAssignment(application=application, member=member, assigned_by=by), by
    )
    assignment.save()
    ranking_changed(application.cycle)
    _notify_assigned(member, [assignment], by)
    return assignment


@transaction.atomic
def unassign(assignment, *, by):
    """Takes an application back from a reviewer who has not started on it. A
    recusal stays on record, and a started review is the reviewer's work."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    require_open_ranking(assignment.application.cycle)
    if not assignment.can_be_taken_back or assignment.scores.exists():
        raise ValidationError(
            _("Only a review that has not been started can be taken back."), code="started"
        )
    record_author(assignment, by).delete()
    ranking_changed(assignment.application.cycle)


@transaction.atomic
def auto_assign(cycle, *, by, per_application=None):
    """Gives every submitted, eligible application ``per_application`` active
    reviewers, never one who belongs to the organisation or has declared a
    conflict of interest for it, spreading the reviews over the committee as
    evenly as those exclusions allow (see ``balancing``). A number other than
    the cycle's becomes the cycle's reviewers per application, so that the
    progress page and the ranking measure against what was asked. Returns (new
    assignments, the applications still short of reviewers)."""
    require_open_ranking(cycle)
    settings_row = ReviewSettings.objects.select_for_update().get_or_create(cycle=cycle)[0]
    wanted = per_application or settings_row.reviewers_per_application
    members = list(
        CommitteeMember.objects.filter(cycle=cycle).select_related("user", "cycle").order_by("pk")
    )
    if not members:
        raise ValidationError(_("Invite the evaluation committee first."), code="no_committee")
    if settings_row.reviewers_per_application != wanted:
        settings_row.reviewers_per_application = wanted
        record_author(settings_row, by).save()
    applications = list(
        Application.objects.filter(cycle=cycle, status__in=Application.EVALUATED)
        .exclude(is_ineligible())
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )
    existing = list(
        ReviewAssignment.objects.filter(application__cycle=cycle).values_list(
            "application_id", "member_id", "status"
        )
    )
    ranked_ids = {a.pk for a in applications}
    load = Counter({m.pk: 0 for m in members})
    taken = defaultdict(set)
    active = Counter()
    for app_id, member_id, status in existing:
        taken[app_id].add(member_id)
        if status != Status.RECUSED:
            active[app_id] += 1
            if app_id in ranked_ids:
                load[member_id] += 1
    blocked = blocked_pairs([m.user_id for m in members], [a.organisation_id for a in applications])
    needs = {a.pk: max(wanted - active[a.pk], 0) for a in applications}
    allowed = {
        a.pk: [
            m.pk
            for m in members
            if m.pk not in taken[a.pk] and (m.user_id, a.organisation_id) not in blocked
        ]
        for a in applications
    }
    by_pk = {m.pk: m for m in members}
    new = [
        ReviewAssignment(application_id=app_id, member=by_pk[member_id], assigned_by=by)
        for app_id, member_id in balanced(needs, allowed, load)
    ]
    short = [a for a in applications if len(allowed[a.pk]) < needs[a.pk]]
    applications_by_pk = {a.pk: a for a in applications}
    for assignment in new:
        assignment.application = applications_by_pk[assignment.application_id]
    created = bulk_create_with_history(new, ReviewAssignment, default_user=by)
    ranking_changed(cycle)
    by_member = defaultdict(list)
    for assignment in created:
        by_member[assignment.member].append(assignment)
    for member, assignments in by_member.items():
        _notify_assigned(member, assignments, by)
    return created, short
