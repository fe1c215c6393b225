"""A cycle's bids as CSV and XLSX, every cell made safe for spreadsheet programs
(``incubator.spreadsheets``)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from incubator.spreadsheets import safe_row


def header():
    return [
        _("Organisation"),
        _("Cohort"),
        _("Project title"),
        _("Funder"),
        _("Call"),
        _("Status"),
        _("Status since"),
        _("Submission deadline"),
        _("Amount requested (EUR)"),
        _("Co-financing (EUR)"),
        _("Chance (%)"),
        _("Amount awarded (EUR)"),
    ]


def _moment(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def rows(bids):
    for bid in bids:
        yield safe_row(
            [
                bid.place.organisation.name,
                bid.place.cohort.priority_field.name,
                bid.title,
                bid.funder_name,
                bid.call.title if bid.call_id else "",
                str(bid.status_label),
                _moment(bid.status_changed_at),
                _moment(bid.deadline),
                bid.amount_requested,
                bid.cofinancing,
                bid.chance,
                bid.amount_awarded,
            ]
        )


def csv_text(bids):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # spreadsheet programs then read it as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(header())
    writer.writerows(rows(bids))
    return buffer.getvalue()


def xlsx_bytes(bids):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Bids")[:31])
    bold = Font(bold=True)
    cells = []
    for name in header():
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows(bids):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
