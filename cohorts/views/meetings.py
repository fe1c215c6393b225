from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import message_of, put_errors_on
from incubator.http import redirect_back
from incubator.models import Cycle
from incubator.permissions import is_staff, staff_required
from incubator.selectors import organisations_for
from incubator.uploads import serve_private_file

from .. import exports, selectors, services
from ..forms import (
    AttendanceFormSet,
    CancelMeetingForm,
    MaterialForm,
    MeetingForm,
    ResponseForm,
)
from ..models import MeetingResponse
from ..permissions import may_answer_for


def _meeting_fields(form):
    return {name: form.cleaned_data[name] for name in services.MEETING_FIELDS}


@staff_required
def meeting_create(request, cycle_pk):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    form = MeetingForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(
                cycle=cycle, by=request.user, **_meeting_fields(form)
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _(
                    "The meeting has been scheduled. "
                    "Everyone it is for has been sent an invitation."
                ),
            )
            return redirect("cohorts:meeting_detail", pk=meeting.pk)
    return render(request, "cohorts/meeting_form.html", {"cycle": cycle, "form": form})


@staff_required
def meeting_edit(request, pk):
    meeting = get_object_or_404(selectors.meetings_for(request.user), pk=pk)
    if not meeting.is_editable():
        messages.error(request, _not_editable(meeting))
        return redirect("cohorts:meeting_detail", pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting, cycle=meeting.cycle)
    if request.method == "POST" and form.is_valid():
        try:
            _meeting, notified = services.update_meeting(
                meeting, by=request.user, **_meeting_fields(form)
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            if notified:
                messages.success(
                    request, _("The meeting has been changed and everyone has been told.")
                )
            else:
                messages.success(request, _("The meeting has been saved."))
            return redirect("cohorts:meeting_detail", pk=pk)
    return render(
        request,
        "cohorts/meeting_form.html",
        {"cycle": meeting.cycle, "form": form, "meeting": meeting},
    )


def _not_editable(meeting):
    if meeting.is_cancelled:
        return _("A cancelled meeting can no longer be changed.")
    return _("A meeting that has taken place can no longer be changed.")


@staff_required
def meeting_cancel(request, pk):
    meeting = get_object_or_404(selectors.meetings_for(request.user), pk=pk)
    if not meeting.is_editable():
        messages.error(request, _not_editable(meeting))
        return redirect("cohorts:meeting_detail", pk=pk)
    form = CancelMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(meeting, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(
                request, _("The meeting has been cancelled and everyone has been told.")
            )
        return redirect("cohorts:meeting_detail", pk=pk)
    return render(request, "cohorts/meeting_cancel.html", {"meeting": meeting, "form": form})


def _detail_context(request, meeting, **extra):
    staff = is_staff(request.user)
    context = {
        "meeting": meeting,
        "materials": meeting.materials.all(),
        "staff": staff,
        "now": timezone.now(),
        "material_form": MaterialForm() if staff else None,
    }
    if staff:
        context["roster"] = selectors.meeting_roster(meeting)
    else:
        forms = []
        for place in selectors.answering_places(meeting, request.user):
            organisation = place.organisation
            people = [membership.user for membership in organisation.active_people]
            response = organisation.answers_here[0] if organisation.answers_here else None
            form = ResponseForm.for_response(response, people, prefix=f"m{meeting.pk}")
            forms.append((organisation, response, form))
        context["response_forms"] = forms
    context.update(extra)
    return context


@require_GET
def meeting_detail(request, pk):
    meeting = get_object_or_404(selectors.meetings_for(request.user), pk=pk)
    return render(request, "cohorts/meeting_detail.html", _detail_context(request, meeting))


@staff_required
@require_POST
def material_upload(request, pk):
    meeting = get_object_or_404(selectors.meetings_for(request.user), pk=pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            material = services.add_material(meeting, form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": material.name})
            return redirect("cohorts:meeting_detail", pk=pk)
    return render(
        request,
        "cohorts/meeting_detail.html",
        _detail_context(request, meeting, material_form=form),
        status=400,
    )


@require_GET
def material_download(request, pk, material_pk):
    """Meeting files are served only through here: to staff and to the
    organisations the meeting is for."""
    meeting = get_object_or_404(selectors.meetings_for(request.user), pk=pk)
    material = get_object_or_404(meeting.materials, pk=material_pk)
    return serve_private_file(material)


@staff_required
@require_POST
def material_delete(request, pk, material_pk):
    meeting = get_object_or_404(selectors.meetings_for(request.user), pk=pk)
    material = get_object_or_404(meeting.materials, pk=material_pk)
    services.delete_material(material, by=request.user)
    messages.success(request, _("“%(name)s” deleted.") % {"name": material.name})
    return redirect("cohorts:meeting_detail", pk=pk)


@require_POST
def rsvp(request, pk, organisation_pk):
    """An organisation answers a meeting invitation. With htmx the answer card is
    replaced in place; without, the page it came from is shown again."""
    meeting = get_object_or_404(selectors.meetings_for(request.user), pk=pk)
    organisation = get_object_or_404(organisations_for(request.user), pk=organisation_pk)
    if not may_answer_for(request.user, meeting, organisation):
        raise Http404
    people = list(organisation.people.filter(is_active=True))
    form = ResponseForm(request.POST, people=people, prefix=f"m{meeting.pk}")
    response, status = None, 200
    if form.is_valid():
        try:
            response = services.respond(
                meeting,
                organisation=organisation,
                by=request.user,
                answer=form.cleaned_data["answer"],
                attendees=form.cleaned_data["attendees"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            put_errors_on(form, error)
            status = 400
    else:
        status = 400
    if response is None:
        response = MeetingResponse.objects.filter(
            meeting=meeting, organisation=organisation
        ).first()
    if request.htmx:
        return render(
            request,
            "cohorts/_rsvp.html",
            {
                "meeting": meeting,
                "organisation": organisation,
                "response": response,
                "form": form,
                "saved": status == 200,
                "now": timezone.now(),
            },
            status=status,
        )
    if status == 200:
        messages.success(request, _("Thank you, your answer has been saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect_back(request, "cohorts:meeting_detail", pk=pk)


@staff_required
def attendance(request, pk):
    """Staff record attendance for every organisation of a meeting, on one page."""
    meeting = get_object_or_404(selectors.meetings_for(request.user), pk=pk)
    formset = AttendanceFormSet(selectors.attendance_rows(meeting), request.POST or None)
    errors = []
    if request.method == "POST":
        errors = _save_attendance(request, meeting, formset)
        if not errors:
            messages.success(request, _("The attendance has been saved."))
            return redirect("cohorts:attendance", pk=pk)
    return render(
        request,
        "cohorts/attendance.html",
        {"meeting": meeting, "formset": formset, "errors": errors},
        status=400 if errors else 200,
    )


def _save_attendance(request, meeting, formset):
    """Records what the page's rows say; returns the errors to show (none: saved)."""
    if not formset.is_valid():
        return [_("Please correct the rows marked below.")]
    try:
        services.record_attendance(meeting, formset.entries(), by=request.user)
    except ValidationError as error:
        return error.messages
    return []


@staff_required
@require_GET
def attendance_report(request, cycle_pk):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    meetings, rows, totals = selectors.attendance_report(cycle)
    return render(
        request,
        "cohorts/attendance_report.html",
        {
            "cycle": cycle,
            "meetings": meetings,
            "rows": rows,
            "totals": totals,
            "meeting_totals": list(zip(meetings, totals, strict=True)),
        },
    )


@staff_required
@require_GET
def attendance_csv(request, cycle_pk):
    """The attendance report as CSV: one line per organisation and meeting held."""
    return exports.attendance_csv(get_object_or_404(Cycle, pk=cycle_pk))
