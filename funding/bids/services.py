"""Every write of a bid: create and change it, move it between statuses (only along
``Bid.TRANSITIONS``, each move recorded), ask for a review, comment in its thread,
attach documents, and keep its deadline reminders in step. Each is one transaction:
bad input raises ValidationError naming the field, and nothing is half-saved."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.notifications import reminders
from incubator.notifications import services as outbox
from incubator.uploads import delete_document, store_document
from mentoring.models import MentorAssignment

from .. import permissions
from ..services import check_model, offsets, organisation_people
from .models import Bid, BidComment, BidDocument, BidReviewRequest, BidStatusChange

BID_SOURCE = "funding-bid"  # reminders before a bid's submission deadline
REVIEW_KIND = "funding-bid-review"
COMMENT_KIND = "funding-bid-comment"
BID_FIELDS = [
    "source",
    "call",
    "funder",
    "title",
    "description",
    "amount_requested",
    "cofinancing",
    "deadline",
    "chance",
]
DOCUMENTS_PER_BID = 30


def _refuse_unless(allowed):
    if not allowed:
        raise ValidationError(_("You cannot change this bid."), code="forbidden")


def _lock(bid):
    return Bid.objects.select_for_update(of=("self",)).select_related("place").get(pk=bid.pk)


@transaction.atomic
def save_bid(bid=None, *, place=None, by, values, now=None):
    """Creates a bid of ``place`` (``bid`` None) or changes ``bid``. ``values``: the
    fields of BID_FIELDS to set. A call brings its source, and its deadline when none
    is given."""
    now = now or timezone.now()
    unknown = set(values) - set(BID_FIELDS)
    if unknown:
        raise ValueError(f"Not a bid field: {', '.join(sorted(unknown))}")
    if bid is None:
        bid = Bid(place=place, created_by=by, created_at=now, status_changed_at=now)
        creating = True
    else:
        bid = _lock(bid)
        creating = False
    _refuse_unless(permissions.can_edit_bid(by, bid))
    for name, value in values.items():
        setattr(bid, name, value)
    bid.funder = (bid.funder or "").strip()
    if bid.call is not None and bid.source is None:
        bid.source = bid.call.source
    if bid.call is not None and bid.deadline is None:
        bid.deadline = bid.call.deadline
    check_model(bid)
    bid.save()
    if creating:
        BidStatusChange.objects.create(bid=bid, to_status=bid.status, changed_by=by, changed_at=now)
    schedule_reminders(bid, now)
    return bid


def allowed(bid, status):
    return status in {s.value for s in Bid.TRANSITIONS[Bid.Status(bid.status)]}


@transaction.atomic
def change_status(bid, status, *, by, amount_awarded=None, now=None):
    """Moves the bid to ``status`` if its current status allows it; an awarded bid
    needs the amount awarded. The move is recorded with its moment."""
    now = now or timezone.now()
    bid = _lock(bid)
    _refuse_unless(permissions.can_edit_bid(by, bid))
    if status not in Bid.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == bid.status:
        return bid
    if status == Bid.Status.REVIEW:
        raise ValidationError(
            {"status": _("To ask for a review, choose who should review the bid.")}
        )
    if not allowed(bid, status):
        raise ValidationError(
            {
                "status": _("A bid cannot move from “%(from)s” to “%(to)s”.")
                % {"from": bid.status_label, "to": Bid.Status(status).label}
            }
        )
    if status == Bid.Status.AWARDED:
        if amount_awarded is None:
            raise ValidationError({"amount_awarded": _("Enter the amount awarded.")})
        if amount_awarded < 0:
            raise ValidationError({"amount_awarded": _("The amount awarded cannot be negative.")})
        bid.amount_awarded = amount_awarded
    else:
        bid.amount_awarded = None
    _move(bid, status, by, now)
    return bid


def _move(bid, status, by, now):
    BidStatusChange.objects.create(
        bid=bid, from_status=bid.status, to_status=status, changed_by=by, changed_at=now
    )
    bid.status = status
    bid.status_changed_at = now
    check_model(bid)
    bid.save()
    schedule_reminders(bid, now)


def reviewers_for(place):
    """Whom the organisation may ask for a review: the mentors assigned to it in
    the cycle (accepted), and programme staff. Mentors first."""
    User = get_user_model()
    mentors = MentorAssignment.objects.filter(
        cycle_id=place.cycle_id,
        organisation_id=place.organisation_id,
        status=MentorAssignment.Status.ACCEPTED,
    ).values("mentor__user_id")
    return (
        User.objects.filter(Q(pk__in=mentors) | Q(is_staff=True), is_active=True)
        .order_by("is_staff", "first_name", "last_name", "email")
        .distinct()
    )


@transaction.atomic
def request_review(bid, *, reviewer, note="", by, now=None):
    """The organisation asks ``reviewer`` (its mentor, or staff) to review the bid:
    the bid shows "review requested" and the reviewer is emailed."""
    now = now or timezone.now()
    bid = _lock(bid)
    if not permissions.is_member(by, bid.place.organisation_id) and not permissions.is_staff(by):
        raise ValidationError(
            _("Only the organisation's people ask for a review."), code="forbidden"
        )
    if reviewer is None or not reviewers_for(bid.place).filter(pk=reviewer.pk).exists():
        raise ValidationError({"reviewer": _("Choose your mentor or a staff member.")})
    if bid.status not in (Bid.Status.IDEA, Bid.Status.DRAFTING, Bid.Status.REVIEW):
        raise ValidationError(
            _("A bid that is “%(status)s” is no longer reviewed.") % {"status": bid.status_label}
        )
    request = BidReviewRequest.objects.create(
        bid=bid, reviewer=reviewer, note=(note or "").strip(), requested_by=by, requested_at=now
    )
    if bid.status != Bid.Status.REVIEW:
        _move(bid, Bid.Status.REVIEW, by, now)
    outbox.queue_many(
        [
            outbox.Outgoing(
                key=f"{REVIEW_KIND}:{request.pk}:user:{reviewer.pk}",
                recipient=reviewer,
                template="funding/emails/bid_review_request",
                context={"bid": bid, "request": request, "organisation": bid.place.organisation},
            )
        ],
        now=now,
    )
    return request


@transaction.atomic
def comment(bid, *, text, by, file=None, now=None):
    """A message in the bid's thread, with a file if given (a marked-up draft). A
    reviewer's comment answers their open requests and is emailed to the
    organisation's people; the organisation's is emailed to its open reviewers."""
    now = now or timezone.now()
    bid = _lock(bid)
    if not permissions.can_see_bid(by, bid):
        raise ValidationError(_("You cannot comment on this bid."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your comment.")})
    row = BidComment.objects.create(bid=bid, author=by, text=text, created_at=now)
    if file is not None:
        try:
            store_document(
                BidDocument(bid=bid, comment=row, uploaded_by=by),
                file,
                settings.ATTACHMENT_MAX_BYTES,
            )
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
    organisation_id = bid.place.organisation_id
    if permissions.is_member(by, organisation_id):
        people = [
            request.reviewer
            for request in bid.review_requests.filter(answered_at__isnull=True).select_related(
                "reviewer"
            )
        ]
    else:
        bid.review_requests.filter(reviewer=by, answered_at__isnull=True).update(answered_at=now)
        people = organisation_people([organisation_id]).get(organisation_id, [])
    outbox.queue_many(
        [
            outbox.Outgoing(
                key=f"{COMMENT_KIND}:{row.pk}:user:{person.pk}",
                recipient=person,
                template="funding/emails/bid_comment",
                context={"bid": bid, "comment": row, "organisation": bid.place.organisation},
            )
            for person in {p.pk: p for p in people if p.pk != by.pk and p.is_active}.values()
        ],
        now=now,
    )
    return row


@transaction.atomic
def add_document(bid, uploaded, *, by):
    bid = _lock(bid)
    _refuse_unless(permissions.can_edit_bid(by, bid))
    if bid.documents.count() >= DOCUMENTS_PER_BID:
        raise ValidationError(
            {
                "file": _("A bid can have at most %(limit)d documents; delete one first.")
                % {"limit": DOCUMENTS_PER_BID}
            }
        )
    try:
        return store_document(
            BidDocument(bid=bid, uploaded_by=by), uploaded, settings.ATTACHMENT_MAX_BYTES
        )
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None


@transaction.atomic
def remove_document(document, *, by):
    _refuse_unless(permissions.can_edit_bid(by, document.bid))
    delete_document(document)


def schedule_reminders(bid, now=None):
    """Reminders to the organisation's people before the bid's deadline while it is
    being prepared; none once it is submitted, decided or withdrawn."""
    now = now or timezone.now()
    if bid.deadline is None or bid.status not in Bid.PREPARING:
        reminders.cancel(source=BID_SOURCE, object_id=bid.pk, now=now)
        return 0
    return reminders.schedule(
        source=BID_SOURCE, object_id=bid.pk, event_at=bid.deadline, offsets=offsets(), now=now
    )
