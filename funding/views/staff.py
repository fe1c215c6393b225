"""Staff keep the catalogue (sources, calls, import and export, checks) and follow
each participating organisation's matches, dismissals and recommendations."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import message_of, put_errors_on
from incubator.http import redirect_back
from incubator.models import Organisation, PriorityField
from incubator.permissions import staff_required

from .. import selectors, services, spreadsheet
from ..bids import selectors as bid_selectors
from ..forms import CallForm, CatalogueFilterForm, ImportForm, RecommendForm, SourceForm
from ..models import FundingCall, FundingSource, LegalForm

PER_PAGE = 50
IMPORT_SALT = "funding.import"
IMPORT_MAX_AGE = 3600  # seconds between the preview and the confirmation


@staff_required
@require_GET
def home(request):
    """Every source (historic ones too), those to check again, and the tools."""
    data = request.GET.copy()
    data.setdefault("show_historic", "1")
    form = CatalogueFilterForm(
        data,
        priority_fields=list(PriorityField.objects.all()),
        legal_forms=list(LegalForm.objects.all()),
    )
    form.is_valid()
    filters = form.filters()
    now = timezone.now()
    page = Paginator(selectors.staff_sources(filters, now), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "funding/staff/home.html",
        {
            "form": form,
            "page": page,
            "sources": page.object_list,
            "stale": list(selectors.stale_sources()[:100]),
            "query": urlencode(form.query()),
            "now": now,
        },
    )


def _source_form_page(request, form, source=None, status=200):
    return render(
        request, "funding/staff/source_form.html", {"form": form, "source": source}, status=status
    )


@staff_required
def source_create(request):
    form = SourceForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                source, _changed = services.save_source(by=request.user, values=form.values())
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(request, _("The funding source has been added."))
                return redirect("funding:source_detail", source.pk)
        return _source_form_page(request, form, status=400)
    return _source_form_page(request, form)


@staff_required
def source_edit(request, pk):
    source = get_object_or_404(FundingSource, pk=pk)
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_source(source, by=request.user, values=form.values())
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(request, _("The funding source has been saved."))
                return redirect("funding:source_detail", source.pk)
        return _source_form_page(request, form, source, status=400)
    return _source_form_page(request, form, source)


@staff_required
@require_POST
def source_checked(request, pk):
    source = get_object_or_404(FundingSource, pk=pk)
    services.mark_checked(source, by=request.user)
    messages.success(
        request, _("“%(source)s” is marked as checked today.") % {"source": source.name}
    )
    return redirect_back(request, "funding:staff_home")


def _call_form_page(request, form, source, call=None, status=200):
    return render(
        request,
        "funding/staff/call_form.html",
        {"form": form, "source": source, "call": call},
        status=status,
    )


@staff_required
def call_create(request, pk):
    source = get_object_or_404(FundingSource, pk=pk)
    form = CallForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_call(source=source, by=request.user, values=form.values())
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(request, _("The call has been added."))
                return redirect("funding:source_detail", source.pk)
        return _call_form_page(request, form, source, status=400)
    return _call_form_page(request, form, source)


@staff_required
def call_edit(request, pk):
    call = get_object_or_404(FundingCall.objects.select_related("source"), pk=pk)
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_call(call, by=request.user, values=form.values())
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(request, _("The call has been saved."))
                return redirect("funding:source_detail", call.source_id)
        return _call_form_page(request, form, call.source, call, status=400)
    return _call_form_page(request, form, call.source, call)


@staff_required
@require_POST
def call_delete(request, pk):
    call = get_object_or_404(FundingCall, pk=pk)
    services.delete_call(call, by=request.user)
    messages.success(request, _("The call “%(title)s” has been deleted.") % {"title": call.title})
    return redirect("funding:source_detail", call.source_id)


# --- import and export ------------------------------------------------------------


def _preview(request, rows, token, status=200):
    errors = spreadsheet.errors_of(rows)
    counts = {"new": 0, "changed": 0, "unchanged": 0, "error": 0}
    for row in rows:
        counts[row.action] += 1
    return render(
        request,
        "funding/staff/import_preview.html",
        {"rows": rows, "errors": errors, "counts": counts, "token": token if not errors else ""},
        status=status,
    )


@staff_required
def import_upload(request):
    """Step 1: the file is read and every row checked; staff see what would change
    and every error. Nothing is written."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                header, raw = spreadsheet.read_table(form.cleaned_data["file"])
                rows = spreadsheet.parse(header, raw)
            except spreadsheet.FileProblem as problem:
                form.add_error("file", str(problem))
            else:
                token = signing.dumps(
                    {"header": header, "rows": raw}, salt=IMPORT_SALT, compress=True
                )
                return _preview(
                    request, rows, token, status=400 if spreadsheet.errors_of(rows) else 200
                )
        return render(request, "funding/staff/import.html", {"form": form}, status=400)
    return render(request, "funding/staff/import.html", {"form": form})


@staff_required
@require_POST
def import_confirm(request):
    """Step 2: the same file, checked again against the catalogue as it is now, is
    written in one transaction, or nothing is."""
    try:
        table = signing.loads(
            request.POST.get("token", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
        )
    except signing.BadSignature:
        messages.error(request, _("The preview has expired. Upload the file again."))
        return redirect("funding:import")
    try:
        rows = spreadsheet.parse(table["header"], table["rows"])
        counts = spreadsheet.apply(rows, by=request.user)
    except spreadsheet.FileProblem as problem:
        messages.error(request, str(problem))
        return redirect("funding:import")
    except ValidationError as error:
        messages.error(request, message_of(error))
        return _preview(request, rows, "", status=400)
    messages.success(
        request,
        _("Imported: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.") % counts,
    )
    return redirect("funding:staff_home")


def _export_name(extension):
    return f"funding-sources-{timezone.localdate():%Y-%m-%d}.{extension}"


@staff_required
@require_GET
def export_csv(request):
    response = HttpResponse(
        spreadsheet.csv_text(spreadsheet.export_sources()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name("csv")}"'
    return response


@staff_required
@require_GET
def export_xlsx(request):
    response = HttpResponse(
        spreadsheet.xlsx_bytes(spreadsheet.export_sources(), spreadsheet.export_calls()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name("xlsx")}"'
    return response


# --- organisations ----------------------------------------------------------------


@staff_required
@require_GET
def dismissals(request):
    rows, by_reason = selectors.dismissal_overview()
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/staff/dismissals.html",
        {"page": page, "dismissals": page.object_list, "by_reason": by_reason},
    )


@staff_required
@require_GET
def organisations(request):
    page = Paginator(selectors.participating_organisations(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "funding/staff/organisations.html",
        {"page": page, "organisations": page.object_list},
    )


def _organisation_page(request, organisation, form=None, status=200):
    places = selectors.organisation_places(organisation)
    if not places:
        raise Http404
    now = timezone.now()
    (profile,) = selectors.profiles(places)
    sources, calls = selectors.recommendable(now)
    return render(
        request,
        "funding/staff/organisation.html",
        {
            "organisation": organisation,
            "places": places,
            "profile": profile,
            "matches": selectors.matches(profile, now),
            "recommendations": list(selectors.recommendations_for([organisation.pk])),
            "dismissals": list(selectors.dismissals_of([organisation.pk])),
            "bids": list(
                bid_selectors.bids_for(request.user).filter(place__organisation=organisation)
            ),
            "form": form or RecommendForm(sources=list(sources), calls=list(calls)),
            "now": now,
        },
        status=status,
    )


@staff_required
@require_GET
def organisation(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    return _organisation_page(request, organisation)


@staff_required
@require_POST
def recommend(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    places = selectors.organisation_places(organisation)
    if not places:
        raise Http404
    form = RecommendForm(request.POST)
    if form.is_valid():
        try:
            services.recommend(
                places[0],
                source=form.cleaned_data["source"],
                call=form.cleaned_data["call"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _("Recommended to %(organisation)s; its people have been emailed.")
                % {"organisation": organisation.name},
            )
            return redirect("funding:organisation", organisation.pk)
    return _organisation_page(request, organisation, form=form, status=400)
