from celery import shared_task

from . import changelog


@shared_task(ignore_result=True)
def compact_change_log():
    """Every ten minutes (CELERY_BEAT_SCHEDULE): keeps the change log one row long."""
    changelog.compact()
