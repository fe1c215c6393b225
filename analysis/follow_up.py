"""What a recommendation leads to: action items (mentoring's own, kept with the
consultation at which they were agreed and reminded the day before they are due),
funding sources and calls of the catalogue, and the experts and mentors who have
the expertise it suggests.

The writes are one transaction each and refuse bad input (another organisation's
consultation, a closed programme, a call of another source, a due date in the past)
with a ValidationError before anything is written; the reads load every
recommendation of a page at once, in a constant number of queries."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from funding import selectors as funding_selectors
from funding.models import FundingCall, FundingSource
from incubator.permissions import is_staff
from mentoring import services as mentoring_services
from mentoring.models import ActionItem, Consultation, MentorProfile
from mentoring.selectors.access import profile_of

from .models import Recommendation

# --- reads -----------------------------------------------------------------------------


def with_follow_up(recommendations):
    """``recommendations`` (a queryset) with their action items, funding and
    suggested expertise loaded, and ``experts`` set on each: four queries."""
    rows = list(
        recommendations.select_related("area", "expertise").prefetch_related(
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related("consultation", "mentor__user").order_by(
                    "due_on", "pk"
                ),
            ),
            Prefetch("funding_sources", queryset=FundingSource.objects.order_by("name_lv")),
            Prefetch(
                "funding_calls",
                queryset=FundingCall.objects.select_related("source").order_by("deadline", "pk"),
            ),
        )
    )
    experts = experts_by_tag({r.expertise_id for r in rows if r.expertise_id})
    for row in rows:
        row.experts = experts.get(row.expertise_id, [])
    return rows


def experts_by_tag(tag_ids):
    """{tag id: [profiles]} of the experts and mentors taking part who have each tag,
    experts first. One query."""
    if not tag_ids:
        return {}
    Through = MentorProfile.expertise_tags.through
    found = defaultdict(list)
    for link in (
        Through.objects.filter(
            expertisetag_id__in=tag_ids,
            mentorprofile__is_active=True,
            mentorprofile__activated_at__isnull=False,
            mentorprofile__user__is_active=True,
        )
        .select_related("mentorprofile__user")
        .order_by("-mentorprofile__kind", "mentorprofile__user__last_name", "mentorprofile_id")
    ):
        found[link.expertisetag_id].append(link.mentorprofile)
    return found


def item_consultations(cycle_id, organisation_id, user):
    """The consultations an action item of the organisation can be kept with: its
    consultations in the cycle that were not cancelled, newest first; a mentor
    chooses among their own, staff among all."""
    consultations = (
        Consultation.objects.filter(cycle_id=cycle_id, organisation_id=organisation_id)
        .exclude(status=Consultation.Status.CANCELLED)
        .select_related("mentor__user")
        .order_by("-starts_at", "-pk")
    )
    if is_staff(user):
        return consultations
    profile = profile_of(user)
    if profile is None:
        return consultations.none()
    return consultations.filter(mentor=profile)


def funding_choices(now=None):
    """The catalogue's sources one can apply to and their calls still ahead."""
    return funding_selectors.recommendable(now or timezone.now())


# --- writes ----------------------------------------------------------------------------


def _id(value, field, message):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: message}) from None


@transaction.atomic
def add_action_item(recommendation, *, consultation, description, owner, due_on, by, now=None):
    """Turns ``recommendation`` into an action item of one of the organisation's
    consultations (``consultation``: its id, as posted), or, without one (None: a
    programme writes its recommendations after the baseline, often before any
    consultation), of the organisation's place in the cycle. The item is
    mentoring's: the organisation sees it on My programme, it is reminded the day
    before it is due and counted with the others."""
    if consultation in (None, ""):
        item = mentoring_services.add_standalone_action_item(
            recommendation.cycle,
            recommendation.organisation,
            mentor=None if is_staff(by) else profile_of(by),
            description=description,
            owner=owner,
            due_on=due_on,
            by=by,
            now=now,
        )
        recommendation.action_items.add(item)
        _touch(recommendation, by)
        return item
    message = _("Choose one of this organisation's consultations in this cycle.")
    chosen = (
        item_consultations(recommendation.cycle_id, recommendation.organisation_id, by)
        .filter(pk=_id(consultation, "consultation", message))
        .first()
    )
    if chosen is None:
        raise ValidationError({"consultation": message})
    item = mentoring_services.add_action_item(
        chosen, description=description, owner=owner, due_on=due_on, by=by, now=now
    )
    recommendation.action_items.add(item)
    _touch(recommendation, by)
    return item


@transaction.atomic
def link_funding(recommendation, *, source, call=None, by, now=None):
    """Links a source of the catalogue (and, optionally, one of its calls still
    ahead) to ``recommendation``; the organisation sees them as links."""
    now = now or timezone.now()
    message = _("Choose a funding source of the catalogue that one can apply to.")
    sources, calls = funding_choices(now)
    chosen = sources.filter(pk=_id(source, "source", message)).first()
    if chosen is None:
        raise ValidationError({"source": message})
    chosen_call = None
    if call not in (None, ""):
        message = _("Choose a call of the chosen source whose deadline is still ahead.")
        chosen_call = calls.filter(pk=_id(call, "call", message), source=chosen).first()
        if chosen_call is None:
            raise ValidationError({"call": message})
    recommendation.funding_sources.add(chosen)
    if chosen_call is not None:
        recommendation.funding_calls.add(chosen_call)
    _touch(recommendation, by)
    return chosen, chosen_call


@transaction.atomic
def unlink_funding(recommendation, *, source, by):
    """Takes a source (and its calls) off ``recommendation``."""
    source_id = _id(source, "source", _("Choose a linked funding source."))
    recommendation.funding_calls.remove(*recommendation.funding_calls.filter(source_id=source_id))
    recommendation.funding_sources.remove(source_id)
    _touch(recommendation, by)


def _touch(recommendation, by):
    """Marks the recommendation changed, so its history says who added what when."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    recommendation._history_user = by
    recommendation.save(update_fields=["updated_at"])
