"""Reads for personal data rights: each a fixed number of queries."""

from django.db.models import Case, Count, IntegerField, Q, Value, When

from incubator.models import Cycle, Membership, Organisation

from . import retention
from .models import Consent, DataExport, ErasureRequest, Purge, RetentionPolicy


def my_data(user):
    """What the *My data* page shows: the person's copies, requests and consents."""
    return {
        "exports": list(DataExport.objects.filter(user=user)[:10]),
        "requests": list(ErasureRequest.objects.filter(user=user).select_related("decided_by")),
        "consents": list(Consent.objects.filter(user=user)),
    }


def erasure_requests():
    """Every request, those waiting first (oldest first), then the decided ones."""
    waiting = Case(
        When(status=ErasureRequest.Status.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        ErasureRequest.objects.select_related("user", "decided_by")
        .annotate(waiting=waiting)
        .order_by("waiting", "requested_at", "pk")
    )


def retention_overview():
    """Each cycle with its retention period, and what is held until when."""
    cycles = list(Cycle.objects.select_related("retention_policy").order_by("-call_opens_at"))
    due = {}
    for held in retention.schedule():
        _retention, cycle_id, decided_at, due_at = held
        due.setdefault(cycle_id, (decided_at, due_at))
    for cycle in cycles:
        policy = getattr(cycle, "retention_policy", None)
        cycle.retention_months = policy.months if policy else None
        cycle.decided_at, cycle.due_at = due.get(cycle.pk, (None, None))
    return cycles


def recent_purges(limit=20):
    return list(Purge.objects.select_related("cycle")[:limit])


def policy_for(cycle):
    return RetentionPolicy.objects.filter(cycle=cycle).first()


def sole_leader_of(user):
    """The organisations of which ``user`` is the only leader: erasing them leaves
    the organisation without anyone to manage its people."""
    led = Membership.objects.filter(user=user, role=Membership.Role.LEADER).values(
        "organisation_id"
    )
    return list(
        Organisation.objects.filter(pk__in=led)
        .annotate(leaders=Count("memberships", filter=Q(memberships__role="leader")))
        .filter(leaders=1)
        .order_by("name")
    )
