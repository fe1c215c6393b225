"""The cohorts app's pages: "my programme" for participants, cohorts, meetings,
attendance and deadlines for staff. Thin: every write goes through services.py."""

from .deadlines import deadline_create, deadline_delete, deadline_edit
from .meetings import (
    attendance,
    attendance_csv,
    attendance_report,
    material_delete,
    material_download,
    material_upload,
    meeting_cancel,
    meeting_create,
    meeting_detail,
    meeting_edit,
    rsvp,
)
from .programme import my_programme
from .staff import (
    cohort_detail,
    cohort_edit,
    cohort_list,
    membership_move,
    membership_status,
    reminder_settings,
)

__all__ = [
    "attendance",
    "attendance_csv",
    "attendance_report",
    "cohort_detail",
    "cohort_edit",
    "cohort_list",
    "deadline_create",
    "deadline_delete",
    "deadline_edit",
    "material_delete",
    "material_download",
    "material_upload",
    "meeting_cancel",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "membership_move",
    "membership_status",
    "my_programme",
    "reminder_settings",
    "rsvp",
]
