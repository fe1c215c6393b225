"""Every write of the organisation analysis: the instrument and its versions, opening
assessments, a respondent's answers, invitations, the agreed scores and the
recommendations. Each is one transaction; bad input raises ValidationError before
anything is written."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import CohortMembership
from incubator import services as kernel_services
from incubator.models import Invitation, Membership
from incubator.notifications import services as notifications

from . import opening, reminders
from .default_instrument import AREAS, EXPERTISE
from .models import (
    LEVELS,
    AgreedScore,
    Answer,
    Area,
    Assessment,
    Feedback,
    Instrument,
    Invitee,
    Question,
    Recommendation,
    Response,
)

# --- the instrument --------------------------------------------------------------------


def current_instrument(cycle):
    return Instrument.objects.filter(cycle=cycle).order_by("-version").first()


@transaction.atomic
def ensure_instrument(cycle):
    """The cycle's current instrument; the default one is copied in when the cycle has
    none yet (idempotent)."""
    instrument = current_instrument(cycle)
    if instrument is not None:
        return instrument
    instrument = Instrument.objects.create(cycle=cycle, version=1)
    for area_order, (code, (name_lv, name_en), questions) in enumerate(AREAS, start=1):
        area = Area.objects.create(
            instrument=instrument, code=code, name_lv=name_lv, name_en=name_en, order=area_order
        )
        Question.objects.bulk_create(
            Question(area=area, order=order, **_question_fields(question))
            for order, question in enumerate(questions, start=1)
        )
    _link_expertise(instrument)
    return instrument


def _link_expertise(instrument):
    """Gives the default instrument's areas the expertise tags that help them."""
    from mentoring.models import ExpertiseTag

    tags = {t.code: t.pk for t in ExpertiseTag.objects.all()}
    Through = Area.expertise_tags.through
    Through.objects.bulk_create(
        Through(area_id=area.pk, expertisetag_id=tags[code])
        for area in instrument.areas.all()
        for code in EXPERTISE.get(area.code, [])
        if code in tags
    )


def _question_fields(question):
    (text_lv, text_en), levels, (hint_lv, hint_en) = question
    fields = {"text_lv": text_lv, "text_en": text_en, "hint_lv": hint_lv, "hint_en": hint_en}
    for level, (lv, en) in zip(LEVELS, levels, strict=True):
        fields[f"level_{level}_lv"] = lv
        fields[f"level_{level}_en"] = en
    return fields


QUESTION_FIELDS = [
    "order",
    "text_lv",
    "text_en",
    *(f"level_{level}_{language}" for level in LEVELS for language in ("lv", "en")),
    "hint_lv",
    "hint_en",
]


def check_editable(instrument):
    if instrument is not None and instrument.is_frozen:
        raise ValidationError(
            _(
                "Organisations have already answered this instrument, so it can no longer "
                "change. Make a new version and change that."
            )
        )


@transaction.atomic
def new_version(instrument):
    """A copy of ``instrument`` as the cycle's next version, to change freely.
    Assessments opened earlier keep their version; figures compare one version."""
    latest = current_instrument(instrument.cycle)
    copy = Instrument.objects.create(cycle=instrument.cycle, version=latest.version + 1)
    for area in instrument.areas.prefetch_related("questions"):
        new_area = Area.objects.create(
            instrument=copy,
            code=area.code,
            name_lv=area.name_lv,
            name_en=area.name_en,
            order=area.order,
        )
        Question.objects.bulk_create(
            Question(area=new_area, **{name: getattr(q, name) for name in QUESTION_FIELDS})
            for q in area.questions.all()
        )
        new_area.expertise_tags.set(area.expertise_tags.all())
    return copy


# --- assessments -----------------------------------------------------------------------


@transaction.atomic
def open_assessments(cycle, *, kind, by, due_on=None):
    """Opens the baseline (or end) assessment for every organisation taking part in
    ``cycle`` that has none of that kind yet; returns how many were opened. A date
    to answer by (reminded before it) is today or later."""
    if kind not in Assessment.Kind.values:
        raise ValidationError(_("Choose the baseline or the end assessment."))
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The date to answer by cannot be in the past.")})
    if kind == Assessment.Kind.END:
        baseline = Assessment.objects.filter(cycle=cycle, kind=Assessment.Kind.BASELINE)
        instrument_of = dict(baseline.values_list("organisation_id", "instrument_id"))
    else:
        instrument_of = {}
    instrument = ensure_instrument(cycle)
    already = Assessment.objects.filter(cycle=cycle, kind=kind).values("organisation_id")
    places = CohortMembership.objects.filter(cycle=cycle).exclude(
        status=CohortMembership.Status.LEFT
    )
    new = [
        Assessment(
            cycle=cycle,
            organisation_id=organisation_id,
            # The end repeats the baseline's version, so that the two compare.
            instrument_id=instrument_of.get(organisation_id, instrument.pk),
            kind=kind,
            due_on=due_on,
        )
        for organisation_id in places.exclude(organisation_id__in=already).values_list(
            "organisation_id", flat=True
        )
    ]
    Assessment.objects.bulk_create(new)
    for assessment in Assessment.objects.filter(
        cycle=cycle, kind=kind, organisation_id__in=[a.organisation_id for a in new]
    ).select_related("organisation", "cycle"):
        if due_on is not None:
            reminders.schedule(assessment)
        opening.tell_opened(assessment)
    return len(new)


def response_for(assessment, user):
    """The person's own response to ``assessment`` (made on their first visit)."""
    response, _created = Response.objects.get_or_create(assessment=assessment, respondent=user)
    return response


def _score(value):
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = None
    if score not in LEVELS:
        raise ValidationError(_("A score is a whole number from 1 to 4."))
    return score


def _questions(assessment, question_ids):
    """{id: question} of ``question_ids``, all of them the assessment's version's;
    any other (another version's, a made-up id) is refused."""
    ids = set()
    for value in question_ids:
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            raise ValidationError(_("An answer names a question that does not exist.")) from None
    found = {
        q.pk: q
        for q in Question.objects.filter(pk__in=ids, area__instrument_id=assessment.instrument_id)
    }
    if len(found) != len(ids):
        raise ValidationError(
            _("An answer is for a question that is not in this assessment's version.")
        )
    return found


@transaction.atomic
def save_answers(response, scores):
    """Saves a respondent's answers ``{question id: score}``, all or none; blank values
    clear an answer. A submitted response no longer changes."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.submitted_at is not None:
        raise ValidationError(_("You have submitted your answers; they can no longer change."))
    chosen = {key: value for key, value in scores.items() if value not in ("", None)}
    cleared = [key for key, value in scores.items() if value in ("", None)]
    questions = _questions(response.assessment, [*chosen, *cleared])
    checked = {int(key): _score(value) for key, value in chosen.items()}
    for question_id, score in checked.items():
        Answer.objects.update_or_create(
            response=response, question=questions[question_id], defaults={"score": score}
        )
    if cleared:
        response.answers.filter(question_id__in=[int(key) for key in cleared]).delete()
    response.save(update_fields=["updated_at"])
    return response


@transaction.atomic
def submit_response(response):
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.submitted_at is not None:
        return response
    questions = Question.objects.filter(area__instrument_id=response.assessment.instrument_id)
    missing = questions.exclude(answers__response=response).count()
    if missing:
        raise ValidationError(
            _("Answer every question before submitting (%(count)s without an answer).")
            % {"count": missing}
        )
    response.submitted_at = timezone.now()
    response.save(update_fields=["submitted_at", "updated_at"])
    return response


@transaction.atomic
def invite_respondent(assessment, *, email, by):
    """The leader asks a colleague or board member to answer individually (up to
    five). A person not yet among the organisation's people is invited to it through
    the kernel's invitation; one who is gets an email."""
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise ValidationError({"email": _("Enter an email address.")})
    if assessment.invitees.filter(email=email).exists():
        raise ValidationError({"email": _("This person has already been asked to answer.")})
    if assessment.invitees.count() >= Invitee.MAX:
        raise ValidationError(
            {"email": _("You can ask up to %(max)s people to answer.") % {"max": Invitee.MAX}}
        )
    invitee = Invitee.objects.create(assessment=assessment, email=email, invited_by=by)
    member = (
        Membership.objects.filter(organisation=assessment.organisation, user__email__iexact=email)
        .select_related("user")
        .first()
    )
    if member is not None:
        notifications.queue(
            key=f"assessment:{assessment.pk}:invitee:{invitee.pk}",
            recipient=member.user,
            template="analysis/emails/asked_to_answer",
            context={"assessment": assessment, "invited_by": by},
        )
    elif not Invitation.objects.filter(
        organisation=assessment.organisation, email__iexact=email
    ).exists():
        kernel_services.invite_colleague(organisation=assessment.organisation, email=email, by=by)
    return invitee


@transaction.atomic
def record_agreed(assessment, scores, *, by):
    """Records the agreed scores ``{question id: (score, comment)}``, all or none;
    a question left blank keeps what it had. Returns how many were recorded."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    chosen = {key: value for key, value in scores.items() if value[0] not in ("", None)}
    questions = _questions(assessment, list(chosen))
    checked = {int(key): (_score(score), comment) for key, (score, comment) in chosen.items()}
    for question_id, (score, comment) in checked.items():
        existing = AgreedScore.objects.filter(
            assessment=assessment, question_id=question_id
        ).first()
        if existing and existing.score == score and existing.comment == (comment or ""):
            continue
        agreed = existing or AgreedScore(assessment=assessment, question=questions[question_id])
        agreed.score = score
        agreed.comment = comment or ""
        agreed.recorded_by = by
        agreed._history_user = by
        agreed.save()
    total = Question.objects.filter(area__instrument_id=assessment.instrument_id).count()
    if assessment.agreed_at is None and assessment.agreed_scores.count() == total:
        assessment.agreed_at = timezone.now()
        assessment.save(update_fields=["agreed_at"])
    return len(checked)


# --- recommendations -------------------------------------------------------------------


@transaction.atomic
def add_recommendation(place, *, by, topic, area, text, priority, expertise=None):
    """A recommendation to ``place``'s organisation, tied to an area of its instrument
    or to a wider topic."""
    errors = {}
    if topic not in Recommendation.Topic.values:
        errors["topic"] = _("Choose what the recommendation is about.")
    if topic == Recommendation.Topic.AREA and area is None:
        errors["area"] = _("Choose the area the recommendation is about.")
    if area is not None and topic != Recommendation.Topic.AREA:
        area = None
    if area is not None and area.instrument.cycle_id != place.cycle_id:
        errors["area"] = _("Choose an area of this cycle's assessment.")
    if not (text or "").strip():
        errors["text"] = _("Write the recommendation.")
    if priority not in Recommendation.Priority.values:
        errors["priority"] = _("Choose a priority.")
    if errors:
        raise ValidationError(errors)
    recommendation = Recommendation(
        cycle_id=place.cycle_id,
        organisation_id=place.organisation_id,
        topic=topic,
        area=area,
        text=text.strip(),
        priority=priority,
        expertise=expertise,
        written_by=by,
    )
    recommendation._history_user = by
    recommendation.save()
    return recommendation


@transaction.atomic
def set_recommendation_status(recommendation, *, status, reason, by):
    """The organisation says what it did with a recommendation; "not relevant" needs
    a reason."""
    if status not in Recommendation.Status.values or status == Recommendation.Status.NEW:
        raise ValidationError({"status": _("Choose what you did with the recommendation.")})
    reason = (reason or "").strip()
    if status == Recommendation.Status.NOT_RELEVANT and not reason:
        raise ValidationError({"reason": _("Say why the recommendation is not relevant.")})
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    recommendation.status = status
    recommendation.reason = reason
    recommendation._history_user = by
    recommendation.save(update_fields=["status", "reason", "updated_at"])
    return recommendation


# --- feedback --------------------------------------------------------------------------


@transaction.atomic
def give_feedback(place, *, by, comment="", anonymous=False, **ratings):
    """The organisation's end-of-cycle feedback, once per organisation."""
    errors = {}
    checked = {}
    for name in Feedback.RATINGS:
        try:
            value = int(ratings.get(name))
        except (TypeError, ValueError):
            value = None
        if value not in (1, 2, 3, 4, 5):
            errors[name] = _("Choose a rating from 1 to 5.")
        checked[name] = value
    if errors:
        raise ValidationError(errors)
    if Feedback.objects.filter(
        cycle_id=place.cycle_id, organisation_id=place.organisation_id
    ).exists():
        raise ValidationError(_("Your organisation has already given its feedback. Thank you."))
    return Feedback.objects.create(
        cycle_id=place.cycle_id,
        organisation_id=place.organisation_id,
        comment=(comment or "").strip(),
        anonymous=bool(anonymous),
        given_by=by,
        **checked,
    )
