"""Every write of the incubation cycle: places in cohorts, meetings, answers,
attendance, deadlines and when their reminders go out. One transactional function
each, called by views, admin, receivers, the demo and tests alike. The names below
are the package's public API (``services.schedule_meeting``)."""

from .deadlines import (
    DEADLINE_FIELDS,
    create_deadline,
    cycles_out_of_step,
    delete_deadline,
    sync_cycle_deadlines,
    update_deadline,
)
from .meetings import (
    MATERIALS_PER_MEETING,
    MEETING_FIELDS,
    add_material,
    cancel_meeting,
    delete_material,
    record_attendance,
    respond,
    schedule_meeting,
    update_meeting,
)
from .places import (
    COHORT_FIELDS,
    check_coordinator,
    move_membership,
    place_admitted,
    revoke_place,
    set_membership_status,
    update_cohort,
)
from .schedule import (
    DEADLINE_SOURCE,
    MEETING_SOURCE,
    reminder_settings,
    reschedule_cycle,
    update_reminder_settings,
)

__all__ = [
    "COHORT_FIELDS",
    "DEADLINE_FIELDS",
    "DEADLINE_SOURCE",
    "MATERIALS_PER_MEETING",
    "MEETING_FIELDS",
    "MEETING_SOURCE",
    "add_material",
    "cancel_meeting",
    "check_coordinator",
    "create_deadline",
    "cycles_out_of_step",
    "delete_deadline",
    "delete_material",
    "move_membership",
    "place_admitted",
    "record_attendance",
    "reminder_settings",
    "reschedule_cycle",
    "respond",
    "revoke_place",
    "schedule_meeting",
    "set_membership_status",
    "sync_cycle_deadlines",
    "update_cohort",
    "update_deadline",
    "update_meeting",
    "update_reminder_settings",
]
