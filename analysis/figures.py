"""The programme's results in a cycle, as tables: the staff's results dashboard, the
programme report for the funder and the exports read the same ``Table``s.

Every figure is counted in the database, grouped by field, meeting, organisation or
mentor; Python only lays the grouped rows out (and adds up a handful of field rows
into a total line). ``Figures`` computes each table once, and the number of queries
does not depend on how many organisations, meetings or consultations there are.

What the funnel's steps mean:

    applications  submitted to the cycle (a withdrawn one included: it was submitted)
    eligible      of those, without a failed eligibility check
    admitted      organisations that took a place in the cycle (``CohortMembership``)
    taking part   places still active while the cycle runs
    completed     places completed, or still active once the cycle has ended
    left          places the organisation left before the end
"""

from dataclasses import dataclass, field
from html import escape

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.formats import date_format, get_format, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applications.models import Application
from applications.selectors.figures import is_ineligible
from cohorts.models import Attendance, CohortMembership, JointMeeting
from funding.bids import selectors as bid_selectors
from funding.bids.models import Bid
from incubator.models import PriorityField
from mentoring.models import Consultation, MentorProfile
from mentoring.selectors.pages import minutes_to_hours

from . import selectors

# A chart of one bar per organisation is drawn up to this many organisations; beyond,
# the table alone tells the figures (a chart of hundreds of bars says nothing).
CHART_ROWS = 40

TEXT, NUMBER, HOURS, MEAN, PERCENT, MONEY = "text", "number", "hours", "mean", "percent", "money"


@dataclass
class Place:
    organisation_id: int
    label: str
    cohort_id: int
    field: str


@dataclass
class Table:
    """One table of figures: its columns (label, kind), its rows (the first cell
    names the row), an optional total line, and the chart drawn from the same
    figures with its text alternative."""

    key: str
    title: str
    columns: list
    rows: list
    total: list | None = None
    chart: dict | None = None
    chart_label: str = ""
    caption: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def slug(self):
        """The table's name in its export's URL."""
        return self.key.replace("_", "-")

    @property
    def chart_id(self):
        return f"chart-{self.slug}"

    @property
    def labels(self):
        return [label for label, _kind in self.columns]

    @property
    def kinds(self):
        return [kind for _label, kind in self.columns]

    def cells(self):
        """Every row as the page shows it."""
        separator = get_format("DECIMAL_SEPARATOR")
        kinds = self.kinds
        return [
            [shown(value, kind, separator) for value, kind in zip(row, kinds, strict=True)]
            for row in self.rows
        ]

    def total_cells(self):
        if not self.total:
            return []
        separator = get_format("DECIMAL_SEPARATOR")
        return [
            shown(value, kind, separator)
            for value, kind in zip(self.total, self.kinds, strict=True)
        ]

    def body(self):
        """The table's rows as HTML, every cell escaped (by the standard library's
        ``escape``: every cell is already a plain string). Laid out here rather than in
        the template: a template's loop over a thousand organisations' cells would
        cost more than all the figures' queries together."""
        return mark_safe(
            "".join(
                f'<tr><th scope="row" class="fw-normal">{escape(row[0])}</th>'
                + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
                + "</tr>"
                for row in self.cells()
            )
        )


DECIMALS = {MEAN: 2, HOURS: 1}


def shown(value, kind, separator=None):
    """A cell as the page shows it, in the reader's language (— when there is none)."""
    if value is None:
        return "—"
    if kind in (TEXT, NUMBER):
        return str(value)
    if kind == PERCENT:
        return f"{value}\u00a0%"
    if kind == MONEY:
        return number_format(value, 2, force_grouping=True)
    separator = separator or get_format("DECIMAL_SEPARATOR")
    return f"{value:.{DECIMALS[kind]}f}".replace(".", separator)


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


def _float(value):
    return None if value is None else float(value)


def _chart(labels, series, **options):
    return {
        "labels": [str(label) for label in labels],
        "series": [
            {"label": str(label), "data": [_float(v) for v in data], "tone": tone}
            for label, data, tone in series
        ],
        **options,
    }


def _row_chart(rows, series, **options):
    """A horizontal bar per table row (its first column names it), or None when there
    are no rows or too many for a readable chart (the table alone is shown then).
    ``series``: (label, column index, tone) each."""
    if not rows or len(rows) > CHART_ROWS:
        return None
    return _chart(
        [row[0] for row in rows],
        [(label, [row[index] for row in rows], tone) for label, index, tone in series],
        horizontal=True,
        **options,
    )


def _sum(rows, index):
    return sum(row[index] or 0 for row in rows)


class Figures:
    """The results tables of ``cycle``, each computed on first use."""

    KEYS = [
        "funnel",
        "attendance_meetings",
        "attendance_organisations",
        "hours_fields",
        "hours_mentors",
        "hours_organisations",
        "capacity",
        "bids",
        "satisfaction",
    ]

    def __init__(self, cycle, now=None):
        self.cycle = cycle
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.ended = self.today > cycle.incubation_ends_on
        self._tables = {}
        self._places = None
        self._fields = None

    def table(self, key):
        if key not in self.KEYS:
            raise KeyError(key)
        if key not in self._tables:
            self._tables[key] = getattr(self, f"_{key}")()
        return self._tables[key]

    def tables(self):
        return {key: self.table(key) for key in self.KEYS}

    # --- shared rows ---------------------------------------------------------------

    @property
    def places(self):
        """The cycle's places (every status) as plain rows: organisation id, the
        label it is listed under, cohort id and field name. Rows, not model instances:
        a cycle may have a thousand of them."""
        if self._places is None:
            names = {f.pk: f.name for f in self.fields}
            left = CohortMembership.Status.LEFT
            self._places = [
                Place(
                    organisation_id,
                    _("%(name)s (left)") % {"name": name} if status == left else name,
                    cohort_id,
                    names.get(field_id, ""),
                )
                for organisation_id, name, status, cohort_id, field_id in (
                    CohortMembership.objects.filter(cycle=self.cycle)
                    .order_by("cohort__priority_field__order", "organisation__name")
                    .values_list(
                        "organisation_id",
                        "organisation__name",
                        "status",
                        "cohort_id",
                        "cohort__priority_field_id",
                    )
                )
            ]
        return self._places

    @property
    def fields(self):
        if self._fields is None:
            self._fields = list(PriorityField.objects.order_by("order", "code"))
        return self._fields

    # --- the funnel ----------------------------------------------------------------

    def _funnel(self):
        applied = {
            row["priority_field"]: row
            for row in Application.objects.filter(cycle=self.cycle, submitted_at__isnull=False)
            .values("priority_field")
            .annotate(applied=Count("pk"), eligible=Count("pk", filter=~Q(is_ineligible())))
            .order_by()
        }
        status = CohortMembership.Status
        places = {
            row["cohort__priority_field"]: row
            for row in CohortMembership.objects.filter(cycle=self.cycle)
            .values("cohort__priority_field")
            .annotate(
                admitted=Count("pk"),
                active=Count("pk", filter=Q(status=status.ACTIVE)),
                completed=Count("pk", filter=Q(status=status.COMPLETED)),
                left=Count("pk", filter=Q(status=status.LEFT)),
            )
            .order_by()
        }
        rows = []
        for priority_field in self.fields:
            a = applied.get(priority_field.pk, {})
            p = places.get(priority_field.pk, {})
            if not a and not p:
                continue
            active = p.get("active", 0)
            rows.append(
                [
                    priority_field.name,
                    a.get("applied", 0),
                    a.get("eligible", 0),
                    p.get("admitted", 0),
                    0 if self.ended else active,
                    p.get("completed", 0) + (active if self.ended else 0),
                    p.get("left", 0),
                ]
            )
        columns = [
            (_("Priority field"), TEXT),
            (_("Applications"), NUMBER),
            (_("Eligible"), NUMBER),
            (_("Admitted"), NUMBER),
            (_("Taking part"), NUMBER),
            (_("Completed"), NUMBER),
            (_("Left"), NUMBER),
        ]
        total = [_("Total")] + [_sum(rows, i) for i in range(1, len(columns))]
        series = [
            (columns[i][0], [row[i] for row in rows], tone)
            for i, tone in ((1, "submitted"), (2, "eligible"), (3, "admitted"), (5, "completed"))
        ]
        series.append((columns[6][0], [row[6] for row in rows], "withdrawn"))
        return Table(
            key="funnel",
            title=_("From applications to completion, per priority field"),
            columns=columns,
            rows=rows,
            total=total,
            chart=_chart([row[0] for row in rows], series),
            chart_label=_(
                "Bar chart of applications, eligible, admitted, completed and left per "
                "priority field; the same figures are in the table."
            ),
            caption=_(
                "Submitted applications; eligible: without a failed eligibility check; "
                "admitted: organisations that took a place; completed: still taking part "
                "when the cycle ended."
            ),
        )

    # --- attendance ----------------------------------------------------------------

    def _held_meetings(self):
        return JointMeeting.objects.filter(
            cycle=self.cycle, status=JointMeeting.Status.SCHEDULED, starts_at__lte=self.now
        )

    def _attendance_meetings(self):
        present = Q(attendance__status=Attendance.Status.PRESENT)
        meetings = (
            self._held_meetings()
            .select_related("cohort__priority_field")
            .annotate(
                present=Count("attendance", filter=present),
                excused=Count("attendance", filter=Q(attendance__status=Attendance.Status.EXCUSED)),
                absent=Count("attendance", filter=Q(attendance__status=Attendance.Status.ABSENT)),
                people=Sum("attendance__people"),
            )
            .order_by("starts_at", "pk")
        )
        rows = []
        for meeting in meetings:
            recorded = meeting.present + meeting.excused + meeting.absent
            rows.append(
                [
                    meeting.title,
                    date_format(timezone.localtime(meeting.starts_at), "SHORT_DATE_FORMAT"),
                    meeting.cohort.name if meeting.cohort_id else _("Everyone"),
                    meeting.present,
                    meeting.excused,
                    meeting.absent,
                    meeting.people or 0,
                    _percent(meeting.present, recorded),
                ]
            )
        columns = [
            (_("Meeting"), TEXT),
            (_("Date"), TEXT),
            (_("For"), TEXT),
            (_("Present"), NUMBER),
            (_("Excused"), NUMBER),
            (_("Absent"), NUMBER),
            (_("People present"), NUMBER),
            (_("Attendance (%)"), PERCENT),
        ]
        labels = [row[0] for row in rows]
        return Table(
            key="attendance_meetings",
            title=_("Attendance per joint meeting"),
            columns=columns,
            rows=rows,
            chart=_chart(
                labels,
                [
                    (_("Present"), [r[3] for r in rows], "present"),
                    (_("Excused"), [r[4] for r in rows], "excused"),
                    (_("Absent"), [r[5] for r in rows], "absent"),
                ],
                stacked=True,
            )
            if rows
            else None,
            chart_label=_(
                "Stacked bar chart of the organisations present, excused and absent at "
                "each meeting held; the same figures are in the table."
            ),
            caption=_("Meetings held so far; attendance: organisations present of those recorded."),
        )

    def _attendance_organisations(self):
        held = dict(self._held_meetings().values_list("cohort").annotate(n=Count("pk")).order_by())
        counts = {
            row["organisation"]: row
            for row in Attendance.objects.filter(meeting__in=self._held_meetings())
            .values("organisation")
            .annotate(
                present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
                excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
                absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
            )
            .order_by()
        }
        rows = []
        for place in self.places:
            expected = held.get(None, 0) + held.get(place.cohort_id, 0)
            found = counts.get(place.organisation_id, {})
            present = found.get("present", 0)
            rows.append(
                [
                    place.label,
                    place.field,
                    expected,
                    present,
                    found.get("excused", 0),
                    found.get("absent", 0),
                    _percent(present, expected),
                ]
            )
        columns = [
            (_("Organisation"), TEXT),
            (_("Priority field"), TEXT),
            (_("Meetings held for it"), NUMBER),
            (_("Present"), NUMBER),
            (_("Excused"), NUMBER),
            (_("Absent"), NUMBER),
            (_("Attendance (%)"), PERCENT),
        ]
        chart = _row_chart(
            rows,
            [
                (_("Present"), 3, "present"),
                (_("Excused"), 4, "excused"),
                (_("Absent"), 5, "absent"),
            ],
            stacked=True,
        )
        return Table(
            key="attendance_organisations",
            title=_("Attendance per organisation"),
            columns=columns,
            rows=rows,
            chart=chart,
            chart_label=_(
                "Stacked bar chart of each organisation's meetings present, excused and "
                "absent; the same figures are in the table."
            ),
            caption=_("Attendance: meetings present of the meetings held for the organisation."),
            extra={"tall": len(rows) > 12},
        )

    # --- consultation hours --------------------------------------------------------

    def _held(self):
        return Consultation.objects.filter(cycle=self.cycle, status=Consultation.Status.HELD)

    def _hours_fields(self):
        field_of = CohortMembership.objects.filter(
            cycle_id=OuterRef("cycle_id"), organisation_id=OuterRef("organisation_id")
        ).values("cohort__priority_field")[:1]
        found = {
            row["field"]: row
            for row in self._held()
            .annotate(field=Subquery(field_of))
            .values("field")
            .annotate(
                count=Count("pk"),
                minutes=Sum("log__minutes"),
                organisations=Count("organisation", distinct=True),
            )
            .order_by()
        }
        rows = []
        for priority_field in self.fields:
            row = found.get(priority_field.pk)
            if row is None:
                continue
            hours = minutes_to_hours(row["minutes"])
            rows.append(
                [
                    priority_field.name,
                    row["organisations"],
                    row["count"],
                    hours,
                    round(hours / row["organisations"], 1),
                ]
            )
        columns = [
            (_("Priority field"), TEXT),
            (_("Organisations consulted"), NUMBER),
            (_("Consultations held"), NUMBER),
            (_("Hours"), HOURS),
            (_("Hours per organisation"), HOURS),
        ]
        total = None
        if rows:
            hours = sum(row[3] for row in rows)
            organisations = _sum(rows, 1)
            total = [
                _("Total"),
                organisations,
                _sum(rows, 2),
                hours,
                round(hours / organisations, 1),
            ]
        return Table(
            key="hours_fields",
            title=_("Consultation hours per priority field"),
            columns=columns,
            rows=rows,
            total=total,
            chart=_chart([r[0] for r in rows], [(_("Hours"), [r[3] for r in rows], "filled")])
            if rows
            else None,
            chart_label=_(
                "Bar chart of the consultation hours per priority field; the same figures "
                "are in the table."
            ),
            caption=_("Consultations held and logged by the mentor or expert, in hours."),
        )

    def _hours_mentors(self):
        found = {
            row["mentor"]: row
            for row in self._held()
            .values("mentor")
            .annotate(
                count=Count("pk"),
                minutes=Sum("log__minutes"),
                organisations=Count("organisation", distinct=True),
            )
            .order_by()
        }
        rows = []
        for profile in (
            MentorProfile.objects.filter(pk__in=list(found))
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "pk")
        ):
            row = found[profile.pk]
            rows.append(
                [
                    profile.name,
                    profile.get_kind_display(),
                    row["organisations"],
                    row["count"],
                    minutes_to_hours(row["minutes"]),
                ]
            )
        columns = [
            (_("Mentor or expert"), TEXT),
            (_("Role"), TEXT),
            (_("Organisations"), NUMBER),
            (_("Consultations held"), NUMBER),
            (_("Hours"), HOURS),
        ]
        chart = _row_chart(rows, [(_("Hours"), 4, "filled")])
        return Table(
            key="hours_mentors",
            title=_("Consultation hours per mentor and expert"),
            columns=columns,
            rows=rows,
            chart=chart,
            chart_label=_(
                "Bar chart of the consultation hours of each mentor and expert; the same "
                "figures are in the table."
            ),
            extra={"tall": len(rows) > 12},
        )

    def _hours_organisations(self):
        found = {
            row["organisation"]: row
            for row in self._held()
            .values("organisation")
            .annotate(count=Count("pk"), minutes=Sum("log__minutes"))
            .order_by()
        }
        rows = []
        for place in self.places:
            row = found.get(place.organisation_id, {})
            rows.append(
                [
                    place.label,
                    place.field,
                    row.get("count", 0),
                    minutes_to_hours(row.get("minutes")),
                ]
            )
        columns = [
            (_("Organisation"), TEXT),
            (_("Priority field"), TEXT),
            (_("Consultations held"), NUMBER),
            (_("Hours"), HOURS),
        ]
        chart = _row_chart(rows, [(_("Hours"), 3, "filled")])
        return Table(
            key="hours_organisations",
            title=_("Consultation hours per organisation"),
            columns=columns,
            rows=rows,
            chart=chart,
            chart_label=_(
                "Bar chart of the consultation hours of each organisation; the same figures "
                "are in the table."
            ),
            extra={"tall": len(rows) > 12},
        )

    # --- capacity, bids, satisfaction ----------------------------------------------

    def _capacity(self):
        found = selectors.capacity_change(self.cycle.pk)
        rows = [
            [
                str(row["area"].name),
                row["area"].instrument.version,
                row["organisations"],
                row["baseline"],
                row["end"],
                row["change"],
                row["improved"],
            ]
            for row in found
        ]
        columns = [
            (_("Area"), TEXT),
            (_("Instrument version"), NUMBER),
            (_("Organisations"), NUMBER),
            (_("Baseline mean (agreed)"), MEAN),
            (_("End mean (agreed)"), MEAN),
            (_("Mean change"), MEAN),
            (_("Improved (%)"), PERCENT),
        ]
        return Table(
            key="capacity",
            title=_("Capacity change per area"),
            columns=columns,
            rows=rows,
            chart=_chart(
                [r[0] for r in rows],
                [
                    (pgettext("assessment", "Baseline"), [r[3] for r in rows], "baseline"),
                    (pgettext("assessment", "End"), [r[4] for r in rows], "end"),
                ],
                horizontal=True,
                max=4,
            )
            if rows
            else None,
            chart_label=_(
                "Bar chart of the mean agreed score per area at the baseline and at the "
                "end, on the 1–4 scale; the same figures are in the table."
            ),
            caption=_(
                "Agreed scores on the 1–4 scale, over the organisations with both a "
                "baseline and an end assessment."
            ),
            extra={"tall": len(rows) > 6},
        )

    def _bids(self):
        totals, per_cohort = bid_selectors.figures(Bid.objects.filter(place__cycle=self.cycle))

        def line(label, row):
            return [
                label,
                row["started"],
                row["submitted"],
                row["awarded"],
                row["rejected"],
                row["success_rate"],
                row["requested_eur"],
                row["awarded_eur"],
            ]

        rows = [line(row["cohort"].priority_field.name, row) for row in per_cohort]
        columns = [
            (_("Priority field"), TEXT),
            (_("Bids started"), NUMBER),
            (pgettext("bids", "Submitted"), NUMBER),
            (pgettext("bids", "Awarded"), NUMBER),
            (pgettext("bids", "Rejected"), NUMBER),
            (_("Success rate (%)"), PERCENT),
            (_("EUR requested"), MONEY),
            (_("EUR awarded"), MONEY),
        ]
        return Table(
            key="bids",
            title=_("Funding bids per priority field"),
            columns=columns,
            rows=rows,
            total=line(_("Total"), totals) if rows else None,
            chart=_chart(
                [r[0] for r in rows],
                [
                    (_("EUR requested"), [r[6] for r in rows], "requested"),
                    (_("EUR awarded"), [r[7] for r in rows], "awarded"),
                ],
            )
            if rows
            else None,
            chart_label=_(
                "Bar chart of the euros requested and awarded per priority field; the same "
                "figures are in the table."
            ),
            caption=_(
                "Submitted: bids ever submitted to a funder; success rate: awarded of those "
                "decided; EUR requested by the bids submitted."
            ),
        )

    def _satisfaction(self):
        found = selectors.feedback_figures(self.cycle.pk)
        rows = [[str(label)[:1].upper() + str(label)[1:], mean] for label, mean in found["ratings"]]
        columns = [(_("Question"), TEXT), (_("Mean rating (1–5)"), MEAN)]
        return Table(
            key="satisfaction",
            title=_("Satisfaction from the end-of-cycle feedback"),
            columns=columns,
            rows=rows if found["count"] else [],
            chart=_chart(
                [r[0] for r in rows],
                [(_("Mean rating (1–5)"), [r[1] for r in rows], "filled")],
                horizontal=True,
                max=5,
            )
            if found["count"]
            else None,
            chart_label=_(
                "Bar chart of the mean rating of each question on the 1–5 scale; the same "
                "figures are in the table."
            ),
            caption=_("Mean rating on the 1–5 scale."),
            extra={
                "count": found["count"],
                "comments": [text for text, _person in found["comments"]],
                "named": found["comments"],
            },
        )


@dataclass
class Section:
    key: str
    title: str
    intro: str
    tables: list


def sections(figures):
    """The dashboard's and the report's sections, in their order, with their tables."""
    layout = [
        (
            "funnel",
            _("Applications and participation"),
            _(
                "How many organisations applied in each priority field, how many were "
                "eligible and admitted, and how many completed the programme or left it."
            ),
            ["funnel"],
        ),
        (
            "attendance",
            _("Joint meetings"),
            _("Which organisations took part in the joint meetings held so far."),
            ["attendance_meetings", "attendance_organisations"],
        ),
        (
            "hours",
            _("Mentor and expert consultations"),
            _("The hours of consultations held, per priority field, mentor and organisation."),
            ["hours_fields", "hours_mentors", "hours_organisations"],
        ),
        (
            "capacity",
            _("Capacity of the organisations"),
            _(
                "The change of the organisations' capacity from the baseline to the end "
                "assessment, by the scores agreed with their mentor or staff."
            ),
            ["capacity"],
        ),
        (
            "bids",
            _("Funding raised"),
            _("The funding bids the organisations prepared and submitted, and what they won."),
            ["bids"],
        ),
        (
            "satisfaction",
            _("Satisfaction"),
            _("How the organisations rated the programme in the end-of-cycle feedback."),
            ["satisfaction"],
        ),
    ]
    return [
        Section(key, title, intro, [figures.table(name) for name in names])
        for key, title, intro, names in layout
    ]


def headline(figures):
    """The report's introduction in figures, from the tables above (no more queries)."""
    funnel = figures.table("funnel").total or [None, 0, 0, 0, 0, 0, 0]
    hours = figures.table("hours_fields").total
    bids = figures.table("bids").total
    return {
        "applied": funnel[1],
        "admitted": funnel[3],
        "completed": funnel[5],
        "left": funnel[6],
        "fields": len(figures.table("funnel").rows),
        "meetings": len(figures.table("attendance_meetings").rows),
        "hours": hours[3] if hours else 0,
        "submitted": bids[2] if bids else 0,
        "awarded": bids[3] if bids else 0,
        "awarded_eur": bids[7] if bids else 0,
        "feedback": figures.table("satisfaction").extra["count"],
    }
