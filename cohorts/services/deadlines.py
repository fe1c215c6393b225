"""Deadlines of a cycle or cohort, the cycle's own milestones among them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate, TruncTime
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.models import Cycle
from incubator.notifications import reminders

from .. import audiences, selectors
from ..models import Deadline
from .checks import cycle_errors
from .schedule import DEADLINE_SOURCE, schedule_deadline_reminders


def _check_deadline(deadline):
    errors = cycle_errors(
        deadline.cycle,
        deadline.cohort,
        deadline.due_at,
        field="due_at",
        outside=_("The deadline must fall within the cycle, between %(start)s and %(end)s."),
    )
    audience = audiences.get(deadline.audience)
    if audience is None:
        errors["audience"] = _("Choose for whom the deadline is.")
    elif deadline.cohort is not None and not audience.cohort_scoped:
        errors["audience"] = _("This audience is for the whole cycle: leave the cohort empty.")
    if deadline.kind == Deadline.Kind.CUSTOM and not deadline.title.strip():
        errors["title"] = _("Give the deadline a title.")
    if errors:
        raise ValidationError(errors)


DEADLINE_FIELDS = ["cohort", "title", "description", "due_at", "audience"]


@transaction.atomic
def create_deadline(*, cycle, by, now=None, **fields):
    unknown = set(fields) - set(DEADLINE_FIELDS)
    if unknown:
        raise ValueError(f"Not a deadline field: {', '.join(sorted(unknown))}")
    deadline = Deadline(cycle=cycle, created_by=by, **fields)
    _check_deadline(deadline)
    deadline.save()
    schedule_deadline_reminders(deadline, now or timezone.now())
    return deadline


@transaction.atomic
def update_deadline(deadline, *, by, now=None, **fields):
    """Staff change a deadline; its pending reminders follow the new moment. The
    cycle's own milestones follow the cycle and are changed there."""
    deadline = Deadline.objects.select_for_update().select_related("cycle").get(pk=deadline.pk)
    if deadline.is_milestone:
        raise ValidationError(
            _("This deadline follows the cycle's dates; change them in the cycle.")
        )
    unknown = set(fields) - set(DEADLINE_FIELDS)
    if unknown:
        raise ValueError(f"Not a deadline field: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(deadline, name, value)
    _check_deadline(deadline)
    deadline.save()
    schedule_deadline_reminders(deadline, now or timezone.now())
    return deadline


@transaction.atomic
def delete_deadline(deadline, *, by):
    if deadline.is_milestone:
        raise ValidationError(_("This deadline follows the cycle's dates and cannot be deleted."))
    reminders.cancel(source=DEADLINE_SOURCE, object_id=deadline.pk)
    deadline.delete()


@transaction.atomic
def sync_cycle_deadlines(cycle, now=None):
    """Keeps the cycle's milestones — the call's closing (a reminder to every
    organisation with a draft) and the cycle's end (to participants) — in step with
    the cycle's dates, with their reminders."""
    now = now or timezone.now()
    milestones = {
        Deadline.Kind.CALL_CLOSES: (cycle.call_closes_at, audiences.APPLICANTS_WITH_DRAFTS),
        Deadline.Kind.CYCLE_ENDS: (selectors.cycle_end(cycle), audiences.PARTICIPANTS),
    }
    for kind, (due_at, audience) in milestones.items():
        deadline, created = Deadline.objects.select_for_update().get_or_create(
            cycle=cycle, kind=kind, defaults={"due_at": due_at, "audience": audience}
        )
        if created or deadline.due_at != due_at:
            deadline.due_at = due_at
            deadline.save(update_fields=["due_at", "updated_at"])
            schedule_deadline_reminders(deadline, now)


def cycles_out_of_step(now=None):
    """Cycles still running whose milestones do not match their dates (new cycles,
    or dates changed in the administration), found by the database in one query."""
    today = timezone.localdate(now or timezone.now())
    riga = timezone.get_current_timezone()

    def due(kind):
        return Subquery(
            Deadline.objects.filter(cycle=OuterRef("pk"), kind=kind).values("due_at")[:1]
        )

    return list(
        Cycle.objects.filter(incubation_ends_on__gte=today)
        .annotate(closes=due(Deadline.Kind.CALL_CLOSES), ends=due(Deadline.Kind.CYCLE_ENDS))
        .annotate(ends_day=TruncDate("ends", tzinfo=riga), ends_time=TruncTime("ends", tzinfo=riga))
        .filter(
            Q(closes__isnull=True)
            | Q(ends__isnull=True)
            | ~Q(closes=F("call_closes_at"))
            | ~Q(ends_day=F("incubation_ends_on"))
            | ~Q(ends_time=selectors.CYCLE_END_TIME)
        )
    )
