import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.models import Cycle
from incubator.permissions import is_staff, staff_required
from incubator.selectors import organisations_for
from incubator.uploads import serve_private_file

from .. import selectors, services
from ..forms import (
    AttendanceRowForm,
    CancelMeetingForm,
    MaterialForm,
    MeetingForm,
    ResponseForm,
    apply_errors,
)
from ..models import Attendance, MeetingResponse


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
            apply_errors(form, error)
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
            apply_errors(form, error)
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
            messages.error(request, " ".join(error.messages))
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
    if (
        not selectors.meeting_organisations(meeting, request.user)
        .filter(organisation=organisation)
        .exists()
    ):
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
            apply_errors(form, error)
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
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect("cohorts:meeting_detail", pk=pk)


@staff_required
def attendance(request, pk):
    """Staff record attendance for every organisation of a meeting, on one page."""
    meeting = get_object_or_404(selectors.meetings_for(request.user), pk=pk)
    roster = list(selectors.meeting_roster(meeting))
    rows = []
    for place in roster:
        record = (
            place.organisation.attendance_here[0] if place.organisation.attendance_here else None
        )
        response = (
            place.organisation.responses_here[0] if place.organisation.responses_here else None
        )
        initial = {}
        if record is not None:
            initial = {
                "status": record.status,
                "people": record.people or None,
                "note": record.note,
            }
        elif response is not None and response.answer == MeetingResponse.Answer.YES:
            # A starting point: those who said they would come, as many as they named.
            initial = {"people": len(response.attendees.all()) or None}
        form = AttendanceRowForm(
            request.POST or None, initial=initial, prefix=f"org{place.organisation_id}"
        )
        rows.append((place, response, record, form))
    errors = []
    if request.method == "POST":
        if all(form.is_valid() for _p, _r, _a, form in rows):
            entries = [
                (
                    place.organisation,
                    form.cleaned_data["status"],
                    form.cleaned_data["people"] or 0,
                    form.cleaned_data["note"],
                )
                for place, _r, _a, form in rows
                if form.cleaned_data["status"]
            ]
            try:
                services.record_attendance(meeting, entries, by=request.user)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("The attendance has been saved."))
                return redirect("cohorts:attendance", pk=pk)
        else:
            errors = [_("Please correct the rows marked below.")]
    return render(
        request,
        "cohorts/attendance.html",
        {
            "meeting": meeting,
            "rows": rows,
            "errors": errors,
            "statuses": Attendance.Status,
        },
        status=400 if errors else 200,
    )


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


def _cell(value):
    """A spreadsheet must not run what an organisation typed as its name."""
    value = "" if value is None else str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@staff_required
@require_GET
def attendance_csv(request, cycle_pk):
    """The attendance report as CSV: one line per organisation and meeting held."""
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(cycle.name) or 'cycle'}-attendance.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheet programs read the Latvian letters right
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Organisation"),
            _("Registration number"),
            _("Cohort"),
            _("Status in the programme"),
            _("Meeting"),
            _("Date"),
            _("Answer"),
            _("Attendance"),
            _("People present"),
            _("Note"),
        ]
    )
    for place, meeting, answer, record in selectors.attendance_lines(cycle):
        writer.writerow(
            [
                _cell(value)
                for value in [
                    place.organisation.name,
                    place.organisation.registration_number,
                    place.cohort.name,
                    place.get_status_display(),
                    meeting.title,
                    timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
                    answer.get_answer_display() if answer else "",
                    record.get_status_display() if record else "",
                    record.people if record else "",
                    record.note if record else "",
                ]
            ]
        )
    return response
