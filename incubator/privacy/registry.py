"""What each app holds about a person: the registry behind *My data* and erasure.

The kernel cannot import the apps, so each app says what it keeps about a person by
registering a ``Holder`` in its ``AppConfig.ready()`` (as it adds page sections in
``incubator.sections``)::

    registry.register(Holder(
        name="applications",
        export=export,      # export(user, archive): adds JSON and files to the archive
        erase=erase,        # erase(user) -> [Outcome, ...], inside the erasure's transaction
        explains=EXPLAINS,  # [Outcome, ...] told to the person before they ask
        order=20,
    ))

``export`` writes with ``archive.add_json("applications.json", data)`` and
``archive.add_file(path, field_file)`` (which returns the path inside the ZIP, to
name in the JSON). ``erase`` deletes or anonymises what the app holds and says
what it did, what it kept and why. The kernel's own holder runs last and
anonymises the account itself (``incubator/privacy/kernel.py``).

Retention: an app whose records of applications that were not admitted expire
registers a ``Retention`` with ``held()`` -> {cycle id: moment of the cycle's
decisions} for the cycles of which it still holds such records, and
``purge(cycle_id)`` -> {what: how many}, which deletes them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

DELETED = "deleted"
ANONYMISED = "anonymised"
KEPT = "kept"


@dataclass(frozen=True)
class Outcome:
    what: object  # a (lazy) translated label
    action: str  # DELETED, ANONYMISED or KEPT
    reason: object = ""
    count: int | None = None

    def as_dict(self):
        return {
            "what": str(self.what),
            "action": self.action,
            "reason": str(self.reason),
            "count": self.count,
        }


@dataclass(frozen=True)
class Holder:
    name: str
    export: Callable
    erase: Callable
    explains: list = field(default_factory=list)
    order: int = 50


@dataclass(frozen=True)
class Retention:
    name: str
    label: object
    held: Callable
    purge: Callable


_holders = {}
_retentions = {}


def register(holder):
    """Adds (or replaces, by name) what an app holds about people."""
    _holders[holder.name] = holder


def holders():
    return sorted(_holders.values(), key=lambda h: (h.order, h.name))


def register_retention(retention):
    _retentions[retention.name] = retention


def retentions():
    return sorted(_retentions.values(), key=lambda r: r.name)
