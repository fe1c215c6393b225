"""The public results page of a cycle: aggregates only, no personal data, and no
figure that stands for fewer than ``MIN_ORGANISATIONS`` organisations (it could point
at one). Every figure is counted in the database, in a fixed number of queries."""

from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from applications.models import Application, Criterion
from cohorts.models import CohortMembership
from funding.bids.models import Bid, BidStatusChange
from incubator.models import Cycle, PriorityField
from mentoring.models import Consultation
from mentoring.selectors.pages import minutes_to_hours

from . import selectors
from .models import Feedback, Recommendation

MIN_ORGANISATIONS = 3


def shown(count):
    """``count`` when it stands for enough organisations, else None (not shown)."""
    return count if count is not None and count >= MIN_ORGANISATIONS else None


def public_cycles(today=None):
    """Cycles whose incubation has begun (running or finished), latest first."""
    today = today or timezone.localdate()
    return Cycle.objects.filter(incubation_starts_on__lte=today).order_by("-incubation_starts_on")


def _fields(cycle):
    counts = {
        row["priority_field"]: row
        for row in Application.objects.filter(cycle=cycle, submitted_at__isnull=False)
        .values("priority_field")
        .annotate(
            applied=Count("pk"),
            admitted=Count(
                "pk",
                filter=Q(status=Application.Status.ADMITTED, decision_published_at__isnull=False),
            ),
        )
        .order_by()
    }
    rows = []
    for field in PriorityField.objects.filter(pk__in=[k for k in counts if k]):
        row = counts[field.pk]
        rows.append(
            {"field": field, "applied": shown(row["applied"]), "admitted": shown(row["admitted"])}
        )
    return rows


def listed(cycle):
    """The cycle's organisations whose application consented to their name being
    listed here (those that left are not), by field and name."""
    return list(
        CohortMembership.objects.filter(cycle=cycle, application__listing_consent=True)
        .exclude(status=CohortMembership.Status.LEFT)
        .select_related("organisation", "cohort__priority_field")
        .order_by("cohort__priority_field__order", "organisation__name")
    )


def bids(cycle):
    """Bids submitted and awarded and the EUR raised, each shown only when it stands
    for enough organisations. One query."""
    submitted = Q(
        Exists(BidStatusChange.objects.filter(bid=OuterRef("pk"), to_status=Bid.Status.SUBMITTED))
    )
    awarded = Q(status=Bid.Status.AWARDED)
    found = Bid.objects.filter(place__cycle=cycle).aggregate(
        submitted=Count("pk", filter=submitted),
        submitting=Count("place", filter=submitted, distinct=True),
        awarded=Count("pk", filter=awarded),
        winning=Count("place", filter=awarded, distinct=True),
        raised=Sum("amount_awarded", filter=awarded),
    )
    enough_awarded = shown(found["winning"]) is not None
    return {
        "submitted": found["submitted"] if shown(found["submitting"]) else None,
        "awarded": found["awarded"] if enough_awarded else None,
        "raised": found["raised"] if enough_awarded else None,
    }


def figures(cycle):
    organisations = (
        CohortMembership.objects.filter(cycle=cycle)
        .exclude(status=CohortMembership.Status.LEFT)
        .count()
    )
    held = Consultation.objects.filter(cycle=cycle, status=Consultation.Status.HELD).aggregate(
        minutes=Sum("log__minutes"), organisations=Count("organisation", distinct=True)
    )
    recommendations = Recommendation.objects.filter(cycle=cycle).aggregate(
        total=Count("pk"),
        organisations=Count("organisation", distinct=True),
        acted=Count("pk", filter=Q(status__in=["accepted", "in_progress", "done"])),
    )
    satisfaction = Feedback.objects.filter(cycle=cycle).aggregate(
        count=Count("pk"), overall=Avg("overall")
    )
    capacity = [row for row in selectors.capacity_change(cycle.pk) if shown(row["organisations"])]
    applied = Application.objects.filter(cycle=cycle, submitted_at__isnull=False).count()
    return {
        "criteria": list(Criterion.objects.filter(cycle=cycle).order_by("order", "pk")),
        "fields": _fields(cycle),
        "applied": shown(applied),
        "organisations": shown(organisations),
        "hours": minutes_to_hours(held["minutes"]) if shown(held["organisations"]) else None,
        "recommendations": recommendations["total"]
        if shown(recommendations["organisations"])
        else None,
        "acted": round(100 * recommendations["acted"] / recommendations["total"])
        if shown(recommendations["organisations"]) and recommendations["total"]
        else None,
        "capacity": capacity,
        "bids": bids(cycle),
        "listed": listed(cycle),
        "satisfaction": round(float(satisfaction["overall"]), 1)
        if shown(satisfaction["count"])
        else None,
    }
