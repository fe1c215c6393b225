"""The applications app's models: the call (applications, attachments, their
history), the evaluation (criteria, committee, reviews, eligibility) and the
decision letters."""

from .application import Application, Attachment, StatusChange, attachment_path
from .letters import DecisionLetter, LetterTemplate
from .offers import PlaceOffer
from .ranking import RankedApplication, RankingState
from .review import (
    CommitteeMember,
    Criterion,
    EligibilityCheck,
    EligibilityRequirement,
    FieldQuota,
    ReviewAssignment,
    ReviewerLine,
    ReviewSettings,
    Score,
)

__all__ = [
    "Application",
    "Attachment",
    "CommitteeMember",
    "Criterion",
    "DecisionLetter",
    "EligibilityCheck",
    "EligibilityRequirement",
    "FieldQuota",
    "LetterTemplate",
    "PlaceOffer",
    "RankedApplication",
    "RankingState",
    "ReviewAssignment",
    "ReviewerLine",
    "ReviewSettings",
    "Score",
    "StatusChange",
    "attachment_path",
]
