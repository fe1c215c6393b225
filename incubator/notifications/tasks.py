"""Celery entry points. Each takes ids, runs with acks_late (a task whose worker dies
is delivered again) and is idempotent: a row recorded as sent is never sent again."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, ignore_result=True)
def send_email(self, email_id):
    retry_in = services.deliver(email_id)
    if retry_in is not None and not self.request.is_eager:
        # A short countdown only (minutes, well inside the broker's visibility
        # timeout): the row's next_attempt_at is the real schedule, and the sweep
        # re-enqueues it should this retry be lost.
        raise self.retry(countdown=retry_in + 1, max_retries=None)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def send_emails(self, email_ids):
    """Sends a batch written together (a sweep's reminders, a meeting's notices).
    If the worker dies half-way, the batch comes back and only the rows not yet
    recorded as sent go out."""
    retry = services.deliver_batch(email_ids)
    if not self.request.is_eager:
        for email_id, retry_in in retry.items():
            send_email.apply_async((email_id,), countdown=retry_in + 1)


@shared_task(acks_late=True, ignore_result=True)
def dispatch():
    """Runs every minute from beat: writes due reminders, re-enqueues stalled emails."""
    services.dispatch()
