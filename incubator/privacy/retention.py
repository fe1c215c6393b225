"""Retention: records kept no longer than the programme needs them.

Each day (``tasks.apply_retention`` in the static beat schedule) the run:

- deletes the files and answers of applications that were not admitted, once their
  cycle's retention period (``RetentionPolicy.months``, default
  ``RETENTION_MONTHS``) has passed since the cycle's decisions; the apps that hold
  them say what and for which cycles (``registry.register_retention``);
- warns staff by email ``RETENTION_WARNING_DAYS`` ahead, once per cycle and date;
- blanks the bodies of outbox emails older than ``OUTBOX_BODY_RETENTION_MONTHS``;
- deletes the files of copies of personal data whose link has expired;

and records each deletion as a ``Purge`` row.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from incubator.models import Cycle, User
from incubator.notifications import services as notifications
from incubator.notifications.models import Email

from . import registry, services
from .models import Purge, RetentionPolicy

FINISHED = [
    Email.Status.SENT,
    Email.Status.FAILED,
    Email.Status.CANCELLED,
    Email.Status.EXPIRED,
]


def months_for(cycle_ids):
    """{cycle id: months} for ``cycle_ids``, the default where staff set none."""
    chosen = dict(
        RetentionPolicy.objects.filter(cycle_id__in=cycle_ids).values_list("cycle_id", "months")
    )
    return {pk: chosen.get(pk, settings.RETENTION_MONTHS) for pk in cycle_ids}


def schedule():
    """What is held and when it goes: [(retention, cycle id, decided at, due at)]."""
    rows = []
    for retention in registry.retentions():
        held = retention.held()
        months = months_for(list(held))
        for cycle_id, decided_at in held.items():
            due = decided_at + relativedelta(months=months[cycle_id])
            rows.append((retention, cycle_id, decided_at, due))
    return sorted(rows, key=lambda row: row[3])


def run(now=None):
    now = now or timezone.now()
    warn_from = now + datetime.timedelta(days=settings.RETENTION_WARNING_DAYS)
    purged = []
    for retention, cycle_id, _decided_at, due in schedule():
        if due <= now:
            purged.append(_purge(retention, cycle_id, now))
        elif due <= warn_from:
            _warn(retention, cycle_id, due)
    purged.append(_blank_old_emails(now))
    with transaction.atomic():
        expired = services.expire_exports(now)
        if expired:
            purged.append(
                Purge.objects.create(kind="exports", counts={"files": expired}, ran_at=now)
            )
    return [record for record in purged if record is not None]


@transaction.atomic
def _purge(retention, cycle_id, now):
    counts = retention.purge(cycle_id)
    return Purge.objects.create(kind=retention.name, cycle_id=cycle_id, counts=counts, ran_at=now)


def _warn(retention, cycle_id, due):
    cycle = Cycle.objects.get(pk=cycle_id)
    staff = User.objects.filter(is_staff=True, is_active=True)
    with transaction.atomic():
        for person in staff:
            notifications.queue(
                key=f"privacy:retention:{retention.name}:{cycle_id}:{due:%Y%m%d}:user:{person.pk}",
                recipient=person,
                template="privacy/emails/retention_warning",
                context={"cycle": cycle, "due": due, "what": retention.label},
            )


@transaction.atomic
def _blank_old_emails(now):
    cutoff = now - relativedelta(months=settings.OUTBOX_BODY_RETENTION_MONTHS)
    blanked = (
        Email.objects.filter(created_at__lt=cutoff, status__in=FINISHED)
        .exclude(Q(text_body="") & Q(html_body="") & Q(calendar=""))
        .update(text_body="", html_body="", calendar="")
    )
    if not blanked:
        return None
    return Purge.objects.create(kind="outbox", counts={"email bodies": blanked}, ran_at=now)
