"""What ``applications`` holds about a person, for *My data* and erasure
(``incubator.privacy.registry``), and the retention of applications that were not
admitted."""

from django.db.models import Max, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from incubator.privacy import registry
from incubator.privacy.registry import ANONYMISED, KEPT, Outcome
from incubator.uploads import delete_document

from .models.application import Application, Attachment
from .models.letters import DecisionLetter
from .models.review import CommitteeMember, ReviewAssignment, Score

ANSWERS = [
    "motivation",
    "challenges",
    "project_idea",
    "expected_results",
    "participants",
]
NOT_ADMITTED = [
    Application.Status.DRAFT,
    Application.Status.REJECTED,
    Application.Status.WAITLISTED,
    Application.Status.WITHDRAWN,
]
KEEP_APPLICATIONS = _(
    "They belong to the organisation's applications and are the programme's records of "
    "its selection."
)
KEEP_REVIEWS = _(
    "They stay attached to an anonymous reviewer, so that the scores and rankings do not change."
)
EXPLAINS = [
    Outcome(_("What you wrote in your organisations' applications"), KEPT, KEEP_APPLICATIONS),
    Outcome(_("Your reviews and scores"), KEPT, KEEP_REVIEWS),
    Outcome(
        _("Your reasons for declaring a conflict of interest"),
        ANONYMISED,
        _("They describe you, not the application."),
    ),
]


def _applications(user):
    letters = DecisionLetter.objects.order_by("sent_at")
    return (
        Application.objects.filter(organisation__memberships__user=user)
        .select_related("cycle", "organisation", "priority_field")
        .prefetch_related("attachments", Prefetch("decision_letters", queryset=letters))
        .order_by("created_at", "pk")
    )


def _application(application, archive):
    folder = f"applications/{application.pk}"
    return {
        "id": application.pk,
        "cycle": application.cycle.name,
        "organisation": application.organisation.name,
        # What the organisation was told, never a decision still internal.
        "status": application.visible_status.value,
        "priority_field": application.priority_field and str(application.priority_field),
        "support_needs": application.support_needs,
        **{field: getattr(application, field) for field in ANSWERS},
        "meeting_availability": application.meeting_availability,
        "data_consent": application.data_consent,
        "listing_consent": application.listing_consent,
        "created_at": application.created_at,
        "submitted_at": application.submitted_at,
        "attachments": [
            {
                "name": attachment.name,
                "size": attachment.size,
                "uploaded_at": attachment.uploaded_at,
                "file": archive.add_file(folder, attachment.file, attachment.name),
            }
            for attachment in application.attachments.all()
        ],
        "decision_letters": [
            {"sent_at": letter.sent_at, "subject": letter.subject_lv, "text": letter.body_lv}
            for letter in application.decision_letters.all()
        ],
    }


def _reviews(user):
    scores = Score.objects.select_related("criterion").order_by("criterion__order", "pk")
    assignments = (
        ReviewAssignment.objects.filter(member__user=user)
        .select_related("application__organisation", "application__cycle")
        .prefetch_related(Prefetch("scores", queryset=scores))
        .order_by("assigned_at", "pk")
    )
    return [
        {
            "cycle": assignment.application.cycle.name,
            "organisation": assignment.application.organisation.name,
            "status": assignment.status,
            "has_conflict": assignment.has_conflict,
            "conflict_reason": assignment.conflict_reason,
            "overall_comment": assignment.overall_comment,
            "submitted_at": assignment.submitted_at,
            "scores": [
                {"criterion": str(score.criterion), "score": score.value, "comment": score.comment}
                for score in assignment.scores.all()
            ],
        }
        for assignment in assignments
    ]


def export(user, archive):
    archive.add_json(
        "applications.json",
        [_application(application, archive) for application in _applications(user)],
    )
    archive.add_json("reviews.json", _reviews(user))
    archive.add_json(
        "committees.json",
        list(
            CommitteeMember.objects.filter(user=user).values(
                "cycle__name", "affiliation", "invited_at"
            )
        ),
    )


def erase(user):
    conflicts = (
        ReviewAssignment.objects.filter(member__user=user)
        .exclude(conflict_reason="")
        .update(conflict_reason="")
    )
    reviews = ReviewAssignment.objects.filter(member__user=user).count()
    applications = Application.objects.filter(created_by=user).count()
    return [
        Outcome(_("Applications the person started"), KEPT, KEEP_APPLICATIONS, applications),
        Outcome(_("Reviews and scores"), KEPT, KEEP_REVIEWS, reviews),
        Outcome(_("Reasons given for conflicts of interest"), ANONYMISED, "", conflicts),
    ]


# --- retention ---------------------------------------------------------------------------


def _holding():
    """Applications not admitted whose files or answers are still kept."""
    has_answers = Q()
    for field in ANSWERS:
        has_answers |= ~Q(**{field: ""})
    return Application.objects.filter(status__in=NOT_ADMITTED).filter(
        has_answers | Q(attachments__isnull=False)
    )


def held():
    """{cycle id: moment of its last published decision}, for the cycles that still
    keep files or answers of applications that were not admitted."""
    cycles = _holding().values("cycle_id").distinct()
    decided = (
        Application.objects.filter(cycle_id__in=cycles, decision_published_at__isnull=False)
        .values("cycle_id")
        .annotate(decided_at=Max("decision_published_at"))
    )
    return {row["cycle_id"]: row["decided_at"] for row in decided}


def purge(cycle_id):
    """Deletes the files and answers of the cycle's applications that were not
    admitted; what is left is the organisation, the status and the scores."""
    applications = list(
        _holding().filter(cycle_id=cycle_id).values_list("pk", flat=True).distinct()
    )
    attachments = list(Attachment.objects.filter(application_id__in=applications))
    for attachment in attachments:
        delete_document(attachment)
    Application.objects.filter(pk__in=applications).update(
        support_needs=[], **{field: "" for field in ANSWERS}
    )
    return {"applications": len(applications), "attachments": len(attachments)}


def register():
    registry.register(
        registry.Holder(
            name="applications", export=export, erase=erase, explains=EXPLAINS, order=20
        )
    )
    registry.register_retention(
        registry.Retention(
            name="applications",
            label=_("files and answers of applications that were not admitted"),
            held=held,
            purge=purge,
        )
    )
