"""A mentor recommends funding to an organisation assigned to them (staff may too;
they also do it from the organisation's staff page): the form, and what was
recommended to the organisation so far. To anyone else the page is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cohorts.models import CohortMembership
from incubator.forms import put_errors_on

from .. import permissions, selectors, services
from ..forms import RecommendForm


def _place(request, pk):
    place = get_object_or_404(
        CohortMembership.objects.select_related("organisation", "cycle"),
        pk=pk,
        status__in=selectors.VISIBLE_PLACES,
    )
    if not permissions.can_recommend(request.user, place):
        raise Http404
    return place


def _choices(now):
    sources, calls = selectors.recommendable(now)
    return {"sources": list(sources), "calls": list(calls)}


@require_http_methods(["GET", "POST"])
def recommend(request, place_pk):
    place = _place(request, place_pk)
    choices = _choices(timezone.now())
    form = RecommendForm(request.POST or None, **choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.recommend(
                    place,
                    source=form.cleaned_data["source"],
                    call=form.cleaned_data["call"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                put_errors_on(form, error)
            else:
                messages.success(
                    request,
                    _("Recommended to %(organisation)s; its people have been emailed.")
                    % {"organisation": place.organisation.name},
                )
                return redirect("funding:place_recommend", place.pk)
        status = 400
    return render(
        request,
        "funding/recommend.html",
        {
            "place": place,
            "form": form,
            "recommendations": list(selectors.recommendations_for([place.organisation_id])),
        },
        status=status,
    )
