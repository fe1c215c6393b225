"""Who reaches what, and the figures of the analysis pages, computed in the database.

A place (``CohortMembership``: an organisation in a cycle) is reached by the
organisation's people, by its mentor (an accepted assignment for that cycle) and by
staff; views fetch every object through these scoped querysets, so another party's
object is a 404."""

from collections import defaultdict

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from cohorts.models import CohortMembership
from incubator.models import Cycle, Membership
from incubator.permissions import is_staff
from mentoring.models import MentorAssignment
from mentoring.selectors.access import profile_of

from .models import AgreedScore, Answer, Area, Assessment, Instrument, Recommendation, Response


def _mentored(user, cycle_field="cycle_id", organisation_field="organisation_id"):
    profile = profile_of(user)
    if profile is None:
        return None
    return Exists(
        MentorAssignment.objects.filter(
            mentor=profile,
            status=MentorAssignment.Status.ACCEPTED,
            cycle_id=OuterRef(cycle_field),
            organisation_id=OuterRef(organisation_field),
        )
    )


def _own(user, organisation_field="organisation_id"):
    return Exists(
        Membership.objects.filter(user=user, organisation_id=OuterRef(organisation_field))
    )


def _scope(queryset, user):
    if is_staff(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    condition = Q(_own(user))
    mentored = _mentored(user)
    if mentored is not None:
        condition |= Q(mentored)
    return queryset.filter(condition)


def places_for(user):
    """The places whose analysis ``user`` may open."""
    return _scope(
        CohortMembership.objects.exclude(status=CohortMembership.Status.LEFT).select_related(
            "organisation", "cycle", "cohort__priority_field"
        ),
        user,
    )


def assessments_for(user):
    return _scope(Assessment.objects.select_related("cycle", "organisation", "instrument"), user)


def place_of(assessment):
    """The organisation's place in the assessment's cycle."""
    return CohortMembership.objects.filter(
        cycle_id=assessment.cycle_id, organisation_id=assessment.organisation_id
    ).first()


def own_assessments(user):
    """Assessments ``user`` answers as one of the organisation's people."""
    if not user.is_authenticated:
        return Assessment.objects.none()
    return Assessment.objects.filter(_own(user)).select_related(
        "cycle", "organisation", "instrument"
    )


def recommendations_for(user):
    return _scope(Recommendation.objects.select_related("area", "organisation", "cycle"), user)


def is_member(user, organisation_id):
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def is_leader(user, organisation_id):
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role=Membership.Role.LEADER
    ).exists()


def may_agree(user, cycle_id, organisation_id):
    """Staff, or the organisation's mentor in that cycle, record agreed scores and
    write recommendations."""
    if is_staff(user):
        return True
    profile = profile_of(user)
    return (
        profile is not None
        and MentorAssignment.objects.filter(
            mentor=profile,
            status=MentorAssignment.Status.ACCEPTED,
            cycle_id=cycle_id,
            organisation_id=organisation_id,
        ).exists()
    )


def home_places(user):
    """The places listed on the analysis home page, with their assessments."""
    places = list(places_for(user).order_by("-cycle__incubation_starts_on", "organisation__name"))
    assessments = defaultdict(dict)
    for assessment in Assessment.objects.filter(
        Q(pk__in=[]) | _pairs_condition((p.cycle_id, p.organisation_id) for p in places)
    ):
        assessments[(assessment.cycle_id, assessment.organisation_id)][assessment.kind] = assessment
    own = set(
        Membership.objects.filter(
            user=user, organisation_id__in=[p.organisation_id for p in places]
        ).values_list("organisation_id", flat=True)
    )
    for place in places:
        found = assessments[(place.cycle_id, place.organisation_id)]
        place.baseline = found.get(Assessment.Kind.BASELINE)
        place.end = found.get(Assessment.Kind.END)
        # The organisation's people answer; anyone else listed here (its mentor,
        # staff) may agree the scores.
        place.answers = place.organisation_id in own
    return places


def _pairs_condition(pairs, prefix=""):
    condition = Q(pk__in=[])
    for cycle_id, organisation_id in pairs:
        condition |= Q(
            **{f"{prefix}cycle_id": cycle_id, f"{prefix}organisation_id": organisation_id}
        )
    return condition


# --- one respondent's form -------------------------------------------------------------


def instrument_areas(instrument):
    """The instrument's areas, each with ``questions`` loaded (two queries)."""
    return list(instrument.areas.prefetch_related("questions"))


def response_of(assessment, user):
    """The person's response, or an unsaved one when they have not answered yet."""
    return Response.objects.filter(assessment=assessment, respondent=user).first() or Response(
        assessment=assessment, respondent=user
    )


def answers_of(response):
    if response.pk is None:
        return {}
    return dict(response.answers.values_list("question_id", "score"))


# --- the agreement page ----------------------------------------------------------------


def spread(assessment):
    """{question id: {"scores": [n at 1, n at 2, n at 3, n at 4], "count", "low", "high",
    "mean", "wide"}} over the submitted responses, counted in the database."""
    figures = defaultdict(lambda: {"scores": [0, 0, 0, 0], "count": 0})
    for question_id, score, count in (
        Answer.objects.filter(response__assessment=assessment, response__submitted_at__isnull=False)
        .values_list("question_id", "score")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        entry = figures[question_id]
        entry["scores"][score - 1] = count
        entry["count"] += count
    for entry in figures.values():
        given = [level for level, n in enumerate(entry["scores"], start=1) if n]
        entry["low"], entry["high"] = min(given), max(given)
        entry["mean"] = (
            sum(level * n for level, n in enumerate(entry["scores"], 1)) / entry["count"]
        )
        entry["wide"] = entry["high"] - entry["low"] >= 2
    return figures


def agreed_of(assessment):
    return {a.question_id: a for a in AgreedScore.objects.filter(assessment=assessment)}


def respondents(assessment):
    """The responses (who answered, whether submitted) and the invitees."""
    responses = list(
        Response.objects.filter(assessment=assessment)
        .select_related("respondent")
        .order_by("started_at")
    )
    return responses, list(assessment.invitees.order_by("invited_at"))


# --- the results of one organisation ---------------------------------------------------


def _area_means(queryset, score_field, area_field, group_fields=()):
    return {
        tuple(row[f] for f in (*group_fields, "area")): row["mean"]
        for row in queryset.values(*group_fields, area=F(area_field))
        .annotate(mean=Avg(score_field))
        .order_by()
    }


def results(place):
    """Per area of the organisation's baseline instrument: the mean self-assessment
    (every submitted response) and the agreed score, at baseline and at the end, and
    the cohort's mean agreed score at both (same version only). A constant number of
    queries whatever the cohort's size."""
    assessments = {
        a.kind: a
        for a in Assessment.objects.filter(
            cycle_id=place.cycle_id, organisation_id=place.organisation_id
        ).select_related("instrument")
    }
    baseline = assessments.get(Assessment.Kind.BASELINE)
    if baseline is None:
        return {"assessments": assessments, "areas": [], "instrument": None}
    instrument_id = baseline.instrument_id
    ids = [a.pk for a in assessments.values()]
    own_self = _area_means(
        Answer.objects.filter(
            response__assessment_id__in=ids, response__submitted_at__isnull=False
        ),
        "score",
        "question__area_id",
        ("response__assessment__kind",),
    )
    own_agreed = _area_means(
        AgreedScore.objects.filter(assessment_id__in=ids),
        "score",
        "question__area_id",
        ("assessment__kind",),
    )
    cohort = _area_means(
        AgreedScore.objects.filter(
            assessment__cycle_id=place.cycle_id,
            assessment__instrument_id=instrument_id,
            assessment__organisation__cohort_memberships__cohort_id=place.cohort_id,
        ),
        "score",
        "question__area_id",
        ("assessment__kind",),
    )
    areas = []
    for area in Area.objects.filter(instrument_id=instrument_id).order_by("order", "code"):
        row = {"area": area}
        for kind in Assessment.Kind.values:
            row[f"{kind}_self"] = own_self.get((kind, area.pk))
            row[f"{kind}_agreed"] = own_agreed.get((kind, area.pk))
            row[f"{kind}_cohort"] = cohort.get((kind, area.pk))
        areas.append(row)
    return {
        "assessments": assessments,
        "areas": areas,
        "instrument_id": instrument_id,
        "chart": _chart(areas),
    }


def _chart(areas):
    """The radar chart's data: the agreed scores at baseline and end, the self-
    assessment, and the cohort's mean as a faint overlay (the same figures as the table)."""
    series = [
        ("baseline_agreed", _("Baseline, agreed"), False),
        ("baseline_self", _("Baseline, self-assessment"), False),
        ("end_agreed", _("End, agreed"), False),
        ("end_self", _("End, self-assessment"), False),
        ("baseline_cohort", _("Cohort, baseline"), True),
        ("end_cohort", _("Cohort, end"), True),
    ]
    datasets = []
    for key, label, faint in series:
        values = [round(row[key], 2) if row[key] is not None else None for row in areas]
        if any(value is not None for value in values):
            datasets.append({"label": str(label), "data": values, "faint": faint})
    return {"labels": [str(row["area"].name) for row in areas], "datasets": datasets}


def recommendations_qs(place):
    return (
        Recommendation.objects.filter(
            cycle_id=place.cycle_id, organisation_id=place.organisation_id
        )
        .select_related("area")
        .order_by("priority", "created_at")
    )


def recommendations_of(place):
    return list(recommendations_qs(place))


def areas_of_cycle(cycle_id):
    """The areas a recommendation of the cycle may name: its current instrument's."""
    latest = Instrument.objects.filter(cycle_id=cycle_id).order_by("-version").values("pk")[:1]
    return Area.objects.filter(instrument_id=Subquery(latest)).order_by("order", "code")


# --- staff -----------------------------------------------------------------------------


def staff_cycle(cycle):
    """Every place of ``cycle`` with the state of its assessments, counted in the
    database: respondents, submitted, agreed scores, recommendations."""
    places = list(
        CohortMembership.objects.filter(cycle=cycle)
        .exclude(status=CohortMembership.Status.LEFT)
        .select_related("organisation", "cohort__priority_field")
        .order_by("cohort__priority_field__order", "organisation__name")
    )
    states = defaultdict(dict)
    for assessment in Assessment.objects.filter(cycle=cycle).annotate(
        respondents=Count("responses", distinct=True),
        submitted=Count(
            "responses", filter=Q(responses__submitted_at__isnull=False), distinct=True
        ),
        agreed=Count("agreed_scores", distinct=True),
    ):
        states[assessment.organisation_id][assessment.kind] = assessment
    recommendations = dict(
        Recommendation.objects.filter(cycle=cycle)
        .values_list("organisation_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for place in places:
        place.baseline = states[place.organisation_id].get(Assessment.Kind.BASELINE)
        place.end = states[place.organisation_id].get(Assessment.Kind.END)
        place.recommendation_count = recommendations.get(place.organisation_id, 0)
    return places


def staff_cycles():
    return Cycle.objects.order_by("-incubation_starts_on")


# --- programme results -----------------------------------------------------------------

# The capacity change per area: each organisation's mean agreed score per area at
# baseline and at the end, then per area over the organisations that have both. The end
# repeats the baseline's version, so an area (one version's) compares like with like.
CAPACITY_CHANGE_SQL = """
SELECT per.area_id, COUNT(*), AVG(per.b), AVG(per.e), AVG(per.e - per.b),
       SUM(CASE WHEN per.e > per.b THEN 1 ELSE 0 END)
FROM (
    SELECT a.organisation_id, q.area_id,
           AVG(CASE WHEN a.kind = 'baseline' THEN s.score END) AS b,
           AVG(CASE WHEN a.kind = 'end' THEN s.score END) AS e
    FROM analysis_agreedscore s
    JOIN analysis_assessment a ON a.id = s.assessment_id
    JOIN analysis_question q ON q.id = s.question_id
    WHERE a.cycle_id = %s
    GROUP BY a.organisation_id, q.area_id
) per
WHERE per.b IS NOT NULL AND per.e IS NOT NULL
GROUP BY per.area_id
"""


def _number(value):
    return None if value is None else round(float(value), 2)


def capacity_change(cycle_id):
    """Per area: the organisations with a baseline and an end agreed score, their
    mean at both, the mean change and the share that improved. Two queries."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(CAPACITY_CHANGE_SQL, [cycle_id])
        figures = {row[0]: row[1:] for row in cursor.fetchall()}
    rows = []
    for area in (
        Area.objects.filter(pk__in=figures)
        .select_related("instrument")
        .order_by("instrument__version", "order", "code")
    ):
        count, baseline, end, change, improved = figures[area.pk]
        rows.append(
            {
                "area": area,
                "organisations": count,
                "baseline": _number(baseline),
                "end": _number(end),
                "change": _number(change),
                "improved": round(100 * improved / count) if count else None,
            }
        )
    return rows


def assessment_progress(cycle_id):
    """Per kind: assessments opened, with a submitted self-assessment, agreed."""
    rows = (
        Assessment.objects.filter(cycle_id=cycle_id)
        .values("kind")
        .annotate(
            opened=Count("pk", distinct=True),
            answered=Count("pk", filter=Q(responses__submitted_at__isnull=False), distinct=True),
            agreed=Count("pk", filter=Q(agreed_at__isnull=False), distinct=True),
        )
        .order_by()
    )
    found = {row["kind"]: row for row in rows}
    return [
        {"kind": label, **found.get(kind, {"opened": 0, "answered": 0, "agreed": 0})}
        for kind, label in Assessment.Kind.choices
    ]


def recommendation_states(cycle_id):
    counts = dict(
        Recommendation.objects.filter(cycle_id=cycle_id)
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return [(label, counts.get(status, 0)) for status, label in Recommendation.Status.choices]


def feedback_of(place):
    from .models import Feedback

    return Feedback.objects.filter(
        cycle_id=place.cycle_id, organisation_id=place.organisation_id
    ).first()


def feedback_figures(cycle_id):
    """The mean and the number of answers per rating, and the free texts (without the
    name where the respondent asked), counted in the database."""
    from .models import Feedback

    rows = Feedback.objects.filter(cycle_id=cycle_id)
    figures = rows.aggregate(count=Count("pk"), **{name: Avg(name) for name in Feedback.RATINGS})
    labels = {name: Feedback._meta.get_field(name).verbose_name for name in Feedback.RATINGS}
    ratings = [(labels[name], _number(figures[name])) for name in Feedback.RATINGS]
    comments = [
        (f.comment, None if f.anonymous else f.given_by)
        for f in rows.exclude(comment="").select_related("given_by").order_by("given_at")
    ]
    return {
        "count": figures["count"],
        "ratings": ratings,
        "comments": comments,
        "overall": _number(figures["overall"]),
    }
