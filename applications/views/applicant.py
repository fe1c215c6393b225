from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import message_of
from incubator.models import Cycle
from incubator.pagecache import kept_while_unchanged
from incubator.selectors import current_call, organisations_for
from incubator.uploads import serve_private_file

from .. import selectors, services
from ..forms import ApplicationForm, AttachmentForm, WithdrawForm
from ..permissions import is_reviewer


@require_GET
@kept_while_unchanged
def dashboard(request):
    organisations = selectors.dashboard_organisations(request.user)
    if not organisations and is_reviewer(request.user):
        # A committee member without an organisation of their own lands on their reviews.
        return redirect("applications:reviewer_dashboard")
    call = current_call()
    rows = []
    for organisation in organisations:
        applications = [(a, selectors.timeline(a)) for a in organisation.applications.all()]
        has_current = call is not None and any(a.cycle_id == call.pk for a, _t in applications)
        rows.append((organisation, applications, has_current))
    return render(
        request,
        "applications/dashboard.html",
        {"rows": rows, "call": call, "call_state": call and call.call_state()},
    )


@require_POST
def start(request, cycle_pk, organisation_pk):
    organisation = get_object_or_404(organisations_for(request.user), pk=organisation_pk)
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    try:
        application, created = services.start_application(
            cycle=cycle, organisation=organisation, by=request.user
        )
    except ValidationError as error:
        messages.error(request, message_of(error))
        return redirect("applications:dashboard")
    if not created:
        messages.info(
            request, _("Your organisation already has an application to this cycle; here it is.")
        )
    return redirect("applications:edit", pk=application.pk)


def _edit_context(application, form, **extra):
    return {
        "application": application,
        "form": form,
        "attachment_form": AttachmentForm(),
        "attachments": application.attachments.all(),
        "timeline": selectors.timeline(application),
        "call_state": application.cycle.call_state(),
        "can_withdraw": services.can_withdraw(application),
        **extra,
    }


def edit(request, pk):
    """The application page: an editable form while it is a draft, read-only after."""
    application = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    if not application.is_draft:
        if request.method == "POST":
            messages.error(request, _("This application can no longer be changed."))
            return redirect("applications:edit", pk=pk)
        return render(
            request,
            "applications/detail.html",
            _edit_context(application, None, **selectors.published_decision(application)),
        )

    if request.method != "POST":
        form = ApplicationForm(instance=application)
        return render(request, "applications/edit.html", _edit_context(application, form))

    form = ApplicationForm(request.POST, instance=application)
    form.is_valid()
    try:
        application = services.save_draft(application, by=request.user, **form.valid_answers())
    except ValidationError as error:
        messages.error(request, message_of(error))
        return redirect("applications:edit", pk=pk)
    if request.POST.get("action") != "submit":
        if form.errors:
            return render(request, "applications/edit.html", _edit_context(application, form))
        messages.success(request, _("Draft saved."))
        return redirect("applications:edit", pk=pk)
    try:
        services.submit(application, by=request.user)
    except ValidationError as error:
        return render(
            request,
            "applications/edit.html",
            _edit_context(application, form, submit_errors=error.messages),
        )
    messages.success(
        request,
        _("Your application has been submitted. A confirmation has been sent by email."),
    )
    return redirect("applications:edit", pk=pk)


@require_POST
def autosave(request, pk):
    """htmx: saves the draft whenever a field changes; answers with the indicator."""
    application = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    form = ApplicationForm(request.POST, instance=application)
    form.is_valid()
    try:
        services.save_draft(application, by=request.user, **form.valid_answers())
    except ValidationError as error:
        return render(
            request, "applications/_autosave.html", {"error": message_of(error)}, status=409
        )
    return render(
        request,
        "applications/_autosave.html",
        {"saved_at": timezone.now(), "form_errors": form.errors},
    )


@require_POST
def attachment_upload(request, pk):
    application = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.add_attachment(
                application, form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("“%(name)s” attached.") % {"name": attachment.name})
            return redirect("applications:edit", pk=pk)
    if not application.is_draft:
        messages.error(request, " ".join(form.errors.get("file", [])))
        return redirect("applications:edit", pk=pk)
    return render(
        request,
        "applications/edit.html",
        _edit_context(application, ApplicationForm(instance=application), attachment_form=form),
        status=400,
    )


@require_POST
def attachment_delete(request, pk, attachment_pk):
    application = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    try:
        services.delete_attachment(attachment, by=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, _("“%(name)s” deleted.") % {"name": attachment.name})
    return redirect("applications:edit", pk=pk)


@require_GET
def attachment_download(request, pk, attachment_pk):
    """Attachments are served only through here, to the organisation and to staff."""
    application = get_object_or_404(selectors.visible_applications(request.user), pk=pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    return serve_private_file(attachment)


def withdraw(request, pk):
    application = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(application, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(request, _("The application has been withdrawn."))
        return redirect("applications:edit", pk=pk)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})
