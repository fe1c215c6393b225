"""Celery entry points. Each takes ids, runs with acks_late (a task whose worker dies
is delivered again) and is idempotent: a row recorded as sent is never sent again.

A failed attempt is not retried from here: the row's ``next_attempt_at`` is the
schedule, and the every-minute dispatch hands it on once it is due. A Celery
countdown would be an ETA, which Redis redelivers after its visibility timeout.
"""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def send_email(email_id):
    services.deliver(email_id)


@shared_task(acks_late=True, ignore_result=True)
def send_emails(email_ids):
    """Sends a batch written together (a sweep's reminders, a meeting's notices).
    If the worker dies half-way, the batch comes back and only the rows not yet
    recorded as sent go out."""
    services.deliver_batch(email_ids)


@shared_task(acks_late=True, ignore_result=True)
def dispatch():
    """Runs every minute from beat: writes due reminders, hands on the emails that
    are due and have no send task on its way (lost, or due again after a failure)."""
    services.dispatch()
