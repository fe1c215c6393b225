from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import put_errors_on
from incubator.http import redirect_back
from incubator.models import Membership
from incubator.permissions import is_staff, require
from incubator.uploads import serve_private_file

from .. import selectors, services
from ..forms import (
    ActionItemFormSet,
    AdHocForm,
    FileForm,
    LogForm,
    RateForm,
    ReasonForm,
    RescheduleForm,
    item_rows,
)
from ..models import ActionItem, Consultation, ConsultationFile
from ..permissions import is_ready_mentor
from ..selectors import pages
from ..selectors.access import own_organisation_ids
from .common import get_own, own_profile


def _roles(request, consultation):
    profile = selectors.profile_of(request.user)
    staff = is_staff(request.user)
    return {
        "staff": staff,
        "is_mentor": profile is not None and consultation.mentor_id == profile.pk,
        "is_member": Membership.objects.filter(
            user=request.user, organisation_id=consultation.organisation_id
        ).exists(),
    }


def _detail_context(request, consultation, **extra):
    now = timezone.now()
    roles = _roles(request, consultation)
    log, items, files = pages.consultation_detail(consultation)
    changeable = False
    if consultation.is_scheduled and consultation.starts_at > now:
        changeable = roles["staff"] or now <= services.cutoff(consultation)
    context = {
        "consultation": consultation,
        "log": log,
        "items": items,
        "files": files,
        "now": now,
        "changeable": changeable,
        "cutoff": services.cutoff(consultation),
        # The private note: for the mentor and staff, never the organisation.
        "sees_private_note": roles["is_mentor"] or roles["staff"],
        "may_log": (roles["is_mentor"] or roles["staff"])
        and not consultation.is_cancelled
        and consultation.starts_at <= now,
        "rate_form": RateForm(
            initial={"rating": log.rating, "comment": log.rating_comment} if log else None
        )
        if roles["is_member"] and log and log.outcome == Consultation.Status.HELD
        else None,
        "file_form": FileForm() if roles["is_mentor"] or roles["staff"] else None,
        **roles,
    }
    for item in items:
        item.may_mark = roles["staff"] or (
            roles["is_mentor"] if item.owner == "mentor" else roles["is_member"]
        )
    context.update(extra)
    return context


@require_GET
def detail(request, pk):
    consultation = get_object_or_404(selectors.consultations_for(request.user), pk=pk)
    return render(
        request, "mentoring/consultation_detail.html", _detail_context(request, consultation)
    )


def _log_forms(request, consultation, log, items):
    data = request.POST if request.method == "POST" else None
    initial = None
    if log is not None:
        initial = {
            "outcome": log.outcome,
            "minutes": log.minutes,
            "topics": [t.pk for t in log.topics.all()],
            "summary": log.summary,
            "recommendations": log.recommendations,
            "private_note": log.private_note,
        }
    else:
        initial = {
            "outcome": Consultation.Status.HELD,
            "minutes": consultation.minutes,
            "topics": [consultation.topic_id] if consultation.topic_id else [],
        }
    form = LogForm(data, initial=initial)
    formset = ActionItemFormSet(
        data,
        prefix="items",
        initial=[
            {"id": i.pk, "description": i.description, "owner": i.owner, "due_on": i.due_on}
            for i in items
        ],
    )
    return form, formset


def log(request, pk):
    """The mentor (or staff) write or correct the consultation's log."""
    consultation = get_own(selectors.consultations_for(request.user), request, pk)
    if consultation.is_cancelled or consultation.starts_at > timezone.now():
        messages.info(request, _("A consultation is logged once it has started."))
        return redirect("mentoring:consultation_detail", pk=pk)
    log, items, _files = pages.consultation_detail(consultation)
    form, formset = _log_forms(request, consultation, log, items)
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                services.save_log(
                    consultation,
                    by=request.user,
                    outcome=data["outcome"],
                    minutes=data["minutes"],
                    summary=data["summary"],
                    recommendations=data["recommendations"],
                    private_note=data["private_note"],
                    topics=data["topics"],
                    items=item_rows(formset),
                )
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(
                    request, _("The log has been saved; the organisation can read it.")
                )
                return redirect("mentoring:consultation_detail", pk=pk)
        status = 400
    return render(
        request,
        "mentoring/log_form.html",
        {"consultation": consultation, "form": form, "formset": formset, "log": log},
        status=status,
    )


@require(is_ready_mentor)
def ad_hoc(request):
    """A consultation that was never booked (a phone call), logged directly."""
    profile = own_profile(request)
    places = list(selectors.places_for_mentor(profile).order_by("organisation__name"))
    form = AdHocForm(request.POST or None, places=places, initial={"minutes": 30})
    formset = ActionItemFormSet(request.POST or None, prefix="items")
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                log = services.log_ad_hoc(
                    data["place"],
                    profile,
                    starts_at=data["starts_at"],
                    mode=data["mode"],
                    by=request.user,
                    outcome=data["outcome"],
                    minutes=data["minutes"],
                    summary=data["summary"],
                    recommendations=data["recommendations"],
                    private_note=data["private_note"],
                    topics=data["topics"],
                    items=item_rows(formset),
                )
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(request, _("The consultation has been logged."))
                return redirect("mentoring:consultation_detail", pk=log.consultation_id)
        status = 400
    return render(
        request,
        "mentoring/ad_hoc.html",
        {"form": form, "formset": formset, "places": places},
        status=status,
    )


def cancel(request, pk):
    consultation = get_object_or_404(selectors.consultations_for(request.user), pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_consultation(
                consultation, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The consultation has been cancelled and both sides have been told.")
            )
        return redirect("mentoring:consultation_detail", pk=pk)
    return render(
        request, "mentoring/consultation_cancel.html", {"consultation": consultation, "form": form}
    )


def reschedule(request, pk):
    consultation = get_object_or_404(selectors.consultations_for(request.user), pk=pk)
    try:
        services.check_changeable(consultation, request.user, timezone.now(), moving=True)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mentoring:consultation_detail", pk=pk)
    slots = pages.reschedule_options(consultation)
    form = RescheduleForm(request.POST or None, slots=slots)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reschedule_consultation(
                    consultation, form.cleaned_data["slot"], by=request.user
                )
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(
                    request,
                    _("The consultation has been moved; both sides have the new invitation."),
                )
                return redirect("mentoring:consultation_detail", pk=pk)
        status = 400
    return render(
        request,
        "mentoring/consultation_reschedule.html",
        {"consultation": consultation, "form": form, "slots": slots},
        status=status,
    )


def _organisations_consultation(request, pk):
    """A consultation of one of the user's own organisations (what its people do)."""
    return get_object_or_404(
        selectors.consultations_for(request.user).filter(
            organisation__in=own_organisation_ids(request.user)
        ),
        pk=pk,
    )


@require_POST
def confirm(request, pk):
    consultation = _organisations_consultation(request, pk)
    try:
        services.confirm_log(consultation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you, the log is confirmed."))
    return redirect_back(request, "mentoring:consultation_detail", pk=pk)


@require_POST
def rate(request, pk):
    consultation = _organisations_consultation(request, pk)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.rate(
                consultation,
                by=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you for your rating."))
    else:
        messages.error(request, _("Choose a rating from 1 to 5."))
    return redirect("mentoring:consultation_detail", pk=pk)


def _files_of(request, pk):
    return get_own(selectors.consultations_for(request.user), request, pk)


@require_POST
def file_upload(request, pk):
    consultation = _files_of(request, pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.add_file(consultation, form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": document.name})
            return redirect("mentoring:consultation_detail", pk=pk)
    return render(
        request,
        "mentoring/consultation_detail.html",
        _detail_context(request, consultation, file_form=form),
        status=400,
    )


@require_GET
def file_download(request, pk, file_pk):
    """Served only through here: to the consultation's mentor, the organisation's
    people and staff."""
    consultation = get_object_or_404(selectors.consultations_for(request.user), pk=pk)
    return serve_private_file(get_object_or_404(consultation.files, pk=file_pk))


@require_POST
def file_delete(request, pk, file_pk):
    consultation = _files_of(request, pk)
    document = get_object_or_404(ConsultationFile, consultation=consultation, pk=file_pk)
    services.delete_file(document, by=request.user)
    messages.success(request, _("“%(name)s” deleted.") % {"name": document.name})
    return redirect("mentoring:consultation_detail", pk=pk)


@require_POST
def item_done(request, pk):
    """Marks an action item done (or not done again): the organisation's people its
    items, the mentor theirs, staff any."""
    item = get_object_or_404(selectors.action_items_for(request.user), pk=pk)
    if not selectors.may_mark_done(request.user, item):
        # Whoever does the item marks it done; the page offers no button to others.
        raise PermissionDenied
    done = request.POST.get("done", "1") != "0"
    services.set_done(item, by=request.user, done=done)
    if done:
        messages.success(request, _("Marked done: %(item)s") % {"item": item.description})
    else:
        messages.info(request, _("Marked not done: %(item)s") % {"item": item.description})
    if item.consultation_id is None:
        mine = item.owner == ActionItem.Owner.MENTOR
        return redirect_back(request, "mentoring:dashboard" if mine else "cohorts:my_programme")
    return redirect_back(request, "mentoring:consultation_detail", pk=item.consultation_id)
