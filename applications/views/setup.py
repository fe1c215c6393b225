"""Staff set up a cycle's evaluation: settings and places per field, criteria,
eligibility requirements, the committee and the assignments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import message_of, put_errors_on
from incubator.models import Cycle, PriorityField
from incubator.permissions import staff_required

from .. import selectors, services
from ..forms import (
    AutoAssignForm,
    InviteForm,
    ReviewSettingsForm,
    criterion_formset,
    quota_forms,
    requirement_formset,
)
from ..models import CommitteeMember
from .common import cycle_or_404, render_review


@staff_required
@require_GET
def review_home(request):
    """The evaluation of the newest cycle whose call has closed (the one being
    evaluated), or of the newest cycle when no call has closed yet."""
    cycle = Cycle.objects.filter(call_closes_at__lte=timezone.now()).first() or (
        Cycle.objects.first()
    )
    if cycle is None:
        messages.info(request, _("There are no cycles yet. Create one in the administration."))
        return redirect("applications:staff_list")
    return redirect("applications:review_progress", cycle_pk=cycle.pk)


@staff_required
def review_settings(request, cycle_pk):
    cycle = cycle_or_404(cycle_pk)
    current = selectors.review_settings(cycle)
    fields = list(PriorityField.objects.all())
    data = request.POST if request.method == "POST" else None
    form = ReviewSettingsForm(data, instance=current)
    quotas = quota_forms(fields, selectors.quotas(cycle), data)
    if data is not None and form.is_valid() and all(q.is_valid() for q in quotas):
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.update_review_settings(
                cycle,
                by=request.user,
                quotas={
                    q.field: (q.cleaned_data["minimum"] or 0, q.cleaned_data["maximum"])
                    for q in quotas
                },
                **values,
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The review settings have been saved."))
            return redirect("applications:review_settings", cycle_pk=cycle.pk)
    return render_review(
        request,
        "applications/review/settings.html",
        cycle,
        "settings",
        {"form": form, "quotas": quotas},
        status=400 if data is not None else 200,
    )


@staff_required
def criteria(request, cycle_pk):
    cycle = cycle_or_404(cycle_pk)
    locked = selectors.scoring_started(cycle)
    review_settings = selectors.review_settings(cycle)
    data = request.POST if request.method == "POST" else None
    formset = criterion_formset(cycle, data, locked=locked, finalised=review_settings.is_finalised)
    errors = []
    if data is not None and formset.is_valid():
        try:
            services.save_criteria(cycle, by=request.user, changes=formset.changes())
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The criteria have been saved."))
            return redirect("applications:review_criteria", cycle_pk=cycle.pk)
    criteria_list = [form.instance for form in formset.forms if form.instance.pk]
    return render_review(
        request,
        "applications/review/criteria.html",
        cycle,
        "criteria",
        {
            "formset": formset,
            "locked": locked,
            "errors": errors,
            "total_weight": sum(c.weight for c in criteria_list),
        },
        status=400 if data is not None else 200,
        settings=review_settings,
    )


@staff_required
def requirements(request, cycle_pk):
    cycle = cycle_or_404(cycle_pk)
    data = request.POST if request.method == "POST" else None
    formset = requirement_formset(cycle, data)
    errors = []
    if data is not None and formset.is_valid():
        try:
            services.save_requirements(cycle, by=request.user, changes=formset.changes())
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The eligibility requirements have been saved."))
            return redirect("applications:review_requirements", cycle_pk=cycle.pk)
    return render_review(
        request,
        "applications/review/requirements.html",
        cycle,
        "requirements",
        {"formset": formset, "errors": errors},
        status=400 if data is not None else 200,
    )


@staff_required
def committee(request, cycle_pk):
    """The committee with each member's progress, and the form to invite one."""
    cycle = cycle_or_404(cycle_pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.invite_reviewer(cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _("%(person)s has been invited to the evaluation committee.")
                % {"person": member.user.display_name},
            )
            return redirect("applications:review_committee", cycle_pk=cycle.pk)
    return render_review(
        request,
        "applications/review/committee.html",
        cycle,
        "committee",
        {"members": selectors.committee(cycle), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _member(cycle_pk, pk):
    return get_object_or_404(
        CommitteeMember.objects.select_related("user", "cycle"), cycle_id=cycle_pk, pk=pk
    )


@staff_required
@require_POST
def committee_resend(request, cycle_pk, pk):
    member = _member(cycle_pk, pk)
    try:
        services.resend_invitation(member, by=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(
            request,
            _("The invitation has been sent again to %(email)s.") % {"email": member.user.email},
        )
    return redirect("applications:review_committee", cycle_pk=cycle_pk)


@staff_required
@require_POST
def committee_remove(request, cycle_pk, pk):
    member = _member(cycle_pk, pk)
    try:
        services.remove_member(member, by=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(
            request,
            _("%(person)s is no longer on the committee.") % {"person": member.user.display_name},
        )
    return redirect("applications:review_committee", cycle_pk=cycle_pk)


@staff_required
@require_GET
def progress(request, cycle_pk):
    """Reviews done per reviewer and per application, with the assignments: by
    hand on each application, or automatically for all."""
    cycle = cycle_or_404(cycle_pk)
    settings = selectors.review_settings(cycle)
    members = list(selectors.committee(cycle))
    page = Paginator(selectors.application_progress(cycle), 25).get_page(request.GET.get("page"))
    page.object_list = selectors.assignment_rows(page.object_list, settings, members)
    return render_review(
        request,
        "applications/review/progress.html",
        cycle,
        "progress",
        {
            "page": page,
            "members": members,
            "auto_form": AutoAssignForm(
                initial={"per_application": settings.reviewers_per_application}
            ),
            "totals": {
                key: sum(getattr(m, key) for m in members)
                for key in ("assigned", "submitted", "drafts", "not_started", "recusals")
            },
        },
        settings=settings,
    )


@staff_required
@require_POST
def auto_assign(request, cycle_pk):
    cycle = cycle_or_404(cycle_pk)
    form = AutoAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("applications:review_progress", cycle_pk=cycle.pk)
    try:
        created, short = services.auto_assign(
            cycle, by=request.user, per_application=form.cleaned_data["per_application"]
        )
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(
            request,
            ngettext("%(count)d review assigned.", "%(count)d reviews assigned.", len(created))
            % {"count": len(created)},
        )
        if short:
            messages.warning(
                request,
                _(
                    "Not enough committee members without a conflict of interest for: "
                    "%(organisations)s. Invite more members or assign by hand."
                )
                % {"organisations": ", ".join(str(a.organisation) for a in short)},
            )
    return redirect("applications:review_progress", cycle_pk=cycle.pk)
