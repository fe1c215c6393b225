from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator import sections
from incubator.forms import put_errors_on
from incubator.http import redirect_back
from incubator.pagecache import kept_while_unchanged
from incubator.permissions import is_staff, require
from incubator.uploads import serve_private_file

from .. import selectors, services
from ..forms import DeclineForm, ProfileForm
from ..models import MentorAssignment, MentorPhoto
from ..permissions import is_mentor, is_mentor_or_staff
from ..selectors import pages
from .common import own_profile


@require(is_mentor)
@require_GET
@kept_while_unchanged
def dashboard(request):
    """The mentor's or expert's home: assignments to answer, organisations,
    consultations ahead and to log, requests, action items, hours against capacity."""
    profile = own_profile(request)
    if profile.activated_at is None:
        messages.info(request, _("Welcome! Fill in your profile first; then it becomes active."))
        return redirect("mentoring:profile")
    now = timezone.now()
    board = pages.dashboard(profile, now)
    for assignment in board.proposed:
        assignment.decline_form = DeclineForm(prefix=f"a{assignment.pk}")
    # What apps downstream add (the bids waiting for a review, ...): incubator.sections.
    sections.attach(sections.MENTOR, request.user, [profile], now)
    return render(request, "mentoring/dashboard.html", {"board": board, "profile": profile})


@require(is_mentor)
def profile(request):
    profile = own_profile(request)
    form = ProfileForm(request.POST or None, request.FILES or None, profile=profile)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            first = profile.activated_at is None
            try:
                services.save_profile(
                    profile,
                    by=request.user,
                    **{
                        name: value
                        for name, value in form.cleaned_data.items()
                        if name not in ("photo",)
                    },
                    photo=form.cleaned_data["photo"] or None,
                )
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                if first:
                    messages.success(
                        request,
                        _(
                            "Your profile is complete and active. Publish the times when "
                            "organisations can book you."
                        ),
                    )
                    return redirect("mentoring:availability")
                messages.success(request, _("Your profile has been saved."))
                return redirect("mentoring:dashboard")
        status = 400
    return render(
        request,
        "mentoring/profile_form.html",
        {
            "form": form,
            "profile": profile,
            "photo": MentorPhoto.objects.filter(profile=profile).first(),
        },
        status=status,
    )


@require_GET
def mentor_detail(request, pk):
    """A mentor's or expert's profile: for staff, the person themselves, and the
    organisations that may book them."""
    profile = get_object_or_404(
        selectors.visible_profiles(request.user).prefetch_related(
            "expertise_tags", "priority_fields"
        ),
        pk=pk,
    )
    places = [
        place
        for place in selectors.places_for(request.user)
        if not is_staff(request.user)
        and selectors.bookable_mentors(place).filter(pk=profile.pk).exists()
    ]
    return render(
        request,
        "mentoring/mentor_detail.html",
        {
            "profile": profile,
            "photo": MentorPhoto.objects.filter(profile=profile).first(),
            "places": places,
            "staff": is_staff(request.user),
        },
    )


@require_GET
def mentor_photo(request, pk):
    profile = get_object_or_404(selectors.visible_profiles(request.user), pk=pk)
    photo = MentorPhoto.objects.filter(profile=profile).first()
    if photo is None:
        raise Http404
    return serve_private_file(photo)


@require(is_mentor_or_staff)
@require_GET
def organisation_detail(request, pk):
    """What a mentor sees of an organisation assigned to them or that booked them: its
    profile as participants see it, and its consultations with them."""
    organisation = get_object_or_404(selectors.organisations_for_mentor(request.user), pk=pk)
    places, consultations, items, mentors = pages.organisation_for_mentor(
        organisation, own_profile(request), staff=is_staff(request.user)
    )
    return render(
        request,
        "mentoring/organisation_detail.html",
        {
            "organisation": organisation,
            "places": places,
            "consultations": consultations,
            "items": items,
            "mentors": mentors,
            "staff": is_staff(request.user),
        },
    )


def _own_assignment(request, pk):
    return get_object_or_404(
        MentorAssignment.objects.filter(mentor=own_profile(request)).select_related(
            "organisation", "cycle"
        ),
        pk=pk,
    )


@require(is_mentor)
@require_POST
def assignment_accept(request, pk):
    assignment = _own_assignment(request, pk)
    try:
        services.accept_assignment(assignment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("You now mentor %(organisation)s; its people have been told.")
            % {"organisation": assignment.organisation},
        )
    return redirect_back(request, "mentoring:dashboard")


@require(is_mentor)
@require_POST
def assignment_decline(request, pk):
    assignment = _own_assignment(request, pk)
    form = DeclineForm(request.POST, prefix=f"a{pk}")
    if form.is_valid():
        try:
            services.decline_assignment(
                assignment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You have declined to mentor %(organisation)s; the staff have been told.")
                % {"organisation": assignment.organisation},
            )
    else:
        messages.error(request, _("Say why you decline, for the programme staff."))
    return redirect_back(request, "mentoring:dashboard")
