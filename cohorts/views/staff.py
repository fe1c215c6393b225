from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator import sections
from incubator.forms import message_of, put_errors_on
from incubator.models import Cycle
from incubator.pagecache import kept_while_unchanged
from incubator.permissions import is_staff, staff_required

from .. import selectors, services
from ..forms import CohortForm, MembershipStatusForm, MoveForm, ReminderSettingsForm
from ..models import CohortMembership


def chosen_cycle(request, cycles):
    """The cycle picked with ?cycle=, else the one running now or the latest."""
    if cycle_id := request.GET.get("cycle"):
        cycle = next((c for c in cycles if str(c.pk) == cycle_id), None)
        if cycle is None:
            raise Http404
        return cycle
    today = timezone.localdate()
    running = [c for c in cycles if c.incubation_starts_on <= today <= c.incubation_ends_on]
    return (running or cycles or [None])[0]


@staff_required
@require_GET
def cohort_list(request):
    """The staff's view of a cycle: its cohorts, joint meetings and deadlines."""
    cycles = selectors.staff_cycles()
    cycle = chosen_cycle(request, cycles)
    context = {"cycles": cycles, "cycle": cycle}
    if cycle is not None:
        context.update(
            cohorts=selectors.cohort_list(cycle),
            meetings=selectors.meetings_of_cycle(cycle),
            deadlines=selectors.deadlines_of_cycle(cycle),
            progress=selectors.progress(cycle),
            reminder_settings=services.reminder_settings(cycle),
            now=timezone.now(),
        )
    return render(request, "cohorts/cohort_list.html", context)


@require_GET
@kept_while_unchanged
def cohort_detail(request, pk):
    """A cohort's organisations with their contact people and its meetings; staff
    also see attendance and can move organisations or mark them as left."""
    cohort = get_object_or_404(selectors.cohorts_for(request.user), pk=pk)
    staff = is_staff(request.user)
    now = timezone.now()
    sections.attach(sections.COHORT, request.user, [cohort], now)
    members = list(selectors.cohort_members(cohort, staff=staff))
    meetings = list(selectors.meetings_of_cycle(cohort.cycle, cohort=cohort))
    held = selectors.meetings_held(cohort.cycle, cohort, now) if staff else None
    # Each row's forms to move an organisation or change its status are written out
    # in the template (as MoveForm and MembershipStatusForm read them), from the
    # cycle's cohorts and the statuses: no form objects per row.
    return render(
        request,
        "cohorts/cohort_detail.html",
        {
            "cohort": cohort,
            "members": members,
            "cohorts": list(cohort.cycle.cohorts.select_related("priority_field")) if staff else [],
            "statuses": CohortMembership.Status.choices,
            "meetings": meetings,
            "deadlines": selectors.deadlines_of_cycle(cohort.cycle, cohort=cohort)
            if staff
            else selectors.deadlines_for(request.user).filter(cycle=cohort.cycle),
            "held": held,
            "staff": staff,
            "now": now,
        },
    )


@staff_required
def cohort_edit(request, pk):
    cohort = get_object_or_404(selectors.cohorts_for(request.user), pk=pk)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cohort(
                cohort,
                by=request.user,
                **{name: form.cleaned_data[name] for name in services.COHORT_FIELDS},
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The cohort has been saved."))
            return redirect("cohorts:cohort_detail", pk=pk)
    return render(request, "cohorts/cohort_form.html", {"cohort": cohort, "form": form})


def _membership(pk):
    return get_object_or_404(
        CohortMembership.objects.select_related("organisation", "cohort__priority_field"), pk=pk
    )


@staff_required
@require_POST
def membership_move(request, pk):
    membership = _membership(pk)
    form = MoveForm(request.POST, membership=membership, prefix=f"move{pk}")
    if form.is_valid():
        try:
            services.move_membership(
                membership, cohort=form.cleaned_data["cohort"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(
                request,
                _("%(organisation)s moved to the cohort “%(cohort)s”.")
                % {
                    "organisation": membership.organisation,
                    "cohort": form.cleaned_data["cohort"].name,
                },
            )
            return redirect("cohorts:cohort_detail", pk=form.cleaned_data["cohort"].pk)
    else:
        messages.error(request, _("Choose the cohort to move the organisation to."))
    return redirect("cohorts:cohort_detail", pk=membership.cohort_id)


@staff_required
@require_POST
def membership_status(request, pk):
    membership = _membership(pk)
    form = MembershipStatusForm(request.POST, prefix=f"status{pk}")
    if form.is_valid():
        try:
            services.set_membership_status(
                membership,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, f"{membership.organisation}: {message_of(error)}")
        else:
            messages.success(
                request,
                _("%(organisation)s: the status has been saved.")
                % {"organisation": membership.organisation},
            )
    else:
        messages.error(request, _("Choose a status."))
    return redirect("cohorts:cohort_detail", pk=membership.cohort_id)


@staff_required
def reminder_settings(request, cycle_pk):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    current = services.reminder_settings(cycle)
    form = ReminderSettingsForm(
        request.POST or None,
        initial={
            "meetings": current.meetings,
            "deadlines": current.deadlines,
            "call_closing": current.call_closing,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_reminder_settings(cycle, **form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _(
                    "Saved. The reminders of the meetings and deadlines ahead "
                    "follow the new moments."
                ),
            )
            return redirect(f"{request.path}")
    return render(request, "cohorts/reminder_settings.html", {"cycle": cycle, "form": form})
