"""The reminders the cohorts app gives the notification engine: before joint
meetings, and before deadlines (the call's closing among them). Registered in
apps.py; the engine's sweep calls them with a batch of due reminders."""

from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from incubator.notifications.reminders import Recipient, ReminderSource

from . import audiences, selectors, services
from .calendar import meeting_invitations
from .models import Deadline, JointMeeting, MeetingResponse


class MeetingReminders(ReminderSource):
    name = services.MEETING_SOURCE
    label = _("Joint meetings")
    template = "cohorts/emails/meeting_reminder"

    def recipients(self, reminders):
        meetings = JointMeeting.objects.filter(
            pk__in={r.object_id for r in reminders}, status=JointMeeting.Status.SCHEDULED
        ).select_related("cycle", "cohort__priority_field", "created_by")
        meetings = {meeting.pk: meeting for meeting in meetings}
        people = selectors.participant_people({m.cycle_id for m in meetings.values()})
        hosts = selectors.meeting_hosts(list(meetings.values()))
        responses = {
            (response.meeting_id, response.organisation_id): response
            for response in MeetingResponse.objects.filter(meeting_id__in=meetings)
        }
        answers = defaultdict(dict)
        for meeting_id, answer, count in (
            MeetingResponse.objects.filter(meeting_id__in=meetings)
            .values_list("meeting_id", "answer")
            .annotate(count=Count("pk"))
            .order_by()
        ):
            answers[meeting_id][answer] = count
        for reminder in reminders:
            meeting = meetings.get(reminder.object_id)
            if meeting is None:
                continue
            invitees = selectors.meeting_invitees(meeting, people, hosts[meeting.pk])
            calendars = meeting_invitations(meeting, [invitee.user for invitee in invitees])
            invited = len(
                {organisation.pk for invitee in invitees for organisation in invitee.organisations}
            )
            for invitee in invitees:
                context = {"meeting": meeting}
                if invitee.is_host:
                    counts = answers[meeting.pk]
                    context["answers"] = {
                        "yes": counts.get(MeetingResponse.Answer.YES, 0),
                        "maybe": counts.get(MeetingResponse.Answer.MAYBE, 0),
                        "no": counts.get(MeetingResponse.Answer.NO, 0),
                        "invited": invited,
                    }
                else:
                    context["organisation"] = invitee.organisations[0]
                    context["responses"] = [
                        (organisation, responses.get((meeting.pk, organisation.pk)))
                        for organisation in invitee.organisations
                    ]
                yield Recipient(
                    reminder=reminder,
                    user=invitee.user,
                    context=context,
                    calendar=calendars[invitee.user.pk],
                )


class DeadlineReminders(ReminderSource):
    name = services.DEADLINE_SOURCE
    label = _("Deadlines")
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
