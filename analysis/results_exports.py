"""One table of the results dashboard (``analysis.figures``) as CSV or XLSX: the
same columns and rows the page shows, with the total line last. Text cells go
through the kernel's ``safe_row`` (no formula from an organisation's name)."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from incubator.spreadsheets import safe_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def lines(table):
    """The header, then every row and the total line, as plain values."""
    rows = [*table.rows, *([table.total] if table.total else [])]
    return table.labels, [safe_row([_plain(value) for value in row]) for row in rows]


def _plain(value):
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _filename(cycle, table, extension):
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    name = slugify(cycle.name) or "cycle"
    return f"{name}-{table.key.replace('_', '-')}-{stamp}.{extension}"


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def as_csv(cycle, table):
    header, rows = lines(table)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that spreadsheet programs read the Latvian letters right
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, _filename(cycle, table, "csv"))


def as_xlsx(cycle, table):
    header, rows = lines(table)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(table.title)[:31])
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(
        HttpResponse(buffer.getvalue(), content_type=XLSX), _filename(cycle, table, "xlsx")
    )
