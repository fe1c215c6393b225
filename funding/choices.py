"""The catalogue filter's options: every priority field and legal form, in their order.

The public catalogue is the portal's busiest page and these two short lists change
only when an administrator edits them, so they are kept in the default cache (in
production a shared one, ``CACHE_URL``) rather than read on every request. They are
kept under a generation number that saving or deleting either, and every migration,
moves on once the transaction has committed: a request that read the rows before
the commit keeps them under the old number, which no one reads again. Writes that
send no signal (a queryset's ``update()``, ``bulk_create``, raw SQL) are seen within
``TIMEOUT``; until then a source's priority field missing from the options is left
off its card (``cards.cards``).
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save

from incubator.models import PriorityField

from .models import LegalForm

GENERATION = "funding:filter-options:generation"
KEY = "funding:filter-options:{}"
TIMEOUT = 300  # seconds


def filter_options():
    """(priority fields, legal forms), each a list in their own order."""
    key = KEY.format(cache.get(GENERATION, 0))
    options = cache.get(key)
    if options is None:
        options = (list(PriorityField.objects.all()), list(LegalForm.objects.all()))
        cache.set(key, options, TIMEOUT)
    return options


def _next_generation():
    try:
        cache.incr(GENERATION)
    except ValueError:  # not kept (yet, or any more)
        cache.set(GENERATION, 1, None)


def forget(**kwargs):
    """Signal receiver: the options are read afresh once the change has committed."""
    transaction.on_commit(_next_generation)


def connect():
    for model in (PriorityField, LegalForm):
        for signal in (post_save, post_delete):
            signal.connect(forget, sender=model, dispatch_uid=f"funding-options-{model.__name__}")
    post_migrate.connect(forget, dispatch_uid="funding-options")
