"""Writes that set up and close a cycle's evaluation: settings and places per
field, criteria, eligibility requirements and checks, finalising the ranking.
The committee and assignments are in ``committee.py``, the reviewer's own work
in ``scoring.py``.

Each function is one transaction, raises ValidationError with a message a person
can act on, and records who did it (also in the audit history)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import (
    Application,
    Criterion,
    EligibilityCheck,
    EligibilityRequirement,
    FieldQuota,
    ReviewAssignment,
    ReviewSettings,
)
from ..selectors.review import scoring_started
from .common import record_author, require_open_ranking
from .ranking import ranking_changed

Status = ReviewAssignment.Status


def _settings_for_update(cycle):
    settings_row, _created = ReviewSettings.objects.select_for_update().get_or_create(cycle=cycle)
    return settings_row


# --- settings -------------------------------------------------------------------------

# Settings that move the figures; the others only decide who sees what.
FIGURE_SETTINGS = {"normalise_scores", "spread_threshold"}


def check_review_settings(cycle, *, quotas=None, **values):
    """Refuses settings (and places per priority field) that ``update_review_settings``
    would refuse, without saving anything: for forms that check before saving."""
    row = ReviewSettings.objects.filter(cycle=cycle).first() or ReviewSettings(cycle=cycle)
    changed = {name for name, value in values.items() if getattr(row, name) != value}
    if row.is_finalised and (
        changed & FIGURE_SETTINGS or quotas is not None and _quotas_change(cycle, quotas)
    ):
        require_open_ranking(cycle)
    if quotas is not None:
        _check_quotas(cycle, quotas)


@transaction.atomic
def update_review_settings(cycle, *, by, quotas=None, **values):
    """Saves the cycle's review settings and, when given, the places per priority
    field: ``quotas`` maps every priority field with a quota to (minimum, maximum or
    None); (0, None) removes a field's quota."""
    row = _settings_for_update(cycle)
    check_review_settings(cycle, quotas=quotas, **values)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean(exclude=["cycle"])
    record_author(row, by).save()
    if quotas is not None:
        _save_quotas(cycle, quotas, by)
    return row


def _quotas_change(cycle, quotas):
    current = {
        q.priority_field_id: (q.minimum_places, q.maximum_places)
        for q in FieldQuota.objects.filter(cycle=cycle)
    }
    wanted = {f.pk: v for f, v in quotas.items() if v != (0, None)}
    return current != wanted


def _check_quotas(cycle, quotas):
    errors = []
    for field, (minimum, maximum) in quotas.items():
        if maximum is not None and maximum < minimum:
            errors.append(
                _("%(field)s: at most %(maximum)d cannot be fewer than at least %(minimum)d.")
                % {"field": field.name, "maximum": maximum, "minimum": minimum}
            )
        if minimum > cycle.places or (maximum is not None and maximum > cycle.places):
            errors.append(
                _("%(field)s: the cycle has only %(places)d places.")
                % {"field": field.name, "places": cycle.places}
            )
    reserved = sum(minimum for minimum, _maximum in quotas.values())
    if reserved > cycle.places:
        errors.append(
            _("The minimums add up to %(reserved)d places, but the cycle has %(places)d.")
            % {"reserved": reserved, "places": cycle.places}
        )
    if errors:
        raise ValidationError(errors, code="quotas")


def _save_quotas(cycle, quotas, by):
    existing = {q.priority_field_id: q for q in FieldQuota.objects.filter(cycle=cycle)}
    for field, (minimum, maximum) in quotas.items():
        quota = existing.get(field.pk)
        if (minimum, maximum) == (0, None):
            if quota is not None:
                record_author(quota, by).delete()
            continue
        if quota is None:
            quota = FieldQuota(cycle=cycle, priority_field=field)
        elif (quota.minimum_places, quota.maximum_places) == (minimum, maximum):
            continue
        quota.minimum_places, quota.maximum_places = minimum, maximum
        record_author(quota, by).save()


# --- criteria and eligibility requirements ----------------------------------------------


def _stored(stored, instance, what):
    if instance is None:
        return None
    if instance.pk not in stored:
        raise ValueError(f"A {what} of another cycle")
    return stored[instance.pk]


CRITERION_FIELDS = [
    "name_lv",
    "name_en",
    "guidance_lv",
    "guidance_en",
    "weight",
    "scale_min",
    "scale_max",
    "order",
]
LOCKED_ONCE_SCORED = {"scale_min", "scale_max"}


def check_criteria_changes(cycle, changes):
    """Refuses changes to the criteria that ``save_criteria`` would refuse, without
    saving anything. ``changes`` as for ``save_criteria``, its criteria as stored."""
    require_open_ranking(cycle)
    if not scoring_started(cycle):
        return
    errors = []
    for criterion, values, delete in changes:
        name = values.get("name_lv") or (criterion and criterion.name_lv) or ""
        if criterion is None:
            errors.append(
                _("“%(name)s” cannot be added: applications are already being scored.")
                % {"name": name}
            )
        elif delete:
            errors.append(
                _("“%(name)s” cannot be deleted: applications are already being scored.")
                % {"name": name}
            )
        elif any(getattr(criterion, f) != values[f] for f in LOCKED_ONCE_SCORED if f in values):
            errors.append(
                _("The scale of “%(name)s” is locked: applications are already being scored on it.")
                % {"name": name}
            )
    if errors:
        raise ValidationError(errors, code="locked")


@transaction.atomic
def save_criteria(cycle, *, by, changes):
    """Adds, changes and deletes the cycle's criteria in one go.

    ``changes`` is a list of (criterion or None for a new one, {field: value},
    delete?). Until the first score exists everything may change; after that the
    scales are locked and criteria can be neither added nor deleted (weights, texts
    and order still can, and every figure follows). A finalised ranking locks them
    all. Nothing is saved unless every change is allowed."""
    # Compare with the rows as stored: a form may already have changed the objects.
    stored = {c.pk: c for c in Criterion.objects.select_for_update().filter(cycle=cycle)}
    changes = [
        (_stored(stored, criterion, "criterion"), values, delete)
        for criterion, values, delete in changes
    ]
    check_criteria_changes(cycle, changes)
    saved = []
    for criterion, values, delete in changes:
        if delete:
            if criterion is not None:
                record_author(criterion, by).delete()
            continue
        criterion = criterion or Criterion(cycle=cycle)
        if criterion.pk and all(getattr(criterion, f) == v for f, v in values.items()):
            saved.append(criterion)
            continue
        for name, value in values.items():
            setattr(criterion, name, value)
        criterion.full_clean(exclude=["cycle"])
        record_author(criterion, by).save()
        saved.append(criterion)
    ranking_changed(cycle)
    return saved


def check_requirement_changes(cycle, changes):
    """Refuses changes to the eligibility requirements that ``save_requirements``
    would refuse, without saving anything."""
    require_open_ranking(cycle)
    for requirement, _values, delete in changes:
        if delete and requirement is not None and requirement.checks.exists():
            raise ValidationError(
                _(
                    "“%(text)s” has already been checked for some applications and cannot "
                    "be deleted; change its text instead."
                )
                % {"text": requirement.text_lv},
                code="in_use",
            )


@transaction.atomic
def save_requirements(cycle, *, by, changes):
    """Adds, changes and deletes eligibility requirements (same shape as
    ``save_criteria``). A requirement already checked for some application cannot
    be deleted."""
    stored = {
        r.pk: r for r in EligibilityRequirement.objects.select_for_update().filter(cycle=cycle)
    }
    changes = [
        (_stored(stored, requirement, "requirement"), values, delete)
        for requirement, values, delete in changes
    ]
    check_requirement_changes(cycle, changes)
    for requirement, values, delete in changes:
        if requirement is None and delete:
            continue
        if delete:
            record_author(requirement, by).delete()
            continue
        requirement = requirement or EligibilityRequirement(cycle=cycle)
        if requirement.pk and all(getattr(requirement, f) == v for f, v in values.items()):
            continue
        for name, value in values.items():
            setattr(requirement, name, value)
        requirement.full_clean(exclude=["cycle"])
        record_author(requirement, by).save()


@transaction.atomic
def record_eligibility(application, *, by, findings):
    """Records staff's finding for each requirement: ``findings`` maps a requirement
    to (met, note), or to None to set it back to “not checked”. A requirement that
    is not met needs a note: it is the reason the organisation is given."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    require_open_ranking(application.cycle)
    if application.status not in Application.EVALUATED:
        raise ValidationError(
            _("Only submitted applications are checked for eligibility."), code="not_submitted"
        )
    errors = []
    for requirement, finding in findings.items():
        if requirement.cycle_id != application.cycle_id:
            raise ValueError("A requirement of another cycle")
        if finding is None:
            continue
        met, note = finding
        if not met and not note.strip():
            errors.append(
                _("“%(requirement)s” is not met: write down why.")
                % {"requirement": requirement.text}
            )
    if errors:
        raise ValidationError(errors, code="reason_missing")
    existing = {c.requirement_id: c for c in application.eligibility_checks.all()}
    now = timezone.now()
    for requirement, finding in findings.items():
        if finding is None:
            if requirement.pk in existing:
                record_author(existing[requirement.pk], by).delete()
            continue
        met, note = finding
        check = existing.get(requirement.pk) or EligibilityCheck(
            application=application, requirement=requirement
        )
        if check.pk and (check.met, check.note) == (met, note.strip()):
            continue
        check.met, check.note, check.checked_by, check.checked_at = met, note.strip(), by, now
        record_author(check, by).save()
    ranking_changed(application.cycle)
    return application


# --- the ranking ------------------------------------------------------------------------


@transaction.atomic
def finalise_ranking(cycle, *, by, now=None):
    """Freezes the reviews, criteria, eligibility and figures of the cycle. Every
    assigned review must be submitted (or the reviewer recused) first."""
    row = _settings_for_update(cycle)
    if row.is_finalised:
        return row
    open_reviews = ReviewAssignment.objects.filter(
        application__cycle=cycle,
        application__status__in=Application.EVALUATED,
        status__in=[Status.ASSIGNED, Status.DRAFT],
    ).count()
    if open_reviews:
        raise ValidationError(
            ngettext(
                "%(count)d review is not submitted yet. Wait for it, or take the "
                "application back from the reviewer, before finalising.",
                "%(count)d reviews are not submitted yet. Wait for them, or take the "
                "applications back from the reviewers, before finalising.",
                open_reviews,
            )
            % {"count": open_reviews},
            code="open_reviews",
        )
    row.finalised_at = now or timezone.now()
    row.finalised_by = by
    record_author(row, by).save()
    return row


@transaction.atomic
def reopen_ranking(cycle, *, by):
    row = _settings_for_update(cycle)
    row.finalised_at = None
    row.finalised_by = None
    record_author(row, by).save()
    return row
