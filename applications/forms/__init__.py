from .application import ApplicationForm, AttachmentForm, WithdrawForm
from .review import (
    AssignForm,
    AutoAssignForm,
    BulkDecisionForm,
    ConflictForm,
    DecisionForm,
    EligibilityForm,
    InviteForm,
    LetterSelectionForm,
    LetterTemplateForm,
    ReviewSettingsForm,
    ScoreForm,
    criterion_formset,
    placeholder_help,
    quota_forms,
    requirement_formset,
)

__all__ = [
    "ApplicationForm", "AssignForm", "AttachmentForm", "AutoAssignForm", "BulkDecisionForm",
    "ConflictForm", "DecisionForm", "EligibilityForm", "InviteForm", "LetterSelectionForm",
    "LetterTemplateForm", "ReviewSettingsForm", "ScoreForm", "WithdrawForm",
    "criterion_formset", "placeholder_help", "quota_forms", "requirement_formset",
]
