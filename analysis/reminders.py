"""Reminders before an assessment's "answer by" day, through the kernel's engine:
written when due to each of the organisation's people who has not submitted their
answers yet (found then, so that one who submitted in the meantime is left out)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incubator.models import Membership
from incubator.notifications import reminders as engine
from incubator.notifications.reminders import Recipient, ReminderSource

from .models import Assessment, Response

SOURCE = "assessment"
OFFSETS = "7d, 2d"


class AssessmentReminders(ReminderSource):
    name = SOURCE
    label = _("Assessments to answer")
    template = "analysis/emails/assessment_reminder"

    def recipients(self, reminders):
        assessments = {
            a.pk: a
            for a in Assessment.objects.filter(
                pk__in={r.object_id for r in reminders}
            ).select_related("organisation", "cycle")
        }
        people = {}
        for membership in (
            Membership.objects.filter(
                organisation_id__in={a.organisation_id for a in assessments.values()},
                user__is_active=True,
            )
            .select_related("user")
            .order_by("organisation", "-role", "created_at")
        ):
            people.setdefault(membership.organisation_id, []).append(membership.user)
        done = set(
            Response.objects.filter(
                assessment_id__in=list(assessments), submitted_at__isnull=False
            ).values_list("assessment_id", "respondent_id")
        )
        for reminder in reminders:
            assessment = assessments.get(reminder.object_id)
            if assessment is None:
                continue
            for user in people.get(assessment.organisation_id, []):
                if (assessment.pk, user.pk) not in done:
                    yield Recipient(
                        reminder=reminder, user=user, context={"assessment": assessment}
                    )


def answer_by(due_on):
    """The end of the "answer by" day, Riga time."""
    return timezone.make_aware(datetime.datetime.combine(due_on, datetime.time(23, 59)))


def schedule(assessment, now=None):
    if assessment.due_on is None:
        return engine.cancel(source=SOURCE, object_id=assessment.pk, now=now)
    return engine.schedule(
        source=SOURCE,
        object_id=assessment.pk,
        event_at=answer_by(assessment.due_on),
        offsets=engine.parse_offsets(OFFSETS),
        now=now,
    )
