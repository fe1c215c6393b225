"""The reminders the mentoring app gives the notification engine (registered in
apps.py). Who is reminded is read when the reminder is written, never when it was
scheduled: the organisation's people as they are then, a consultation still booked,
a mentor still assigned to the organisation, an action item still open."""

from django.utils.translation import gettext_lazy as _

from cohorts.models import CohortMembership
from incubator.notifications.reminders import Recipient, ReminderSource

from .calendar import consultation_invitations
from .models import (
    ActionItem,
    Consultation,
    ConsultationRequest,
    MentorAssignment,
    MentorProfile,
)
from .selectors.access import people_of
from .services import schedule


def _still_assigned(rows):
    """The (cycle, organisation, mentor) triples among ``rows`` (consultations) whose
    mentor still works with the organisation: an expert always, a mentor while the
    assignment is accepted. One query."""
    mentors = {r.mentor_id for r in rows if r.mentor.kind == MentorProfile.Kind.MENTOR}
    accepted = set(
        MentorAssignment.objects.filter(
            mentor_id__in=mentors, status=MentorAssignment.Status.ACCEPTED
        ).values_list("cycle_id", "organisation_id", "mentor_id")
    )
    return {
        (r.cycle_id, r.organisation_id, r.mentor_id)
        for r in rows
        if r.mentor.kind == MentorProfile.Kind.EXPERT
        or (r.cycle_id, r.organisation_id, r.mentor_id) in accepted
    }


def _taking_part(rows):
    """(cycle, organisation) pairs among ``rows`` whose organisation still takes part."""
    return set(
        CohortMembership.objects.filter(
            cycle_id__in={r.cycle_id for r in rows},
            organisation_id__in={r.organisation_id for r in rows},
            status=CohortMembership.Status.ACTIVE,
        ).values_list("cycle_id", "organisation_id")
    )


def _mentor_ready(mentor):
    return mentor.is_ready and mentor.user.is_active


class ConsultationReminders(ReminderSource):
    name = schedule.CONSULTATION_SOURCE
    label = _("Consultations")
    template = "mentoring/emails/consultation_reminder"

    def recipients(self, reminders):
        consultations = {
            c.pk: c
            for c in Consultation.objects.filter(
                pk__in={r.object_id for r in reminders}, status=Consultation.Status.SCHEDULED
            ).select_related("cycle", "organisation", "mentor__user", "topic")
        }
        rows = list(consultations.values())
        assigned = _still_assigned(rows)
        taking_part = _taking_part(rows)
        people = people_of({c.organisation_id for c in rows})
        for reminder in reminders:
            consultation = consultations.get(reminder.object_id)
            if consultation is None:
                continue
            if (consultation.cycle_id, consultation.organisation_id) not in taking_part:
                continue
            recipients = []
            if _mentor_ready(consultation.mentor) and (
                (consultation.cycle_id, consultation.organisation_id, consultation.mentor_id)
                in assigned
            ):
                recipients.append((consultation.mentor.user, True))
            recipients += [(u, False) for u in people.get(consultation.organisation_id, [])]
            calendars = consultation_invitations(consultation, [u for u, _m in recipients])
            for user, for_mentor in recipients:
                yield Recipient(
                    reminder=reminder,
                    user=user,
                    context={"consultation": consultation, "for_mentor": for_mentor},
                    calendar=calendars[user.pk],
                )


class LogReminders(ReminderSource):
    """To the mentor of a consultation whose time is over and which has no log two
    days later (staff see the same on the overview)."""

    name = schedule.LOG_SOURCE
    label = _("Consultation logs")
    template = "mentoring/emails/log_missing"
    optional = False

    def recipients(self, reminders):
        consultations = {
            c.pk: c
            for c in Consultation.objects.filter(
                pk__in={r.object_id for r in reminders},
                status=Consultation.Status.SCHEDULED,
                log__isnull=True,
            ).select_related("cycle", "organisation", "mentor__user")
        }
        for reminder in reminders:
            consultation = consultations.get(reminder.object_id)
            if consultation is None or not _mentor_ready(consultation.mentor):
                continue
            yield Recipient(
                reminder=reminder,
                user=consultation.mentor.user,
                context={"consultation": consultation},
            )


class RequestReminders(ReminderSource):
    """To the mentor of a request still unanswered after three days."""

    name = schedule.REQUEST_SOURCE
    label = _("Consultation requests")
    template = "mentoring/emails/request_unanswered"
    optional = False

    def recipients(self, reminders):
        requests = {
            r.pk: r
            for r in ConsultationRequest.objects.filter(
                pk__in={r.object_id for r in reminders},
                status=ConsultationRequest.Status.PENDING,
            ).select_related("organisation", "mentor__user", "topic")
        }
        for reminder in reminders:
            request = requests.get(reminder.object_id)
            if request is None or not _mentor_ready(request.mentor):
                continue
            yield Recipient(
                reminder=reminder, user=request.mentor.user, context={"request": request}
            )


class ActionItemReminders(ReminderSource):
    """The day before an action item is due, to whoever does it: the organisation's
    people, or the mentor while still assigned to the organisation."""

    name = schedule.ACTION_ITEM_SOURCE
    label = _("Action items")
    template = "mentoring/emails/action_item_due"

    def recipients(self, reminders):
        items = {
            item.pk: item
            for item in ActionItem.objects.filter(
                pk__in={r.object_id for r in reminders}, done_at__isnull=True
            ).select_related("organisation", "mentor__user", "cycle", "consultation")
        }
        # Whether agreed at a consultation or standing on its own, an item names its
        # organisation, cycle and (if any) mentor: the audience is read from them now.
        assigned = _still_assigned([item for item in items.values() if item.mentor_id])
        people = people_of({item.organisation_id for item in items.values()})
        for reminder in reminders:
            item = items.get(reminder.object_id)
            if item is None:
                continue
            consultation = item.consultation
            if item.owner == ActionItem.Owner.MENTOR:
                key = (item.cycle_id, item.organisation_id, item.mentor_id)
                users = [item.mentor.user] if _mentor_ready(item.mentor) and key in assigned else []
            else:
                users = people.get(item.organisation_id, [])
            for user in users:
                yield Recipient(
                    reminder=reminder,
                    user=user,
                    context={"item": item, "consultation": consultation},
                )
