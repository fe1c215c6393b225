"""What a signed-in person does with the catalogue (follow, save a search) and a
participating organisation's own funding page: its matches, recommendations and
dismissed sources."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import message_of, put_errors_on
from incubator.http import redirect_back

from .. import selectors, services
from ..forms import DismissForm, NeedForm, SavedSearchForm
from ..models import FundingCall, FundingNeed, FundingSource
from .catalogue import catalogue_page


def _follow(request, **target):
    wants = request.POST.get("follow", "1") != "0"
    if wants:
        try:
            services.follow(request.user, **target)
        except ValidationError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(
                request,
                _(
                    "You follow it now: it is on your profile and in your calendar, and we "
                    "remind you before its deadlines."
                ),
            )
    else:
        services.unfollow(request.user, **target)
        messages.success(request, _("You no longer follow it."))


@require_POST
def follow_source(request, pk):
    source = get_object_or_404(selectors.public_sources(), pk=pk)
    _follow(request, source=source)
    return redirect_back(request, "funding:source_detail", pk)


@require_POST
def follow_call(request, pk):
    call = get_object_or_404(FundingCall.objects.select_related("source"), pk=pk)
    _follow(request, call=call)
    return redirect_back(request, "funding:source_detail", call.source_id)


@require_POST
def search_save(request):
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        query = form.catalogue_query()
        try:
            services.save_search(request.user, name=form.cleaned_data["name"], query=query)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _("The search is saved. Each week we email you what is new or changed in it."),
            )
            return redirect_back(request, "funding:catalogue")
    # Back on the catalogue, as it was filtered, with the name as it was typed.
    filtered = QueryDict(form.data.get("query", "")[:2000])
    return catalogue_page(request, filtered, search_form=form, status=400)


@require_POST
def search_delete(request, pk):
    search = get_object_or_404(selectors.searches_of(request.user), pk=pk)
    services.delete_search(search, by=request.user)
    messages.success(request, _("The saved search “%(name)s” is deleted.") % {"name": search.name})
    return redirect_back(request, "profile")


# --- the organisation's funding page ----------------------------------------------------


def _place(request, organisation_pk):
    """The user's organisation's place in a cycle; another's is a 404."""
    for place in selectors.places_of(request.user):
        if place.organisation_id == organisation_pk:
            return place
    raise Http404


def mine_page(request, bound=None, status=200):
    """Each of the user's participating organisations: the funding it seeks, its
    ranked matches with reasons, recommendations to it, sources it dismissed.
    ``bound``: {(organisation id, "need" or source id): form} that came back with
    errors, shown as they were typed."""
    bound = bound or {}
    now = timezone.now()
    places = selectors.places_of(request.user)
    profiles = selectors.profiles(places)
    organisation_ids = [profile.organisation.pk for profile in profiles]
    recommendations = list(selectors.recommendations_for(organisation_ids))
    dismissals = list(selectors.dismissals_of(organisation_ids))
    followed_sources, followed_calls = selectors.followed_ids(request.user)
    organisations = []
    for profile in profiles:
        pk = profile.organisation.pk
        matches = selectors.matches(profile, now)
        for match in matches:
            match.dismiss_form = bound.get((pk, match.source.pk)) or DismissForm(
                prefix=f"d{match.source.pk}"
            )
        need = getattr(profile.organisation, "funding_need", None)
        organisations.append(
            {
                "organisation": profile.organisation,
                "profile": profile,
                "matches": matches,
                "need_form": bound.get((pk, "need"))
                or NeedForm(instance=need or FundingNeed(organisation=profile.organisation)),
                "recommendations": [r for r in recommendations if r.place.organisation_id == pk],
                "dismissals": [d for d in dismissals if d.organisation_id == pk],
            }
        )
    return render(
        request,
        "funding/mine.html",
        {
            "organisations": organisations,
            "followed_sources": followed_sources,
            "followed_calls": followed_calls,
            "now": now,
        },
        status=status,
    )


@require_GET
def mine(request):
    return mine_page(request)


@require_POST
def need(request, organisation_pk):
    place = _place(request, organisation_pk)
    existing = FundingNeed.objects.filter(organisation=place.organisation).first()
    form = NeedForm(request.POST, instance=existing or FundingNeed(organisation=place.organisation))
    if form.is_valid():
        try:
            services.set_need(
                place.organisation,
                amount_sought=form.cleaned_data["amount_sought"],
                by=request.user,
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(request, _("Saved. The matches now compare it with each source."))
            return redirect_back(request, "funding:mine")
    return mine_page(request, bound={(organisation_pk, "need"): form}, status=400)


@require_POST
def dismiss(request, organisation_pk, pk):
    place = _place(request, organisation_pk)
    source = get_object_or_404(FundingSource.objects.opportunities(), pk=pk)
    form = DismissForm(request.POST, prefix=f"d{source.pk}")
    if form.is_valid():
        try:
            services.dismiss(
                place.organisation,
                source,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _("“%(source)s” no longer appears among your matches.") % {"source": source.name},
            )
            return redirect_back(request, "funding:mine")
    return mine_page(request, bound={(organisation_pk, source.pk): form}, status=400)


@require_POST
def restore(request, organisation_pk, pk):
    place = _place(request, organisation_pk)
    source = get_object_or_404(selectors.public_sources(), pk=pk)
    services.restore(place.organisation, source, by=request.user)
    messages.success(
        request, _("“%(source)s” can appear among your matches again.") % {"source": source.name}
    )
    return redirect_back(request, "funding:mine")
