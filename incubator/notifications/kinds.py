"""What caused an email, for the staff's outbox filter: the first part of its key
("meeting:42:user:7:invited" is a "meeting" email). Each app names the kinds of
emails it sends; the notification engine knows none of them itself.

Reminder sources are kinds already (``ReminderSource.label``); other kinds are
registered with ``register(prefix, label)`` in the sending app's ``ready()``.
"""

_registered = {}


def register(prefix, label):
    if not prefix or ":" in prefix:
        raise ValueError(f"An email kind is a key prefix without colons: {prefix!r}")
    _registered[prefix] = label


def choices():
    """(prefix, label) for every kind an app declared: reminder sources first, in
    the order they were registered."""
    from . import reminders

    kinds = {name: source.label for name, source in reminders.sources().items() if source.label}
    for prefix, label in _registered.items():
        kinds.setdefault(prefix, label)
    return list(kinds.items())
