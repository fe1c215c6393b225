"""Every write of the evaluation: settings, criteria, eligibility, the committee,
assignments, conflict of interest declarations, scores, and finalising the ranking.

Each function is one transaction, raises ValidationError with a message a person
can act on, and records who did it (also in the audit history)."""

from collections import Counter, defaultdict

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _, ngettext
from simple_history.utils import bulk_create_with_history

from incubator.models import Membership, User
from incubator.notifications import services as notifications

from ..models import (
    Application,
    CommitteeMember,
    Criterion,
    EligibilityCheck,
    EligibilityRequirement,
    FieldQuota,
    ReviewAssignment,
    ReviewSettings,
    Score,
)
from ..selectors.ranking import RANKED_STATUSES, is_ineligible
from ..selectors.review import review_settings, scoring_started

Status = ReviewAssignment.Status


def _by(instance, user):
    """Records ``user`` as the author of the change in the audit history."""
    instance._history_user = user
    return instance


def _settings_for_update(cycle):
    settings_row, _created = ReviewSettings.objects.select_for_update().get_or_create(cycle=cycle)
    return settings_row


def require_open_ranking(cycle):
    """Refuses changes that would move the figures of a finalised ranking."""
    if ReviewSettings.objects.filter(cycle=cycle, finalised_at__isnull=False).exists():
        raise ValidationError(
            _(
                "The ranking of “%(cycle)s” has been finalised, so its reviews and figures "
                "can no longer change. Reopen the ranking first."
            )
            % {"cycle": cycle.name},
            code="finalised",
        )


# --- settings -------------------------------------------------------------------------

# Settings that move the figures; the others only decide who sees what.
FIGURE_SETTINGS = {"normalise_scores", "spread_threshold"}


@transaction.atomic
def update_review_settings(cycle, *, by, quotas=None, **values):
    """Saves the cycle's review settings and, when given, the places per priority
    field: ``quotas`` maps a priority field to (minimum, maximum or None)."""
    row = _settings_for_update(cycle)
    changed = {name for name, value in values.items() if getattr(row, name) != value}
    if row.is_finalised and (changed & FIGURE_SETTINGS or quotas is not None and _quotas_change(
        cycle, quotas
    )):
        require_open_ranking(cycle)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean(exclude=["cycle"])
    _by(row, by).save()
    if quotas is not None:
        _save_quotas(cycle, quotas, by)
    return row


def _quotas_change(cycle, quotas):
    current = {
        q.priority_field_id: (q.minimum_places, q.maximum_places)
        for q in FieldQuota.objects.filter(cycle=cycle)
    }
    wanted = {f.pk: v for f, v in quotas.items() if v != (0, None)}
    return current != wanted


def _save_quotas(cycle, quotas, by):
    errors = []
    for field, (minimum, maximum) in quotas.items():
        if maximum is not None and maximum < minimum:
            errors.append(
                _("%(field)s: at most %(maximum)d cannot be fewer than at least %(minimum)d.")
                % {"field": field.name, "maximum": maximum, "minimum": minimum}
            )
        if minimum > cycle.places or (maximum is not None and maximum > cycle.places):
            errors.append(
                _("%(field)s: the cycle has only %(places)d places.")
                % {"field": field.name, "places": cycle.places}
            )
    reserved = sum(minimum for minimum, _maximum in quotas.values())
    if reserved > cycle.places:
        errors.append(
            _("The minimums add up to %(reserved)d places, but the cycle has %(places)d.")
            % {"reserved": reserved, "places": cycle.places}
        )
    if errors:
        raise ValidationError(errors, code="quotas")
    existing = {q.priority_field_id: q for q in FieldQuota.objects.filter(cycle=cycle)}
    for field, (minimum, maximum) in quotas.items():
        quota = existing.get(field.pk)
        if (minimum, maximum) == (0, None):
            if quota is not None:
                _by(quota, by).delete()
            continue
        if quota is None:
            quota = FieldQuota(cycle=cycle, priority_field=field)
        elif (quota.minimum_places, quota.maximum_places) == (minimum, maximum):
            continue
        quota.minimum_places, quota.maximum_places = minimum, maximum
        _by(quota, by).save()


# --- criteria and eligibility requirements ----------------------------------------------


def _stored(stored, instance, what):
    if instance is None:
        return None
    if instance.pk not in stored:
        raise ValueError(f"A {what} of another cycle")
    return stored[instance.pk]

CRITERION_FIELDS = [
    "name_lv", "name_en", "guidance_lv", "guidance_en", "weight", "scale_min", "scale_max", "order"
]
LOCKED_ONCE_SCORED = {"scale_min", "scale_max"}


@transaction.atomic
def save_criteria(cycle, *, by, changes):
    """Adds, changes and deletes the cycle's criteria in one go.

    ``changes`` is a list of (criterion or None for a new one, {field: value},
    delete?). Until the first score exists everything may change; after that the
    scales are locked and criteria can be neither added nor deleted (weights, texts
    and order still can, and every figure follows). A finalised ranking locks them
    all. Nothing is saved unless every change is allowed."""
    require_open_ranking(cycle)
    started = scoring_started(cycle)
    # Compare with the rows as stored: a form may already have changed the objects.
    stored = {c.pk: c for c in Criterion.objects.select_for_update().filter(cycle=cycle)}
    changes = [
        (_stored(stored, criterion, "criterion"), values, delete)
        for criterion, values, delete in changes
    ]
    errors = []
    for criterion, values, delete in changes:
        name = values.get("name_lv") or (criterion and criterion.name_lv) or ""
        if not started:
            continue
        if criterion is None:
            errors.append(
                _("“%(name)s” cannot be added: applications are already being scored.")
                % {"name": name}
            )
        elif delete:
            errors.append(
                _("“%(name)s” cannot be deleted: applications are already being scored.")
                % {"name": name}
            )
        elif any(getattr(criterion, f) != values[f] for f in LOCKED_ONCE_SCORED if f in values):
            errors.append(
                _(
                    "The scale of “%(name)s” is locked: applications are already being "
                    "scored on it."
                )
                % {"name": name}
            )
    if errors:
        raise ValidationError(errors, code="locked")
    saved = []
    for criterion, values, delete in changes:
        if delete:
            if criterion is not None:
                _by(criterion, by).delete()
            continue
        criterion = criterion or Criterion(cycle=cycle)
        if criterion.pk and all(getattr(criterion, f) == v for f, v in values.items()):
            saved.append(criterion)
            continue
        for name, value in values.items():
            setattr(criterion, name, value)
        criterion.full_clean(exclude=["cycle"])
        _by(criterion, by).save()
        saved.append(criterion)
    return saved


@transaction.atomic
def save_requirements(cycle, *, by, changes):
    """Adds, changes and deletes eligibility requirements (same shape as
    ``save_criteria``). A requirement already checked for some application cannot
    be deleted."""
    require_open_ranking(cycle)
    stored = {
        r.pk: r for r in EligibilityRequirement.objects.select_for_update().filter(cycle=cycle)
    }
    for requirement, values, delete in changes:
        requirement = _stored(stored, requirement, "requirement")
        if requirement is None and delete:
            continue
        if delete:
            if requirement.checks.exists():
                raise ValidationError(
                    _("“%(text)s” has already been checked for some applications and cannot "
                      "be deleted; change its text instead.") % {"text": requirement.text_lv},
                    code="in_use",
                )
            _by(requirement, by).delete()
            continue
        requirement = requirement or EligibilityRequirement(cycle=cycle)
        if requirement.pk and all(getattr(requirement, f) == v for f, v in values.items()):
            continue
        for name, value in values.items():
            setattr(requirement, name, value)
        requirement.full_clean(exclude=["cycle"])
        _by(requirement, by).save()


@transaction.atomic
def record_eligibility(application, *, by, findings):
    """Records staff's finding for each requirement: ``findings`` maps a requirement
    to (met, note). A requirement that is not met needs a note: it is the reason the
    organisation is given."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    require_open_ranking(application.cycle)
    if application.status not in RANKED_STATUSES:
        raise ValidationError(
            _("Only submitted applications are checked for eligibility."), code="not_submitted"
        )
    errors = []
    for requirement, (met, note) in findings.items():
        if requirement.cycle_id != application.cycle_id:
            raise ValueError("A requirement of another cycle")
        if not met and not note.strip():
            errors.append(
                _("“%(requirement)s” is not met: write down why.")
                % {"requirement": requirement.text}
            )
    if errors:
        raise ValidationError(errors, code="reason_missing")
    existing = {c.requirement_id: c for c in application.eligibility_checks.all()}
    now = timezone.now()
    for requirement, (met, note) in findings.items():
        check = existing.get(requirement.pk) or EligibilityCheck(
            application=application, requirement=requirement
        )
        if check.pk and (check.met, check.note) == (met, note.strip()):
            continue
        check.met, check.note, check.checked_by, check.checked_at = met, note.strip(), by, now
        _by(check, by).save()
    return application


# --- the committee ----------------------------------------------------------------------


def _set_password_url(user, language):
    """A link to allauth's password reset form, with which an invited reviewer
    chooses their password (valid for PASSWORD_RESET_TIMEOUT, then they can ask
    for a new one with “Forgot your password?”)."""
    with translation.override(language):
        path = reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
        )
    return f"{settings.SITE_URL}{path}"


def _send_invitation(member, by):
    user = member.user
    needs_password = not user.has_usable_password()
    context = {
        "member": member,
        "cycle": member.cycle,
        "invited_by": by,
        "recipient": user,
        "set_password_url": _set_password_url(user, user.language) if needs_password else "",
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
def invite_reviewer(cycle, *, email, by, first_name="", last_name="", affiliation="",
                    language=None):
    """Gives the person with ``email`` the reviewer role for ``cycle``, creating their
    account if they have none, and emails them: a new account gets a link to choose
    a password, an existing one a link to sign in. Returns the committee member."""
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            language=language or settings.LANGUAGE_CODE,
        )
        user.set_unusable_password()
        user.save()
        # The address is the one staff invited; only its owner can follow the
        # password link sent to it, which is the proof allauth would otherwise ask for.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    elif CommitteeMember.objects.filter(cycle=cycle, user=user).exists():
        raise ValidationError(
            _("%(person)s is already a member of this cycle's evaluation committee.")
            % {"person": user.display_name},
            code="already_member",
        )
    member = _by(
        CommitteeMember(cycle=cycle, user=user, affiliation=affiliation.strip(), invited_by=by),
        by,
    )
    member.save()
    _send_invitation(member, by)
    return member


@transaction.atomic
def resend_invitation(member, *, by):
    member = CommitteeMember.objects.select_for_update().select_related("user", "cycle").get(
        pk=member.pk
    )
    return _send_invitation(member, by)


@transaction.atomic
def remove_member(member, *, by):
    if member.assignments.exists():
        raise ValidationError(
            _(
                "%(person)s already has applications assigned; remove those assignments "
                "first."
            )
            % {"person": member.user.display_name},
            code="has_assignments",
        )
    _by(member, by).delete()


# --- assignments ------------------------------------------------------------------------


def _conflicts_and_memberships(user_ids, organisation_ids):
    """(user id, organisation id) pairs that must never be assigned: declared
    conflicts of interest (in any cycle) and membership of the organisation."""
    blocked = set(
        ReviewAssignment.objects.filter(
            has_conflict=True,
            member__user_id__in=user_ids,
            application__organisation_id__in=organisation_ids,
        ).values_list("member__user_id", "application__organisation_id")
    )
    blocked |= set(
        Membership.objects.filter(
            user_id__in=user_ids, organisation_id__in=organisation_ids
        ).values_list("user_id", "organisation_id")
    )
    return blocked


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
    application = Application.objects.select_for_update().select_related("organisation").get(
        pk=application.pk
    )
    if member.cycle_id != application.cycle_id:
        raise ValueError("A committee member of another cycle")
    require_open_ranking(application.cycle)
    if application.status not in RANKED_STATUSES:
        raise ValidationError(
            _("Only submitted applications are reviewed."), code="not_submitted"
        )
    if (member.user_id, application.organisation_id) in _conflicts_and_memberships(
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
    assignment = _by(
        ReviewAssignment(application=application, member=member, assigned_by=by), by
    )
    assignment.save()
    _notify_assigned(member, [assignment], by)
    return assignment


@transaction.atomic
def unassign(assignment, *, by):
    """Takes an application back from a reviewer who has not started on it. A
    recusal stays on record, and a started review is the reviewer's work."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    require_open_ranking(assignment.application.cycle)
    if assignment.status != Status.ASSIGNED or assignment.scores.exists():
        raise ValidationError(
            _("Only a review that has not been started can be taken back."), code="started"
        )
    _by(assignment, by).delete()


@transaction.atomic
def auto_assign(cycle, *, by, per_application=None):
    """Gives every submitted, eligible application ``per_application`` active
    reviewers (the cycle's setting by default), each time choosing the member with
    the fewest active reviews, never one who belongs to the organisation or has
    declared a conflict of interest for it. Returns (new assignments, the
    applications still short of reviewers)."""
    require_open_ranking(cycle)
    wanted = per_application or review_settings(cycle).reviewers_per_application
    members = list(CommitteeMember.objects.filter(cycle=cycle).select_related("user", "cycle"))
    if not members:
        raise ValidationError(
            _("Invite the evaluation committee first."), code="no_committee"
        )
    applications = list(
        Application.objects.filter(cycle=cycle, status__in=RANKED_STATUSES)
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
    load = Counter(
        member_id for app_id, member_id, status in existing
        if status != Status.RECUSED and app_id in ranked_ids
    )
    taken = defaultdict(set)
    active = Counter()
    for app_id, member_id, status in existing:
        taken[app_id].add(member_id)
        if status != Status.RECUSED:
            active[app_id] += 1
    blocked = _conflicts_and_memberships(
        [m.user_id for m in members], [a.organisation_id for a in applications]
    )
    new, short = [], []
    for application in sorted(applications, key=lambda a: active[a.pk]):
        for _slot in range(wanted - active[application.pk]):
            possible = [
                m for m in members
                if m.pk not in taken[application.pk]
                and (m.user_id, application.organisation_id) not in blocked
            ]
            if not possible:
                short.append(application)
                break
            member = min(possible, key=lambda m: (load[m.pk], m.pk))
            load[member.pk] += 1
            taken[application.pk].add(member.pk)
            new.append(ReviewAssignment(application=application, member=member, assigned_by=by))
    created = bulk_create_with_history(new, ReviewAssignment, default_user=by)
    by_member = defaultdict(list)
    for assignment in created:
        by_member[assignment.member].append(assignment)
    for member, assignments in by_member.items():
        _notify_assigned(member, assignments, by)
    return created, short


# --- the reviewer's work ---------------------------------------------------------------


def _reviewers_own(assignment, by):
    if assignment.member.user_id != by.pk:
        raise ValueError("Only the assigned reviewer works on a review")


@transaction.atomic
def declare_conflict(assignment, *, by, has_conflict, reason=""):
    """The reviewer's answer to “do you have a conflict of interest?”. Yes (with a
    reason) recuses them from the application for good; no opens the scoring form.
    Someone who answered no may still declare a conflict until they submit."""
    assignment = ReviewAssignment.objects.select_for_update().select_related(
        "member", "application__cycle"
    ).get(pk=assignment.pk)
    _reviewers_own(assignment, by)
    require_open_ranking(assignment.application.cycle)
    if assignment.is_recused:
        raise ValidationError(
            _("You have declared a conflict of interest for this application."),
            code="recused",
        )
    if assignment.is_submitted:
        raise ValidationError(
            _("Your review is submitted; reopen it first."), code="submitted"
        )
    if has_conflict and not reason.strip():
        raise ValidationError(
            {"reason": _("Describe the conflict of interest.")}, code="reason_missing"
        )
    if not has_conflict and assignment.has_conflict is False:
        return assignment
    assignment.has_conflict = has_conflict
    assignment.conflict_reason = reason.strip() if has_conflict else ""
    assignment.conflict_declared_at = timezone.now()
    if has_conflict:
        assignment.status = Status.RECUSED
        for score in assignment.scores.all():
            _by(score, by).delete()
    _by(assignment, by).save()
    return assignment


def _check_scores(criteria, scores, *, complete):
    """Field errors for scores outside their scale, and (to submit) missing ones."""
    errors = {}
    for criterion in criteria:
        value, _comment = scores.get(criterion.pk, (None, ""))
        if value is None:
            if complete:
                errors[f"score_{criterion.pk}"] = _("Give a score for this criterion.")
        elif not criterion.scale_min <= value <= criterion.scale_max:
            errors[f"score_{criterion.pk}"] = _(
                "The score must be from %(low)d to %(high)d."
            ) % {"low": criterion.scale_min, "high": criterion.scale_max}
    return errors


@transaction.atomic
def save_review(assignment, *, by, scores, overall_comment="", submit=False, now=None):
    """Saves the reviewer's scores and comments: ``scores`` maps a criterion's pk to
    (value or None, comment). As a draft, scores may be missing; to submit, every
    criterion needs one. All or nothing: when anything is wrong, nothing is saved."""
    assignment = ReviewAssignment.objects.select_for_update().select_related(
        "member", "application__cycle"
    ).get(pk=assignment.pk)
    _reviewers_own(assignment, by)
    cycle = assignment.application.cycle
    require_open_ranking(cycle)
    if assignment.has_conflict is None:
        raise ValidationError(
            _("Answer the conflict of interest question first."), code="undeclared"
        )
    if assignment.is_recused:
        raise ValidationError(
            _("You have declared a conflict of interest and cannot score this application."),
            code="recused",
        )
    if assignment.is_submitted:
        raise ValidationError(
            _("Your review is already submitted; reopen it to change it."), code="submitted"
        )
    if assignment.application.status not in RANKED_STATUSES:
        raise ValidationError(
            _("This application has been withdrawn and is no longer reviewed."),
            code="withdrawn",
        )
    criteria = list(Criterion.objects.filter(cycle=cycle).order_by("order", "pk"))
    unknown = set(scores) - {c.pk for c in criteria}
    if unknown:
        raise ValueError(f"Not a criterion of this cycle: {sorted(unknown)}")
    if submit and not criteria:
        raise ValidationError(_("This cycle has no criteria yet."), code="no_criteria")
    errors = _check_scores(criteria, scores, complete=submit)
    if errors:
        raise ValidationError(errors, code="invalid_scores")
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    for criterion in criteria:
        if criterion.pk not in scores:
            continue
        value, comment = scores[criterion.pk]
        comment = comment.strip()
        score = existing.get(criterion.pk)
        if score is None:
            if value is None and not comment:
                continue
            score = Score(
                assignment=assignment,
                criterion=criterion,
                scale_min=criterion.scale_min,
                scale_max=criterion.scale_max,
            )
        elif (score.value, score.comment) == (value, comment):
            continue
        score.value, score.comment = value, comment
        _by(score, by).save()
    assignment.overall_comment = overall_comment.strip()
    if submit:
        assignment.status = Status.SUBMITTED
        assignment.submitted_at = now or timezone.now()
    else:
        assignment.status = Status.DRAFT
    _by(assignment, by).save()
    return assignment


@transaction.atomic
def reopen_review(assignment, *, by):
    """The reviewer takes back their submitted review to change it, which they may
    until staff finalise the ranking."""
    assignment = ReviewAssignment.objects.select_for_update().select_related(
        "member", "application__cycle"
    ).get(pk=assignment.pk)
    _reviewers_own(assignment, by)
    require_open_ranking(assignment.application.cycle)
    if not assignment.is_submitted:
        raise ValidationError(_("Only a submitted review can be reopened."), code="not_submitted")
    assignment.status = Status.DRAFT
    assignment.submitted_at = None
    _by(assignment, by).save()
    return assignment


# --- the ranking ------------------------------------------------------------------------


@transaction.atomic
def finalise_ranking(cycle, *, by, now=None):
    """Freezes the reviews, criteria, eligibility and figures of the cycle. Every
    assigned review must be submitted (or the reviewer recused) first."""
    row = _settings_for_update(cycle)
    if row.is_finalised:
        return row
    open_reviews = ReviewAssignment.objects.filter(
        application__cycle=cycle,
        application__status__in=RANKED_STATUSES,
        status__in=[Status.ASSIGNED, Status.DRAFT],
    ).count()
    if open_reviews:
        raise ValidationError(
            ngettext(
                "%(count)d review is not submitted yet. Wait for it, or take the "
                "application back from the reviewer, before finalising.",
                "%(count)d reviews are not submitted yet. Wait for them, or take the "
                "applications back from the reviewers, before finalising.",
                open_reviews,
            )
            % {"count": open_reviews},
            code="open_reviews",
        )
    row.finalised_at = now or timezone.now()
    row.finalised_by = by
    _by(row, by).save()
    return row


@transaction.atomic
def reopen_ranking(cycle, *, by):
    row = _settings_for_update(cycle)
    row.finalised_at = None
    row.finalised_by = None
    _by(row, by).save()
    return row
