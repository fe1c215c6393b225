"""The audit trail of a cycle's evaluation, from the history kept by
django-simple-history (criteria, scores, eligibility, reviews, settings) and the
applications' status changes (decisions)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import (
    Application,
    CommitteeMember,
    Criterion,
    EligibilityCheck,
    EligibilityRequirement,
    FieldQuota,
    LetterTemplate,
    ReviewAssignment,
    ReviewSettings,
    Score,
    StatusChange,
)

AUDIT_LABELS = {
    "decisions": _("Decisions"),
    "scores": _("Scores"),
    "reviews": _("Reviews and conflicts of interest"),
    "criteria": _("Criteria"),
    "eligibility": _("Eligibility checks"),
    "requirements": _("Eligibility requirements"),
    "committee": _("Committee"),
    "settings": _("Review settings"),
    "quotas": _("Places per priority field"),
    "letters": _("Letter templates"),
}

# kind -> (model whose history it is, how its rows belong to a cycle, related rows to load)
_HISTORIES = {
    "scores": (
        Score,
        "criterion__cycle",
        ["criterion", "assignment__member__user", "assignment__application__organisation"],
    ),
    "reviews": (
        ReviewAssignment,
        "application__cycle",
        ["member__user", "application__organisation"],
    ),
    "criteria": (Criterion, "cycle", []),
    "eligibility": (
        EligibilityCheck,
        "application__cycle",
        ["requirement", "application__organisation"],
    ),
    "requirements": (EligibilityRequirement, "cycle", []),
    "committee": (CommitteeMember, "cycle", ["user"]),
    "settings": (ReviewSettings, "cycle", []),
    "quotas": (FieldQuota, "cycle", ["priority_field"]),
    "letters": (LetterTemplate, "cycle", []),
}
# Fields that say nothing to a person reading the trail.
_QUIET = {"id", "cycle", "updated_at", "invitations_sent", "scale_min", "scale_max"}


def audit_trail(cycle, kind):
    """The entries of one kind for ``cycle``, newest first (a queryset to page)."""
    if kind == "decisions":
        return (
            StatusChange.objects.filter(
                application__cycle=cycle,
                status__in=[*Application.DECISIONS, Application.Status.WITHDRAWN],
            )
            .select_related("changed_by", "application__organisation")
            .order_by("-changed_at", "-pk")
        )
    model, cycle_path, related = _HISTORIES[kind]
    return (
        model.history.filter(**{cycle_path: cycle})
        .select_related("history_user", *related)
        .order_by("-history_date", "-history_id")
    )


@dataclass
class Entry:
    when: object
    who: object
    action: str
    subject: str
    changes: list  # (field label, before, after)
    note: str = ""


_ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def _path(record, path, default="?"):
    """Follows ``a.b.c`` on a historical record; an object deleted since is "?"."""
    value = record
    for name in path.split("."):
        value = getattr(value, name, None)
        if value is None:
            return default
    return value


_SUBJECTS = {
    "scores": ("assignment.application.organisation", "assignment.member.user", "criterion"),
    "reviews": ("application.organisation", "member.user"),
    "eligibility": ("application.organisation", "requirement"),
    "committee": ("user",),
    "quotas": ("priority_field",),
    "criteria": ("name_lv",),
    "requirements": ("text_lv",),
}


def _subject(kind, record):
    if kind == "letters":
        return record.get_decision_display()
    if kind == "settings":
        return str(record.instance_type._meta.verbose_name)
    return " · ".join(str(_path(record, path)) for path in _SUBJECTS[kind])


def _shown(record, field):
    if field.choices:
        return getattr(record, f"get_{field.attname}_display")()
    value = getattr(record, field.attname)
    return "—" if value in (None, "") else value


def audit_rows(kind, records):
    """The page's entries with what changed from each one's previous version (all
    previous versions are read in one query)."""
    records = list(records)
    if kind == "decisions":
        return [
            Entry(
                c.changed_at,
                c.changed_by,
                c.get_status_display(),
                str(c.application.organisation),
                [],
                " · ".join(filter(None, [c.note, c.internal_note])),
            )
            for c in records
        ]
    model = _HISTORIES[kind][0]
    versions = {}
    for version in model.history.filter(id__in={r.id for r in records}).order_by(
        "history_date", "history_id"
    ):
        versions.setdefault(version.id, []).append(version)
    fields = [
        f for f in model._meta.fields if f.name not in _QUIET and not f.name.startswith("history")
    ]
    rows = []
    for record in records:
        chain = versions.get(record.id, [])
        index = next((i for i, v in enumerate(chain) if v.history_id == record.history_id), 0)
        previous = chain[index - 1] if index > 0 else None
        changes = []
        if record.history_type == "~" and previous is not None:
            for f in fields:
                if getattr(previous, f.attname) != getattr(record, f.attname):
                    changes.append((f.verbose_name, _shown(previous, f), _shown(record, f)))
        elif record.history_type == "+":
            changes = [
                (f.verbose_name, None, _shown(record, f))
                for f in fields
                if getattr(record, f.attname) not in (None, "") and not f.is_relation
            ]
        rows.append(
            Entry(
                record.history_date,
                record.history_user,
                _ACTIONS[record.history_type],
                _subject(kind, record),
                changes,
            )
        )
    return rows
