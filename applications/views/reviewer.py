"""The reviewer's pages. Everything is reached through ``assignments_for(user)``,
so an application that is not assigned to them is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import message_of, put_errors_on
from incubator.pagecache import kept_while_unchanged
from incubator.uploads import serve_private_file

from .. import selectors, services
from ..forms import ConflictForm, ScoreForm
from ..permissions import can_reopen, may_see_other_reviews, reviewer_required


def _assignment(request, pk):
    return get_object_or_404(selectors.assignments_for(request.user), pk=pk)


@reviewer_required
@require_GET
@kept_while_unchanged
def reviewer_dashboard(request):
    to_review, done = selectors.reviewer_dashboard(request.user)
    return render(
        request, "applications/review/dashboard.html", {"to_review": to_review, "done": done}
    )


def _score_form(assignment, criteria, data=None):
    return ScoreForm(
        data,
        criteria=criteria,
        scores=selectors.scores_of(assignment),
        overall_comment=assignment.overall_comment,
    )


def _page(request, assignment, *, conflict_form=None, score_form=None, status=200, **extra):
    application = assignment.application
    settings = selectors.review_settings(application.cycle)
    criteria = list(selectors.criteria(application.cycle))
    context = {
        "assignment": assignment,
        "application": application,
        "organisation": application.organisation,
        "review_settings": settings,
        "criteria": criteria,
        **extra,
    }
    if not assignment.conflict_declared:
        context["conflict_form"] = conflict_form or ConflictForm()
        context["leaders"] = application.organisation.memberships.select_related("user")
    elif not assignment.is_recused:
        context["attachments"] = application.attachments.all()
        context["running_total"] = selectors.running_total(assignment, criteria)
        if assignment.is_submitted:
            context["scores"] = selectors.scores_of(assignment)
            context["score_rows"] = [(c, context["scores"].get(c.pk)) for c in criteria]
            context.update(_other_reviews(assignment, settings))
            context["can_reopen"] = can_reopen(assignment)
        else:
            context["score_form"] = score_form or _score_form(assignment, criteria)
    return render(request, "applications/review/review.html", context, status=status)


def _other_reviews(assignment, settings):
    """The other reviews, once the reviewer has chosen to read them; until then how
    many there are to read (``review_others`` shows them). Reading writes nothing."""
    if not may_see_other_reviews(assignment, settings):
        return {}
    if assignment.others_seen_at is not None:
        return {"other_reviews": list(selectors.other_reviews(assignment))}
    return {"others_to_read": selectors.other_reviews(assignment).count()}


@reviewer_required
def review(request, pk):
    """The scoring page: the conflict of interest question first, then the
    application and one score and comment per criterion."""
    assignment = _assignment(request, pk)
    if request.method != "POST":
        return _page(request, assignment)
    criteria = list(selectors.criteria(assignment.application.cycle))
    form = _score_form(assignment, criteria, request.POST)
    submit = request.POST.get("action") == "submit"
    if form.is_valid():
        try:
            services.save_review(
                assignment,
                by=request.user,
                scores=form.scores(),
                overall_comment=form.cleaned_data["overall_comment"],
                submit=submit,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Not about what was typed (recused, finalised, ...): say so plainly.
                messages.error(request, message_of(error))
                return redirect("applications:review", pk=pk)
            put_errors_on(form, error)
        else:
            if submit:
                messages.success(request, _("Your review has been submitted. Thank you!"))
                return redirect("applications:reviewer_dashboard")
            messages.success(request, _("Your draft review has been saved."))
            return redirect("applications:review", pk=pk)
    return _page(request, assignment, score_form=form, status=400)


@reviewer_required
@require_POST
def review_autosave(request, pk):
    """htmx: saves the draft on every change and answers with the running total.
    When anything typed is not valid, nothing is saved and the answer says why."""
    assignment = _assignment(request, pk)
    criteria = list(selectors.criteria(assignment.application.cycle))
    form = _score_form(assignment, criteria, request.POST)
    context = {"assignment": assignment, "criteria": criteria}
    status = 200
    if not form.is_valid():
        context["error"] = " ".join(e for errors in form.errors.values() for e in errors)
        status = 400
    else:
        try:
            services.save_review(
                assignment,
                by=request.user,
                scores=form.scores(),
                overall_comment=form.cleaned_data["overall_comment"],
            )
        except ValidationError as error:
            context["error"] = message_of(error)
            status = 409
        else:
            context["saved_at"] = timezone.now()
    context["running_total"] = selectors.running_total(assignment, criteria)
    return render(request, "applications/review/_running_total.html", context, status=status)


@reviewer_required
@require_POST
def review_conflict(request, pk):
    assignment = _assignment(request, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.declare_conflict(
                assignment,
                by=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, message_of(error))
                return redirect("applications:review", pk=pk)
            put_errors_on(form, error)
        else:
            if form.cleaned_data["has_conflict"]:
                messages.info(
                    request,
                    _(
                        "You have been recused from %(organisation)s. The programme staff "
                        "will ask another committee member to review it."
                    )
                    % {"organisation": assignment.application.organisation},
                )
                return redirect("applications:reviewer_dashboard")
            return redirect("applications:review", pk=pk)
    return _page(request, assignment, conflict_form=form, status=400)


@reviewer_required
@require_POST
def review_reopen(request, pk):
    assignment = _assignment(request, pk)
    try:
        services.reopen_review(assignment, by=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.info(request, _("Your review is open again; submit it when you are done."))
    return redirect("applications:review", pk=pk)


@reviewer_required
@require_POST
def review_others(request, pk):
    """The reviewer chooses to read the other reviews of the application, which
    locks their own (only staff can reopen it from then on): an explicit action, so
    that opening or reloading the page never changes what they may do."""
    assignment = _assignment(request, pk)
    try:
        services.show_other_reviews(assignment, by=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
        return redirect("applications:review", pk=pk)
    return redirect(reverse("applications:review", args=[pk]) + "#other-reviews")


@reviewer_required
@require_GET
def review_attachment(request, pk, attachment_pk):
    """An attachment of an assigned application, once the reviewer has declared no
    conflict of interest."""
    assignment = _assignment(request, pk)
    if assignment.has_conflict is not False:
        raise Http404
    attachment = get_object_or_404(assignment.application.attachments, pk=attachment_pk)
    return serve_private_file(attachment)
