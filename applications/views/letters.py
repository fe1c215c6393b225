"""Decisions and their letters: the list of decisions with the state of each
letter, the cycle's letter templates, the preview staff read, and sending."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import message_of, put_errors_on
from incubator.permissions import staff_required

from .. import selectors, services
from ..forms import LetterChoiceForm, LetterSelectionForm, LetterTemplateForm, placeholder_help
from ..models import Application
from .common import cycle_or_404, render_review


@staff_required
@require_GET
def decisions(request, cycle_pk):
    cycle = cycle_or_404(cycle_pk)
    settings = selectors.review_settings(cycle)
    page = Paginator(selectors.decisions(cycle), 50).get_page(request.GET.get("page"))
    admitted, free = selectors.places_taken(cycle)
    return render_review(
        request,
        "applications/review/decisions.html",
        cycle,
        "decisions",
        {
            "page": page,
            "admitted": admitted,
            "free_places": free,
            "waiting_list": selectors.waiting_list(cycle, settings) if free else [],
            "left": selectors.left_after_admission(cycle) if free else [],
            "unsent": selectors.decisions(cycle).filter(letter_sent_at__isnull=True).count(),
            "offers": selectors.place_offers(cycle),
        },
        settings=settings,
    )


@staff_required
def letter_templates(request, cycle_pk):
    """One form per decision; each saves on its own."""
    cycle = cycle_or_404(cycle_pk)
    saved = selectors.letter_templates(cycle)
    posted = request.POST.get("decision") if request.method == "POST" else None
    forms = []
    for decision in Application.DECISIONS:
        template = services.template_for(cycle, decision, saved.get(decision))
        data = request.POST if posted == decision else None
        forms.append(
            (
                decision,
                Application.Status(decision).label,
                LetterTemplateForm(data, instance=template, prefix=decision),
            )
        )
    for decision, _label, form in forms:
        if form.is_bound and form.is_valid():
            try:
                services.save_letter_template(
                    cycle, decision=decision, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(request, _("The letter template has been saved."))
                return redirect("applications:review_letter_templates", cycle_pk=cycle.pk)
    return render_review(
        request,
        "applications/review/letter_templates.html",
        cycle,
        "decisions",
        {"forms": forms, "placeholders": placeholder_help()},
        status=400 if posted else 200,
    )


@staff_required
@require_GET
def letters_preview(request, cycle_pk):
    """The letters exactly as they will be sent, for staff to read before sending.
    ``?unsent=1`` previews every decision whose letter has not been sent."""
    cycle = cycle_or_404(cycle_pk)
    if request.GET.get("unsent"):
        applications = list(selectors.decisions(cycle).filter(letter_sent_at__isnull=True))
    else:
        form = LetterChoiceForm(request.GET, cycle=cycle)
        if not form.is_valid():
            messages.error(request, _("Tick the decisions whose letters you want to read."))
            return redirect("applications:review_decisions", cycle_pk=cycle.pk)
        applications = list(form.cleaned_data["applications"])
    letters = services.prepare_letters(cycle, applications)
    to_send = [letter for letter in letters if letter.sent is None]
    return render_review(
        request,
        "applications/review/letters_preview.html",
        cycle,
        "decisions",
        {
            "letters": letters,
            "to_send": to_send,
            "fingerprint": services.fingerprint(to_send),
        },
    )


@staff_required
@require_POST
def letters_send(request, cycle_pk):
    cycle = cycle_or_404(cycle_pk)
    form = LetterSelectionForm(request.POST, cycle=cycle)
    if not form.is_valid():
        if "fingerprint" in form.errors:
            messages.error(request, _("Read the letters before sending them."))
        else:
            messages.error(request, _("There were no letters to send."))
        return redirect("applications:review_decisions", cycle_pk=cycle.pk)
    try:
        sent, skipped = services.send_decision_letters(
            cycle,
            form.cleaned_data["applications"],
            by=request.user,
            expected_fingerprint=form.cleaned_data["fingerprint"],
        )
    except ValidationError as error:
        messages.error(request, message_of(error))
        return redirect("applications:review_decisions", cycle_pk=cycle.pk)
    if sent:
        messages.success(
            request,
            ngettext(
                "%(count)d letter is on its way; the organisation now sees the decision.",
                "%(count)d letters are on their way; the organisations now see the decisions.",
                len(sent),
            )
            % {"count": len(sent)},
        )
    if skipped:
        messages.info(
            request,
            ngettext(
                "%(count)d letter had already been sent and was not sent again.",
                "%(count)d letters had already been sent and were not sent again.",
                len(skipped),
            )
            % {"count": len(skipped)},
        )
    return redirect("applications:review_decisions", cycle_pk=cycle.pk)
