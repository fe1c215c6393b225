"""Celery entry points of the funding app (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def send_saved_search_digests():
    """Weekly from beat: each saved search's email of what is new or changed. Runs
    twice, or late, it sends nothing twice (see ``services.send_digests``)."""
    services.send_digests()
