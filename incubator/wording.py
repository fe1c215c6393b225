"""Latvian wording the portal's sentences need, in one place.

Dates inside a Latvian sentence take the case the sentence asks for: “no 2027. gada
31. augusta” (genitive, after “no”), “līdz 2028. gada 30. jūnijam” (dative, after
“līdz”), “2027. gada 31. augustā” (locative, “on”). Django's DATE_FORMAT gives the
nominative only (“2027. gada 31. augusts”). In English every case reads “31 August
2027”. File sizes are written with the plural forms of the active language
(“1 baits”, “2 baiti”, “11 baitu”) and in kB or MB above 1 kB. Figures in long
tables are written once per page by ``decimals(places)``, as ``floatformat`` writes
them, without a template filter per cell.

The template filters (``{% load portal %}``: ``date_genitive``, ``date_dative``,
``date_locative``, ``file_size``) call these functions."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

GENITIVE = "genitive"
DATIVE = "dative"
LOCATIVE = "locative"

MONTHS = {
    GENITIVE: (
        "janvāra februāra marta aprīļa maija jūnija jūlija augusta septembra oktobra "
        "novembra decembra"
    ).split(),
    DATIVE: (
        "janvārim februārim martam aprīlim maijam jūnijam jūlijam augustam septembrim "
        "oktobrim novembrim decembrim"
    ).split(),
    LOCATIVE: (
        "janvārī februārī martā aprīlī maijā jūnijā jūlijā augustā septembrī oktobrī "
        "novembrī decembrī"
    ).split(),
}


def date_in_case(value, case):
    """``value`` (a date or datetime) as a date for a sentence in the active language:
    in Latvian “2027. gada 31. augusta” (``GENITIVE``), “… 31. augustam”
    (``DATIVE``), “… 31. augustā” (``LOCATIVE``); otherwise the language's date."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if (translation.get_language() or "").split("-")[0] != "lv":
        return formats.date_format(value, "DATE_FORMAT")
    month = MONTHS[case][value.month - 1]
    return f"{value.year}. gada {value.day}. {month}"


def file_size(size):
    """A size in bytes for people: “593 baiti”, “1 baits”, “2,4 kB”, “3,1 MB”."""
    if size is None:
        return ""
    size = int(size)
    if size < 1024:
        return ngettext("%(count)d byte", "%(count)d bytes", size) % {"count": size}
    if size < 1024 * 1024:
        return _("%(size)s kB") % {"size": _one_decimal(size / 1024)}
    return _("%(size)s MB") % {"size": _one_decimal(size / (1024 * 1024))}


def _one_decimal(value):
    """One decimal in the active language's format (“2,4”), none for ten or more."""
    if value >= 10:
        return formats.number_format(round(value), 0)
    return formats.number_format(round(value, 1), 1)


def decimals(places, empty="—"):
    """A function writing a number with ``places`` decimals in the active language
    (“2,33” in Latvian, “2.33” in English), exactly as ``{{ value|floatformat:places }}``
    does (halves rounded up, from the number as Python writes it), and ``empty`` for
    None. The language's separator is looked up once, so that a page of figures costs
    a string operation per figure rather than a template filter."""
    separator = formats.get_format("DECIMAL_SEPARATOR")
    step = Decimal(1).scaleb(-places)

    def write(value):
        if value is None:
            return empty
        rounded = Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)
        text = str(rounded.copy_abs() if rounded.is_zero() else rounded)
        return text.replace(".", separator) if separator != "." else text

    return write
