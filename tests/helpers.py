"""Small helpers shared by the tests: whole days and hours, and moments on the
portal's clock (Europe/Riga)."""

import datetime

from django.utils import timezone

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def moment(days, hour=15):
    """``days`` from today (Riga time) at ``hour`` o'clock, timezone-aware."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
