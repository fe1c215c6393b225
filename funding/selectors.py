"""Reads of the funding app: the catalogue and its filters, deadlines, what a person
follows, and each organisation's matches. Each runs a constant number of queries
however many sources and calls there are; filtering, ranking and matching happen in
the database."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import CohortMembership
from cohorts.selectors import memberships_of
from incubator.models import Organisation
from mentoring.models import MentorAssignment

from . import areas, search
from .models import (
    Dismissal,
    Follow,
    FundingCall,
    FundingSource,
    LegalForm,
    Municipality,
    Recommendation,
    SavedSearch,
    calls_ahead,
    open_calls,
)

SOON = datetime.timedelta(days=30)
CROSS_CUTTING = "cross_cutting"
# Legal forms of a legal person: a source open to "any legal person" admits them.
LEGAL_PERSONS = {"association", "foundation", "religious", "social_enterprise", "municipality"}
VISIBLE_PLACES = [CohortMembership.Status.ACTIVE, CohortMembership.Status.COMPLETED]


# --- the catalogue ------------------------------------------------------------------


@dataclass
class Filters:
    """What a catalogue visitor chose (see forms.CatalogueFilterForm)."""

    q: str = ""
    field: str = ""  # a priority field's code, or CROSS_CUTTING
    legal_form: str = ""  # a LegalForm code
    scope: str = ""
    kind: str = ""
    amount: Decimal | None = None
    open_now: bool = False
    closing_soon: bool = False
    show_historic: bool = False
    sort: str = "deadline"  # "deadline", "name" or "relevance"


def _through(relation, **conditions):
    """Exists: the outer source has a row of ``relation`` meeting ``conditions``."""
    model = getattr(FundingSource, relation).through
    return Exists(model.objects.filter(fundingsource_id=OuterRef("pk"), **conditions))


def _calls(condition):
    """Exists: the outer source has a call meeting ``condition``."""
    return Exists(FundingCall.objects.filter(condition, source_id=OuterRef("pk")))


def _conditions(filters, now):
    """The conditions of ``filters`` on a source, each a Q or an Exists."""
    conditions = []
    if not filters.show_historic or filters.open_now or filters.closing_soon:
        conditions.append(~Q(verification=FundingSource.Verification.HISTORIC))
    if filters.field == CROSS_CUTTING:
        conditions.append(Q(cross_cutting=True))
    elif filters.field:
        conditions.append(_through("priority_fields", priorityfield__code=filters.field))
    if filters.legal_form:
        codes = [filters.legal_form]
        if filters.legal_form in LEGAL_PERSONS:
            codes.append("any_legal_person")
        conditions.append(
            _through("legal_forms", legalform__code__in=codes) | ~_through("legal_forms")
        )
    if filters.scope:
        conditions.append(Q(scope=filters.scope))
    if filters.kind:
        conditions.append(Q(kind=filters.kind))
    if filters.amount is not None:
        conditions.append(Q(amount_min__isnull=True) | Q(amount_min__lte=filters.amount))
        conditions.append(Q(amount_max__isnull=True) | Q(amount_max__gte=filters.amount))
    if filters.open_now:
        conditions.append(_calls(open_calls(now)))
    if filters.closing_soon:
        conditions.append(_calls(calls_ahead(now) & Q(deadline__lte=now + SOON)))
    return conditions


def catalogue_sources(filters, now=None, rank=False):
    """The sources matching ``filters``, unordered and unannotated (``rank``: but for
    how well they match the text searched): the base of the catalogue page and of
    saved searches."""
    now = now or timezone.now()
    sources = FundingSource.objects.filter(*_conditions(filters, now))
    return search.apply(sources, filters.q, rank=rank)


def _next_deadline(now):
    return Subquery(
        FundingCall.objects.filter(
            calls_ahead(now), source_id=OuterRef("pk"), deadline__isnull=False
        )
        .order_by("deadline")
        .values("deadline")[:1]
    )


def with_deadlines(sources, now):
    """``next_deadline``: the nearest deadline ahead among the source's calls;
    ``has_open_call``: whether one is open now; ``has_rolling_call``: whether one
    without a deadline is ahead."""
    return sources.annotate(
        next_deadline=_next_deadline(now),
        has_open_call=_calls(open_calls(now)),
        has_rolling_call=_calls(calls_ahead(now) & Q(deadline=None)),
    )


def _name_order():
    language = (translation.get_language() or "lv")[:2]
    return "name_en" if language == "en" else "name_lv"


def public_sources():
    """Every source, historic ones included (their pages say they have closed)."""
    return FundingSource.objects.all()


def source_detail(pk):
    """A source with its calls (newest deadline last, rolling at the end) and every
    relation its page shows."""
    return (
        FundingSource.objects.filter(pk=pk)
        .prefetch_related(
            "priority_fields",
            "legal_forms",
            "regions",
            "municipalities",
            Prefetch("calls", queryset=FundingCall.objects.order_by(*FundingCall._meta.ordering)),
        )
        .first()
    )


def month_deadlines(year, month):
    """Calls whose deadline falls in the month (Riga time), of sources one can
    apply to, soonest first."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=zone)
    end = (
        datetime.datetime(year + 1, 1, 1, tzinfo=zone)
        if month == 12
        else datetime.datetime(year, month + 1, 1, tzinfo=zone)
    )
    return (
        FundingCall.objects.of_opportunities()
        .filter(deadline__gte=start, deadline__lt=end)
        .select_related("source")
        .order_by("deadline", "pk")
    )


# The month view shows this many deadlines a day; the rest behind a link to the day.
DAY_LIMIT = 5


def _local_day():
    return TruncDate("deadline", tzinfo=timezone.get_current_timezone())


@dataclass
class DeadlineDay:
    day: datetime.date
    calls: list
    count: int

    @property
    def more(self):
        return self.count - len(self.calls)


def month_deadline_days(year, month, per_day=DAY_LIMIT):
    """{day: DeadlineDay} of the month's deadlines (Riga days): each day's first
    ``per_day`` calls and how many it has in all, counted in the database. Two
    queries, however many deadlines the month has."""
    calls = month_deadlines(year, month)
    counts = calls.annotate(day=_local_day()).order_by().values("day").annotate(count=Count("pk"))
    days = {row["day"]: DeadlineDay(row["day"], [], row["count"]) for row in counts}
    first = calls.annotate(
        day=_local_day(),
        rank=Window(RowNumber(), partition_by=[_local_day()], order_by=[F("deadline"), F("pk")]),
    ).filter(rank__lte=per_day)
    for call in first:
        days[call.day].calls.append(call)
    return dict(sorted(days.items()))


def day_deadlines(day):
    """The calls whose deadline falls on ``day`` (Riga time), soonest first."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )
    return month_deadlines(day.year, day.month).filter(deadline__gte=start, deadline__lt=end)


FEED_HISTORY = datetime.timedelta(days=180)
FEED_LIMIT = 2000


def feed_calls(now=None):
    """The public calendar's calls: deadlines from half a year back on, of sources
    one can apply to."""
    now = now or timezone.now()
    return (
        FundingCall.objects.of_opportunities()
        .filter(deadline__gte=now - FEED_HISTORY)
        .select_related("source")
        .order_by("deadline", "pk")[:FEED_LIMIT]
    )


def stale_sources(today=None, after=None):
    """Sources staff have not checked for ``after`` (six months), or never: the
    oldest check first. Historic ones are left alone."""
    from .services import CHECK_AGAIN_AFTER

    today = today or timezone.localdate()
    limit = today - (after or CHECK_AGAIN_AFTER)
    return (
        FundingSource.objects.opportunities()
        .filter(Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=limit))
        .order_by(F("last_checked_on").asc(nulls_first=True), "name_lv")
    )


def staff_sources(filters, now=None):
    """The staff list: every source (historic too), with deadlines and call counts."""
    now = now or timezone.now()
    return (
        with_deadlines(catalogue_sources(filters, now), now)
        .annotate(call_count=Count("calls", distinct=True))
        .order_by(_name_order(), "pk")
    )


# --- following and saved searches -------------------------------------------------


def follows_of(user):
    """What ``user`` follows, with each source and call: one query."""
    return (
        Follow.objects.filter(user=user)
        .select_related("source", "call__source")
        .order_by("-created_at", "-pk")
    )


def followed_ids(user):
    """({source ids}, {call ids}) ``user`` follows: for the follow buttons."""
    if not user.is_authenticated:
        return set(), set()
    sources, calls = set(), set()
    for source_id, call_id in Follow.objects.filter(user=user).values_list("source_id", "call_id"):
        if source_id:
            sources.add(source_id)
        else:
            calls.add(call_id)
    return sources, calls


def followed_calls(user, since):
    """Calls with a deadline after ``since`` that ``user`` follows, or whose source
    they follow (for their calendar feed)."""
    mine = Follow.objects.filter(user=user)
    return (
        FundingCall.objects.of_opportunities()
        .filter(deadline__gte=since)
        .filter(Q(pk__in=mine.values("call_id")) | Q(source_id__in=mine.values("source_id")))
        .select_related("source")
        .order_by("deadline", "pk")
    )


def searches_of(user):
    return SavedSearch.objects.filter(user=user).order_by("name", "pk")


def changed_since(search, since, now):
    """For a saved search's email: the sources matching it that are new or changed
    since ``since``, and the calls (of sources matching it) new or changed since."""
    from .forms import filters_from_query

    filters = filters_from_query(search.query)
    matching = catalogue_sources(filters, now)
    sources = list(
        matching.filter(changed_at__gt=since, changed_at__lte=now).order_by(_name_order(), "pk")[
            :50
        ]
    )
    calls = list(
        FundingCall.objects.filter(
            source_id__in=matching.values("pk"), changed_at__gt=since, changed_at__lte=now
        )
        .select_related("source")
        .order_by(F("deadline").asc(nulls_last=True), "pk")[:50]
    )
    return sources, calls


# --- matching -----------------------------------------------------------------------

W_FIELD = 4
W_CROSS_CUTTING = 2
W_MUNICIPALITY = 3
W_REGION = 2
W_NATIONAL = 1
W_LEGAL_FORM = 1
W_AMOUNT_FITS = 2
W_AMOUNT_ABOVE = -2
W_AMOUNT_BELOW = -1
W_DEADLINE_SOON = 2
W_OPEN_NOW = 1
MATCHES_SHOWN = 30

AMOUNT_UNKNOWN, AMOUNT_FITS, AMOUNT_ABOVE, AMOUNT_BELOW = 0, 1, 2, 3


@dataclass
class Profile:
    """What matching knows of an organisation."""

    organisation: Organisation
    field_ids: set
    field_names: list
    legal_form: str  # a LegalForm code, or "" (only "any legal person" then)
    municipality: Municipality | None
    amount_sought: Decimal | None


@dataclass
class Reason:
    text: str
    positive: bool = True


@dataclass
class Match:
    source: FundingSource
    score: int
    reasons: list = field(default_factory=list)


def profiles(places, municipalities=None):
    """A matching Profile for each organisation of ``places`` (cohort places with
    ``organisation__funding_need`` and ``cohort__priority_field`` selected): its own
    field and its cohort's, its legal form, its municipality; one query for the
    municipalities, however many organisations."""
    if municipalities is None:
        municipalities = list(Municipality.objects.select_related("region"))
    by_organisation = {}
    for place in places:
        organisation = place.organisation
        profile = by_organisation.get(organisation.pk)
        if profile is None:
            need = getattr(organisation, "funding_need", None)
            profile = Profile(
                organisation=organisation,
                field_ids={organisation.priority_field_id},
                field_names=[],
                legal_form=organisation.legal_form
                if organisation.legal_form in LEGAL_PERSONS
                else "",
                municipality=areas.find_municipality(organisation.municipality, municipalities),
                amount_sought=need.amount_sought if need else None,
            )
            by_organisation[organisation.pk] = profile
        cohort_field = place.cohort.priority_field
        profile.field_ids.add(cohort_field.pk)
        if cohort_field.name not in profile.field_names:
            profile.field_names.append(cohort_field.name)
    return list(by_organisation.values())


def _amount_fit(need):
    if need is None:
        return Value(AMOUNT_UNKNOWN)
    return Case(
        When(Q(amount_max__isnull=False, amount_max__lt=need), then=Value(AMOUNT_ABOVE)),
        When(Q(amount_min__isnull=False, amount_min__gt=need), then=Value(AMOUNT_BELOW)),
        When(Q(amount_min__isnull=False) | Q(amount_max__isnull=False), then=Value(AMOUNT_FITS)),
        default=Value(AMOUNT_UNKNOWN),
        output_field=IntegerField(),
    )


def _points(condition, points):
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


def match_queryset(profile, now=None):
    """The sources that suit the organisation, ranked, as one query: sources one can
    apply to, not dismissed by it, in its field (or for civil society in general),
    open to its legal form (or not saying), covering where it works; ranked by field,
    place, legal form, the amount it seeks against the source's range, and a
    deadline soon."""
    now = now or timezone.now()
    municipality = profile.municipality
    forms = ["any_legal_person"] + ([profile.legal_form] if profile.legal_form else [])
    sources = with_deadlines(FundingSource.objects.opportunities(), now).annotate(
        fits_field=_through("priority_fields", priorityfield_id__in=profile.field_ids),
        lists_forms=_through("legal_forms"),
        fits_form=_through("legal_forms", legalform__code__in=forms),
        names_form=_through("legal_forms", legalform__code=profile.legal_form or "-"),
        in_region=_through("regions", region_id=municipality.region_id if municipality else 0),
        in_municipality=_through(
            "municipalities", municipality_id=municipality.pk if municipality else 0
        ),
        amount_fit=_amount_fit(profile.amount_sought),
    )
    sources = (
        sources.filter(Q(fits_field=True) | Q(cross_cutting=True))
        .filter(Q(lists_forms=False) | Q(fits_form=True))
        .filter(
            Q(scope__in=FundingSource.WIDE_SCOPES)
            | Q(scope=FundingSource.Scope.REGIONAL, in_region=True)
            | Q(scope=FundingSource.Scope.MUNICIPAL, in_municipality=True)
        )
        .exclude(
            Exists(
                Dismissal.objects.filter(
                    organisation_id=profile.organisation.pk, source=OuterRef("pk")
                )
            )
        )
    )
    score = (
        _points(Q(fits_field=True), W_FIELD)
        + _points(Q(cross_cutting=True), W_CROSS_CUTTING)
        + _points(Q(scope=FundingSource.Scope.MUNICIPAL), W_MUNICIPALITY)
        + _points(Q(scope=FundingSource.Scope.REGIONAL), W_REGION)
        + _points(Q(scope=FundingSource.Scope.NATIONAL), W_NATIONAL)
        + _points(Q(names_form=True), W_LEGAL_FORM)
        + _points(Q(amount_fit=AMOUNT_FITS), W_AMOUNT_FITS)
        + _points(Q(amount_fit=AMOUNT_ABOVE), W_AMOUNT_ABOVE)
        + _points(Q(amount_fit=AMOUNT_BELOW), W_AMOUNT_BELOW)
        + _points(Q(next_deadline__lte=now + SOON), W_DEADLINE_SOON)
        + _points(Q(has_open_call=True), W_OPEN_NOW)
    )
    return sources.annotate(score=score).order_by(
        "-score", F("next_deadline").asc(nulls_last=True), "name_lv", "pk"
    )


def _eur(value):
    return f"{value:,.0f}".replace(",", "\u00a0")


def _where_reason(source, profile):
    if source.scope == FundingSource.Scope.MUNICIPAL:
        return Reason(_("For organisations in %(place)s") % {"place": profile.municipality})
    if source.scope == FundingSource.Scope.REGIONAL:
        return Reason(_("For organisations in %(place)s") % {"place": profile.municipality.region})
    if source.scope == FundingSource.Scope.NATIONAL:
        return Reason(_("Open to organisations across Latvia"))
    return Reason(_("%(scope)s programme") % {"scope": source.get_scope_display()})


def _amount_reason(source, profile):
    if source.amount_fit == AMOUNT_FITS:
        return Reason(
            _("The %(amount)s EUR you seek is within its range")
            % {"amount": _eur(profile.amount_sought)}
        )
    if source.amount_fit == AMOUNT_ABOVE:
        return Reason(
            _("You seek more than its maximum of %(max)s EUR") % {"max": _eur(source.amount_max)},
            positive=False,
        )
    if source.amount_fit == AMOUNT_BELOW:
        return Reason(
            _("You seek less than its minimum of %(min)s EUR") % {"min": _eur(source.amount_min)},
            positive=False,
        )
    return None


def _time_reason(source, now):
    if source.next_deadline and source.next_deadline <= now + SOON:
        days = max((timezone.localdate(source.next_deadline) - timezone.localdate(now)).days, 0)
        return Reason(
            ngettext("Deadline in %(days)d day", "Deadline in %(days)d days", days) % {"days": days}
        )
    if source.has_open_call:
        return Reason(_("A call is open now"))
    return None


def _reasons(source, profile, now):
    """Why ``source`` suits the organisation (and what speaks against it), from the
    annotations of ``match_queryset``: no query."""
    reasons = []
    if source.fits_field:
        fields = ", ".join(profile.field_names)
        reasons.append(Reason(_("Funds your field: %(field)s") % {"field": fields}))
    if source.cross_cutting:
        reasons.append(Reason(_("For civil society in general")))
    reasons.append(_where_reason(source, profile))
    if source.names_form:
        form = Organisation.LegalForm(profile.organisation.legal_form).label
        reasons.append(Reason(_("Open to your legal form: %(form)s") % {"form": form}))
    reasons.append(_amount_reason(source, profile))
    reasons.append(_time_reason(source, now))
    return [reason for reason in reasons if reason is not None]


def matches(profile, now=None, limit=MATCHES_SHOWN):
    """The organisation's ranked matches with their reasons: one query."""
    now = now or timezone.now()
    rows = match_queryset(profile, now)
    if limit:
        rows = rows[:limit]
    return [Match(source, source.score, _reasons(source, profile, now)) for source in rows]


# --- participants, recommendations, dismissals ---------------------------------------


def _places():
    return CohortMembership.objects.select_related(
        "organisation__funding_need",
        "organisation__priority_field",
        "cohort__priority_field",
        "cycle",
    )


def places_of(user):
    """The user's organisations taking part (or having taken part) in a cycle: their
    most recent place each."""
    places = memberships_of(user).select_related(
        "organisation__funding_need", "organisation__priority_field"
    )
    latest = {}
    for place in places:
        latest.setdefault(place.organisation_id, place)
    return list(latest.values())


def organisation_places(organisation):
    """Staff: the organisation's places in cycles (newest first)."""
    return list(
        _places()
        .filter(organisation=organisation, status__in=VISIBLE_PLACES)
        .order_by("-cycle__incubation_starts_on", "-pk")
    )


def participating_organisations():
    """Staff: organisations that take part (or took part) in a cycle, with how many
    recommendations and dismissals each has."""
    places = CohortMembership.objects.filter(status__in=VISIBLE_PLACES)
    return (
        Organisation.objects.filter(pk__in=places.values("organisation_id"))
        .select_related("priority_field")
        .annotate(
            recommendation_count=Subquery(
                Recommendation.objects.filter(place__organisation_id=OuterRef("pk"))
                .order_by()
                .values("place__organisation_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            dismissal_count=Count("funding_dismissals", distinct=True),
        )
        .order_by("name", "pk")
    )


def mentored_places(user):
    """The cohort places (organisations still taking part or done) whose organisation
    ``user`` mentors in that cycle (the assignment accepted): where they may
    recommend funding."""
    if not user.is_authenticated:
        return CohortMembership.objects.none()
    assigned = MentorAssignment.objects.filter(
        mentor__user=user,
        status=MentorAssignment.Status.ACCEPTED,
        cycle_id=OuterRef("cycle_id"),
        organisation_id=OuterRef("organisation_id"),
    )
    return (
        CohortMembership.objects.filter(Exists(assigned), status__in=VISIBLE_PLACES)
        .select_related("organisation", "cycle")
        .order_by("-cycle__incubation_starts_on", "organisation__name", "pk")
    )


def recommendations_for(organisation_ids):
    return (
        Recommendation.objects.filter(place__organisation_id__in=organisation_ids)
        .select_related("source", "call", "author", "place__cycle")
        .order_by("-created_at", "-pk")
    )


def dismissals_of(organisation_ids):
    return (
        Dismissal.objects.filter(organisation_id__in=organisation_ids)
        .select_related("source", "dismissed_by")
        .order_by("-created_at", "-pk")
    )


def dismissal_overview():
    """Staff: every dismissal with its organisation and source, and the count per
    reason."""
    rows = Dismissal.objects.select_related("organisation", "source", "dismissed_by").order_by(
        "-created_at", "-pk"
    )
    counts = dict(Dismissal.objects.values_list("reason").annotate(n=Count("pk")).order_by())
    by_reason = [(label, counts.get(value, 0)) for value, label in Dismissal.Reason.choices]
    return rows, by_reason


def legal_forms():
    return list(LegalForm.objects.all())


def recommendable(now):
    """What can be recommended to an organisation: the sources one can still apply
    to, by name, and their calls still ahead, by source and deadline (querysets: a
    form lists them, a service checks a choice against them)."""
    sources = FundingSource.objects.opportunities().order_by("name_lv")
    calls = (
        FundingCall.objects.ahead(now)
        .of_opportunities()
        .select_related("source")
        .order_by("source__name_lv", "deadline")
    )
    return sources, calls
