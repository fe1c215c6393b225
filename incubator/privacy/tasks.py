"""Celery entry points for personal data: each takes ids and is idempotent."""

from celery import shared_task

from . import retention, services


@shared_task(acks_late=True, ignore_result=True)
def build_export(export_id):
    services.build_export(export_id)


@shared_task(acks_late=True, ignore_result=True)
def apply_retention():
    """Daily, from beat: deletes what has expired and warns staff a week ahead."""
    retention.run()
