"""The reminders the cohorts app gives the notification engine: before joint
meetings, and before deadlines (the call's closing among them). Registered in
apps.py; the engine's sweep calls them with a batch of due reminders."""

from collections import defaultdict

from incubator.notifications.reminders import Recipient, ReminderSource

from . import audiences, selectors, services
from .calendar import meeting_invitations
from .models import Deadline, JointMeeting, MeetingResponse


class MeetingReminders(ReminderSource):
    name = services.MEETING_SOURCE
    template = "cohorts/emails/meeting_reminder"

    def recipients(self, reminders):
        meetings = JointMeeting.objects.filter(
            pk__in={r.object_id for r in reminders}, status=JointMeeting.Status.SCHEDULED
        ).select_related("cycle", "cohort__priority_field")
        meetings = {meeting.pk: meeting for meeting in meetings}
        people = selectors.participant_people({m.cycle_id for m in meetings.values()})
        responses = {
            (response.meeting_id, response.organisation_id): response
            for response in MeetingResponse.objects.filter(meeting_id__in=meetings)
        }
        for reminder in reminders:
            meeting = meetings.get(reminder.object_id)
            if meeting is None:
                continue
            audience = selectors.audience_of(people, meeting.cycle_id, meeting.cohort_id)
            calendars = meeting_invitations(meeting, [user for user, _org in audience])
            for user, organisation in audience:
                yield Recipient(
                    reminder=reminder,
                    user=user,
                    context={
                        "meeting": meeting,
                        "organisation": organisation,
                        "response": responses.get((meeting.pk, organisation.pk)),
                    },
                    calendar=calendars[user.pk],
                )


class DeadlineReminders(ReminderSource):
    name = services.DEADLINE_SOURCE
    template = "cohorts/emails/deadline_reminder"

    def sync(self, now):
        for cycle in services.cycles_out_of_step(now):
            services.sync_cycle_deadlines(cycle, now=now)

    def recipients(self, reminders):
        deadlines = Deadline.objects.filter(pk__in={r.object_id for r in reminders})
        deadlines = {d.pk: d for d in deadlines.select_related("cycle", "cohort__priority_field")}
        by_audience = defaultdict(list)
        for deadline in deadlines.values():
            by_audience[deadline.audience].append(deadline)
        people = defaultdict(list)
        for code, batch in by_audience.items():
            audience = audiences.get(code)
            if audience is None:
                continue
            for deadline, user, context in audience.recipients(batch):
                people[deadline.pk].append((user, context))
        for reminder in reminders:
            deadline = deadlines.get(reminder.object_id)
            if deadline is None:
                continue
            seen = set()
            for user, context in people[deadline.pk]:
                if user.pk in seen:
                    continue
                seen.add(user.pk)
                yield Recipient(
                    reminder=reminder,
                    user=user,
                    context={"deadline": deadline, "audience": deadline.audience, **context},
                )
