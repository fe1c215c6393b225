"""Every write of the applications app, one transactional function each, called by
views, admin actions, tasks and tests alike."""

from .application import (
    DECISION_FROM,
    DRAFT_FIELDS,
    REQUIRED_TO_SUBMIT,
    add_attachment,
    can_withdraw,
    decide,
    decide_in_bulk,
    delete_attachment,
    missing_items,
    publish_decision,
    save_draft,
    start_application,
    submit,
    withdraw,
)
from .letters import (
    PLACEHOLDERS,
    check_placeholders,
    fingerprint,
    prepare_letters,
    save_letter_template,
    send_decision_letters,
    template_for,
)
from .committee import (
    assign,
    auto_assign,
    invite_reviewer,
    remove_member,
    resend_invitation,
    unassign,
)
from .common import require_open_ranking
from .review import (
    finalise_ranking,
    record_eligibility,
    reopen_ranking,
    save_criteria,
    save_requirements,
    update_review_settings,
)
from .scoring import (
    can_reopen,
    declare_conflict,
    record_other_reviews_seen,
    refresh_reviewer_lines,
    reopen_review,
    save_review,
)

__all__ = [
    "DECISION_FROM", "DRAFT_FIELDS", "PLACEHOLDERS", "REQUIRED_TO_SUBMIT", "add_attachment",
    "assign", "auto_assign", "can_reopen", "can_withdraw", "check_placeholders", "decide", "decide_in_bulk", "declare_conflict",
    "delete_attachment", "finalise_ranking", "fingerprint", "invite_reviewer", "missing_items",
    "prepare_letters", "publish_decision", "record_eligibility", "record_other_reviews_seen", "refresh_reviewer_lines",
    "remove_member",
    "reopen_ranking", "reopen_review", "require_open_ranking", "resend_invitation",
    "save_criteria", "save_draft", "save_letter_template", "save_requirements", "save_review",
    "send_decision_letters", "start_application", "submit", "template_for", "unassign",
    "update_review_settings", "withdraw",
]
