"""The reviewer's own work: the conflict of interest declaration, the scores
(a draft, then submitted, all or nothing) and reopening a submitted review."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.models import Cycle

from ..models import Application, Criterion, ReviewAssignment, ReviewerLine, Score
from ..permissions import may_see_other_reviews
from ..selectors.figures import line_of_each_member, normalisation_lines
from ..selectors.review import review_settings
from .common import record_author, require_open_ranking
from .ranking import ranking_changed

Status = ReviewAssignment.Status


def _reviewers_own(assignment, by):
    if assignment.member.user_id != by.pk:
        raise ValueError("Only the assigned reviewer works on a review")


@transaction.atomic
def declare_conflict(assignment, *, by, has_conflict, reason=""):
    """The reviewer's answer to “do you have a conflict of interest?”. Yes (with a
    reason) recuses them from the application for good; no opens the scoring form.
    Someone who answered no may still declare a conflict until they submit."""
    assignment = _locked(assignment)
    _reviewers_own(assignment, by)
    require_open_ranking(assignment.application.cycle)
    if assignment.is_recused:
        raise ValidationError(
            _("You have declared a conflict of interest for this application."),
            code="recused",
        )
    if assignment.is_submitted:
        raise ValidationError(_("Your review is submitted; reopen it first."), code="submitted")
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
            record_author(score, by).delete()
    record_author(assignment, by).save()
    if has_conflict:
        ranking_changed(assignment.application.cycle)
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
            errors[f"score_{criterion.pk}"] = _("The score must be from %(low)d to %(high)d.") % {
                "low": criterion.scale_min,
                "high": criterion.scale_max,
            }
    return errors


@transaction.atomic
def save_review(assignment, *, by, scores, overall_comment="", submit=False, now=None):
    """Saves the reviewer's scores and comments: ``scores`` maps a criterion's pk to
    (value or None, comment). As a draft, scores may be missing; to submit, every
    criterion needs one. All or nothing: when anything is wrong, nothing is saved."""
    assignment = _locked(assignment)
    _reviewers_own(assignment, by)
    cycle = assignment.application.cycle
    require_open_ranking(cycle)
    _require_scorable(assignment)
    criteria = _checked_criteria(cycle, scores, submit=submit)
    _save_scores(assignment, criteria, scores, by)
    assignment.overall_comment = overall_comment.strip()
    if submit:
        assignment.status = Status.SUBMITTED
        assignment.submitted_at = now or timezone.now()
    else:
        assignment.status = Status.DRAFT
    record_author(assignment, by).save()
    if submit:
        refresh_reviewer_lines(cycle)
    return assignment


def _locked(assignment):
    return (
        ReviewAssignment.objects.select_for_update()
        .select_related("member", "application__cycle")
        .get(pk=assignment.pk)
    )


def _require_scorable(assignment):
    """Refuses scores the review cannot take: before the conflict of interest
    question is answered, after a recusal or submission, or for a withdrawn
    application."""
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
    if assignment.application.status not in Application.EVALUATED:
        raise ValidationError(
            _("This application has been withdrawn and is no longer reviewed."),
            code="withdrawn",
        )


def _checked_criteria(cycle, scores, *, submit):
    """The cycle's criteria, once ``scores`` are all within their scales (and, to
    submit, complete)."""
    criteria = list(Criterion.objects.filter(cycle=cycle).order_by("order", "pk"))
    unknown = set(scores) - {c.pk for c in criteria}
    if unknown:
        raise ValueError(f"Not a criterion of this cycle: {sorted(unknown)}")
    if submit and not criteria:
        raise ValidationError(_("This cycle has no criteria yet."), code="no_criteria")
    errors = _check_scores(criteria, scores, complete=submit)
    if errors:
        raise ValidationError(errors, code="invalid_scores")
    return criteria


def _save_scores(assignment, criteria, scores, by):
    """Writes the scores and comments that changed; an empty one is not stored."""
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
        record_author(score, by).save()


@transaction.atomic
def show_other_reviews(assignment, *, by, now=None):
    """The reviewer asks to read the other submitted reviews of the application
    (where the cycle shows them, once their own is submitted). Reviewing is blind:
    from then on they can no longer reopen their own review themselves (staff still
    can). Recorded once, with its author, in the review's history."""
    assignment = _locked(assignment)
    _reviewers_own(assignment, by)
    if not assignment.is_submitted:
        raise ValidationError(
            _("Submit your own review first: reviewing is blind."), code="not_submitted"
        )
    if not may_see_other_reviews(assignment, review_settings(assignment.application.cycle)):
        raise ValidationError(
            _("In this cycle reviewers do not see each other's reviews."), code="not_shown"
        )
    if assignment.others_seen_at is not None:
        return assignment
    others = ReviewAssignment.objects.filter(
        application_id=assignment.application_id, status=Status.SUBMITTED
    ).exclude(pk=assignment.pk)
    if not others.exists():
        raise ValidationError(_("No other review has been submitted yet."), code="none_yet")
    assignment.others_seen_at = now or timezone.now()
    record_author(assignment, by).save()
    return assignment


@transaction.atomic
def reopen_review(assignment, *, by, as_staff=False):
    """Takes back a submitted review to change it, which is possible until staff
    finalise the ranking: by its reviewer, unless they have read the other reviews
    of the application (they could otherwise rewrite theirs after reading them), or
    by staff (``as_staff``) for them."""
    assignment = _locked(assignment)
    if not as_staff:
        _reviewers_own(assignment, by)
    require_open_ranking(assignment.application.cycle)
    if not assignment.is_submitted:
        raise ValidationError(_("Only a submitted review can be reopened."), code="not_submitted")
    if not as_staff and assignment.others_seen_at is not None:
        raise ValidationError(
            _(
                "You have read the other reviews of this application, so you can no longer "
                "reopen your own: reviewing is blind. Ask the programme staff to reopen it "
                "if it needs a correction."
            ),
            code="others_seen",
        )
    assignment.status = Status.DRAFT
    assignment.submitted_at = None
    record_author(assignment, by).save()
    refresh_reviewer_lines(assignment.application.cycle)
    return assignment


@transaction.atomic
def refresh_reviewer_lines(cycle):
    """Recomputes the normalisation line of every member of ``cycle``'s committee
    from the submitted scores (see ``ReviewerLine``). Called whenever a review is
    submitted or reopened, in the same transaction; the cycle's row is locked so
    that two reviews submitted at the same moment are both counted."""
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
    lines = [
        ReviewerLine(
            member_id=member_id,
            scores=n,
            mean=mean,
            committee_mean=committee_mean,
            slope=slope,
            intercept=intercept,
        )
        for member_id, n, mean, committee_mean, slope, intercept in normalisation_lines(
            line_of_each_member(cycle)
        )
    ]
    ReviewerLine.objects.filter(member__cycle=cycle).exclude(
        member_id__in=[line.member_id for line in lines]
    ).delete()
    ReviewerLine.objects.bulk_create(
        lines,
        update_conflicts=True,
        unique_fields=["member"],
        update_fields=["scores", "mean", "committee_mean", "slope", "intercept"],
    )
    ranking_changed(cycle)
    return lines


@transaction.atomic
def recuse_on_joining(organisation, user):
    """``user`` joined ``organisation``: each review of its applications they still
    hold (in a cycle whose ranking is open) becomes a recusal, its scores dropped, as
    a member never reviews their own organisation. Returns the recused assignments."""
    assignments = list(
        # Only the assignments are locked: the cycle's settings are the nullable side
        # of an outer join, which PostgreSQL does not lock.
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application__cycle")
        .filter(member__user=user, application__organisation=organisation)
        .exclude(status=Status.RECUSED)
        .exclude(application__cycle__review_settings__finalised_at__isnull=False)
    )
    for assignment in assignments:
        assignment.has_conflict = True
        assignment.conflict_reason = _("Joined the organisation as a member.")
        assignment.conflict_declared_at = timezone.now()
        assignment.status = Status.RECUSED
        for score in assignment.scores.all():
            record_author(score, user).delete()
        record_author(assignment, user).save()
    for cycle in {assignment.application.cycle for assignment in assignments}:
        ranking_changed(cycle)
    return assignments
