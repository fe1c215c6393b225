import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import possible_id, put_errors_on
from incubator.permissions import is_staff, require

from .. import selectors, services
from ..forms import AcceptRequestForm, BookingForm, NoteForm, RequestForm
from ..models import ConsultationRequest, ExpertiseTag, MentorProfile, Slot
from ..permissions import is_mentor
from ..selectors import pages
from ..selectors.access import own_organisation_ids


@require_GET
def book(request):
    """Where "book a consultation" leads: straight to the week of the one organisation
    a person books for, else a choice (staff choose any organisation taking part)."""
    places = list(
        selectors.places_for(request.user).order_by(
            "-cycle__incubation_starts_on", "organisation__name"
        )
    )
    if len(places) == 1 and not is_staff(request.user):
        return redirect("mentoring:week", pk=places[0].pk)
    return render(request, "mentoring/book.html", {"places": places})


def _id(model, value):
    if value and possible_id(model._meta.pk, value):
        return int(value)
    return None


def _first_day(value):
    day = None
    if value:
        try:
            day = parse_date(value)
        except ValueError:
            day = None
    today = timezone.localdate()
    if day is None or day < today - datetime.timedelta(days=7) or day.year > today.year + 2:
        day = today
    return day


@require_GET
def week(request, pk):
    """The booking page: a week of free times, by mentor, with the organisation's
    consultations and requests ahead."""
    place = get_object_or_404(selectors.places_for(request.user), pk=pk)
    mentor_id = _id(MentorProfile, request.GET.get("mentor"))
    tag_id = _id(ExpertiseTag, request.GET.get("topic"))
    view = pages.week(
        place, _first_day(request.GET.get("week")), mentor_id=mentor_id, tag_id=tag_id
    )
    return render(
        request,
        "mentoring/week.html",
        {
            "week": view,
            "place": place,
            "tags": ExpertiseTag.objects.filter(is_active=True),
            "mentor_id": mentor_id,
            "tag_id": tag_id,
            "staff": is_staff(request.user),
        },
    )


def _bookable_slot(place, slot_pk):
    return get_object_or_404(
        Slot.objects.filter(mentor__in=selectors.bookable_mentors(place)).select_related(
            "mentor__user", "mentor__partner"
        ),
        pk=slot_pk,
    )


def book_slot(request, pk, slot_pk):
    """Confirm a free time with a topic and a note; a time someone has just taken is
    refused with a clear message, and what was typed stays."""
    place = get_object_or_404(selectors.places_for(request.user), pk=pk)
    slot = _bookable_slot(place, slot_pk)
    form = BookingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                consultation = services.book_slot(
                    place,
                    slot,
                    topic=form.cleaned_data["topic"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                put_errors_on(form, error)
                status = 409 if error.code == "taken" else 400
            else:
                messages.success(
                    request,
                    _(
                        "The consultation is booked. You and the mentor have been sent the "
                        "invitation with a calendar file."
                    ),
                )
                return redirect("mentoring:consultation_detail", pk=consultation.pk)
        else:
            status = 400
    return render(
        request,
        "mentoring/book_slot.html",
        {"place": place, "slot": slot, "form": form, "staff": is_staff(request.user)},
        status=status,
    )


def request_create(request, pk, mentor_pk):
    """No free time fits: propose two or three times."""
    place = get_object_or_404(selectors.places_for(request.user), pk=pk)
    mentor = get_object_or_404(
        selectors.bookable_mentors(place).select_related("user"), pk=mentor_pk
    )
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.request_consultation(
                    place,
                    mentor,
                    options=[data["option_1"], data["option_2"], data["option_3"]],
                    minutes=data["minutes"],
                    mode=data["mode"],
                    topic=data["topic"],
                    note=data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(
                    request,
                    _("Your request has been sent to %(mentor)s. You will be told the answer.")
                    % {"mentor": mentor.name},
                )
                return redirect("mentoring:week", pk=place.pk)
        status = 400
    return render(
        request,
        "mentoring/request_form.html",
        {"place": place, "mentor": mentor, "form": form},
        status=status,
    )


def _request_context(request, consultation_request, **forms):
    mine = consultation_request.mentor.user_id == request.user.pk
    context = {
        "req": consultation_request,
        "mine": mine,
        "accept_form": None,
        "decline_form": None,
    }
    if mine and consultation_request.is_pending:
        context["accept_form"] = forms.get("accept_form") or AcceptRequestForm(
            request=consultation_request, prefix="accept"
        )
        context["decline_form"] = forms.get("decline_form") or NoteForm(prefix="decline")
    return context


@require_GET
def request_detail(request, pk):
    consultation_request = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    return render(
        request, "mentoring/request_detail.html", _request_context(request, consultation_request)
    )


def _mentors_request(request, pk):
    return get_object_or_404(
        selectors.requests_for(request.user).filter(mentor=selectors.profile_of(request.user)),
        pk=pk,
    )


@require(is_mentor)
@require_POST
def request_accept(request, pk):
    consultation_request = _mentors_request(request, pk)
    if not consultation_request.is_pending:
        messages.info(request, _("This request has already been answered."))
        return redirect("mentoring:request_detail", pk=pk)
    form = AcceptRequestForm(request.POST, request=consultation_request, prefix="accept")
    if form.is_valid():
        try:
            consultation = services.accept_request(
                consultation_request,
                starts_at=form.cleaned_data["starts_at"],
                location=form.cleaned_data["location"],
                by=request.user,
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request, _("The consultation is booked; the organisation has been told.")
            )
            return redirect("mentoring:consultation_detail", pk=consultation.pk)
    return render(
        request,
        "mentoring/request_detail.html",
        _request_context(request, consultation_request, accept_form=form),
        status=400,
    )


@require(is_mentor)
@require_POST
def request_decline(request, pk):
    consultation_request = _mentors_request(request, pk)
    if not consultation_request.is_pending:
        messages.info(request, _("This request has already been answered."))
        return redirect("mentoring:request_detail", pk=pk)
    form = NoteForm(request.POST, prefix="decline")
    if form.is_valid():
        try:
            services.decline_request(
                consultation_request, note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request, _("You have declined the request; the organisation has been told.")
            )
            return redirect("mentoring:dashboard")
    return render(
        request,
        "mentoring/request_detail.html",
        _request_context(request, consultation_request, decline_form=form),
        status=400,
    )


@require_POST
def request_withdraw(request, pk):
    consultation_request = get_object_or_404(
        ConsultationRequest.objects.filter(organisation__in=own_organisation_ids(request.user)),
        pk=pk,
    )
    try:
        services.withdraw_request(consultation_request, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect("mentoring:request_detail", pk=pk)
