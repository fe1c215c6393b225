"""Reads of applications, always scoped to who is asking."""

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from incubator.models import PriorityField
from incubator.permissions import is_staff
from incubator.selectors import organisations_for

from ..models import Application, Attachment, PlaceOffer, StatusChange


def applications_for(user):
    """Applications of the organisations ``user`` belongs to."""
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(organisation__memberships__user=user).select_related(
        "cycle", "organisation", "priority_field"
    )


def offers_for(user):
    """The places offered to the organisations ``user`` belongs to."""
    if not user.is_authenticated:
        return PlaceOffer.objects.none()
    return PlaceOffer.objects.filter(
        application__organisation__memberships__user=user
    ).select_related("application__organisation", "application__cycle")


def visible_applications(user):
    """Every application a user may open: staff see all, others their own."""
    if is_staff(user):
        return Application.objects.select_related("cycle", "organisation", "priority_field")
    return applications_for(user)


def dashboard_organisations(user):
    """The user's organisations, each with its applications and their timelines."""
    applications = (
        Application.objects.select_related("cycle", "priority_field")
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related("changed_by").order_by(
                    "changed_at", "pk"
                ),
            )
        )
        .annotate(attachment_count=attachment_count())
    )
    return organisations_for(user).prefetch_related(
        Prefetch("applications", queryset=applications.order_by("-cycle__call_opens_at"))
    )


def staff_applications(cycle):
    """The cycle's applications for the staff list, with what each row shows."""
    return (
        Application.objects.filter(cycle=cycle)
        .select_related("organisation", "priority_field")
        # The columns a row shows, not the answers' long texts.
        .only(
            "cycle_id",
            "status",
            "submitted_at",
            "organisation__name",
            "organisation__registration_number",
            "organisation__municipality",
            "priority_field",
        )
        # A subquery, not a join with GROUP BY: the page reads 25 rows, and the
        # paginator's count leaves it out.
        .annotate(attachment_count=attachment_count())
        .order_by("organisation__name")
    )


def attachment_count():
    """Each application's number of attachments, as an expression."""
    return Coalesce(
        Subquery(
            Attachment.objects.filter(application=OuterRef("pk"))
            .order_by()
            .values("application")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def count_filtered(rows, status, field):
    """How many applications a status and a priority field (either may be None: any)
    keep, from the table of ``counts_by_field_and_status``."""
    column = Application.Status.values.index(status) if status else None
    return sum(
        total if column is None else cells[column]
        for row_field, cells, total in rows
        if field is None or row_field == field
    )


def search(queryset, text):
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(organisation__name__icontains=text)
        | Q(organisation__registration_number__icontains=text)
        | Q(organisation__municipality__icontains=text)
        | Q(project_idea__icontains=text)
    )


def counts_by_field_and_status(cycle):
    """A table of how many applications each priority field has in each status,
    counted in one query. Returns (rows, status totals, grand total); a row is
    (priority field, {status: count}, row total)."""
    counts = (
        Application.objects.filter(cycle=cycle)
        .values("priority_field", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    table = {}
    for row in counts:
        table.setdefault(row["priority_field"], {})[row["status"]] = row["n"]
    fields = list(PriorityField.objects.all())
    if None in table:
        fields.append(None)
    statuses = [value for value, _label in Application.Status.choices]
    rows = [
        (field, [table.get(field and field.pk, {}).get(s, 0) for s in statuses]) for field in fields
    ]
    rows = [(field, cells, sum(cells)) for field, cells in rows]
    totals = [sum(row[1][i] for row in rows) for i in range(len(statuses))]
    return rows, totals, sum(totals)


def timeline(application):
    """The steps shown on the applicant's status timeline: what happened, with when,
    then what is still ahead. Uses the prefetched status changes. A decision shows
    only once it was published to the organisation, and without the reason staff
    recorded with it (the letter says what the organisation is told)."""
    steps = []
    for change in application.status_changes.all():
        decision = change.status in Application.DECISIONS
        if decision and change.published_at is None:
            continue
        steps.append(
            {
                "label": change.get_status_display(),
                "at": change.published_at if decision else change.changed_at,
                "state": "done",
                "note": "" if decision else change.note,
                "by": None if decision else change.changed_by,
            }
        )
    if steps:
        steps[-1]["state"] = "current"
    Status = Application.Status
    ahead = {
        Status.DRAFT: [Status.SUBMITTED.label, _("Evaluation"), _("Decision")],
        Status.SUBMITTED: [_("Evaluation"), _("Decision")],
    }.get(application.visible_status, [])
    steps += [
        {"label": label, "at": None, "state": "ahead", "note": "", "by": None} for label in ahead
    ]
    return steps
