from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from . import calendars, landing, sections, selectors, services
from .forms import ColleagueForm, OrganisationForm, ProfileForm, message_of, put_errors_on
from .models import Invitation, Membership, PriorityField, User
from .permissions import led_by
from .site import absolute


@login_not_required
@require_GET
def home(request):
    call = selectors.current_call()
    return render(
        request,
        "incubator/home.html",
        {
            "call": call,
            "call_state": call and call.call_state(),
            "priority_fields": PriorityField.objects.all(),
        },
    )


@login_not_required
@require_safe
def favicon(request):
    """The portal's icon for a browser that asks for /favicon.ico (the pages link it as
    ``static/favicon.svg``). Not a permanent redirect: the file's address changes with
    its content in production (the static files' manifest)."""
    return redirect(static("favicon.svg"))


@require_GET
def dashboard(request):
    """Where people land after signing in: the home of their role, which the app that
    owns the role registers (``incubator.landing``); else their profile."""
    return redirect(landing.home_for(request.user, default="profile"))


def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.create_organisation(leader=request.user, **form.cleaned_data)
        messages.success(request, _("The organisation's profile has been created."))
        return redirect("dashboard")
    return render(request, "incubator/organisation_form.html", {"form": form, "creating": True})


def organisation_detail(request, pk):
    organisation = get_object_or_404(selectors.organisations_for(request.user), pk=pk)
    return _organisation_page(request, organisation, ColleagueForm())


def organisation_edit(request, pk):
    organisation = get_object_or_404(selectors.organisations_for(request.user), pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("The organisation's profile has been saved."))
            return redirect("organisation_detail", pk=pk)
    return render(
        request, "incubator/organisation_form.html", {"form": form, "organisation": organisation}
    )


def _led_organisation(request, pk):
    organisation = get_object_or_404(selectors.organisations_for(request.user), pk=pk)
    if not led_by(request.user, organisation):
        messages.error(request, _("Only the organisation's leader can manage its people."))
        return None
    return organisation


def _organisation_page(request, organisation, colleague_form, status=200):
    memberships, invitations = selectors.people_of(organisation)
    return render(
        request,
        "incubator/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "invitations": invitations,
            "is_leader": led_by(request.user, organisation),
            "colleague_form": colleague_form,
        },
        status=status,
    )


@require_POST
def colleague_add(request, pk):
    """The leader invites a colleague. The answer is the same whether or not the
    address has an account: an invitation is sent, and they join by accepting it."""
    organisation = _led_organisation(request, pk)
    if organisation is None:
        return redirect("organisation_detail", pk=pk)
    form = ColleagueForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite_colleague(
                organisation=organisation, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _(
                    "An invitation has been sent to %(email)s. They join the organisation "
                    "when they accept it."
                )
                % {"email": invitation.email},
            )
            return redirect("organisation_detail", pk=pk)
    return _organisation_page(request, organisation, form, status=400)


@require_POST
def person_remove(request, pk, membership_pk):
    organisation = _led_organisation(request, pk)
    if organisation is not None:
        membership = get_object_or_404(Membership, organisation=organisation, pk=membership_pk)
        try:
            services.remove_person(membership=membership, by=request.user)
        except ValidationError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(request, _("%(person)s removed.") % {"person": membership.user})
    return redirect("organisation_detail", pk=pk)


@require_POST
def organisation_leave(request, pk):
    organisation = get_object_or_404(selectors.organisations_for(request.user), pk=pk)
    membership = get_object_or_404(Membership, organisation=organisation, user=request.user)
    try:
        services.leave_organisation(membership, user=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
        return redirect("organisation_detail", pk=pk)
    messages.success(request, _("You have left %(organisation)s.") % {"organisation": organisation})
    return redirect("dashboard")


@require_POST
def invitation_withdraw(request, pk, invitation_pk):
    organisation = _led_organisation(request, pk)
    if organisation is not None:
        invitation = get_object_or_404(Invitation, organisation=organisation, pk=invitation_pk)
        services.withdraw_invitation(invitation, by=request.user)
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("organisation_detail", pk=pk)


@require_GET
def invitations(request):
    """The invitations to join an organisation waiting for the signed-in person."""
    return render(
        request,
        "incubator/invitations.html",
        {"invitations": selectors.invitations_for(request.user)},
    )


@require_POST
def invitation_accept(request, invitation_pk):
    invitation = get_object_or_404(selectors.invitations_for(request.user), pk=invitation_pk)
    services.accept_invitation(invitation, user=request.user)
    messages.success(
        request,
        _("You have joined %(organisation)s.") % {"organisation": invitation.organisation},
    )
    return redirect("organisation_detail", pk=invitation.organisation_id)


@require_POST
def invitation_decline(request, invitation_pk):
    invitation = get_object_or_404(selectors.invitations_for(request.user), pk=invitation_pk)
    services.decline_invitation(invitation, user=request.user)
    messages.success(request, _("You have declined the invitation."))
    return redirect("invitations")


def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("profile")
    feed_url = None
    if request.user.calendar_token:
        feed_url = absolute(reverse("calendar_feed", args=[request.user.calendar_token]))
    return render(
        request,
        "incubator/profile.html",
        {
            "form": form,
            "feed_url": feed_url,
            # What the apps downstream show here (incubator.sections), e.g. what one follows.
            "sections": sections.attach(sections.PROFILE, request.user, [request.user])[0].sections,
        },
    )


@require_POST
def calendar_link_reset(request):
    had_one = bool(request.user.calendar_token)
    services.reset_calendar_token(request.user)
    if had_one:
        messages.success(
            request, _("Your calendar has a new address. The old address no longer works.")
        )
    else:
        messages.success(request, _("Your calendar address is ready. Add it to your calendar."))
    return redirect(reverse("profile") + "#calendar")


@require_POST
def calendar_link_revoke(request):
    services.revoke_calendar_token(request.user)
    messages.success(request, _("Your calendar address has been switched off."))
    return redirect(reverse("profile") + "#calendar")


@login_not_required
@require_safe
def calendar_feed(request, token):
    """A person's private calendar (iCalendar), for calendar apps that subscribe to it.
    The address is the only credential: an unknown or switched-off one is a 404."""
    user = get_object_or_404(User, calendar_token=token, is_active=True)
    with translation.override(user.language):
        name = _("%(portal)s: my calendar") % {
            "portal": settings.PORTAL_NAME or _("NGO Growth Incubator")
        }
        body = calendars.feed(user, name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
