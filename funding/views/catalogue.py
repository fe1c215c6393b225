"""The public catalogue: no account needed (NGOs outside the programme use it too)."""

import calendar as month_calendar
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from incubator import calendars
from incubator.site import absolute

from .. import selectors
from ..calendar import call_event
from ..cards import cards, cards_html
from ..choices import filter_options
from ..forms import CatalogueFilterForm, SavedSearchForm
from ..listing import Listing

PER_PAGE = 20
# Pages further than this are not looked for at once (no offset beyond what the
# database takes): the paginator counts first and shows the last.
FURTHEST_PAGE = 10_000


def _counted_page(sources, number):
    """The page ``number`` (as the request wrote it) of ``sources`` (a
    ``listing.Listing``), PER_PAGE a page, as Django's paginator would make it, in one
    query: the page's rows also say how many sources there are in all, where a count
    first would run the whole search once more. A page past the last (or not a page
    number) takes the paginator's own way: the count, then the last (or the first)
    page."""
    paginator = Paginator(sources, PER_PAGE)
    try:
        wanted = int(number or 1)
    except (TypeError, ValueError):
        wanted = 1
    if 1 <= wanted <= FURTHEST_PAGE:
        first = (wanted - 1) * PER_PAGE
        rows = sources[first : first + PER_PAGE]
        if rows or wanted == 1:
            paginator.count = rows[0].total if rows else 0
            return Page(rows, wanted, paginator)
    return paginator.get_page(number)


def catalogue_page(request, data, search_form=None, status=200):
    """The catalogue for the filter in ``data`` (a QueryDict); ``search_form``: the
    "save this search" form, bound when it came back with an error."""
    priority_fields, legal_forms = filter_options()
    form = CatalogueFilterForm(
        data or None, priority_fields=priority_fields, legal_forms=legal_forms
    )
    form.is_valid()  # an invalid value is shown with its error and left out
    filters = form.filters()
    now = timezone.now()
    page = _counted_page(Listing(filters, now), data.get("page"))
    sources = page.object_list
    query = form.query()
    followed_sources, _calls = selectors.followed_ids(request.user)
    shown = cards(sources, priority_fields, now, followed_sources)
    if search_form is None and request.user.is_authenticated:
        search_form = SavedSearchForm(initial={"query": urlencode(query)})
    return render(
        request,
        "funding/catalogue.html",
        {
            "form": form,
            "selects": form.selects(),
            "checks": form.checks(),
            "page": page,
            "sources": sources,
            "cards": shown,
            "cards_html": cards_html(shown),
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


DAY_PER_PAGE = 50


def _day(request):
    """The day asked for with ?day=2026-12-04 (its every deadline), else None."""
    text = request.GET.get("day", "")
    if not text:
        return None
    try:
        chosen = datetime.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        messages.error(request, _("“%(day)s” is not a day like 2026-12-04.") % {"day": text})
        return None
    if not 2000 <= chosen.year <= 2100:
        messages.error(request, _("Choose a day between 2000 and 2100."))
        return None
    return chosen


@login_not_required
@require_GET
def deadlines(request):
    """A month of call deadlines, as a calendar: a few each day, the rest behind a
    link to the day's own list (?day=)."""
    day = _day(request)
    month = day.replace(day=1) if day else _month(request)
    days = selectors.month_deadline_days(month.year, month.month)
    empty = selectors.DeadlineDay(None, [], 0)
    weeks = [
        [(date, days.get(date, empty), date.month == month.month) for date in week]
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(
            month.year, month.month
        )
    ]
    day_page = None
    if day is not None:
        day_page = Paginator(selectors.day_deadlines(day), DAY_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "funding/deadlines.html",
        {
            "month": month,
            "weeks": weeks,
            "days": days.values(),
            "calls": [call for shown in days.values() for call in shown.calls],
            "day": day,
            "day_page": day_page,
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
