"""Mentors and experts, their assignments and availability, consultations and their
logs. The names below are the app's models."""

from .assignments import MentorAssignment, MentoringSettings
from .availability import WEEKDAYS, AvailabilityPattern, BlockedPeriod, Mode, Slot
from .consultations import (
    ACTIVE,
    ActionItem,
    Consultation,
    ConsultationFile,
    ConsultationLog,
    ConsultationRequest,
)
from .profiles import LANGUAGES, ExpertiseTag, MentorPhoto, MentorProfile, PartnerOrganisation

__all__ = [
    "ACTIVE",
    "LANGUAGES",
    "WEEKDAYS",
    "ActionItem",
    "AvailabilityPattern",
    "BlockedPeriod",
    "Consultation",
    "ConsultationFile",
    "ConsultationLog",
    "ConsultationRequest",
    "ExpertiseTag",
    "MentorAssignment",
    "MentorPhoto",
    "MentorProfile",
    "MentoringSettings",
    "Mode",
    "PartnerOrganisation",
    "Slot",
]
