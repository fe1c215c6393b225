"""Bids: an organisation's list and pages (its people change them, its assigned
mentor comments, staff do both), and the staff's board of a cycle's bids with
figures and exports. Which bid a person reaches is ``bids.selectors.bids_for``:
another's is a 404."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import message_of, put_errors_on
from incubator.http import redirect_back
from incubator.models import PriorityField
from incubator.permissions import staff_required
from incubator.uploads import ACCEPT_ATTRIBUTE, serve_private_file

from .. import permissions
from .. import selectors as funding_selectors
from ..bids import exports, selectors, services
from ..bids.board import cards as board_cards
from ..bids.forms import (
    BidForm,
    BoardFilterForm,
    CommentForm,
    DocumentForm,
    ReviewRequestForm,
    StatusForm,
)
from ..bids.models import Bid, BidDocument


def _bid(request, pk):
    return get_object_or_404(selectors.bids_for(request.user), pk=pk)


def _editable(request, pk):
    bid = _bid(request, pk)
    if not permissions.can_edit_bid(request.user, bid):
        raise PermissionDenied
    return bid


@require_GET
def bid_list(request):
    """The bids of the user's organisations, and those of the organisations they
    mentor (with a link to recommend funding to each)."""
    return render(
        request,
        "funding/bids/list.html",
        {
            "bids": selectors.bid_list(request.user),
            "places": list(selectors.own_places(request.user)),
            "mentored": list(funding_selectors.mentored_places(request.user)),
        },
    )


def _form_page(request, form, place, bid=None, status=200):
    return render(
        request,
        "funding/bids/form.html",
        {"form": form, "place": place, "bid": bid},
        status=status,
    )


def bid_create(request, place_pk):
    place = get_object_or_404(selectors.own_places(request.user), pk=place_pk)
    form = BidForm(request.POST or None, instance=Bid(place=place))
    if request.method == "POST":
        if form.is_valid():
            try:
                bid = services.save_bid(place=place, by=request.user, values=form.values())
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(request, _("The bid has been started."))
                return redirect("funding:bid_detail", bid.pk)
        return _form_page(request, form, place, status=400)
    return _form_page(request, form, place)


def bid_edit(request, pk):
    bid = _editable(request, pk)
    form = BidForm(request.POST or None, instance=bid)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_bid(bid, by=request.user, values=form.values())
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(request, _("The bid has been saved."))
                return redirect("funding:bid_detail", bid.pk)
        return _form_page(request, form, bid.place, bid, status=400)
    return _form_page(request, form, bid.place, bid)


def _detail_page(request, bid, forms=None, status=200):
    forms = forms or {}
    editable = permissions.can_edit_bid(request.user, bid)
    member = permissions.is_member(request.user, bid.place.organisation_id)
    context = {
        "bid": bid,
        "editable": editable,
        "may_ask": (member or permissions.is_staff(request.user))
        and bid.status in (Bid.Status.IDEA, Bid.Status.DRAFTING, Bid.Status.REVIEW),
        "status_form": forms.get("status") or StatusForm(initial={"status": ""}),
        "review_form": forms.get("review")
        or ReviewRequestForm(reviewers=services.reviewers_for(bid.place)),
        "comment_form": forms.get("comment") or CommentForm(),
        "document_form": forms.get("document") or DocumentForm(),
        "accept": ACCEPT_ATTRIBUTE,
        **selectors.bid_page(bid),
    }
    return render(request, "funding/bids/detail.html", context, status=status)


@require_GET
def bid_detail(request, pk):
    return _detail_page(request, _bid(request, pk))


@require_POST
def bid_status(request, pk):
    """Moves the bid (its page, or a column of the staff's board)."""
    bid = _editable(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(
                bid,
                form.cleaned_data["status"],
                amount_awarded=form.cleaned_data["amount_awarded"],
                by=request.user,
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” is now “%(status)s”.")
                % {"title": bid.title, "status": Bid.Status(form.cleaned_data["status"]).label},
            )
            return redirect_back(request, "funding:bid_detail", bid.pk)
    if request.POST.get("next"):
        messages.error(request, f"{bid.title}: {' '.join(_errors(form))}")
        return redirect_back(request, "funding:bid_detail", bid.pk)
    return _detail_page(request, bid, {"status": form}, status=400)


def _errors(form):
    return [message for messages_ in form.errors.values() for message in messages_]


@require_POST
def bid_review(request, pk):
    bid = _bid(request, pk)
    form = ReviewRequestForm(request.POST, reviewers=services.reviewers_for(bid.place))
    if form.is_valid():
        try:
            request_row = services.request_review(
                bid,
                reviewer=form.cleaned_data["reviewer"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "forbidden":
                raise PermissionDenied from None
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has been asked to review the bid.")
                % {"name": request_row.reviewer.display_name},
            )
            return redirect("funding:bid_detail", bid.pk)
    return _detail_page(request, bid, {"review": form}, status=400)


@require_POST
def bid_comment(request, pk):
    bid = _bid(request, pk)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.comment(
                bid,
                text=form.cleaned_data["text"],
                file=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("Your comment has been added."))
            return redirect(reverse("funding:bid_detail", args=[bid.pk]) + "#thread")
    return _detail_page(request, bid, {"comment": form}, status=400)


@require_POST
def bid_document_add(request, pk):
    bid = _editable(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.add_document(bid, form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": document.name})
            return redirect("funding:bid_detail", bid.pk)
    return _detail_page(request, bid, {"document": form}, status=400)


@require_GET
def bid_document(request, pk, document_pk):
    """Served only through here: to whoever may open the bid."""
    bid = _bid(request, pk)
    return serve_private_file(get_object_or_404(BidDocument, bid=bid, pk=document_pk))


@require_POST
def bid_document_delete(request, pk, document_pk):
    bid = _editable(request, pk)
    document = get_object_or_404(BidDocument, bid=bid, pk=document_pk, comment__isnull=True)
    try:
        services.remove_document(document, by=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, _("“%(name)s” deleted.") % {"name": document.name})
    return redirect("funding:bid_detail", bid.pk)


# --- the staff's board ---------------------------------------------------------------


def _board_query(request):
    """The chosen cycle, its cohorts and the filter form."""
    cycles = list(selectors.board_cycles())
    cycle = None
    wanted = request.GET.get("cycle", "")
    if wanted.isdigit():
        cycle = next((c for c in cycles if c.pk == int(wanted)), None)
    if cycle is None and cycles:
        cycle = cycles[0]
    cohorts = selectors.cycle_cohorts(cycle) if cycle else []
    form = BoardFilterForm(
        request.GET or None, cohorts=cohorts, fields=list(PriorityField.objects.all())
    )
    return cycles, cycle, form


def _columns(request, bids, query, bids_path):
    """The board's columns, each with the link showing PER_COLUMN more of its cards
    (None when all are shown), and the board's own address as shown now."""
    shown = selectors.shown_per_column(request.GET)
    here = f"{request.path}?{urlencode({**query, **_shown_query(shown)})}"
    columns = []
    for status, label, bids_, count in selectors.columns(bids, shown):
        more = None
        if count > len(bids_) and len(bids_) < selectors.MAX_SHOWN:
            wider = {**shown, status: len(bids_) + selectors.PER_COLUMN}
            more = f"{request.path}?{urlencode({**query, **_shown_query(wider)})}#col-{status}"
        columns.append((status, label, board_cards(bids_, bids_path), count, more))
    return columns, here


def _shown_query(shown):
    return {f"show_{status}": number for status, number in shown.items()}


@staff_required
@require_GET
def board(request):
    cycles, cycle, form = _board_query(request)
    filters = form.filters() if form.is_bound else {}
    context = {"cycles": cycles, "cycle": cycle, "form": form, "now": timezone.now()}
    if cycle is not None:
        bids = selectors.board_bids(cycle, filters)
        totals, per_cohort = selectors.figures(bids)
        query = {"cycle": cycle.pk, **{k: getattr(v, "pk", v) for k, v in filters.items()}}
        # A bid's pages are under this path ("<pk>/", "<pk>/status/"): built once,
        # not reversed for each card.
        bids_path = reverse("funding:bids")
        columns, here = _columns(request, bids, query, bids_path)
        context.update(
            columns=columns,
            per_column=selectors.PER_COLUMN,
            totals=totals,
            per_cohort=per_cohort,
            query=urlencode(query),
            here=here,
        )
    return render(request, "funding/bids/board.html", context)


def _export(request):
    _cycles, cycle, form = _board_query(request)
    if cycle is None:
        return None, []
    filters = form.filters() if form.is_bound else {}
    return cycle, selectors.export_rows(selectors.board_bids(cycle, filters))


def _export_name(cycle, extension):
    return f"bids-{cycle.pk if cycle else 0}-{timezone.localdate():%Y-%m-%d}.{extension}"


@staff_required
@require_GET
def board_csv(request):
    cycle, bids = _export(request)
    response = HttpResponse(exports.csv_text(bids), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(cycle, "csv")}"'
    return response


@staff_required
@require_GET
def board_xlsx(request):
    cycle, bids = _export(request)
    response = HttpResponse(
        exports.xlsx_bytes(bids),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(cycle, "xlsx")}"'
    return response
