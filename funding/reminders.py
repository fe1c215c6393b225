"""Reminders before a funding call's deadline (by default 14 and 3 days before:
FUNDING_DEADLINE_REMINDERS), to the people who follow the call or its source.
Registered with the kernel's reminder engine in apps.py; the services schedule them
whenever a call is saved. People who switched reminders off get none."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incubator.notifications.reminders import Recipient, ReminderSource

from . import services
from .models import Follow, FundingCall, FundingSource


class CallDeadlineReminders(ReminderSource):
    name = services.CALL_SOURCE
    label = _("Funding deadlines")
    template = "funding/emails/deadline_reminder"

    def recipients(self, reminders):
        calls = {
            call.pk: call
            for call in FundingCall.objects.filter(pk__in={r.object_id for r in reminders})
            .exclude(status=FundingCall.Status.CLOSED)
            .exclude(source__verification=FundingSource.Verification.HISTORIC)
            .select_related("source")
        }
        by_call, by_source = {}, {}
        for follow in Follow.objects.filter(
            Q(call_id__in=list(calls)) | Q(source_id__in={c.source_id for c in calls.values()})
        ).select_related("user"):
            if follow.call_id:
                by_call.setdefault(follow.call_id, []).append(follow)
            else:
                by_source.setdefault(follow.source_id, []).append(follow)
        for reminder in reminders:
            call = calls.get(reminder.object_id)
            if call is None:
                continue
            seen = set()
            for follow in by_call.get(call.pk, []) + by_source.get(call.source_id, []):
                if follow.user_id in seen:
                    continue
                seen.add(follow.user_id)
                yield Recipient(
                    reminder=reminder,
                    user=follow.user,
                    context={"call": call, "source": call.source},
                )
