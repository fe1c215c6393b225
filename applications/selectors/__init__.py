"""Every read of the applications app that matters, scoped to who is asking."""

from .application import (
    applications_for,
    counts_by_field_and_status,
    dashboard_organisations,
    search,
    staff_applications,
    timeline,
    visible_applications,
)
from .audit import AUDIT_LABELS, audit_rows, audit_trail
from .ranking import figures_for, full_ranking, ranking_page, ranking_query, waiting_list
from .review import (
    application_progress,
    assignable_members,
    assignment_rows,
    assignments_for,
    committee,
    conflicts,
    criteria,
    decisions,
    ineligible_applications,
    is_reviewer,
    left_after_admission,
    letter_templates,
    may_see_other_reviews,
    other_reviews,
    places_taken,
    published_decision,
    quota_rows,
    quotas,
    requirements,
    review_settings,
    reviewer_dashboard,
    reviews_of,
    running_total,
    scores_of,
    scoring_started,
)

__all__ = [
    "decisions", "left_after_admission", "ranking_query", "waiting_list",
    "AUDIT_LABELS", "audit_rows", "audit_trail", "ineligible_applications", "quota_rows",
    "application_progress", "applications_for", "assignable_members", "assignment_rows", "assignments_for",
    "committee", "conflicts", "counts_by_field_and_status", "criteria",
    "dashboard_organisations", "figures_for", "full_ranking", "is_reviewer", "letter_templates",
    "may_see_other_reviews", "other_reviews", "places_taken", "published_decision", "quotas", "ranking_page", "requirements",
    "review_settings", "reviewer_dashboard", "reviews_of", "running_total", "scores_of", "scoring_started",
    "search", "staff_applications", "timeline", "visible_applications",
]
