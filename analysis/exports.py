"""The results dashboard's capacity change per area as a table, CSV or XLSX."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from incubator.spreadsheets import safe_row

from . import selectors


def capacity_table(cycle):
    header = [
        _("Area"),
        _("Instrument version"),
        _("Organisations"),
        _("Baseline mean (agreed)"),
        _("End mean (agreed)"),
        _("Mean change"),
        _("Improved (%)"),
    ]
    rows = [
        safe_row(
            [
                str(row["area"].name),
                row["area"].instrument.version,
                row["organisations"],
                row["baseline"],
                row["end"],
                row["change"],
                row["improved"],
            ]
        )
        for row in selectors.capacity_change(cycle.pk)
    ]
    return header, rows


def _filename(cycle, extension):
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return f"{slugify(cycle.name) or 'cycle'}-capacity-change-{stamp}.{extension}"


def as_csv(cycle):
    header, rows = capacity_table(cycle)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that spreadsheet programs read the Latvian letters right
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(cycle, "csv")}"'
    return response


def as_xlsx(cycle):
    header, rows = capacity_table(cycle)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Capacity change")[:31])
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(cycle, "xlsx")}"'
    return response
