"""The analysis pages; thin: the services write, the selectors read and scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import services as application_services
from incubator.forms import message_of, put_errors_on
from incubator.models import Cycle
from incubator.permissions import staff_required

from . import exports, follow_up, results_exports, selectors, services
from . import figures as programme_figures
from . import public as public_results
from .forms import (
    ActionItemForm,
    FeedbackForm,
    FundingLinkForm,
    InviteForm,
    OpenForm,
    RecommendationForm,
    StatusForm,
    posted_agreed,
    posted_scores,
)
from .models import Assessment
from .report import organisation_report as org_report


@require_GET
def home(request):
    """The places whose analysis the person reaches (their organisation's, their
    mentees', or for staff every one) with links to each assessment and result."""
    return render(request, "analysis/home.html", {"places": selectors.home_places(request.user)})


# --- a respondent's self-assessment ----------------------------------------------------


def _form_context(assessment, response, typed=None, **extra):
    answers = selectors.answers_of(response)
    if typed:
        answers.update(typed)
    areas = selectors.instrument_areas(assessment.instrument)
    for area in areas:
        for question in area.questions.all():
            question.current = answers.get(question.pk)
    return {
        "assessment": assessment,
        "response": response,
        "areas": areas,
        "answers": answers,
        "is_leader": selectors.is_leader(response.respondent, assessment.organisation_id),
        "invite_form": InviteForm(),
        **extra,
    }


def _typed(data):
    """What the person typed, to show again when it was refused."""
    typed = {}
    for key, value in posted_scores(data).items():
        if key.isdigit() and value and value.isdigit():
            typed[int(key)] = int(value)
    return typed


def assessment(request, pk):
    """One person's self-assessment: saved as they go, submitted once."""
    assessment = get_object_or_404(selectors.own_assessments(request.user), pk=pk)
    if request.method != "POST":
        # Reading writes nothing: the response is made with the first answer.
        response = selectors.response_of(assessment, request.user)
        return render(request, "analysis/assessment.html", _form_context(assessment, response))
    response = services.response_for(assessment, request.user)
    try:
        services.save_answers(response, posted_scores(request.POST))
    except ValidationError as error:
        context = _form_context(assessment, response, _typed(request.POST), errors=error.messages)
        return render(request, "analysis/assessment.html", context, status=400)
    if request.POST.get("action") != "submit":
        messages.success(request, _("Your answers are saved."))
        return redirect("analysis:assessment", pk=pk)
    try:
        services.submit_response(response)
    except ValidationError as error:
        context = _form_context(assessment, response, errors=error.messages, saved=True)
        return render(request, "analysis/assessment.html", context, status=400)
    messages.success(request, _("Thank you: your answers are submitted."))
    return redirect("analysis:assessment", pk=pk)


@require_POST
def autosave(request, pk):
    """htmx: saves the answers whenever one changes; answers with the indicator."""
    assessment = get_object_or_404(selectors.own_assessments(request.user), pk=pk)
    response = services.response_for(assessment, request.user)
    try:
        services.save_answers(response, posted_scores(request.POST))
    except ValidationError as error:
        return render(request, "analysis/_autosave.html", {"error": message_of(error)}, status=409)
    return render(request, "analysis/_autosave.html", {"saved_at": timezone.now()})


@require_POST
def invite(request, pk):
    assessment = get_object_or_404(selectors.own_assessments(request.user), pk=pk)
    if not selectors.is_leader(request.user, assessment.organisation_id):
        raise PermissionDenied
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invite_respondent(
                assessment, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _("%(email)s is asked to answer.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("analysis:assessment", pk=pk)
    response = services.response_for(assessment, request.user)
    return render(
        request,
        "analysis/assessment.html",
        _form_context(assessment, response, invite_form=form),
        status=400,
    )


# --- the agreed scores -----------------------------------------------------------------


def _agree_context(assessment, typed=None, **extra):
    agreed = selectors.agreed_of(assessment)
    spread = selectors.spread(assessment)
    responses, invitees = selectors.respondents(assessment)
    areas = selectors.instrument_areas(assessment.instrument)
    typed = typed or {}
    for area in areas:
        for question in area.questions.all():
            question.spread = spread.get(question.pk)
            shown = typed.get(str(question.pk))
            if shown is not None:
                score = shown["score"]
                question.shown_score = int(score) if str(score).isdigit() else None
                question.shown_comment = shown["comment"]
            elif question.pk in agreed:
                question.shown_score = agreed[question.pk].score
                question.shown_comment = agreed[question.pk].comment
    return {
        "assessment": assessment,
        "place": selectors.place_of(assessment),
        "areas": areas,
        "responses": responses,
        "invitees": invitees,
        **extra,
    }


def agree(request, pk):
    """Staff or the organisation's mentor record the agreed score per question, with
    the spread of the respondents' answers beside each."""
    assessment = get_object_or_404(selectors.assessments_for(request.user), pk=pk)
    if not selectors.may_agree(request.user, assessment.cycle_id, assessment.organisation_id):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "analysis/agree.html", _agree_context(assessment))
    scores = posted_agreed(request.POST)
    try:
        count = services.record_agreed(assessment, scores, by=request.user)
    except ValidationError as error:
        typed = {key: {"score": s, "comment": c} for key, (s, c) in scores.items()}
        return render(
            request,
            "analysis/agree.html",
            _agree_context(assessment, typed, errors=error.messages),
            status=400,
        )
    messages.success(request, _("%(count)s agreed scores saved.") % {"count": count})
    return redirect("analysis:agree", pk=pk)


# --- results and recommendations -------------------------------------------------------


def _place_context(request, place, **extra):
    figures = selectors.results(place)
    may_write = selectors.may_agree(request.user, place.cycle_id, place.organisation_id)
    recommendations = follow_up.with_follow_up(selectors.recommendations_qs(place))
    is_member = selectors.is_member(request.user, place.organisation_id)
    if may_write:
        _follow_up_forms(request, place, recommendations, extra)
    return {
        "place": place,
        "figures": figures,
        "kinds": Assessment.Kind.choices,
        "recommendations": recommendations,
        "may_write": may_write,
        "is_member": is_member,
        "recommendation_form": extra.pop("recommendation_form", None)
        or RecommendationForm(areas=selectors.areas_of_cycle(place.cycle_id)),
        "status_form": StatusForm(),
        **extra,
    }


def _follow_up_forms(request, place, recommendations, extra):
    """Gives each recommendation the forms that turn it into action items and funding
    links (their fields' ids its own; a refused form shown again on its own
    recommendation)."""
    consultations = list(
        follow_up.item_consultations(place.cycle_id, place.organisation_id, request.user)
    )
    sources, calls = follow_up.funding_choices()
    sources, calls = list(sources), list(calls)
    failed_of = extra.pop("failed_of", None)
    failed_item, failed_funding = (
        extra.pop("failed_item_form", None),
        extra.pop("failed_funding_form", None),
    )
    for row in recommendations:
        auto_id = follow_up_id(row.pk)
        row.item_form = (failed_of == row.pk and failed_item) or ActionItemForm(
            consultations=consultations, auto_id=auto_id
        )
        row.funding_form = (failed_of == row.pk and failed_funding) or FundingLinkForm(
            sources=sources, calls=calls, auto_id=auto_id
        )
        row.item_form_open = failed_of == row.pk and failed_item is not None
        row.funding_form_open = failed_of == row.pk and failed_funding is not None


def follow_up_id(pk):
    """The ids of the fields of a recommendation's follow-up forms."""
    return f"id_r{pk}_%s"


@require_GET
def results(request, pk):
    place = get_object_or_404(selectors.places_for(request.user), pk=pk)
    return render(request, "analysis/results.html", _place_context(request, place))


@require_POST
def recommendation_add(request, pk):
    place = get_object_or_404(selectors.places_for(request.user), pk=pk)
    if not selectors.may_agree(request.user, place.cycle_id, place.organisation_id):
        raise PermissionDenied
    form = RecommendationForm(request.POST, areas=selectors.areas_of_cycle(place.cycle_id))
    if form.is_valid():
        try:
            services.add_recommendation(place, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The recommendation is added."))
            return redirect("analysis:results", pk=pk)
    return render(
        request,
        "analysis/results.html",
        _place_context(request, place, recommendation_form=form),
        status=400,
    )


@require_POST
def recommendation_status(request, pk):
    recommendation = get_object_or_404(selectors.recommendations_for(request.user), pk=pk)
    if not selectors.is_member(request.user, recommendation.organisation_id):
        raise PermissionDenied
    place = get_object_or_404(
        selectors.places_for(request.user),
        cycle_id=recommendation.cycle_id,
        organisation_id=recommendation.organisation_id,
    )
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_recommendation_status(
                recommendation,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("analysis:results", pk=place.pk)
    return render(
        request,
        "analysis/results.html",
        _place_context(request, place, status_form_of=recommendation.pk, failed_status_form=form),
        status=400,
    )


# --- staff -----------------------------------------------------------------------------


@staff_required
@require_GET
def overview(request):
    cycles = list(selectors.staff_cycles())
    if cycles:
        return redirect("analysis:cycle", cycle_pk=cycles[0].pk)
    return render(request, "analysis/staff/cycle.html", {"cycle": None, "cycles": []})


@staff_required
def cycle(request, cycle_pk):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    form = OpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.open_assessments(
                cycle,
                kind=form.cleaned_data["kind"],
                due_on=form.cleaned_data["due_on"],
                by=request.user,
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("%(count)s assessments opened.") % {"count": opened})
            return redirect("analysis:cycle", cycle_pk=cycle.pk)
    return render(
        request,
        "analysis/staff/cycle.html",
        {
            "cycle": cycle,
            "cycles": selectors.staff_cycles(),
            "places": selectors.staff_cycle(cycle),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@staff_required
@require_GET
def dashboard(request, cycle_pk):
    """The programme's results in a cycle: the capacity change per area (agreed
    scores, baseline to end), how far the assessments are, what became of the
    recommendations. Every figure is a table; the change is exportable."""
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    figures = programme_figures.Figures(cycle)
    return render(
        request,
        "analysis/staff/dashboard.html",
        {
            "cycle": cycle,
            "cycles": selectors.staff_cycles(),
            "sections": programme_figures.sections(figures),
            "progress": selectors.assessment_progress(cycle.pk),
            "states": selectors.recommendation_states(cycle.pk),
            "is_public": cycle.incubation_starts_on <= timezone.localdate(),
        },
    )


@staff_required
@require_GET
def export_csv(request, cycle_pk):
    return exports.as_csv(get_object_or_404(Cycle, pk=cycle_pk))


@staff_required
@require_GET
def export_xlsx(request, cycle_pk):
    return exports.as_xlsx(get_object_or_404(Cycle, pk=cycle_pk))


def _results_table(cycle_pk, table):
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    try:
        return cycle, programme_figures.Figures(cycle).table(table.replace("-", "_"))
    except KeyError:
        raise Http404 from None


@staff_required
@require_GET
def results_csv(request, cycle_pk, table):
    """One table of the results dashboard as CSV."""
    return results_exports.as_csv(*_results_table(cycle_pk, table))


@staff_required
@require_GET
def results_xlsx(request, cycle_pk, table):
    """One table of the results dashboard as XLSX."""
    return results_exports.as_xlsx(*_results_table(cycle_pk, table))


@staff_required
@require_GET
def programme_report(request, cycle_pk):
    """The end-of-cycle programme report for the funder: the dashboard's figures and
    charts as a document to print or save as PDF (A4)."""
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    figures = programme_figures.Figures(cycle)
    return render(
        request,
        "analysis/staff/programme_report.html",
        {
            "cycle": cycle,
            "sections": programme_figures.sections(figures),
            "headline": programme_figures.headline(figures),
            "ended": figures.ended,
            "today": figures.today,
        },
    )


@require_POST
def listing(request, pk):
    """The organisation's leader lists its name on the public results page, or not."""
    place = get_object_or_404(selectors.places_for(request.user), pk=pk)
    if not selectors.is_leader(request.user, place.organisation_id) or not place.application_id:
        raise PermissionDenied
    consent = bool(request.POST.get("consent"))
    application_services.set_listing_consent(place.application, consent=consent, by=request.user)
    if consent:
        messages.success(
            request, _("Your organisation's name is listed on the public results page.")
        )
    else:
        messages.success(
            request, _("Your organisation's name is no longer listed on the public results page.")
        )
    return redirect("cohorts:my_programme")


# --- the public results page -----------------------------------------------------------


@login_not_required
@require_GET
def public(request, cycle_pk=None):
    """The programme's results for everyone: a running or finished cycle's criteria,
    applications and admissions per field and headline figures, aggregates only."""
    cycles = list(public_results.public_cycles())
    if cycle_pk is None:
        cycle = cycles[0] if cycles else None
    else:
        cycle = next((c for c in cycles if c.pk == cycle_pk), None)
        if cycle is None:
            raise Http404
    return render(
        request,
        "analysis/public.html",
        {
            "cycle": cycle,
            "cycles": cycles,
            "figures": public_results.figures(cycle) if cycle else None,
            "minimum": public_results.MIN_ORGANISATIONS,
        },
    )


def feedback(request, pk):
    """The organisation's end-of-cycle feedback, for its people, once."""
    place = get_object_or_404(selectors.places_for(request.user), pk=pk)
    if not selectors.is_member(request.user, place.organisation_id):
        raise Http404
    given = selectors.feedback_of(place)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_feedback(place, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("analysis:results", pk=place.pk)
    return render(
        request,
        "analysis/feedback.html",
        {"place": place, "form": form, "given": given},
        status=400 if form.errors else 200,
    )


# --- what a recommendation leads to, and the organisation's report ----------------------


def _writable_recommendation(request, pk):
    """The recommendation (another party's is a 404), for staff or the organisation's
    mentor (its people: 403), and its organisation's place."""
    recommendation = get_object_or_404(selectors.recommendations_for(request.user), pk=pk)
    if not selectors.may_agree(
        request.user, recommendation.cycle_id, recommendation.organisation_id
    ):
        raise PermissionDenied
    place = get_object_or_404(
        selectors.places_for(request.user),
        cycle_id=recommendation.cycle_id,
        organisation_id=recommendation.organisation_id,
    )
    return recommendation, place


def _back_to(place, recommendation):
    return redirect(
        f"{reverse('analysis:results', args=[place.pk])}#recommendation-{recommendation.pk}"
    )


@require_POST
def recommendation_action_item(request, pk):
    """Staff or the mentor turn a recommendation into an action item of one of the
    organisation's consultations (owner, due date; reminded by mentoring)."""
    recommendation, place = _writable_recommendation(request, pk)
    consultations = follow_up.item_consultations(
        place.cycle_id, place.organisation_id, request.user
    )
    form = ActionItemForm(
        request.POST, consultations=consultations, auto_id=follow_up_id(recommendation.pk)
    )
    if form.is_valid():
        try:
            follow_up.add_action_item(recommendation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The action item is added."))
            return _back_to(place, recommendation)
    return render(
        request,
        "analysis/results.html",
        _place_context(request, place, failed_of=recommendation.pk, failed_item_form=form),
        status=400,
    )


@require_POST
def recommendation_funding(request, pk):
    """Staff or the mentor link a funding source (and a call) of the catalogue to a
    recommendation, or take one off (``remove``)."""
    recommendation, place = _writable_recommendation(request, pk)
    if request.POST.get("remove"):
        try:
            follow_up.unlink_funding(recommendation, source=request.POST["remove"], by=request.user)
        except ValidationError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(request, _("The funding link is removed."))
        return _back_to(place, recommendation)
    sources, calls = follow_up.funding_choices()
    form = FundingLinkForm(
        request.POST, sources=sources, calls=calls, auto_id=follow_up_id(recommendation.pk)
    )
    if form.is_valid():
        try:
            follow_up.link_funding(recommendation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The funding is linked."))
            return _back_to(place, recommendation)
    return render(
        request,
        "analysis/results.html",
        _place_context(request, place, failed_of=recommendation.pk, failed_funding_form=form),
        status=400,
    )


@require_GET
def report(request, pk):
    """The organisation's printable report for the cycle."""
    place = get_object_or_404(selectors.places_for(request.user), pk=pk)
    return render(request, "analysis/report.html", {"report": org_report(place)})
