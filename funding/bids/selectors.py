"""Reads of bids: which bids a person reaches (everything else is a 404), a bid's
page, an organisation's list, and the staff's board of a cycle with its figures,
all computed in the database in a constant number of queries."""

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from cohorts.models import Cohort, CohortMembership
from incubator.models import Cycle, Membership
from incubator.permissions import is_staff
from mentoring.models import MentorAssignment

from ..models import MAX_AMOUNT_DIGITS
from .models import Bid, BidComment, BidDocument, BidReviewRequest, BidStatusChange

BID_RELATED = ("place__organisation", "place__cohort__priority_field", "place__cycle", "source")
VISIBLE_PLACES = [CohortMembership.Status.ACTIVE, CohortMembership.Status.COMPLETED]


def bids_for(user):
    """The bids ``user`` may open: staff all; an organisation's people its bids; a
    mentor those of the organisations assigned to them in that cycle."""
    bids = Bid.objects.select_related(*BID_RELATED)
    if is_staff(user):
        return bids
    if not user.is_authenticated:
        return bids.none()
    mentored = MentorAssignment.objects.filter(
        mentor__user=user,
        status=MentorAssignment.Status.ACCEPTED,
        cycle_id=OuterRef("place__cycle_id"),
        organisation_id=OuterRef("place__organisation_id"),
    )
    own = Membership.objects.filter(user=user).values("organisation_id")
    return bids.filter(Q(place__organisation__in=own) | Q(Exists(mentored)))


def own_places(user):
    """The cohort places in which ``user``'s organisations prepare bids (active)."""
    if not user.is_authenticated:
        return CohortMembership.objects.none()
    return (
        CohortMembership.objects.filter(
            organisation__memberships__user=user, status=CohortMembership.Status.ACTIVE
        )
        .select_related("organisation", "cycle", "cohort__priority_field")
        .order_by("-cycle__incubation_starts_on", "organisation__name")
    )


def bid_list(user):
    """The bids ``user`` reaches, newest first, with how many comments each has."""
    return list(
        bids_for(user)
        .annotate(comment_count=Count("comments", distinct=True))
        .order_by("place__organisation__name", "-created_at", "-pk")
    )


def waiting_reviews(user):
    """The review requests addressed to ``user`` still waiting for their answer, oldest
    first, one per bid (the first asked): not answered yet (the reviewer's comment on
    the bid answers them), of a bid still being prepared (one submitted, decided or
    withdrawn is no longer reviewed, as ``services.request_review`` says), and of a
    bid ``user`` may open (a mentor no longer assigned to the organisation does not
    reach it). One query, with each bid and its organisation."""
    if not user.is_authenticated:
        return []
    waiting = {}
    for request in (
        BidReviewRequest.objects.filter(
            reviewer=user,
            answered_at__isnull=True,
            bid__status__in=Bid.PREPARING,
            bid__in=bids_for(user).values("pk"),
        )
        .select_related("bid__place__organisation")
        .order_by("requested_at", "pk")
    ):
        waiting.setdefault(request.bid_id, request)
    return list(waiting.values())


def bid_page(bid):
    """What a bid's page shows, in a few queries: its documents, thread (with the
    files attached to comments), review requests and status changes."""
    files = BidDocument.objects.select_related("uploaded_by").order_by("uploaded_at", "pk")
    return {
        "documents": list(files.filter(bid=bid, comment__isnull=True)),
        "comments": list(
            BidComment.objects.filter(bid=bid)
            .select_related("author")
            .prefetch_related(Prefetch("files", queryset=files))
        ),
        "requests": list(BidReviewRequest.objects.filter(bid=bid).select_related("reviewer")),
        "changes": list(BidStatusChange.objects.filter(bid=bid).select_related("changed_by")),
    }


# --- the staff's board --------------------------------------------------------------


def board_cycles():
    """Cycles with organisations taking part, newest first."""
    return Cycle.objects.filter(pk__in=CohortMembership.objects.values("cycle_id")).order_by(
        "-incubation_starts_on", "-pk"
    )


def cycle_cohorts(cycle):
    return list(
        Cohort.objects.filter(cycle=cycle)
        .select_related("priority_field")
        .order_by("priority_field__order", "pk")
    )


def board_bids(cycle, filters=None):
    """The cycle's bids (of organisations that have not left), filtered by priority
    field, cohort and funder (text found in the source's name or funder, or the
    funder typed by hand)."""
    filters = filters or {}
    bids = Bid.objects.filter(place__cycle=cycle, place__status__in=VISIBLE_PLACES)
    if filters.get("field"):
        bids = bids.filter(place__cohort__priority_field=filters["field"])
    if filters.get("cohort"):
        bids = bids.filter(place__cohort=filters["cohort"])
    if filters.get("funder"):
        text = filters["funder"]
        bids = bids.filter(
            Q(funder__icontains=text)
            | Q(source__funder__icontains=text)
            | Q(source__name_lv__icontains=text)
            | Q(source__name_en__icontains=text)
        )
    return bids


PER_COLUMN = 20
MAX_SHOWN = 1000


def columns(bids, shown=None):
    """[(status value, label, [bids], how many bids it has)] one per status, in the
    pipeline's order, each with its first cards (soonest deadline first): as many
    as ``shown`` asks for that status, else PER_COLUMN. Two queries whatever the
    number of bids (the counts, then the cards: numbered within their column in
    the database). Each bid carries ``moves``, the statuses it may go to (labels
    looked up once)."""
    shown = shown or {}
    counts = dict(bids.order_by().values_list("status").annotate(Count("pk")))
    limits = Case(
        *[When(status=status, then=Value(number)) for status, number in shown.items()],
        default=Value(PER_COLUMN),
        output_field=IntegerField(),
    )
    order = [F("deadline").asc(nulls_last=True), F("pk").asc()]
    cards = (
        bids.select_related(*BID_RELATED)
        .annotate(
            position=Window(RowNumber(), partition_by=[F("status")], order_by=order),
            shown_in_column=limits,
        )
        .filter(position__lte=F("shown_in_column"))
        .order_by(*order)
    )
    by_status = {value: [] for value in Bid.Status.values}
    moves = {
        status.value: [(to.value, str(to.label)) for to in Bid.TRANSITIONS[status]]
        for status in Bid.Status
    }
    for bid in cards:
        bid.moves = moves[bid.status]
        by_status[bid.status].append(bid)
    return [
        (status.value, status.label, by_status[status.value], counts.get(status.value, 0))
        for status in Bid.Status
    ]


def shown_per_column(data):
    """{status: how many cards to show} from ``show_<status>=N`` in ``data`` (a
    QueryDict): more than PER_COLUMN, at most MAX_SHOWN; anything else is ignored."""
    shown = {}
    for status in Bid.Status.values:
        text = data.get(f"show_{status}", "")
        if text.isdigit() and int(text) > PER_COLUMN:
            shown[status] = min(int(text), MAX_SHOWN)
    return shown


def _expected():
    return ExpressionWrapper(
        F("amount_requested") * F("chance") / 100,
        output_field=DecimalField(max_digits=MAX_AMOUNT_DIGITS + 3, decimal_places=2),
    )


def _measures():
    submitted = Q(was_submitted=True)
    return {
        "started": Count("pk"),
        "submitted": Count("pk", filter=submitted),
        "awarded": Count("pk", filter=Q(status=Bid.Status.AWARDED)),
        "rejected": Count("pk", filter=Q(status=Bid.Status.REJECTED)),
        "requested_eur": Sum("amount_requested", filter=submitted),
        "awarded_eur": Sum("amount_awarded", filter=Q(status=Bid.Status.AWARDED)),
        "expected_eur": Sum(_expected(), filter=Q(status__in=Bid.OPEN, chance__isnull=False)),
        "open": Count("pk", filter=Q(status__in=Bid.OPEN)),
    }


def _with_rate(row):
    zero = Decimal("0")
    for name in ("requested_eur", "awarded_eur", "expected_eur"):
        row[name] = row.get(name) or zero
    decided = row["awarded"] + row["rejected"]
    row["success_rate"] = round(100 * row["awarded"] / decided) if decided else None
    return row


def figures(bids):
    """The figures of ``bids``: started, submitted (ever), awarded, rejected, the
    success rate (awarded of those decided), EUR requested (by bids submitted) and
    awarded, and the expected EUR of open bids (amount requested × chance). Returns
    (totals, [rows per cohort, each with its priority field])."""
    bids = bids.annotate(
        was_submitted=Exists(
            BidStatusChange.objects.filter(bid=OuterRef("pk"), to_status=Bid.Status.SUBMITTED)
        )
    )
    totals = _with_rate(bids.aggregate(**_measures()))
    per_cohort = list(
        bids.order_by()
        .values("place__cohort_id")
        .annotate(**_measures())
        .order_by("place__cohort_id")
    )
    cohorts = {
        cohort.pk: cohort
        for cohort in Cohort.objects.filter(
            pk__in=[row["place__cohort_id"] for row in per_cohort]
        ).select_related("priority_field")
    }
    rows = []
    for row in per_cohort:
        row = _with_rate(row)
        row["cohort"] = cohorts[row["place__cohort_id"]]
        rows.append(row)
    rows.sort(key=lambda row: (row["cohort"].priority_field.order, row["cohort"].pk))
    return totals, rows


def export_rows(bids):
    return bids.select_related(*BID_RELATED, "call").order_by(
        "place__organisation__name", "created_at", "pk"
    )
