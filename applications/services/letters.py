"""Decision letters: templates with {placeholders}, previews, and sending them.

Letters are sent from a finalised ranking only. Staff read them on a preview page
first; when they confirm, each letter is recorded with the figures and feedback it
was written from, put in the email outbox (one email per person of the
organisation, keyed by application, decision and recipient, so sending again never
duplicates) and the decision is published, all in one transaction: the
organisation's dashboard shows the decision exactly when the letter leaves."""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incubator.notifications import services as notifications
from incubator.site import absolute, site_url
from incubator.wording import DATIVE, GENITIVE, date_in_case

from ..models import Application, DecisionLetter, LetterTemplate, ReviewAssignment, StatusChange
from ..selectors.ranking import figures_for
from ..selectors.review import review_settings
from .application import publish_decision
from .common import record_author, require_finalised_ranking

LANGUAGES = [code for code, _name in settings.LANGUAGES]

PLACEHOLDERS = {
    "organisation": gettext_lazy("the organisation's name"),
    "cycle": gettext_lazy("the cycle's name"),
    "priority_field": gettext_lazy("the application's priority field"),
    "decision": gettext_lazy("the decision"),
    "reason": gettext_lazy(
        "the reason for the organisation recorded with the decision (never the internal note)"
    ),
    "total": gettext_lazy(
        "the weighted total the ranking follows (normalised when the cycle normalises "
        "scores), as a percentage of the maximum"
    ),
    "raw_total": gettext_lazy("the weighted total before normalisation"),
    "rank": gettext_lazy("the place in the overall ranking"),
    "field_rank": gettext_lazy("the place in the ranking of the priority field"),
    "places": gettext_lazy("the number of places in the cycle"),
    "scores": gettext_lazy("the mean score of each criterion, one per line"),
    "incubation_starts": gettext_lazy(
        "the first day of the incubation, to follow “from” (in Latvian in the genitive, "
        "for “no”: “2027. gada 31. augusta”)"
    ),
    "incubation_ends": gettext_lazy(
        "the last day of the incubation, to follow “to” (in Latvian in the dative, "
        "for “līdz”: “2028. gada 30. jūnijam”)"
    ),
    "link": gettext_lazy("the address of the application on the portal"),
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A sentence ends at . ! or ? followed by a space and a capital letter (so that
# "4. vieta" stays one sentence).
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZĀČĒĢĪĶĻŅŠŪŽ“\"{])")


def _default_texts(decision):
    """The built-in letter of a decision, in the active language."""
    if decision == Application.Status.ADMITTED:
        return (
            _("{cycle}: {organisation} has been admitted"),
            _(
                "Hello,\n\nWe are pleased to tell you that {organisation} has been admitted "
                "to “{cycle}” in the priority field “{priority_field}”. The application "
                "scored {total} of the maximum.\n\nThe incubation runs from "
                "{incubation_starts} to {incubation_ends}. We will write to you soon about "
                "the first joint meeting.\n\nThe mean scores per criterion:\n{scores}\n\n"
                "You can follow the programme on the portal: {link}"
            ),
        )
    if decision == Application.Status.WAITLISTED:
        return (
            _("{cycle}: {organisation} is on the waiting list"),
            _(
                "Hello,\n\nThank you for applying to “{cycle}”. The evaluation committee "
                "has placed {organisation} on the waiting list: the application scored "
                "{total} of the maximum, place {field_rank} in the priority field "
                "“{priority_field}”. If a place becomes free, we will offer it in the "
                "order of the ranking.\n\n{reason}\n\nThe mean scores per criterion:\n"
                "{scores}\n\nThe application on the portal: {link}"
            ),
        )
    return (
        _("{cycle}: the decision on the application of {organisation}"),
        _(
            "Hello,\n\nThank you for applying to “{cycle}”. We are sorry to tell you "
            "that {organisation} has not been admitted this time.\n\n{reason}\n\n"
            "The mean scores per criterion:\n{scores}\n\nYou are welcome to apply to the "
            "programme's next call. The application on the portal: {link}"
        ),
    )


def template_for(cycle, decision, saved=None):
    """The cycle's letter template for ``decision``: the saved one, or an unsaved
    one holding the built-in text in every language."""
    if saved is None:
        saved = LetterTemplate.objects.filter(cycle=cycle, decision=decision).first()
    if saved is not None:
        return saved
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            subject, body = _default_texts(decision)
        texts[f"subject_{language}"], texts[f"body_{language}"] = subject, body
    return LetterTemplate(cycle=cycle, decision=decision, **texts)


def unknown_placeholders(text):
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def check_placeholders(texts):
    """Refuses texts ({field: text}) with a {placeholder} the letters do not know,
    naming it on its field."""
    errors = {}
    for name, value in texts.items():
        unknown = unknown_placeholders(value)
        if unknown:
            errors[name] = _("Unknown placeholders: %(names)s.") % {
                "names": ", ".join(f"{{{n}}}" for n in unknown)
            }
    if errors:
        raise ValidationError(errors, code="placeholders")


@transaction.atomic
def save_letter_template(cycle, *, decision, by, **texts):
    """Saves a decision's letter for the cycle (subject and text, in Latvian and
    optionally English: an empty English letter falls back to the Latvian one)."""
    check_placeholders(texts)
    template = LetterTemplate.objects.filter(cycle=cycle, decision=decision).first() or (
        LetterTemplate(cycle=cycle, decision=decision)
    )
    for name, value in texts.items():
        setattr(template, name, value.strip())
    template.updated_by = by
    template.full_clean(exclude=["cycle"])
    record_author(template, by).save()
    return template


# --- rendering ------------------------------------------------------------------------


def _number(value):
    # number_format cuts decimals off; round first.
    return formats.number_format(round(value, 1), 1) if value is not None else "—"


def _percent(value):
    return f"{_number(value)} %" if value is not None else None


def ranking_total(row, normalised):
    """The total the ranking followed: the normalised one when the cycle normalises."""
    if row is None:
        return None
    return row.normalised_total if normalised else row.total


def _values(application, row, criteria, reason, language, normalised=False):
    """The placeholders' values; None for a figure the application does not have
    (no submitted review), whose sentence ``fill`` leaves out."""
    with translation.override(language):
        cycle = application.cycle
        field = application.priority_field
        means = row.means if row else [None] * len(criteria)
        scores = "\n".join(
            f"– {criterion.name}: {_number(mean)} / {criterion.scale_max}"
            for criterion, mean in zip(criteria, means, strict=True)
        )
        return {
            "organisation": application.organisation.name,
            "cycle": cycle.name,
            "priority_field": field.name if field else "—",
            "decision": application.get_status_display().lower(),
            "reason": reason or None,
            "total": _percent(ranking_total(row, normalised)),
            "raw_total": _percent(row.total if row else None),
            "rank": str(row.rank) if row and row.rank else None,
            "field_rank": str(row.field_rank) if row and row.field_rank else None,
            "places": str(cycle.places),
            "scores": scores if any(mean is not None for mean in means) else None,
            # In Latvian in the case of “no …” and “līdz …”: “no 2027. gada 31. augusta
            # līdz 2028. gada 30. jūnijam”.
            "incubation_starts": date_in_case(cycle.incubation_starts_on, GENITIVE),
            "incubation_ends": date_in_case(cycle.incubation_ends_on, DATIVE),
            "link": absolute(reverse("applications:edit", args=[application.pk])),
        }


def _missing(text, values):
    return any(name in values and values[name] is None for name in PLACEHOLDER.findall(text))


def _sentence_kept(sentence, values):
    """The sentence, or what of it stands without its missing figures: the part
    before a colon (“… is on the waiting list: it scored {total}” keeps “… is on
    the waiting list.”), or nothing."""
    if not _missing(sentence, values):
        return sentence
    head, colon, _tail = sentence.partition(": ")
    if colon and not _missing(head, values):
        return head + "."
    return ""


def _paragraph_kept(paragraph, values):
    lines, dropped = [], False
    for line in paragraph.split("\n"):
        kept = " ".join(
            s for s in (_sentence_kept(s, values) for s in SENTENCE_END.split(line)) if s
        )
        if kept or not line:
            lines.append(kept)
        dropped = dropped or (line and not kept)
    # A heading such as “The mean scores per criterion:” goes with its figures.
    while dropped and lines and lines[-1].rstrip().endswith(":"):
        lines.pop()
    return "\n".join(lines).strip("\n")


def fill(text, values):
    """Replaces each known {placeholder}; anything else is left as written. A
    sentence quoting a figure the application does not have (None) is left out,
    so that a letter never prints empty figures."""
    if any(value is None for value in values.values()):
        paragraphs = (_paragraph_kept(p, values) for p in text.split("\n\n"))
        text = "\n\n".join(p for p in paragraphs if p.strip())
    return PLACEHOLDER.sub(lambda m: _shown(values.get(m.group(1), m.group(0))), text)


def _shown(value):
    return "" if value is None else value


@dataclass
class Letter:
    """A letter ready to be sent (or already sent) for an application's decision."""

    application: Application
    decision: StatusChange
    texts: dict  # language -> (subject, body)
    sent: DecisionLetter | None = None
    feedback: dict | None = None

    def text(self, language):
        return self.texts.get(language) or self.texts[settings.LANGUAGE_CODE]


def _feedback(criteria, row, reviews, normalised=False):
    """What the organisation may read of its evaluation, as the letter is sent: the
    total, each criterion's mean with the reviewers' comments, and the overall
    comments, the reviewers numbered rather than named."""
    comments = {c.pk: [] for c in criteria}
    overall = []
    for number, review in enumerate(reviews, start=1):
        for score in review.scores.all():
            if score.comment and score.criterion_id in comments:
                comments[score.criterion_id].append([number, score.comment])
        if review.overall_comment:
            overall.append([number, review.overall_comment])
    means = row.means if row else [None] * len(criteria)
    return {
        # The total the ranking followed, and (when normalised) the raw one.
        "total": ranking_total(row, normalised),
        "raw_total": row.total if row and normalised else None,
        "normalised": normalised,
        "criteria": [
            {
                "name_lv": c.name_lv,
                "name_en": c.name_en,
                "scale_max": c.scale_max,
                "mean": mean,
                "comments": comments[c.pk],
            }
            for c, mean in zip(criteria, means, strict=True)
        ],
        "overall": overall,
    }


def prepare_letters(cycle, applications, *, with_feedback=False):
    """The letters of the given decided applications, rendered in every language
    from the cycle's templates and the ranking's figures (and, ``with_feedback``,
    what the organisation may read of its evaluation)."""
    applications = list(
        Application.objects.filter(
            pk__in=[a.pk for a in applications], cycle=cycle, status__in=Application.DECISIONS
        )
        .select_related("organisation", "cycle", "priority_field")
        .order_by("organisation__name", "pk")
    )
    settings_row = review_settings(cycle)
    normalised = settings_row.normalise_scores
    criteria, rows = figures_for(cycle, settings_row, [a.pk for a in applications])
    saved = {t.decision: t for t in LetterTemplate.objects.filter(cycle=cycle)}
    templates = {d: template_for(cycle, d, saved.get(d)) for d in Application.DECISIONS}
    status_of = {a.pk: a.status for a in applications}
    decisions = {}
    for change in StatusChange.objects.filter(
        application__in=applications, status__in=Application.DECISIONS
    ).order_by("changed_at", "pk"):
        if change.status == status_of[change.application_id]:
            decisions[change.application_id] = change
    sent = {
        letter.decision_id: letter
        for letter in DecisionLetter.objects.filter(decision__in=decisions.values())
    }
    reviews = {}
    if with_feedback:
        for review in (
            ReviewAssignment.objects.filter(
                application__in=applications, status=ReviewAssignment.Status.SUBMITTED
            )
            .prefetch_related("scores")
            .order_by("submitted_at", "pk")
        ):
            reviews.setdefault(review.application_id, []).append(review)
    letters = []
    for application in applications:
        decision = decisions[application.pk]
        template = templates[application.status]
        texts = {}
        for language in LANGUAGES:
            subject = getattr(template, f"subject_{language}") or template.subject_lv
            body = getattr(template, f"body_{language}") or template.body_lv
            values = _values(
                application, rows.get(application.pk), criteria, decision.note, language, normalised
            )
            texts[language] = (fill(subject, values), fill(body, values))
        feedback = (
            _feedback(
                criteria, rows.get(application.pk), reviews.get(application.pk, []), normalised
            )
            if with_feedback
            else None
        )
        letters.append(Letter(application, decision, texts, sent.get(decision.pk), feedback))
    return letters


def fingerprint(letters):
    """Identifies exactly what staff previewed, so that a change in between (a new
    decision, an edited template) is noticed before anything is sent. The portal's
    address in the links is left out: it follows the request (``incubator.site``),
    and is not what staff read and approve."""
    address = site_url()
    digest = hashlib.sha256()
    for letter in letters:
        digest.update(f"{letter.application.pk}:{letter.decision.pk}".encode())
        for language in LANGUAGES:
            for part in letter.texts[language]:
                digest.update(part.replace(address, "").encode())
    return digest.hexdigest()


@transaction.atomic
def send_decision_letters(cycle, applications, *, by, expected_fingerprint=None, now=None):
    """Sends the letters of the given decided applications and publishes their
    decisions; the ranking must be finalised. ``expected_fingerprint`` is that of
    the letters staff read (the pages always give it): when anything changed since,
    nothing is sent. A letter already sent for the same decision is not sent again.
    Returns (letters sent, letters skipped as already sent)."""
    require_finalised_ranking(cycle)
    # Lock the applications (in the order of their ids, as every sender does) before
    # reading their decisions: a decision recorded meanwhile either commits before
    # the letters are written from it, or waits until they are sent.
    locked = list(
        Application.objects.select_for_update()
        .filter(pk__in=[a.pk for a in applications], cycle=cycle)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    letters = prepare_letters(cycle, [Application(pk=pk) for pk in locked], with_feedback=True)
    if expected_fingerprint is not None and expected_fingerprint != fingerprint(letters):
        raise ValidationError(
            _(
                "The letters have changed since you previewed them (a decision or a "
                "template was edited). Read them again before sending."
            ),
            code="changed",
        )
    now = now or timezone.now()
    sent, skipped = [], []
    for letter in letters:
        if letter.sent is not None:
            skipped.append(letter)
            continue
        application = letter.application
        people = list(application.organisation.people.all())
        record = DecisionLetter.objects.create(
            application=application,
            decision=letter.decision,
            subject_lv=letter.text("lv")[0],
            body_lv=letter.text("lv")[1],
            subject_en=letter.text("en")[0],
            body_en=letter.text("en")[1],
            feedback=letter.feedback,
            recipients=len(people),
            sent_by=by,
            sent_at=now,
        )
        for person in people:
            subject, body = letter.text(person.language)
            notifications.queue(
                key=f"application:{application.pk}:decision:{letter.decision.pk}"
                f":letter:user:{person.pk}",
                recipient=person,
                template="applications/emails/decision_letter",
                context={"subject": subject, "body": body, "application": application},
            )
        publish_decision(application, by=by, now=now)
        letter.sent = record
        sent.append(letter)
    return sent, skipped
