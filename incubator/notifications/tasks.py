from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, ignore_result=True)
def send_email(self, email_id):
    retry_in = services.deliver(email_id)
    if retry_in is not None and not self.request.is_eager:
        # A short countdown only: the row's next_attempt_at is the real schedule,
        # and the sweep below re-enqueues it should this retry be lost.
        raise self.retry(countdown=retry_in + 1, max_retries=None)


@shared_task(acks_late=True, ignore_result=True)
def dispatch():
    """Runs every minute from beat: writes due reminders, re-enqueues stalled emails."""
    services.dispatch()
