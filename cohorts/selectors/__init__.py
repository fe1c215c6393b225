"""Reads of cohorts, meetings and deadlines, always scoped to who is asking; each
runs a constant number of queries however many rows there are."""

from .access import (
    VISIBLE, CYCLE_END_TIME, cycle_end, cycle_window, memberships_of, cohorts_for,
    meetings_for, deadlines_for, meeting_organisations, answering_places, participant_people,
    audience_of, Invitee, meeting_hosts, meeting_invitees, draft_people,
)
from .programme import (
    programme_for, progress, timeline, upcoming_for_feed,
)
from .staff import (
    staff_cycles, cohort_list, meetings_of_cycle, deadlines_of_cycle, cohort_members,
    meetings_held, meeting_roster, attendance_report, attendance_lines,
)
