from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import message_of, put_errors_on
from incubator.models import Cycle
from incubator.permissions import staff_required

from . import notice, registry, selectors, services
from .forms import ErasureRequestForm, RefusalForm, RetentionForm
from .models import DataExport, ErasureRequest


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _my_data_page(request, erasure_form=None, status=200):
    data = selectors.my_data(request.user)
    for export in data["exports"]:
        export.url = (
            services.export_url(export) if export.status == DataExport.Status.READY else None
        )
    pending = next((r for r in data["requests"] if r.status == ErasureRequest.Status.PENDING), None)
    return _no_store(
        render(
            request,
            "privacy/my_data.html",
            {
                **data,
                "pending_request": pending,
                "explains": [
                    outcome for holder in registry.holders() for outcome in holder.explains
                ],
                "erasure_form": erasure_form or ErasureRequestForm(),
                "notice_version": notice.VERSION,
            },
            status=status,
        )
    )


@require_GET
def my_data(request):
    return _my_data_page(request)


@require_POST
def export_request(request):
    services.request_export(request.user)
    messages.success(
        request,
        _(
            "We are preparing a copy of your data. We will email you a link to download it "
            "to %(email)s; it also appears on this page."
        )
        % {"email": request.user.email},
    )
    return redirect("privacy:my_data")


@require_GET
def download(request, token):
    try:
        export = services.open_export(token, request.user)
    except DataExport.DoesNotExist:
        raise Http404 from None
    except services.LinkExpired:
        return _no_store(render(request, "privacy/link_expired.html", status=410))
    try:
        handle = export.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"personal-data-{export.ready_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    return _no_store(response)


@require_POST
def erasure_request(request):
    form = ErasureRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_erasure(request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(
                request,
                _("Your request has been sent to the programme's staff. We will email you."),
            )
        return redirect("privacy:my_data")
    return _my_data_page(request, erasure_form=form, status=400)


@require_POST
def erasure_withdraw(request):
    try:
        services.withdraw_erasure(request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, _("Your request to erase your account has been withdrawn."))
    return redirect("privacy:my_data")


@login_not_required
@require_GET
def privacy_notice(request):
    language = translation.get_language()
    return render(
        request,
        notice.template_for(language),
        {"version": notice.VERSION, "published_on": notice.PUBLISHED_ON},
    )


# --- staff -----------------------------------------------------------------------------


@staff_required
@require_GET
def erasure_list(request):
    return _no_store(
        render(request, "privacy/erasure_list.html", {"requests": selectors.erasure_requests()})
    )


def _erasure_detail(request, erasure, refusal_form=None, status=200):
    return _no_store(
        render(
            request,
            "privacy/erasure_detail.html",
            {
                "erasure": erasure,
                "sole_leader_of": selectors.sole_leader_of(erasure.user)
                if erasure.status == ErasureRequest.Status.PENDING
                else [],
                "refusal_form": refusal_form or RefusalForm(),
                "explains": [
                    outcome for holder in registry.holders() for outcome in holder.explains
                ],
            },
            status=status,
        )
    )


@staff_required
@require_GET
def erasure_detail(request, pk):
    return _erasure_detail(request, get_object_or_404(selectors.erasure_requests(), pk=pk))


@staff_required
@require_POST
def erasure_carry_out(request, pk):
    erasure = get_object_or_404(ErasureRequest, pk=pk)
    try:
        services.carry_out_erasure(erasure, by=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, _("The account has been erased."))
    return redirect("privacy:erasure_detail", pk=pk)


@staff_required
@require_POST
def erasure_refuse(request, pk):
    erasure = get_object_or_404(selectors.erasure_requests(), pk=pk)
    form = RefusalForm(request.POST)
    if form.is_valid():
        try:
            services.refuse_erasure(
                erasure, by=request.user, reason=form.cleaned_data["refusal_reason"]
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The request has been refused; the person is told why."))
            return redirect("privacy:erasure_detail", pk=pk)
    return _erasure_detail(request, erasure, refusal_form=form, status=400)


@staff_required
@require_GET
def retention(request):
    return _no_store(
        render(
            request,
            "privacy/retention.html",
            {
                "cycles": selectors.retention_overview(),
                "purges": selectors.recent_purges(),
                "form": RetentionForm(),
                "default_months": settings.RETENTION_MONTHS,
            },
        )
    )


@staff_required
@require_POST
def retention_set(request, cycle_pk):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    form = RetentionForm(request.POST)
    if form.is_valid():
        try:
            services.set_retention(cycle, months=form.cleaned_data["months"], by=request.user)
        except ValidationError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(
                request,
                _("%(cycle)s keeps them %(months)s months after its decisions.")
                % {"cycle": cycle, "months": form.cleaned_data["months"]},
            )
    else:
        messages.error(
            request,
            _("“%(value)s” is not a number of months from 1 to 120.")
            % {"value": request.POST.get("months", "")},
        )
    return redirect("privacy:retention")
