"""Staff's pages of one application: the list, the detail with its evaluation, and
the actions taken on it (eligibility, assignments, the decision)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator import sections
from incubator.forms import message_of, put_errors_on
from incubator.http import redirect_back
from incubator.models import Cycle
from incubator.pagecache import kept_while_unchanged
from incubator.permissions import staff_required

from .. import selectors, services
from ..filters import StaffApplicationFilter
from ..forms import AssignForm, DecisionForm, EligibilityForm
from ..models import Application, CommitteeMember, ReviewAssignment


@staff_required
@require_GET
@kept_while_unchanged
def staff_list(request):
    cycles = list(Cycle.objects.all())
    cycle = None
    if cycle_id := request.GET.get("cycle"):
        cycle = next((c for c in cycles if str(c.pk) == cycle_id), None)
        if cycle is None:
            raise Http404
    elif cycles:
        cycle = cycles[0]
    context = {"cycles": cycles, "cycle": cycle}
    if cycle is not None:
        filterset = StaffApplicationFilter(
            request.GET, queryset=selectors.staff_applications(cycle)
        )
        rows, totals, total = selectors.counts_by_field_and_status(cycle)
        paginator = Paginator(filterset.qs, 25)
        form = filterset.form
        if form.is_valid() and not form.cleaned_data.get("q"):
            # Without search text, the count is in the table of counts already.
            paginator.count = selectors.count_filtered(
                rows, form.cleaned_data.get("status"), form.cleaned_data.get("priority_field")
            )
        page = paginator.get_page(request.GET.get("page"))
        chosen_field = str(filterset.form["priority_field"].value() or "")
        context.update(
            filterset=filterset,
            # The filter's choices, as chosen (the form is written out in the template).
            chosen_status=filterset.form["status"].value() or "",
            chosen_field=int(chosen_field) if chosen_field.isdigit() else None,
            filter_fields=[field for field, _cells, _total in rows if field is not None],
            page=page,
            count_rows=rows,
            count_totals=totals,
            count_total=total,
            count_chart=_count_chart(rows),
            statuses=Application.Status.choices,
            query=_query_without_page(request),
        )
    return render(request, "applications/staff_list.html", context)


def _count_chart(rows):
    """The applications by priority field and status as a stacked bar chart (the
    same figures as the table beside it)."""
    return {
        "labels": [str(field.name) if field else _("Not chosen") for field, _c, _t in rows],
        "series": [
            {"label": str(label), "tone": value, "data": [cells[i] for _f, cells, _t in rows]}
            for i, (value, label) in enumerate(Application.Status.choices)
        ],
        "horizontal": True,
        "stacked": True,
    }


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _detail(
    request, application, *, eligibility_form=None, decision_form=None, assign_form=None, status=200
):
    cycle = application.cycle
    settings = selectors.review_settings(cycle)
    requirements = list(selectors.requirements(cycle))
    checks = {
        c.requirement_id: c for c in application.eligibility_checks.select_related("checked_by")
    }
    criteria, rows = selectors.figures_for(cycle, settings, [application.pk])
    # What apps downstream add (the organisation's consultations, ...): incubator.sections.
    sections.attach(sections.APPLICATION, request.user, [application])
    if decision_form is None:
        decision_form = DecisionForm(
            initial={"decision": application.status if application.is_decided else None}
        )
    return render(
        request,
        "applications/staff_detail.html",
        {
            "application": application,
            "organisation": application.organisation,
            "people": application.organisation.memberships.select_related("user"),
            "attachments": application.attachments.all(),
            "timeline": application.status_changes.select_related("changed_by"),
            "review_settings": settings,
            "requirements": requirements,
            "checks": checks,
            "eligibility_form": eligibility_form
            or EligibilityForm(requirements=requirements, checks=checks),
            "criteria": criteria,
            "figures": rows.get(application.pk),
            "criterion_means": list(
                zip(
                    criteria,
                    rows[application.pk].means
                    if application.pk in rows
                    else [None] * len(criteria),
                    strict=True,
                )
            ),
            "reviews": selectors.reviews_of(application),
            "decision_form": decision_form,
            "assign_form": assign_form or _assign_form(application),
            "letters": application.decision_letters.select_related("sent_by"),
            "reviewed": application.status in Application.EVALUATED,
        },
        status=status,
    )


def _assign_form(application, data=None):
    members = list(CommitteeMember.objects.filter(cycle=application.cycle_id))
    return AssignForm(
        data,
        application=application,
        members=selectors.assignable_members(application, members),
    )


@staff_required
@require_GET
def staff_detail(request, pk):
    application = get_object_or_404(selectors.visible_applications(request.user), pk=pk)
    return _detail(request, application)


@staff_required
@require_POST
def eligibility(request, pk):
    application = get_object_or_404(selectors.visible_applications(request.user), pk=pk)
    requirements = list(selectors.requirements(application.cycle))
    checks = {c.requirement_id: c for c in application.eligibility_checks.all()}
    form = EligibilityForm(request.POST, requirements=requirements, checks=checks)
    if form.is_valid():
        try:
            services.record_eligibility(application, by=request.user, findings=form.findings())
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The eligibility check has been saved."))
            return redirect("applications:staff_detail", pk=pk)
    return _detail(request, application, eligibility_form=form, status=400)


@staff_required
@require_POST
def decide(request, pk):
    application = get_object_or_404(selectors.visible_applications(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide(
                application,
                decision=form.cleaned_data["decision"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                internal_note=form.cleaned_data["internal_note"],
                without_review=form.cleaned_data["without_review"],
                over_places_reason=form.cleaned_data["over_places_reason"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) in ("over_places", "unreviewed"):
                # The form has what it takes to confirm: back to it, as typed.
                put_errors_on(form, error)
                return _detail(request, application, decision_form=form, status=400)
            messages.error(request, message_of(error))
        else:
            messages.success(
                request,
                _("Decision recorded. The organisation sees it once you send the letter."),
            )
        return redirect_back(request, "applications:staff_detail", pk)
    return _detail(request, application, decision_form=form, status=400)


@staff_required
@require_POST
def assign(request, pk):
    application = get_object_or_404(selectors.visible_applications(request.user), pk=pk)
    form = _assign_form(application, request.POST)
    if form.is_valid():
        try:
            services.assign(application, form.cleaned_data["member"], by=request.user)
        except ValidationError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(
                request,
                _("%(person)s will review %(organisation)s.")
                % {
                    "person": form.cleaned_data["member"].user.display_name,
                    "organisation": application.organisation,
                },
            )
    else:
        messages.error(request, _("Choose a reviewer from the committee."))
    return redirect_back(request, "applications:staff_detail", pk)


@staff_required
@require_POST
def unassign(request, pk):
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("member__user", "application"), pk=pk
    )
    try:
        services.unassign(assignment, by=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(
            request,
            _("%(person)s no longer reviews %(organisation)s.")
            % {
                "person": assignment.member.user.display_name,
                "organisation": assignment.application.organisation,
            },
        )
    return redirect_back(request, "applications:staff_detail", assignment.application_id)


@staff_required
@require_POST
def reopen_review(request, pk):
    """Staff reopen a submitted review for its reviewer (who cannot once they have
    read the other reviews)."""
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("member__user", "application__organisation"),
        pk=pk,
    )
    try:
        services.reopen_review(assignment, by=request.user, as_staff=True)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(
            request,
            _("The review of %(person)s is open again; they can change and submit it.")
            % {"person": assignment.member.user.display_name},
        )
    return redirect_back(request, "applications:staff_detail", assignment.application_id)
