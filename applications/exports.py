"""Exports for the evaluation protocol: the ranking as CSV and XLSX, and the
conflict of interest declarations as CSV."""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from incubator.spreadsheets import safe_row

from . import selectors


class _Echo:
    def write(self, value):
        return value


def _filename(cycle, what, extension):
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return f"{slugify(cycle.name) or 'cycle'}-{what}-{stamp}.{extension}"


def _ranking_table(cycle, settings):
    """The header and the rows of the full ranking, as plain values."""
    criteria, rows = selectors.full_ranking(cycle, settings)
    header = [
        _("Rank"),
        _("Rank in the field"),
        _("Organisation"),
        _("Registration number"),
        _("Priority field"),
        *[f"{c.name} ({_('weight')} {c.weight:g}, {c.scale_min}–{c.scale_max})" for c in criteria],
        _("Weighted total, %"),
    ]
    if settings.normalise_scores:
        header.append(_("Normalised total, %"))
    header += [
        _("Reviews"),
        _("Spread, percentage points"),
        _("To discuss"),
        _("Suggested"),
        _("Decision"),
        _("Decision published"),
    ]
    body = []
    for row in rows:
        application = row.application
        line = [
            row.rank,
            row.field_rank,
            application.organisation.name,
            application.organisation.registration_number,
            application.priority_field.name if application.priority_field else "",
            *[round(mean, 2) if mean is not None else None for mean in row.means],
            row.total,
        ]
        if settings.normalise_scores:
            line.append(row.normalised_total)
        line += [
            row.reviews_done,
            row.spread,
            _("yes") if row.flagged else "",
            _("yes") if row.suggested else "",
            application.get_status_display() if application.is_decided else "",
            _("yes") if application.decision_published_at else "",
        ]
        body.append(safe_row(line))
    return header, body


def ranking_csv(cycle, settings):
    header, body = _ranking_table(cycle, settings)
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8
        yield writer.writerow(header)
        for line in body:
            yield writer.writerow(["" if v is None else v for v in line])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(cycle, "ranking", "csv")}"'
    return response


def ranking_xlsx(cycle, settings):
    header, body = _ranking_table(cycle, settings)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Ranking")[:31])
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for line in body:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(cycle, "ranking", "xlsx")}"'
    )
    return response


def conflicts_csv(cycle):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Declared"),
            _("Reviewer"),
            _("Email address"),
            _("Organisation"),
            _("Registration number"),
            _("Priority field"),
            _("The conflict of interest"),
            _("Another reviewer assigned"),
        ]
    )
    for assignment in selectors.conflicts(cycle):
        application = assignment.application
        writer.writerow(
            safe_row(
                [
                    timezone.localtime(assignment.conflict_declared_at).strftime("%Y-%m-%d %H:%M")
                    if assignment.conflict_declared_at
                    else "",
                    assignment.member.user.display_name,
                    assignment.member.user.email,
                    application.organisation.name,
                    application.organisation.registration_number,
                    application.priority_field.name if application.priority_field else "",
                    assignment.conflict_reason,
                    _("yes") if assignment.replaced else _("no"),
                ]
            )
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(cycle, "conflicts-of-interest", "csv")}"'
    )
    return response
