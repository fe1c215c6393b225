"""The ranking and what is made of it: finalising, deciding in bulk, the exports,
the printable protocol, the conflict of interest declarations and the audit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import message_of
from incubator.http import redirect_back
from incubator.models import PriorityField
from incubator.permissions import staff_required

from .. import exports, selectors, services
from ..forms import BulkDecisionForm
from .common import cycle_or_404, render_review

PER_PAGE = 50


def places_chart(summary):
    """The places per priority field as a chart: admitted, and the rest of the
    places the ranking suggests for the field (the same figures as the table)."""
    return {
        "labels": [line["field"].name for line in summary],
        "series": [
            {
                "label": _("Admitted"),
                "tone": "filled",
                "data": [line["admitted"] for line in summary],
            },
            {
                "label": _("Suggested, not admitted yet"),
                "tone": "remaining",
                "data": [max(line["suggested"] - line["admitted"], 0) for line in summary],
            },
        ],
        "horizontal": True,
        "stacked": True,
    }


def _ranking(request, cycle, *, query, decision_form=None, status=200):
    """The ranking page for ``query`` (its page and priority field, from the address
    or from the bulk decision form that was posted from it)."""
    settings = selectors.review_settings(cycle)
    fields = list(PriorityField.objects.all())
    field = None
    if field_pk := query.get("field"):
        field = next((f for f in fields if str(f.pk) == field_pk), None)
        if field is None:
            return redirect("applications:review_ranking", cycle_pk=cycle.pk)
    result = selectors.ranking_page(
        cycle,
        settings,
        page_number=query.get("page"),
        per_page=PER_PAGE,
        field=field,
        quotas=selectors.quotas(cycle),
        fields=fields,
    )
    decision_form = decision_form or BulkDecisionForm(cycle=cycle)
    ticked = decision_form["applications"].value() or [] if decision_form.is_bound else []
    return render_review(
        request,
        "applications/review/ranking.html",
        cycle,
        "ranking",
        {
            "ranking": result,
            "page": result.page,
            "fields": fields,
            "field": field,
            "query": f"field={field.pk}" if field else "",
            "decision_form": decision_form,
            # The applications ticked in the form posted (pks), to tick them again.
            "picked": {int(pk) for pk in ticked if str(pk).isdigit()},
            "ineligible": selectors.ineligible_applications(cycle),
            "places_chart": places_chart(result.summary),
        },
        settings=settings,
        status=status,
    )


@staff_required
@require_GET
def ranking(request, cycle_pk):
    """The ranking, overall or of one priority field, against the places."""
    return _ranking(request, cycle_or_404(cycle_pk), query=request.GET)


@staff_required
@require_POST
def finalise(request, cycle_pk):
    cycle = cycle_or_404(cycle_pk)
    try:
        if request.POST.get("action") == "reopen":
            services.reopen_ranking(cycle, by=request.user)
            messages.info(request, _("The ranking is open again: reviews and figures may change."))
        else:
            services.finalise_ranking(cycle, by=request.user)
            messages.success(
                request,
                _("The ranking is finalised: reviews, criteria and eligibility are locked."),
            )
    except ValidationError as error:
        messages.error(request, message_of(error))
    return redirect("applications:review_ranking", cycle_pk=cycle.pk)


@staff_required
@require_POST
def decide_in_bulk(request, cycle_pk):
    """Decides on the ticked applications of the ranking page. When something is
    missing, the same page comes back with what was ticked and typed."""
    cycle = cycle_or_404(cycle_pk)
    form = BulkDecisionForm(request.POST, cycle=cycle)
    if not form.is_valid():
        return _ranking(request, cycle, query=request.POST, decision_form=form, status=400)
    decided, refused = services.decide_in_bulk(
        form.cleaned_data["applications"],
        decision=form.cleaned_data["decision"],
        by=request.user,
        reason=form.cleaned_data["reason"],
        internal_note=form.cleaned_data["internal_note"],
        without_review=form.cleaned_data["without_review"],
        over_places_reason=form.cleaned_data["over_places_reason"],
    )
    if decided:
        messages.success(
            request,
            ngettext(
                "%(count)d decision recorded. Send the letters to tell the organisation.",
                "%(count)d decisions recorded. Send the letters to tell the organisations.",
                len(decided),
            )
            % {"count": len(decided)},
        )
    for application, message in refused:
        messages.error(request, f"{application.organisation}: {message}")
    return redirect_back(request, "applications:review_ranking", cycle.pk)


@staff_required
@require_GET
def ranking_csv(request, cycle_pk):
    cycle = cycle_or_404(cycle_pk)
    return exports.ranking_csv(cycle, selectors.review_settings(cycle))


@staff_required
@require_GET
def ranking_xlsx(request, cycle_pk):
    cycle = cycle_or_404(cycle_pk)
    return exports.ranking_xlsx(cycle, selectors.review_settings(cycle))


@staff_required
@require_GET
def protocol(request, cycle_pk):
    """The evaluation protocol, to print: criteria and weights, the committee,
    every application's scores and total, the decisions, the conflicts."""
    cycle = cycle_or_404(cycle_pk)
    settings = selectors.review_settings(cycle)
    criteria, rows = selectors.full_ranking(cycle, settings)
    return render_review(
        request,
        "applications/review/protocol.html",
        cycle,
        "protocol",
        {
            "criteria": criteria,
            "rows": rows,
            "members": selectors.committee(cycle),
            "conflicts": selectors.conflicts(cycle),
            "ineligible": selectors.ineligible_applications(cycle),
            "quotas": selectors.quota_rows(cycle),
            "requirements": selectors.requirements(cycle),
            "total_weight": sum(c.weight for c in criteria),
        },
        settings=settings,
    )


@staff_required
@require_GET
def conflicts(request, cycle_pk):
    cycle = cycle_or_404(cycle_pk)
    page = Paginator(selectors.conflicts(cycle), 50).get_page(request.GET.get("page"))
    return render_review(
        request, "applications/review/conflicts.html", cycle, "conflicts", {"page": page}
    )


@staff_required
@require_GET
def conflicts_csv(request, cycle_pk):
    cycle = cycle_or_404(cycle_pk)
    return exports.conflicts_csv(cycle)


AUDIT_KINDS = list(selectors.AUDIT_LABELS)


@staff_required
@require_GET
def audit(request, cycle_pk):
    """Who changed what, and when: decisions, scores, criteria, eligibility,
    reviews (assignments and conflict declarations) and settings."""
    cycle = cycle_or_404(cycle_pk)
    kind = request.GET.get("kind")
    if kind not in AUDIT_KINDS:
        kind = AUDIT_KINDS[0]
    entries = selectors.audit_trail(cycle, kind)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render_review(
        request,
        "applications/review/audit.html",
        cycle,
        "audit",
        {
            "kind": kind,
            "kinds": selectors.AUDIT_LABELS,
            "page": page,
            "rows": selectors.audit_rows(kind, page.object_list),
            "query": f"kind={kind}",
        },
    )
