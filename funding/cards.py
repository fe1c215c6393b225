"""What each card of the public catalogue's list shows, as plain values computed
once for a page: the source's name in the active language, its kind and scope
labels, amounts, next deadline written out, whether a call is open now or rolling,
and its priority fields' names; and each card's HTML, written here rather than by
the template. The page is the catalogue's busiest, and a card per source rendered
node by node by the template engine (and before that, its per-card properties,
translations, filters and URL reversing) was most of its time.
"""

from html import escape  # as django.utils.html.escape, for plain strings, without its wrapping

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .models import FundingSource
from .selectors import SOON
from .templatetags.funding import amount_range


def detail_prefix():
    """A source's page is this path followed by "<pk>/" (reversed once, not per card)."""
    return reverse("funding:source_detail", args=[0]).removesuffix("0/")


def cards(sources, priority_fields, now, followed=frozenset()):
    """One dict per source of ``sources`` (``listing.Listed``), in their order;
    ``priority_fields``: the priority fields to name, in their order (``choices``);
    ``followed``: the ids of the sources the visitor follows."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    kinds = {value: str(label) for value, label in FundingSource.Kind.choices}
    scopes = {value: str(label) for value, label in FundingSource.Scope.choices}
    field_names = {field.pk: field.name for field in priority_fields}
    field_order = {field.pk: index for index, field in enumerate(priority_fields)}
    prefix = detail_prefix()
    moment = formats.get_format("DATETIME_FORMAT")
    soon = now + SOON
    shown = []
    for source in sources:
        # A field the options do not know yet (see choices.py) is left off.
        fields = sorted((pk for pk in source.field_ids if pk in field_order), key=field_order.get)
        deadline = source.next_deadline
        shown.append(
            {
                "pk": source.pk,
                "anchor": f"source-{source.pk}",
                "followed": source.pk in followed,
                "url": f"{prefix}{source.pk}/",
                "name": getattr(source, f"name_{language}", "") or source.name_lv,
                "funder": source.funder,
                "kind": kinds.get(source.kind, source.kind),
                "scope": scopes.get(source.scope, source.scope),
                "amounts": amount_range(source),
                "historic": source.verification == FundingSource.Verification.HISTORIC,
                "partial": source.verification == FundingSource.Verification.PARTIAL,
                "verification_note": source.verification_note,
                "deadline": format_date(timezone.localtime(deadline), moment) if deadline else "",
                "closes_soon": bool(deadline and deadline <= soon),
                "open_now": source.has_open_call,
                "rolling": source.has_rolling_call,
                "fields": [field_names[pk] for pk in fields],
                "cross_cutting": source.cross_cutting,
            }
        )
    return shown


def _labels():
    """The words every card shares, translated once for a page, HTML-escaped."""
    words = {
        "historic": _("Closed / historic"),
        "historic_title": _("The programme has ended; listed for reference only."),
        "partial": _("Partly confirmed"),
        "partial_title": _("Some facts are not confirmed: check the official rules."),
        "following": _("Following"),
        "deadline": _("Deadline"),
        "rolling": _("Rolling call"),
        "open": _("Open now"),
        "cross_cutting": _("Cross-cutting / civil society"),
    }
    return {name: escape(str(text)) for name, text in words.items()}


PILL = '<span class="badge rounded-pill text-bg-light border fw-normal me-1">{}</span>'


def _badges(card, labels):
    if card["historic"]:
        badge = '<span class="badge text-bg-secondary" title="{historic_title}">{historic}</span>'
        shown = badge.format(**labels)
    elif card["partial"]:
        note = card["verification_note"]
        shown = '<span class="badge text-bg-warning" title="{partial_title}">{partial}'.format(
            **labels
        ) + (f": {escape(note)}</span>" if note else "</span>")
    else:
        shown = ""
    if card["followed"]:
        shown += (
            '<span class="badge text-bg-info"><i class="bi bi-bookmark-check" aria-hidden="true">'
            f"</i> {labels['following']}</span>"
        )
    return shown


def _facts(card, labels):
    facts = [
        f'<li class="list-inline-item"><i class="bi bi-tag" aria-hidden="true"></i> '
        f"{escape(card['kind'])}</li>",
        f'<li class="list-inline-item"><i class="bi bi-geo-alt" aria-hidden="true"></i> '
        f"{escape(card['scope'])}</li>",
    ]
    if card["amounts"]:
        facts.append(
            '<li class="list-inline-item"><i class="bi bi-cash-coin" aria-hidden="true"></i> '
            f"{escape(card['amounts'])}</li>"
        )
    if card["historic"]:
        return facts
    if card["deadline"]:
        soon = " fw-semibold text-danger-emphasis" if card["closes_soon"] else ""
        facts.append(
            f'<li class="list-inline-item{soon}"><i class="bi bi-alarm" aria-hidden="true"></i> '
            f"{labels['deadline']} {escape(card['deadline'])}</li>"
        )
    elif card["rolling"]:
        facts.append(
            '<li class="list-inline-item"><i class="bi bi-arrow-repeat" aria-hidden="true"></i> '
            f"{labels['rolling']}</li>"
        )
    if card["open_now"]:
        facts.append(
            '<li class="list-inline-item"><span class="badge text-bg-success">'
            f"{labels['open']}</span></li>"
        )
    return facts


def _card_html(card, labels):
    fields = [PILL.format(escape(name)) for name in card["fields"]]
    if card["cross_cutting"]:
        fields.append(PILL.format(labels["cross_cutting"]))
    return (
        f'<article class="card shadow-sm mb-3" aria-labelledby="{card["anchor"]}">'
        '<div class="card-body"><div class="d-flex flex-wrap justify-content-between gap-2">'
        f'<h3 id="{card["anchor"]}" class="h6 mb-1"><a href="{escape(card["url"])}">'
        f"{escape(card['name'])}</a></h3><div>{_badges(card, labels)}</div></div>"
        f'<p class="small text-body-secondary mb-2 text-truncate" title="{escape(card["funder"])}">'
        f"{escape(card['funder'])}</p>"
        f'<ul class="list-inline small mb-2">{"".join(_facts(card, labels))}</ul>'
        f'<p class="mb-0">{"".join(fields)}</p></div></article>'
    )


def cards_html(shown):
    """The cards of ``shown`` (made by ``cards``) as the page's HTML."""
    labels = _labels()
    return mark_safe("".join(_card_html(card, labels) for card in shown))
