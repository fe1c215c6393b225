import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from incubator.forms import put_errors_on
from incubator.permissions import require

from .. import services
from ..forms import BlockForm, PatternForm, SlotForm
from ..models import ACTIVE, AvailabilityPattern, BlockedPeriod, Consultation, Slot
from ..permissions import is_ready_mentor
from .common import own_profile

SHOWN_WEEKS = 10


def _context(request, **forms):
    """The mentor's availability: their times ahead, day by day, each free or with
    its booking; their weekly patterns; their blocked dates. Four queries."""
    profile = own_profile(request)
    now = timezone.now()
    holding = Consultation.objects.filter(slot=OuterRef("pk"), status__in=ACTIVE)
    slots = list(
        Slot.objects.filter(
            mentor=profile,
            ends_at__gt=now,
            starts_at__lt=now + datetime.timedelta(weeks=SHOWN_WEEKS),
        )
        .annotate(is_booked=Exists(holding))
        .prefetch_related(
            Prefetch(
                "consultations",
                queryset=Consultation.objects.filter(status__in=ACTIVE).select_related(
                    "organisation"
                ),
                to_attr="bookings",
            )
        )
        .order_by("starts_at")
    )
    days = {}
    for slot in slots:
        days.setdefault(timezone.localdate(slot.starts_at), []).append(slot)
    return {
        "profile": profile,
        "days": sorted(days.items()),
        "weeks": SHOWN_WEEKS,
        "patterns": list(
            AvailabilityPattern.objects.filter(
                mentor=profile, valid_until__gte=timezone.localdate(now)
            )
        ),
        "blocks": list(
            BlockedPeriod.objects.filter(mentor=profile, ends_on__gte=timezone.localdate(now))
        ),
        "slot_form": forms.get("slot_form") or SlotForm(prefix="slot"),
        "pattern_form": forms.get("pattern_form") or PatternForm(prefix="pattern"),
        "block_form": forms.get("block_form") or BlockForm(prefix="block"),
    }


@require(is_ready_mentor)
@require_GET
def availability(request):
    return render(request, "mentoring/availability.html", _context(request))


def _invalid(request, **forms):
    return render(request, "mentoring/availability.html", _context(request, **forms), status=400)


@require(is_ready_mentor)
@require_POST
def slot_add(request):
    form = SlotForm(request.POST, prefix="slot")
    if form.is_valid():
        data = form.cleaned_data
        try:
            slot = services.add_slot(
                own_profile(request),
                starts_at=data["starts_at"],
                ends_at=data["starts_at"] + datetime.timedelta(minutes=data["minutes"]),
                mode=data["mode"],
                location=data["location"],
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                _("The time %(moment)s is published.")
                % {"moment": date_format(timezone.localtime(slot.starts_at), "DATETIME_FORMAT")},
            )
            return redirect("mentoring:availability")
    return _invalid(request, slot_form=form)


@require(is_ready_mentor)
@require_POST
def pattern_add(request):
    form = PatternForm(request.POST, prefix="pattern")
    if form.is_valid():
        try:
            _pattern, count = services.publish_pattern(own_profile(request), **form.cleaned_data)
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The weekly pattern is published: %(count)d free time.",
                    "The weekly pattern is published: %(count)d free times.",
                    count,
                )
                % {"count": count},
            )
            return redirect("mentoring:availability")
    return _invalid(request, pattern_form=form)


@require(is_ready_mentor)
@require_POST
def block_add(request):
    form = BlockForm(request.POST, prefix="block")
    if form.is_valid():
        try:
            _block, removed, bookings = services.block_dates(
                own_profile(request), **form.cleaned_data
            )
        except ValidationError as error:
            put_errors_on(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The dates are blocked; %(count)d free time on them has been removed.",
                    "The dates are blocked; %(count)d free times on them have been removed.",
                    removed,
                )
                % {"count": removed},
            )
            if bookings:
                messages.warning(
                    request,
                    _(
                        "These consultations are already booked on the blocked dates; "
                        "cancel or move them if you cannot come: %(list)s"
                    )
                    % {
                        "list": "; ".join(
                            f"{date_format(timezone.localtime(c.starts_at), 'DATETIME_FORMAT')} "
                            f"{c.organisation}"
                            for c in bookings
                        )
                    },
                )
            return redirect("mentoring:availability")
    return _invalid(request, block_form=form)


@require(is_ready_mentor)
@require_POST
def slot_delete(request, pk):
    slot = get_object_or_404(Slot, mentor=own_profile(request), pk=pk)
    try:
        services.delete_slot(slot)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The free time has been removed."))
    return redirect("mentoring:availability")


@require(is_ready_mentor)
@require_POST
def pattern_delete(request, pk):
    pattern = get_object_or_404(AvailabilityPattern, mentor=own_profile(request), pk=pk)
    removed, kept = services.withdraw_pattern(pattern)
    message = ngettext(
        "The weekly pattern has been removed with %(count)d free time ahead.",
        "The weekly pattern has been removed with %(count)d free times ahead.",
        removed,
    ) % {"count": removed}
    if kept:
        message += " " + ngettext(
            "%(count)d booked consultation stays booked.",
            "%(count)d booked consultations stay booked.",
            kept,
        ) % {"count": kept}
    messages.success(request, message)
    return redirect("mentoring:availability")


@require(is_ready_mentor)
@require_POST
def block_delete(request, pk):
    block = get_object_or_404(BlockedPeriod, mentor=own_profile(request), pk=pk)
    restored = services.unblock(block)
    messages.success(
        request,
        ngettext(
            "The dates are open again; %(count)d free time of your weekly patterns is back.",
            "The dates are open again; %(count)d free times of your weekly patterns are back.",
            restored,
        )
        % {"count": restored},
    )
    return redirect("mentoring:availability")
