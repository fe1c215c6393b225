"""Who may do what with applications and their evaluation.

The roles: programme staff (the kernel's ``is_staff``, applied with
``staff_required``), an organisation's people (who reach its applications only
through ``selectors.applications_for(user)``) and committee members
(``is_reviewer``, who reach only their own reviews through
``selectors.assignments_for(user)``). Views apply these predicates with the
kernel's ``require``; services check the same predicates before they write.
"""

from incubator.permissions import require

from .models import CommitteeMember


def is_reviewer(user):
    """A member of some cycle's evaluation committee."""
    return (
        user.is_authenticated
        and user.is_active
        and CommitteeMember.objects.filter(user=user).exists()
    )


reviewer_required = require(is_reviewer)


def may_see_other_reviews(assignment, settings):
    """Reviewing is blind: others' scores show only after one's own is submitted,
    and only when the cycle allows it."""
    return assignment.is_submitted and settings.reviewers_see_other_reviews


def can_reopen(assignment):
    """Whether the reviewer may reopen their own review: a submitted one, as long as
    they have not read the others' (staff can still reopen it for them)."""
    return assignment.is_submitted and assignment.others_seen_at is None
