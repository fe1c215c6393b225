"""Celery entry points of the applications app: they take ids and are idempotent."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def refresh_ranking(cycle_id):
    """Refreshes a cycle's stored ranking after a change (a no-op when another run
    has already brought it up to date)."""
    from incubator.models import Cycle

    from .services.ranking import refresh_ranking as refresh

    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is not None:
        refresh(cycle)
