"""A place offered from the waiting list: the organisation's page to accept or
decline it, and staff's button to offer the free places now."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import message_of
from incubator.permissions import staff_required

from .. import selectors, services
from .common import cycle_or_404


@require_GET
def offer(request, pk):
    """The organisation's own offer (another organisation's is a 404)."""
    place_offer = get_object_or_404(selectors.offers_for(request.user), pk=pk)
    return render(request, "applications/offer.html", {"offer": place_offer})


def _answer(request, pk, answer, done):
    place_offer = get_object_or_404(selectors.offers_for(request.user), pk=pk)
    try:
        answer(place_offer, by=request.user)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, done)
    return redirect("applications:offer", pk=pk)


@require_POST
def offer_accept(request, pk):
    return _answer(
        request,
        pk,
        services.accept_offer,
        _("You have accepted the place: welcome to the programme!"),
    )


@require_POST
def offer_decline(request, pk):
    return _answer(
        request,
        pk,
        services.decline_offer,
        _("You have declined the place; it is offered to the next organisation."),
    )


@staff_required
@require_POST
def offer_places(request, cycle_pk):
    """Staff freed a place (or want the waiting list to move now)."""
    cycle = cycle_or_404(cycle_pk)
    made = services.offer_free_places(cycle, by=request.user)
    if made:
        messages.success(
            request,
            _("A place has been offered to: %(organisations)s.")
            % {"organisations": ", ".join(o.application.organisation.name for o in made)},
        )
    else:
        messages.info(request, _("No place is free, or nobody on the waiting list can take it."))
    return redirect("applications:review_decisions", cycle_pk=cycle.pk)
