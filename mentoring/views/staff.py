"""The staff's mentoring pages: the overview of a cycle with its exports, matching
and assignments, the cycle's consultation settings, mentors and their invitations,
the expertise taxonomy and the partner organisations."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cohorts.models import CohortMembership
from cohorts.views.staff import chosen_cycle
from incubator.forms import message_of, put_errors_on
from incubator.models import Cycle
from incubator.permissions import staff_required
from incubator.spreadsheets import safe_row

from .. import services
from ..forms import AssignForm, InviteForm, PartnerForm, ReasonForm, SettingsForm, TagForm
from ..models import ExpertiseTag, MentorAssignment, MentorProfile, PartnerOrganisation
from ..selectors import matching as matching_selectors
from ..selectors import overview as overview_selectors
from ..selectors.pages import minutes_to_hours


def _cycles():
    return list(Cycle.objects.order_by("-incubation_starts_on", "-pk"))


@staff_required
@require_GET
def overview(request):
    cycles = _cycles()
    cycle = chosen_cycle(request, cycles)
    context = {"cycles": cycles, "cycle": cycle}
    if cycle is not None:
        context["o"] = overview_selectors.overview(cycle)
    return render(request, "mentoring/staff/overview.html", context)


def _export_table(cycle):
    header = [
        _("Date"),
        _("Time"),
        _("Organisation"),
        _("Registration number"),
        _("Cohort"),
        _("Mentor or expert"),
        _("Kind"),
        _("Comes from"),
        _("Topic"),
        _("How"),
        _("Status"),
        _("Planned minutes"),
        _("Actual minutes"),
        _("Hours"),
        _("Rating"),
        _("Confirmed by the organisation"),
        _("Action items"),
        _("Action items open"),
        _("Logged without booking"),
    ]
    rows = []
    for consultation, place in overview_selectors.export_lines(cycle):
        log = getattr(consultation, "log", None)
        local = timezone.localtime(consultation.starts_at)
        held = consultation.status == consultation.Status.HELD
        rows.append(
            safe_row(
                [
                    local.strftime("%Y-%m-%d"),
                    local.strftime("%H:%M"),
                    consultation.organisation.name,
                    consultation.organisation.registration_number,
                    place.cohort.name if place else "",
                    consultation.mentor.name,
                    consultation.mentor.get_kind_display(),
                    consultation.mentor.partner.name if consultation.mentor.partner else "",
                    consultation.topic.name if consultation.topic else "",
                    consultation.get_mode_display(),
                    consultation.get_status_display(),
                    consultation.minutes,
                    log.minutes if log else None,
                    float(minutes_to_hours(log.minutes)) if log and held else 0,
                    log.rating if log else None,
                    _("yes") if log and log.confirmed_at else "",
                    consultation.items,
                    consultation.open_items,
                    _("yes") if consultation.ad_hoc else "",
                ]
            )
        )
    return header, rows


def _filename(cycle, extension):
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return f"{slugify(cycle.name) or 'cycle'}-consultations-{stamp}.{extension}"


@staff_required
@require_GET
def export_csv(request, cycle_pk):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    header, rows = _export_table(cycle)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that spreadsheet programs read the Latvian letters right
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(cycle, "csv")}"'
    return response


@staff_required
@require_GET
def export_xlsx(request, cycle_pk):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    header, rows = _export_table(cycle)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Consultations")[:31])
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(cycle, "xlsx")}"'
    return response


def _matching_context(cycle, forms=None):
    rows, mentors, used = matching_selectors.matching(cycle)
    forms = forms or {}
    for row in rows:
        ranked = [s.mentor for s in row.suggestions]
        row.form = forms.get(row.place.pk) or AssignForm(mentors=ranked, prefix=f"p{row.place.pk}")
        row.top = row.suggestions[: matching_selectors.SHOWN]
        for assignment in row.assignments:
            assignment.end_form = ReasonForm(prefix=f"end{assignment.pk}")
    return {"cycle": cycle, "rows": rows, "mentors": mentors, "used": used}


@staff_required
@require_GET
def matching(request, cycle_pk):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    return render(request, "mentoring/staff/matching.html", _matching_context(cycle))


@staff_required
@require_POST
def assign(request, cycle_pk, place_pk):
    """Assigns a mentor to an organisation; beyond the mentor's capacity the form
    asks for the override and its reason, and keeps the choice."""
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    place = get_object_or_404(
        CohortMembership.objects.select_related("organisation"), cycle=cycle, pk=place_pk
    )
    mentors = list(
        MentorProfile.objects.filter(
            kind=MentorProfile.Kind.MENTOR, is_active=True, activated_at__isnull=False
        ).select_related("user")
    )
    form = AssignForm(request.POST, mentors=mentors, prefix=f"p{place.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assign_mentor(
                cycle,
                place.organisation,
                data["mentor"],
                by=request.user,
                override=data["override"],
                override_reason=data["override_reason"],
            )
        except ValidationError as error:
            put_errors_on(form, error)
            form.needs_override = error.code == "over_capacity" or (
                hasattr(error, "error_dict") and "override_reason" in error.error_dict
            )
        else:
            messages.success(
                request,
                _("%(mentor)s has been asked to mentor %(organisation)s.")
                % {"mentor": assignment.mentor.name, "organisation": place.organisation},
            )
            return redirect(reverse("mentoring:matching", args=[cycle.pk]) + f"#p{place.pk}")
    context = _matching_context(cycle, forms={place.pk: form})
    return render(request, "mentoring/staff/matching.html", context, status=400)


@staff_required
@require_POST
def assignment_end(request, pk):
    assignment = get_object_or_404(MentorAssignment, pk=pk)
    form = ReasonForm(request.POST, prefix=f"end{pk}")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.end_assignment(assignment, by=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(mentor)s no longer mentors %(organisation)s; both have been told.")
            % {"mentor": assignment.mentor, "organisation": assignment.organisation},
        )
    return redirect("mentoring:matching", cycle_pk=assignment.cycle_id)


@staff_required
def cycle_settings(request, cycle_pk):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    current = services.mentoring_settings(cycle)
    form = SettingsForm(
        request.POST or None,
        initial={"cutoff_hours": current.cutoff_hours, "reminders": current.reminders},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(
                cycle,
                cutoff_hours=form.cleaned_data["cutoff_hours"],
                reminders_text=form.cleaned_data["reminders"],
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _("Saved. The reminders of the consultations ahead follow the new moments."),
            )
            return redirect("mentoring:cycle_settings", cycle_pk=cycle.pk)
    return render(
        request,
        "mentoring/staff/settings.html",
        {"cycle": cycle, "form": form},
        status=400 if form.errors else 200,
    )


@staff_required
def mentors(request):
    """Mentors and experts, with their load in the running cycle; the invitation."""
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile = services.invite_mentor(by=request.user, **data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _("%(person)s has been invited.") % {"person": profile.user.email},
            )
            return redirect("mentoring:mentors")
    profiles = list(
        MentorProfile.objects.select_related("user", "partner")
        .prefetch_related("expertise_tags")
        .order_by("kind", "user__last_name", "user__first_name", "user__email")
    )
    return render(
        request,
        "mentoring/staff/mentors.html",
        {"profiles": profiles, "form": form},
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def invitation_resend(request, pk):
    profile = get_object_or_404(MentorProfile, pk=pk)
    try:
        services.resend_invitation(profile, by=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(
            request,
            _("The invitation has been sent again to %(email)s.") % {"email": profile.user},
        )
    return redirect("mentoring:mentors")


def _taxonomy(request, template, form, rows, status=200):
    return render(request, template, {"form": form, "rows": rows}, status=status)


@staff_required
def tags(request):
    form = TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_tag(**form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The tag has been added."))
            return redirect("mentoring:tags")
    return _taxonomy(
        request,
        "mentoring/staff/tags.html",
        form,
        ExpertiseTag.objects.all(),
        status=400 if form.errors else 200,
    )


@staff_required
def tag_edit(request, pk):
    tag = get_object_or_404(ExpertiseTag, pk=pk)
    initial = {
        f: getattr(tag, f) for f in ("code", "name_lv", "name_en", "support_need", "is_active")
    }
    form = TagForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_tag(tag, **form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The tag has been saved."))
            return redirect("mentoring:tags")
    return render(
        request,
        "mentoring/staff/tag_form.html",
        {"form": form, "tag": tag},
        status=400 if form.errors else 200,
    )


@staff_required
def partners(request):
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_partner(**form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The partner organisation has been added."))
            return redirect("mentoring:partners")
    return _taxonomy(
        request,
        "mentoring/staff/partners.html",
        form,
        PartnerOrganisation.objects.all(),
        status=400 if form.errors else 200,
    )


@staff_required
def partner_edit(request, pk):
    partner = get_object_or_404(PartnerOrganisation, pk=pk)
    form = PartnerForm(
        request.POST or None, initial={"name": partner.name, "website": partner.website}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_partner(partner, **form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The partner organisation has been saved."))
            return redirect("mentoring:partners")
    return render(
        request,
        "mentoring/staff/partner_form.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )
