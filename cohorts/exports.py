"""Exports of the incubation cycle: the attendance report as CSV."""

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from incubator.spreadsheets import safe_row

from . import selectors


def attendance_csv(cycle):
    """One line per organisation and meeting held: its answer and its attendance."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(cycle.name) or 'cycle'}-attendance.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheet programs read the Latvian letters right
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Organisation"),
            _("Registration number"),
            _("Cohort"),
            _("Status in the programme"),
            _("Meeting"),
            _("Date"),
            _("Answer"),
            _("Attendance"),
            _("People present"),
            _("Note"),
        ]
    )
    for place, meeting, answer, record in selectors.attendance_lines(cycle):
        writer.writerow(
            safe_row(
                [
                    place.organisation.name,
                    place.organisation.registration_number,
                    place.cohort.name,
                    place.get_status_display(),
                    meeting.title,
                    timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
                    answer.get_answer_display() if answer else "",
                    record.get_status_display() if record else "",
                    record.people if record else "",
                    record.note if record else "",
                ]
            )
        )
    return response
