"""What ``mentoring`` holds about a person (a mentor's profile; the consultations of
their organisations or that they gave), for *My data* and erasure
(``incubator.privacy.registry``)."""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from incubator.privacy import registry
from incubator.privacy.registry import ANONYMISED, DELETED, KEPT, Outcome
from incubator.uploads import delete_document

from .models.consultations import ActionItem, Consultation, ConsultationLog
from .models.profiles import MentorPhoto, MentorProfile

KEEP = _(
    "Consultations, their logs and hours are the programme's records of the support "
    "each organisation received."
)
EXPLAINS = [
    Outcome(_("Your mentor profile and photo"), DELETED),
    Outcome(_("Consultations you took part in or gave"), KEPT, KEEP),
]


def _profile(user, archive):
    profile = (
        MentorProfile.objects.filter(user=user)
        .select_related("partner")
        .prefetch_related("expertise_tags", "priority_fields")
        .first()
    )
    if profile is None:
        return None
    photo = MentorPhoto.objects.filter(profile=profile).first()
    return {
        "kind": profile.kind,
        "partner": profile.partner and str(profile.partner),
        "job_title": profile.job_title,
        "expertise": [str(tag) for tag in profile.expertise_tags.all()],
        "priority_fields": [str(field) for field in profile.priority_fields.all()],
        "languages": profile.languages,
        "capacity": profile.capacity,
        "bio_lv": profile.bio_lv,
        "bio_en": profile.bio_en,
        "is_active": profile.is_active,
        "photo": photo and archive.add_file("mentor", photo.file, photo.name),
    }


def _consultation(consultation, user, archive):
    log = getattr(consultation, "log", None)
    mine = consultation.mentor.user_id == user.pk
    folder = f"consultations/{consultation.pk}"
    return {
        "organisation": consultation.organisation.name,
        "mentor": consultation.mentor.user.display_name,
        "starts_at": consultation.starts_at,
        "ends_at": consultation.ends_at,
        "mode": consultation.mode,
        "location": consultation.location,
        "status": consultation.status,
        "note": consultation.note,
        "cancellation_reason": consultation.cancellation_reason,
        "log": log
        and {
            "summary": log.summary,
            "recommendations": log.recommendations,
            "minutes": log.minutes,
            # The mentor's own note is theirs alone.
            "private_note": log.private_note if mine else None,
            "rating": log.rating,
            "rating_comment": log.rating_comment,
        },
        "action_items": [
            {"description": item.description, "due_on": item.due_on, "done_at": item.done_at}
            for item in consultation.action_items.all()
        ],
        "files": [
            archive.add_file(folder, document.file, document.name)
            for document in consultation.files.all()
        ],
    }


def export(user, archive):
    consultations = (
        Consultation.objects.filter(Q(organisation__memberships__user=user) | Q(mentor__user=user))
        .select_related("organisation", "mentor__user", "log")
        .prefetch_related(
            Prefetch("action_items", queryset=ActionItem.objects.order_by("pk")), "files"
        )
        .distinct()
        .order_by("starts_at", "pk")
    )
    archive.add_json(
        "consultations.json",
        [_consultation(consultation, user, archive) for consultation in consultations],
    )
    # Action items agreed without a consultation (from the analysis): the
    # organisation's, and those the mentor is named on.
    standalone = (
        ActionItem.objects.filter(consultation__isnull=True)
        .filter(Q(organisation__memberships__user=user) | Q(mentor__user=user))
        .select_related("organisation", "cycle")
        .distinct()
        .order_by("pk")
    )
    archive.add_json(
        "action_items.json",
        [
            {
                "organisation": item.organisation.name,
                "cycle": item.cycle.name,
                "description": item.description,
                "owner": item.owner,
                "due_on": item.due_on,
                "done_at": item.done_at,
            }
            for item in standalone
        ],
    )
    profile = _profile(user, archive)
    if profile is not None:
        archive.add_json("mentor_profile.json", profile)


def erase(user):
    profile = MentorProfile.objects.filter(user=user).first()
    if profile is None:
        return []
    photos = list(MentorPhoto.objects.filter(profile=profile))
    for photo in photos:
        delete_document(photo)
    profile.bio_lv = profile.bio_en = profile.job_title = ""
    profile.is_active = False
    profile.save(update_fields=["bio_lv", "bio_en", "job_title", "is_active"])
    given = Consultation.objects.filter(mentor=profile).count()
    # The mentor's own notes are theirs, not the organisation's record.
    notes = (
        ConsultationLog.objects.filter(consultation__mentor=profile)
        .exclude(private_note="")
        .update(private_note="")
    )
    return [
        Outcome(_("The mentor's private notes on consultations"), DELETED, "", notes),
        Outcome(_("Mentor profile"), ANONYMISED, _("Kept without name or text, inactive."), 1),
        Outcome(_("Mentor photo"), DELETED, "", len(photos)),
        Outcome(_("Consultations given"), KEPT, KEEP, given),
    ]


def register():
    registry.register(
        registry.Holder(name="mentoring", export=export, erase=erase, explains=EXPLAINS, order=40)
    )
