"""The staff's outbox: what was sent, what waits, what failed (and a retry)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.http import redirect_back
from incubator.permissions import staff_required

from . import kinds, selectors, services
from .filters import OutboxFilter
from .models import Email


@staff_required
@require_GET
def outbox(request):
    """The emails grouped by message: one row per message (a meeting's invitation
    to all its people is one row), with its recipients' states, expandable."""
    filterset = OutboxFilter(request.GET, queryset=Email.objects.all())
    page = Paginator(selectors.message_groups(filterset.qs), 50).get_page(request.GET.get("page"))
    labels = dict(Email.Status.choices)
    emails = selectors.emails_of(filterset.qs, [group["message"] for group in page])
    for group in page:
        group["emails"] = emails.get(group["message"], [])
        group["states"] = [
            (status, labels[status], group[f"n_{status}"])
            for status in labels
            if group[f"n_{status}"]
        ]
    counts, duplicated = {}, 0
    for status, n, possibly_duplicated in (
        Email.objects.values_list("status")
        .annotate(n=Count("pk"), d=Count("pk", filter=Q(possibly_duplicated=True)))
        .order_by()
    ):
        counts[status] = n
        duplicated += possibly_duplicated
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/outbox.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "counts": [
                (status, label, counts.get(status, 0)) for status, label in Email.Status.choices
            ],
            "duplicated": duplicated,
        },
    )


@staff_required
@require_GET
def email_detail(request, pk):
    """One email as it was sent; the text of sign-in and password emails is never shown."""
    email = get_object_or_404(Email.objects.select_related("recipient"), pk=pk)
    return render(
        request,
        "notifications/email_detail.html",
        {
            "email": email,
            "kind": dict(kinds.choices()).get(email.key.partition(":")[0], ""),
            "message_id": services.message_id(email.key),
        },
    )


@staff_required
@require_POST
def email_retry(request, pk):
    email = get_object_or_404(Email, pk=pk)
    if services.retry_failed(email):
        messages.success(request, _("The email to %(to)s is queued again.") % {"to": email.to})
    else:
        messages.error(request, _("Only a failed email can be retried."))
    return redirect_back(request, "notifications:email_detail", pk=pk)
