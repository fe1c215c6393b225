"""Reads of the evaluation, scoped to who asks: a reviewer reaches only their own
assignments; everything else here is for staff pages."""

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils.translation import get_language

from incubator.models import Membership

from ..models import (
    Application,
    CommitteeMember,
    Criterion,
    DecisionLetter,
    EligibilityCheck,
    EligibilityRequirement,
    FieldQuota,
    LetterTemplate,
    PlaceOffer,
    ReviewAssignment,
    ReviewSettings,
    Score,
    StatusChange,
)
from .figures import is_ineligible, reviews_missing, score_points, span_of

Status = ReviewAssignment.Status


def review_settings(cycle):
    """The cycle's review settings; the defaults (unsaved) until staff change them."""
    return ReviewSettings.objects.filter(cycle=cycle).first() or ReviewSettings(cycle=cycle)


def scoring_started(cycle):
    return Score.objects.filter(criterion__cycle=cycle).exists()


def criteria(cycle):
    return Criterion.objects.filter(cycle=cycle).order_by("order", "pk")


def requirements(cycle):
    return EligibilityRequirement.objects.filter(cycle=cycle).order_by("order", "pk")


def quotas(cycle):
    """{priority field id: (minimum, maximum or None)} for the fields that have one."""
    return {
        q.priority_field_id: (q.minimum_places, q.maximum_places)
        for q in FieldQuota.objects.filter(cycle=cycle)
    }


def letter_templates(cycle):
    return {t.decision: t for t in LetterTemplate.objects.filter(cycle=cycle)}


# --- the reviewer's own ------------------------------------------------------------------


def assignments_for(user):
    """The reviews assigned to ``user``; the only way a reviewer reaches an
    application, so anything else is a 404 (a withdrawn application disappears)."""
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(
        member__user=user, application__status__in=Application.EVALUATED
    ).select_related(
        "member__cycle",
        "application__organisation__priority_field",
        "application__priority_field",
        "application__cycle",
    )


def reviewer_dashboard(user):
    """(to review, done) for the reviewer's dashboard, newest cycle first. Done
    includes recusals."""
    assignments = list(
        assignments_for(user)
        .select_related("application__cycle__review_settings")
        .annotate(scored=Count("scores", filter=Q(scores__value__isnull=False)))
        .order_by("-application__cycle__call_opens_at", "application__organisation__name")
    )
    to_review = [a for a in assignments if a.status in (Status.ASSIGNED, Status.DRAFT)]
    done = [a for a in assignments if a.status in (Status.SUBMITTED, Status.RECUSED)]
    return to_review, done


def scores_of(assignment):
    """{criterion pk: Score} of one review."""
    return {s.criterion_id: s for s in assignment.scores.all()}


def other_reviews(assignment):
    """The other submitted reviews of the same application, with their scores."""
    return (
        ReviewAssignment.objects.filter(
            application_id=assignment.application_id, status=Status.SUBMITTED
        )
        .exclude(pk=assignment.pk)
        .select_related("member__user")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion").order_by(
                    "criterion__order", "criterion"
                ),
            )
        )
        .order_by("submitted_at", "pk")
    )


# --- staff: the committee, assignments and progress ------------------------------------


def committee(cycle):
    """The cycle's committee members with how far each has got and ``mean_given``:
    the mean of the scores they submitted, on a 0–1 scale (how harsh or lenient
    they are; None before their first submitted review)."""
    active = Q(assignments__application__status__in=Application.EVALUATED)
    return (
        CommitteeMember.objects.filter(cycle=cycle)
        .select_related("user")
        .annotate(
            assigned=Count("assignments", filter=active & ~Q(assignments__status=Status.RECUSED)),
            submitted=Count("assignments", filter=active & Q(assignments__status=Status.SUBMITTED)),
            drafts=Count("assignments", filter=active & Q(assignments__status=Status.DRAFT)),
            not_started=Count(
                "assignments", filter=active & Q(assignments__status=Status.ASSIGNED)
            ),
            recusals=Count("assignments", filter=active & Q(assignments__status=Status.RECUSED)),
            mean_given=F("line__mean"),
        )
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def application_progress(cycle):
    """The cycle's reviewed applications with their reviews counted by status, and
    whether each has an eligibility problem."""
    return (
        Application.objects.filter(cycle=cycle, status__in=Application.EVALUATED)
        .select_related("organisation", "priority_field")
        .annotate(
            active_reviews=Count("assignments", filter=~Q(assignments__status=Status.RECUSED)),
            submitted_reviews=Count("assignments", filter=Q(assignments__status=Status.SUBMITTED)),
            draft_reviews=Count("assignments", filter=Q(assignments__status=Status.DRAFT)),
            recusals=Count("assignments", filter=Q(assignments__status=Status.RECUSED)),
            ineligible=is_ineligible(),
        )
        .order_by("organisation__name", "pk")
    )


def blocked_pairs(user_ids, organisation_ids):
    """(user id, organisation id) pairs that must never be assigned: declared
    conflicts of interest (in any cycle) and membership of the organisation."""
    blocked = set(
        ReviewAssignment.objects.filter(
            has_conflict=True,
            member__user_id__in=user_ids,
            application__organisation_id__in=organisation_ids,
        ).values_list("member__user_id", "application__organisation_id")
    )
    blocked |= set(
        Membership.objects.filter(
            user_id__in=user_ids, organisation_id__in=organisation_ids
        ).values_list("user_id", "organisation_id")
    )
    return blocked


def assignable_members(application, members, *, blocked=None, assigned=None):
    """The committee members (of ``members``) who may be given ``application``: not
    already assigned to it, not in the organisation, no conflict declared with it."""
    if blocked is None:
        blocked = blocked_pairs([m.user_id for m in members], [application.organisation_id])
    if assigned is None:
        assigned = set(application.assignments.values_list("member_id", flat=True))
    return [
        m
        for m in members
        if m.pk not in assigned and (m.user_id, application.organisation_id) not in blocked
    ]


def assignment_rows(applications, settings, members=()):
    """Applications (a page of them) with their assignments and reviewers,
    ``missing``: how many more reviewers each needs, and ``assignable``: the
    ``members`` who may still be given it."""
    applications = list(
        applications.prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.select_related("member__user").order_by(
                    "assigned_at", "pk"
                ),
            )
        )
    )
    blocked = blocked_pairs([m.user_id for m in members], [a.organisation_id for a in applications])
    for application in applications:
        application.assignable = assignable_members(
            application,
            members,
            blocked=blocked,
            assigned={a.member_id for a in application.assignments.all()},
        )
        application.missing = reviews_missing(
            application.submitted_reviews,
            application.active_reviews - application.submitted_reviews,
            settings.reviewers_per_application,
        )
    return applications


def conflicts(cycle):
    """Every conflict of interest declared in the cycle, for staff and the export."""
    return (
        ReviewAssignment.objects.filter(application__cycle=cycle, has_conflict=True)
        .select_related("member__user", "application__organisation", "application__priority_field")
        .annotate(
            replaced=Exists(
                ReviewAssignment.objects.filter(
                    application=OuterRef("application"),
                    assigned_at__gt=OuterRef("conflict_declared_at"),
                ).exclude(status=Status.RECUSED)
            )
        )
        .order_by("conflict_declared_at", "pk")
    )


def reviews_of(application):
    """Staff's view of every review of one application, with scores."""
    return (
        ReviewAssignment.objects.filter(application=application)
        .select_related("member__user")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion").order_by(
                    "criterion__order", "criterion"
                ),
            )
        )
        .order_by("assigned_at", "pk")
    )


def published_decision(application):
    """What the organisation sees of the decision it was told: the letter, the unmet
    eligibility requirements with staff's notes, and — when the cycle allows it —
    the feedback per criterion as it was when the letter was sent (mean score and
    the reviewers' comments, unnamed)."""
    if not application.published_decision or not application.is_decided:
        return {}
    letter = application.decision_letters.order_by("-sent_at", "-pk").first()
    unmet = list(application.eligibility_checks.filter(met=False).select_related("requirement"))
    context = {"letter": letter, "unmet_requirements": unmet}
    feedback = letter.feedback if letter else {}
    if not feedback or not review_settings(application.cycle).applicants_see_feedback:
        return context
    english = get_language() == "en"
    context["feedback"] = [
        {
            "name": (english and item["name_en"]) or item["name_lv"],
            "mean": item["mean"],
            "scale_max": item["scale_max"],
            "comments": item["comments"],
        }
        for item in feedback["criteria"]
    ]
    context["feedback_total"] = feedback["total"]
    context["feedback_raw_total"] = feedback.get("raw_total")
    context["feedback_normalised"] = feedback.get("normalised", False)
    context["overall_comments"] = feedback["overall"]
    return context


def running_total(assignment, criteria):
    """The review's weighted total so far, as a percentage of the maximum (unscored
    criteria count as nothing yet), computed by the database from the saved scores."""
    figures = Score.objects.filter(assignment=assignment, value__isnull=False).aggregate(
        points=score_points(),
        scored=Count("pk"),
    )
    span = span_of(criteria)
    percent = 100 * (figures["points"] or 0) / span if span else None
    return {"percent": percent, "scored": figures["scored"], "criteria": len(criteria)}


def ineligible_applications(cycle):
    """Applications that left the ranking for an unmet eligibility requirement,
    each with ``unmet``: its failed checks."""
    return (
        Application.objects.filter(cycle=cycle, status__in=Application.EVALUATED)
        .filter(is_ineligible())
        .select_related("organisation", "priority_field")
        .prefetch_related(
            Prefetch(
                "eligibility_checks",
                queryset=EligibilityCheck.objects.filter(met=False).select_related("requirement"),
                to_attr="unmet",
            )
        )
        .order_by("organisation__name")
    )


def quota_rows(cycle):
    return FieldQuota.objects.filter(cycle=cycle).select_related("priority_field")


def decisions(cycle):
    """The cycle's decided applications with their current decision (the latest
    status change), who took it, and when its letter was sent (None: not yet)."""
    latest = StatusChange.objects.filter(
        application=OuterRef("pk"), status=OuterRef("status")
    ).order_by("-changed_at", "-pk")
    return (
        Application.objects.filter(cycle=cycle, status__in=Application.DECISIONS)
        .select_related("organisation", "priority_field")
        .annotate(
            decision_id=Subquery(latest.values("pk")[:1]),
            decision_reason=Subquery(latest.values("note")[:1]),
            decision_internal_note=Subquery(latest.values("internal_note")[:1]),
            decision_places_override=Subquery(latest.values("places_override")[:1]),
            decided_at=Subquery(latest.values("changed_at")[:1]),
            letter_sent_at=Subquery(
                DecisionLetter.objects.filter(decision_id=OuterRef("decision_id")).values(
                    "sent_at"
                )[:1]
            ),
            people=Count("organisation__memberships", distinct=True),
            decision_order=Case(
                *[When(status=s, then=Value(i)) for i, s in enumerate(Application.DECISIONS)],
            ),
        )
        .order_by("decision_order", "organisation__name", "pk")
    )


def places_taken(cycle):
    """(admitted organisations, free places) of ``cycle``."""
    admitted = Application.objects.filter(cycle=cycle, status=Application.Status.ADMITTED).count()
    return admitted, max(cycle.places - admitted, 0)


def left_after_admission(cycle):
    """Organisations that withdrew after being admitted: their places are free."""
    return (
        Application.objects.filter(
            cycle=cycle,
            status=Application.Status.WITHDRAWN,
            status_changes__status=Application.Status.ADMITTED,
        )
        .select_related("organisation", "priority_field")
        .distinct()
        .order_by("organisation__name")
    )


def place_offers(cycle):
    """Every place offered from the cycle's waiting list, newest first, with its
    organisation and who answered."""
    return PlaceOffer.objects.filter(cycle=cycle).select_related(
        "application__organisation", "application__priority_field", "answered_by", "offered_by"
    )
