"""The catalogue filter's options: every priority field and legal form, in their order.

The public catalogue is the portal's busiest page and these two short lists change
only when an administrator edits them, so they are kept in the shared cache rather
than read on every request. Saving or deleting either (and every migration) forgets
them at once and again when the transaction commits; writes that send no signal
(a queryset's update) are seen within ``TIMEOUT``.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save

from incubator.models import PriorityField

from .models import LegalForm

KEY = "funding:filter-options"
TIMEOUT = 300  # seconds


def filter_options():
    """(priority fields, legal forms), each a list in their own order."""
    options = cache.get(KEY)
    if options is None:
        options = (list(PriorityField.objects.all()), list(LegalForm.objects.all()))
        cache.set(KEY, options, TIMEOUT)
    return options


def forget(**kwargs):
    """Signal receiver: drop the kept options now and when the transaction commits
    (a page read in between would keep the old ones)."""
    cache.delete(KEY)
    transaction.on_commit(lambda: cache.delete(KEY))


def connect():
    for model in (PriorityField, LegalForm):
        for signal in (post_save, post_delete):
            signal.connect(forget, sender=model, dispatch_uid=f"funding-options-{model.__name__}")
    post_migrate.connect(forget, dispatch_uid="funding-options")
