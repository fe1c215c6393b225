"""What each card of the public catalogue's list shows, as plain values computed
once for a page: the source's name in the active language, its kind and scope
labels, amounts, next deadline written out, whether a call is open now or rolling,
and its priority fields' names. The page is the catalogue's busiest; its template
then only writes these out (no per-card property, translation, filter or URL
reversing: those were most of its time)."""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.dateformat import format as format_date

from .models import FundingSource
from .selectors import SOON
from .templatetags.funding import amount_range


def detail_prefix():
    """A source's page is this path followed by "<pk>/" (reversed once, not per card)."""
    return reverse("funding:source_detail", args=[0]).removesuffix("0/")


def cards(sources, field_ids, priority_fields, now, followed=frozenset()):
    """One dict per source of ``sources`` (fetched by ``selectors.catalogue``), in
    their order; ``field_ids``: ``selectors.field_ids`` of them; ``priority_fields``:
    every priority field, in their order; ``followed``: the ids of the sources the
    visitor follows."""
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
        fields = sorted(field_ids.get(source.pk, []), key=field_order.get)
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
