"""The baseline opens itself: when an organisation is admitted (the applications
app announces ``application_admitted``; ``receivers.py`` calls ``open_baseline``),
its baseline self-assessment is opened with an "answer by" day, its people are
emailed, and reminders before that day are scheduled through the kernel's engine.
Idempotent: an organisation that has its baseline keeps it, and nobody is emailed
twice. Staff opening the end assessment email and remind the same way."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import Application
from incubator.models import Membership
from incubator.notifications import services as notifications

from . import reminders
from .models import Assessment


def baseline_due_on(cycle, today=None):
    """``ANALYSIS_BASELINE_DAYS`` after the admission or after the start of the
    incubation, whichever is later."""
    today = today or timezone.localdate()
    start = max(today, cycle.incubation_starts_on)
    return start + datetime.timedelta(days=settings.ANALYSIS_BASELINE_DAYS)


def tell_opened(assessment):
    """Emails each of the organisation's people that ``assessment`` waits for their
    answers (once per person and assessment)."""
    for membership in Membership.objects.filter(
        organisation_id=assessment.organisation_id, user__is_active=True
    ).select_related("user"):
        notifications.queue(
            key=f"assessment:{assessment.pk}:opened:user:{membership.user_id}",
            recipient=membership.user,
            template="analysis/emails/assessment_opened",
            context={"assessment": assessment},
        )


@transaction.atomic
def open_baseline(application, today=None):
    """Opens the baseline self-assessment of an admitted application's organisation
    in its cycle. Returns the assessment, or None when the application is not (or
    no longer) admitted or its cycle is over."""
    from .services import ensure_instrument

    application = Application.objects.select_related("cycle", "organisation").get(pk=application.pk)
    cycle = application.cycle
    if application.status != Application.Status.ADMITTED:
        return None
    if cycle.incubation_ends_on < (today or timezone.localdate()):
        # Admitted to a cycle that is over (a record entered late): nothing to answer.
        return None
    found = Assessment.objects.filter(
        cycle=cycle, organisation_id=application.organisation_id, kind=Assessment.Kind.BASELINE
    ).first()
    if found is not None:
        return found
    instrument = ensure_instrument(cycle)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                cycle=cycle,
                organisation=application.organisation,
                instrument=instrument,
                kind=Assessment.Kind.BASELINE,
                due_on=baseline_due_on(cycle, today),
            )
    except IntegrityError:
        # Opened at the same moment by another process: that one told the people.
        return Assessment.objects.get(
            cycle=cycle, organisation_id=application.organisation_id, kind="baseline"
        )
    reminders.schedule(assessment)
    tell_opened(assessment)
    return assessment
