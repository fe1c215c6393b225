"""Money and dates as the funding pages show them."""

from decimal import Decimal

from django import template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def eur(value):
    """12500 -> "12 500", 1750.5 -> "1 750,50" (Latvian) or "1 750.50"."""
    if value in (None, ""):
        return ""
    value = Decimal(value)
    whole, _dot, cents = f"{abs(value):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = "\u00a0".join(groups)
    if cents != "00":
        separator = "," if (translation.get_language() or "lv").startswith("lv") else "."
        text = f"{text}{separator}{cents}"
    return f"-{text}" if value < 0 else text


@register.simple_tag
def amount_range(source):
    """ "300–2 500 EUR", "up to 36 000 EUR", "from 6 000 EUR", or ""."""
    low, high = source.amount_min, source.amount_max
    if low is not None and high is not None:
        return f"{eur(low)}–{eur(high)} EUR"
    if high is not None:
        return _("up to %(amount)s EUR") % {"amount": eur(high)}
    if low is not None:
        return _("from %(amount)s EUR") % {"amount": eur(low)}
    return ""


@register.simple_tag
def days_left(moment, now=None):
    """Whole days (Riga calendar) from ``now`` to ``moment``."""
    now = now or timezone.now()
    return (timezone.localdate(moment) - timezone.localdate(now)).days
