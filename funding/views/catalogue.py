"""The public catalogue: no account needed (NGOs outside the programme use it too)."""

import calendar as month_calendar
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from incubator import calendars
from incubator.models import PriorityField
from incubator.site import absolute

from .. import selectors
from ..calendar import call_event
from ..cards import cards
from ..forms import CatalogueFilterForm, SavedSearchForm
from ..models import LegalForm

PER_PAGE = 20


def catalogue_page(request, data, search_form=None, status=200):
    """The catalogue for the filter in ``data`` (a QueryDict); ``search_form``: the
    "save this search" form, bound when it came back with an error."""
    priority_fields = list(PriorityField.objects.all())
    form = CatalogueFilterForm(
        data or None, priority_fields=priority_fields, legal_forms=list(LegalForm.objects.all())
    )
    form.is_valid()  # an invalid value is shown with its error and left out
    filters = form.filters()
    now = timezone.now()
    page = Paginator(selectors.catalogue(filters, now), PER_PAGE).get_page(data.get("page"))
    sources = list(page.object_list)
    field_ids = selectors.field_ids([source.pk for source in sources])
    query = form.query()
    followed_sources, _calls = selectors.followed_ids(request.user)
    if search_form is None and request.user.is_authenticated:
        search_form = SavedSearchForm(initial={"query": urlencode(query)})
    return render(
        request,
        "funding/catalogue.html",
        {
            "form": form,
            "selects": [form[name] for name in ("field", "legal_form", "scope", "kind", "sort")],
            "checks": [form[name] for name in ("open_now", "closing_soon", "show_historic")],
            "page": page,
            "sources": sources,
            "cards": cards(sources, field_ids, priority_fields, now),
            "query": urlencode(query),
            "filtered": bool(set(query) - {"sort"}),
            "followed_sources": followed_sources,
            "search_form": search_form,
            "now": now,
        },
        status=status,
    )


@login_not_required
@require_GET
def catalogue(request):
    return catalogue_page(request, request.GET)


@login_not_required
@require_GET
def source_detail(request, pk):
    source = selectors.source_detail(pk)
    if source is None:
        raise Http404
    now = timezone.now()
    calls = list(source.calls.all())
    for call in calls:
        call.state_now = call.state(now)
    followed_sources, followed_calls = selectors.followed_ids(request.user)
    return render(
        request,
        "funding/source_detail.html",
        {
            "source": source,
            "calls": calls,
            "follows_source": source.pk in followed_sources,
            "followed_calls": followed_calls,
            "now": now,
        },
    )


def _month(request):
    """The month asked for with ?month=2026-12, else this month (Riga time)."""
    today = timezone.localdate()
    text = request.GET.get("month", "")
    if text:
        try:
            chosen = datetime.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            messages.error(request, _("“%(month)s” is not a month like 2026-12.") % {"month": text})
        else:
            if 2000 <= chosen.year <= 2100:
                return chosen
            messages.error(request, _("Choose a month between 2000 and 2100."))
    return today.replace(day=1)


def _shift(month, by):
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


@login_not_required
@require_GET
def deadlines(request):
    """A month of call deadlines, as a calendar."""
    month = _month(request)
    calls = list(selectors.month_deadlines(month.year, month.month))
    by_day = {}
    for call in calls:
        by_day.setdefault(timezone.localdate(call.deadline), []).append(call)
    weeks = [
        [(day, by_day.get(day, []), day.month == month.month) for day in week]
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(
            month.year, month.month
        )
    ]
    return render(
        request,
        "funding/deadlines.html",
        {
            "month": month,
            "weeks": weeks,
            "calls": calls,
            "previous": _shift(month, -1),
            "next": _shift(month, 1),
            "today": timezone.localdate(),
            "feed_url": absolute(reverse("funding:feed")),
        },
    )


@login_not_required
@require_safe
def feed(request):
    """The public calendar of call deadlines (iCalendar), for calendar apps."""
    name = _("%(portal)s: funding deadlines") % {
        "portal": settings.PORTAL_NAME or _("NGO Growth Incubator")
    }
    body = calendars.events_feed([call_event(call) for call in selectors.feed_calls()], name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="funding-deadlines.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response
