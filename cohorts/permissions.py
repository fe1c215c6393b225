"""Who may do what in the incubation cycle.

Staff run cohorts, meetings, deadlines and attendance (the kernel's ``is_staff``,
applied with ``staff_required``). Everyone else reaches cohorts, meetings and
deadlines only through the user-scoped selectors (``cohorts_for``,
``meetings_for``, ``deadlines_for``), so another cohort's is a 404; what they may do
there is decided here, for the views and the services alike.
"""

from . import selectors


def may_answer_for(user, meeting, organisation):
    """Whether ``user`` answers ``meeting``'s invitation for ``organisation``: one of
    its people, while it takes part in the cohort (or cycle) the meeting is for."""
    return selectors.meeting_organisations(meeting, user).filter(organisation=organisation).exists()
