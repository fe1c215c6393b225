from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incubator.forms import message_of, put_errors_on
from incubator.models import Cycle
from incubator.permissions import staff_required

from .. import selectors, services
from ..forms import DeadlineForm


def _back_to(cycle):
    return f"{reverse('cohorts:cohort_list')}?cycle={cycle.pk}#deadlines"


def _fields(form):
    return {name: form.cleaned_data[name] for name in services.DEADLINE_FIELDS}


@staff_required
def deadline_create(request, cycle_pk):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    form = DeadlineForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_deadline(cycle=cycle, by=request.user, **_fields(form))
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The deadline has been added."))
            return redirect(_back_to(cycle))
    return render(request, "cohorts/deadline_form.html", {"cycle": cycle, "form": form})


@staff_required
def deadline_edit(request, pk):
    deadline = get_object_or_404(selectors.deadlines_for(request.user), pk=pk)
    if deadline.is_milestone:
        messages.info(
            request, _("This deadline follows the cycle's dates; change them in the cycle.")
        )
        return redirect(_back_to(deadline.cycle))
    form = DeadlineForm(request.POST or None, instance=deadline, cycle=deadline.cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_deadline(deadline, by=request.user, **_fields(form))
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The deadline has been saved."))
            return redirect(_back_to(deadline.cycle))
    return render(
        request,
        "cohorts/deadline_form.html",
        {"cycle": deadline.cycle, "form": form, "deadline": deadline},
    )


@staff_required
@require_POST
def deadline_delete(request, pk):
    deadline = get_object_or_404(selectors.deadlines_for(request.user), pk=pk)
    try:
        services.delete_deadline(deadline, by=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(
            request, _("The deadline “%(title)s” has been deleted.") % {"title": deadline.name}
        )
    return redirect(_back_to(deadline.cycle))
