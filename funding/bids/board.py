"""What each card of the staff's board of bids shows, as plain values computed once
per card (its links, organisation, funder, amounts written out, the label of its
"Move to" list): the board's template then only writes them out. Per-card
translations, filters and lookups in the template were most of the board's time."""

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from .models import Bid


def _figures(bid, awarded):
    parts = []
    if bid.amount_requested is not None:
        parts.append(f"{floatformat(bid.amount_requested, '2g')} EUR")
    if bid.chance is not None:
        parts.append(f"{bid.chance}%")
    if bid.amount_awarded is not None:
        parts.append(f"{awarded} {floatformat(bid.amount_awarded, '2g')} EUR")
    return " · ".join(parts)


def cards(bids, bids_path):
    """One dict per bid of a column (fetched by ``selectors.columns``, each with its
    ``moves``); a bid's pages are under ``bids_path`` ("<pk>/", "<pk>/status/")."""
    awarded = _("awarded")
    return [
        {
            "pk": bid.pk,
            "title": bid.title,
            "url": f"{bids_path}{bid.pk}/",
            "status_url": f"{bids_path}{bid.pk}/status/",
            "organisation": bid.place.organisation.name,
            "funder": bid.funder_name,
            "figures": _figures(bid, awarded),
            "moves": bid.moves,
            "move_label": _("Move “%(title)s” to") % {"title": bid.title},
            "asks_amount": bid.status == Bid.Status.SUBMITTED,
        }
        for bid in bids
    ]
