"""Who is told about a joint meeting, and when that changes.

Everyone a meeting is for (its participants, and its hosts on the staff: the
cohort's coordinator and whoever scheduled it) receives its notices: the invitation,
each change, the cancellation, each with a calendar file. When the people a meeting
ahead is for change (an organisation joins late, moves to another cohort or comes
back; staff give the meeting to another cohort), those it newly concerns are invited
and those it no longer concerns are told, their calendar copy withdrawn and their
emails about it still waiting in the outbox not sent.
"""

import datetime

from incubator.notifications.models import Email
from incubator.notifications.services import Outgoing, cancel_queued, queue_many

from .. import selectors
from ..calendar import meeting_invitations
from ..models import JointMeeting


def invitees(meeting):
    """Everyone ``meeting`` is for, as ``selectors.Invitee`` items, in a few queries."""
    people = selectors.participant_people([meeting.cycle_id])
    hosts = selectors.meeting_hosts([meeting])[meeting.pk]
    return selectors.meeting_invitees(meeting, people, hosts)


def tell(meeting, invitees, *, notice, template, now, withdrawn=False, **context):
    """Writes one mandatory email about ``meeting`` to each of ``invitees``, keyed
    ``meeting:<id>:user:<id>:<notice>``, with the calendar file in their language
    (a cancellation of their copy when ``withdrawn``). Returns the new row ids."""
    calendars = meeting_invitations(meeting, [i.user for i in invitees], withdrawn=withdrawn)
    messages = [
        Outgoing(
            key=f"meeting:{meeting.pk}:user:{invitee.user.pk}:{notice}",
            recipient=invitee.user,
            template=f"cohorts/emails/{template}",
            context={
                "meeting": meeting,
                "organisations": invitee.organisations,
                "organisation": invitee.organisations[0] if invitee.organisations else None,
                **context,
            },
            calendar=calendars[invitee.user.pk],
        )
        for invitee in invitees
    ]
    return queue_many(messages, now=now)


def withdraw_queued(meeting, users=None):
    """The emails about ``meeting`` still waiting in the outbox (to ``users`` only,
    if given) describe it as it was, or reach people it no longer concerns: they are
    not sent."""
    emails = Email.objects.filter(key__startswith=f"meeting:{meeting.pk}:")
    if users is not None:
        emails = emails.filter(recipient__in=users)
    return cancel_queued(emails)


def upcoming_meetings(cycle_id, now):
    return list(
        JointMeeting.objects.filter(
            cycle_id=cycle_id, status=JointMeeting.Status.SCHEDULED, starts_at__gt=now
        ).select_related("cycle", "cohort__priority_field", "created_by")
    )


def revision(now):
    """A key suffix naming one change of who is invited (several can follow one
    another, and each is told once)."""
    return "@" + now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S.%fZ")


class Audiences:
    """Who the meetings ahead of a cycle are for, taken before a change; after it,
    ``tell_changes`` invites and withdraws whoever the change concerns.

        audiences = Audiences(cycle_id, now)
        ...  # a membership moved, or a meeting given to another cohort
        audiences.tell_changes(revision="@...", withdraw=True, moved_to=cohort)
    """

    def __init__(self, cycle_id, now, meetings=None):
        self.cycle_id = cycle_id
        self.now = now
        self.meetings = upcoming_meetings(cycle_id, now) if meetings is None else meetings
        self.before = self._current()

    def _current(self):
        if not self.meetings:
            return {}
        people = selectors.participant_people([self.cycle_id])
        hosts = selectors.meeting_hosts(self.meetings)
        return {
            meeting.pk: {
                invitee.user.pk: invitee
                for invitee in selectors.meeting_invitees(meeting, people, hosts[meeting.pk])
            }
            for meeting in self.meetings
        }

    def tell_changes(self, *, revision, withdraw=True, organisation=None, **context):
        """Invites the people the meetings newly concern; with ``withdraw``, tells
        those they no longer concern. With ``organisation`` (the one that joined or
        moved), only its people: another organisation admitted at the same moment
        tells its own. ``context`` goes to the "withdrawn" email. Returns the ids of
        the people invited and of those withdrawn from."""
        after = self._current()
        invited, withdrawn = set(), set()

        def concerned(invitee):
            return organisation is None or organisation in invitee.organisations

        for meeting in self.meetings:
            before, now_for = self.before.get(meeting.pk, {}), after.get(meeting.pk, {})
            gone = [i for pk, i in before.items() if pk not in now_for and concerned(i)]
            new = [i for pk, i in now_for.items() if pk not in before and concerned(i)]
            if gone and withdraw:
                withdrawn |= {invitee.user.pk for invitee in gone}
                withdraw_queued(meeting, users=[invitee.user for invitee in gone])
                tell(
                    meeting,
                    gone,
                    notice=f"withdrawn{revision}",
                    template="meeting_withdrawn",
                    now=self.now,
                    withdrawn=True,
                    **context,
                )
            if new:
                invited |= {invitee.user.pk for invitee in new}
                tell(
                    meeting,
                    new,
                    notice=f"invited{revision}",
                    template="meeting_invited",
                    now=self.now,
                )
        return invited, withdrawn
