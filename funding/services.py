"""Every write of the funding app: the catalogue (sources, calls, their reminders),
what people follow and save, what an organisation seeks and dismisses, and
recommendations. Each is transactional; views, the admin, the importer, the demo
and tests call the same functions."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.models import Membership
from incubator.notifications import reminders
from incubator.notifications import services as outbox

from . import permissions
from .models import (
    Dismissal,
    Follow,
    FundingCall,
    FundingNeed,
    FundingSource,
    Recommendation,
    SavedSearch,
)

CALL_SOURCE = "funding-call"  # reminders before a call's deadline
RECOMMENDATION_KIND = "funding-recommendation"
DIGEST_KIND = "funding-digest"

SOURCE_FIELDS = [
    "name_lv",
    "name_en",
    "funder",
    "description_lv",
    "description_en",
    "kind",
    "cross_cutting",
    "eligibility_note",
    "scope",
    "scope_note",
    "amount_min",
    "amount_max",
    "cofinancing_percent",
    "cofinancing_note",
    "call_frequency",
    "website",
    "facts_sources",
    "verification",
    "verification_note",
    "last_checked_on",
]
SOURCE_RELATIONS = ["priority_fields", "legal_forms", "regions", "municipalities"]
# Changing only these does not make a source "changed" for saved searches.
BOOKKEEPING_FIELDS = {"last_checked_on"}
CALL_FIELDS = ["title", "opens_at", "deadline", "budget", "rules_url", "status"]
# A source not checked for this long is shown to staff to check again.
CHECK_AGAIN_AFTER = datetime.timedelta(days=183)
# A saved search's email goes out at most this often.
DIGEST_EVERY = datetime.timedelta(days=6)


# --- the catalogue --------------------------------------------------------------


def scope_errors(scope, regions, municipalities):
    """A source of a planning region names its regions; one of a municipality its
    municipalities."""
    errors = {}
    if scope == FundingSource.Scope.REGIONAL and not regions:
        errors["regions"] = _("Choose the planning regions this source covers.")
    if scope == FundingSource.Scope.MUNICIPAL and not municipalities:
        errors["municipalities"] = _("Choose the municipalities this source covers.")
    return errors


def _relation_ids(source):
    return {name: {row.pk for row in getattr(source, name).all()} for name in SOURCE_RELATIONS}


def check_model(instance, errors=None, *, exclude=(), validate_unique=True):
    """Model validation (field rules, the model's clean, unique name, constraints)
    plus ``errors`` found before, raised together. The fields of ``exclude`` (and of
    ``errors``) are not checked, nor the constraints that use them;
    ``validate_unique`` False leaves out the unique checks."""
    errors = dict(errors or {})
    try:
        instance.full_clean(
            exclude=[name for name in errors if name != "__all__"] + list(exclude),
            validate_unique=validate_unique,
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(
                messages if isinstance(messages, list) else [messages]
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_source(source=None, *, by, values, now=None):
    """Creates (``source`` None) or changes a funding source. ``values``: the fields
    of SOURCE_FIELDS and the lists of SOURCE_RELATIONS to set (those left out stay
    as they are). Returns (source, whether people see a change)."""
    now = now or timezone.now()
    unknown = set(values) - set(SOURCE_FIELDS) - set(SOURCE_RELATIONS)
    if unknown:
        raise ValueError(f"Not a funding source field: {', '.join(sorted(unknown))}")
    creating = source is None
    if creating:
        source = FundingSource(created_by=by, created_at=now, changed_at=now)
        before_values, before_relations = {}, {name: set() for name in SOURCE_RELATIONS}
    else:
        source = FundingSource.objects.select_for_update().get(pk=source.pk)
        before_values = {name: getattr(source, name) for name in SOURCE_FIELDS}
        before_relations = _relation_ids(source)
    was_historic = source.is_historic
    for name in SOURCE_FIELDS:
        if name in values:
            setattr(source, name, values[name])
    relations = {
        name: {row.pk for row in values[name]} if name in values else before_relations[name]
        for name in SOURCE_RELATIONS
    }
    check_model(
        source, scope_errors(source.scope, relations["regions"], relations["municipalities"])
    )
    changed = creating or relations != before_relations
    changed = changed or any(
        before_values[name] != getattr(source, name)
        for name in SOURCE_FIELDS
        if name not in BOOKKEEPING_FIELDS
    )
    if changed:
        source.changed_at = now
    source.save()
    for name in SOURCE_RELATIONS:
        if name in values and (creating or relations[name] != before_relations[name]):
            getattr(source, name).set(values[name])
    if was_historic != source.is_historic:
        for call in source.calls.all():
            schedule_call_reminders(call, now)
    return source, changed


@transaction.atomic
def mark_checked(source, *, by, on=None):
    """Staff checked the source's facts today (or ``on``)."""
    on = on or timezone.localdate()
    FundingSource.objects.filter(pk=source.pk).update(last_checked_on=on)
    source.last_checked_on = on
    return source


def offsets():
    try:
        return reminders.parse_offsets(settings.FUNDING_DEADLINE_REMINDERS)
    except ValueError:
        return reminders.parse_offsets("14d, 3d")


def schedule_call_reminders(call, now=None):
    """Reminders before the call's deadline (to whoever follows it or its source,
    found when they are due); none for a rolling or closed call, or one of a
    historic source."""
    now = now or timezone.now()
    source = call.source
    if call.deadline is None or call.status == FundingCall.Status.CLOSED or source.is_historic:
        reminders.cancel(source=CALL_SOURCE, object_id=call.pk, now=now)
        return 0
    return reminders.schedule(
        source=CALL_SOURCE,
        object_id=call.pk,
        event_at=call.deadline,
        offsets=offsets(),
        now=now,
    )


def _call_changed(call, before):
    return any(before.get(name) != getattr(call, name) for name in CALL_FIELDS)


@transaction.atomic
def save_call(call=None, *, source=None, by, values, now=None):
    """Creates a call of ``source`` (``call`` None) or changes ``call``; its reminders
    follow its deadline."""
    now = now or timezone.now()
    unknown = set(values) - set(CALL_FIELDS)
    if unknown:
        raise ValueError(f"Not a funding call field: {', '.join(sorted(unknown))}")
    if call is None:
        call = FundingCall(source=source, created_at=now, changed_at=now)
        before = {}
    else:
        call = FundingCall.objects.select_for_update().select_related("source").get(pk=call.pk)
        before = {name: getattr(call, name) for name in CALL_FIELDS}
    for name, value in values.items():
        setattr(call, name, value)
    check_model(call)
    if _call_changed(call, before):
        call.changed_at = now
    call.save()
    schedule_call_reminders(call, now)
    return call


@transaction.atomic
def delete_call(call, *, by):
    reminders.cancel(source=CALL_SOURCE, object_id=call.pk)
    call.delete()


@transaction.atomic
def delete_source(source, *, by):
    for call_id in source.calls.values_list("pk", flat=True):
        reminders.cancel(source=CALL_SOURCE, object_id=call_id)
    source.delete()


# --- following and saved searches -------------------------------------------------


@transaction.atomic
def follow(user, *, source=None, call=None):
    """``user`` follows a source or a call (again: nothing changes). A historic
    source, or a call that has closed, cannot be followed."""
    target = call.source if call is not None else source
    if target.is_historic:
        raise ValidationError(_("This programme has closed; it cannot be followed."))
    if call is not None and call.state() == "closed":
        raise ValidationError(_("This call has closed; it cannot be followed."))
    try:
        with transaction.atomic():
            row, _created = Follow.objects.get_or_create(user=user, source=source, call=call)
    except IntegrityError:  # followed at the same moment in another tab
        row = Follow.objects.get(user=user, source=source, call=call)
    return row


@transaction.atomic
def unfollow(user, *, source=None, call=None):
    return Follow.objects.filter(user=user, source=source, call=call).delete()[0] > 0


@transaction.atomic
def save_search(user, *, name, query, now=None):
    now = now or timezone.now()
    search = SavedSearch(user=user, name=name.strip(), query=query, created_at=now)
    search.covered_until = now
    if SavedSearch.objects.filter(user=user, name=search.name).exists():
        raise ValidationError({"name": _("You already have a saved search with this name.")})
    check_model(search)
    search.save()
    return search


@transaction.atomic
def delete_search(search, *, by):
    search.delete()


# --- an organisation's matches ----------------------------------------------------


@transaction.atomic
def set_need(organisation, *, amount_sought, by):
    need, _created = FundingNeed.objects.get_or_create(organisation=organisation)
    need.amount_sought = amount_sought
    need.updated_by = by
    check_model(need)
    need.save()
    return need


@transaction.atomic
def dismiss(organisation, source, *, reason, comment="", by, now=None):
    """The organisation says ``source`` is not for it; it leaves its matches."""
    comment = (comment or "").strip()
    errors = {}
    if reason not in Dismissal.Reason.values:
        errors["reason"] = _("Choose why this source is not for you.")
    elif reason == Dismissal.Reason.OTHER and not comment:
        errors["comment"] = _("Say in a few words why this source is not for you.")
    if errors:
        raise ValidationError(errors)
    dismissal, _created = Dismissal.objects.update_or_create(
        organisation=organisation,
        source=source,
        defaults={
            "reason": reason,
            "comment": comment,
            "dismissed_by": by,
            "created_at": now or timezone.now(),
        },
    )
    return dismissal


@transaction.atomic
def restore(organisation, source, *, by):
    """Undoes a dismissal: the source can appear among the matches again."""
    return Dismissal.objects.filter(organisation=organisation, source=source).delete()[0] > 0


# --- recommendations --------------------------------------------------------------


def organisation_people(organisation_ids):
    """{organisation id: [active users]} of the organisations' people, one query."""
    people = {}
    for membership in (
        Membership.objects.filter(organisation_id__in=organisation_ids, user__is_active=True)
        .select_related("user")
        .order_by("-role", "created_at")
    ):
        people.setdefault(membership.organisation_id, []).append(membership.user)
    return people


@transaction.atomic
def recommend(place, *, source, call=None, note, by, now=None):
    """``by`` recommends ``source`` (or one of its calls) to the organisation of
    ``place``, with a note; its people are emailed. Staff may recommend to any
    organisation taking part; its assigned mentor (``permissions.can_recommend``)
    to it."""
    if not permissions.can_recommend(by, place):
        raise ValidationError(_("You cannot recommend funding to this organisation."))
    errors = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Say why this source suits the organisation.")
    if source.is_historic:
        errors["source"] = _("This programme has closed; recommend a source one can apply to.")
    if call is not None and call.source_id != source.pk:
        errors["call"] = _("Choose a call of the recommended source.")
    elif call is not None and call.state(now) == "closed":
        errors["call"] = _("This call has closed; recommend one still ahead, or the source alone.")
    if errors:
        raise ValidationError(errors)
    recommendation = Recommendation.objects.create(
        place=place,
        source=source,
        call=call,
        note=note,
        author=by,
        created_at=now or timezone.now(),
    )
    people = organisation_people([place.organisation_id]).get(place.organisation_id, [])
    outbox.queue_many(
        [
            outbox.Outgoing(
                key=f"{RECOMMENDATION_KIND}:{recommendation.pk}:user:{person.pk}",
                recipient=person,
                template="funding/emails/recommendation",
                context={"recommendation": recommendation, "organisation": place.organisation},
            )
            for person in people
        ]
    )
    return recommendation


# --- the weekly email of saved searches -------------------------------------------


def send_digests(now=None):
    """Emails each saved search's owner the sources and calls that are new or
    changed since its last email and match it; nothing when nothing changed. A
    search is due once DIGEST_EVERY has passed since its last run. Returns how many
    emails were written."""
    from . import selectors

    now = now or timezone.now()
    written = 0
    due = SavedSearch.objects.filter(
        covered_until__lte=now - DIGEST_EVERY, user__is_active=True
    ).values_list("pk", flat=True)
    for search_id in list(due):
        with transaction.atomic():
            search = (
                SavedSearch.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=search_id, covered_until__lte=now - DIGEST_EVERY)
                .first()
            )
            if search is None:
                continue  # another run has it
            sources, calls = selectors.changed_since(search, search.covered_until, now)
            since = search.covered_until
            search.covered_until = now
            if sources or calls:
                written += len(
                    outbox.queue_many(
                        [
                            outbox.Outgoing(
                                key=f"{DIGEST_KIND}:{search.pk}:user:{search.user_id}:"
                                f"{since:%Y%m%dT%H%M%S}",
                                recipient=search.user,
                                template="funding/emails/digest",
                                context={
                                    "search": search,
                                    "sources": sources,
                                    "calls": calls,
                                    "since": since,
                                },
                            )
                        ],
                        now=now,
                    )
                )
                search.last_sent_at = now
            search.save(update_fields=["covered_until", "last_sent_at"])
    return written
