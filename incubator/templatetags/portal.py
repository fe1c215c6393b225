"""The kernel's template filters: ``{% load portal %}`` (see ``incubator.wording``)."""

from django import template

from .. import wording

register = template.Library()


@register.filter
def date_genitive(value):
    """“2027. gada 31. augusta”, for “no …” (“31 August 2027” in English)."""
    return wording.date_in_case(value, wording.GENITIVE)


@register.filter
def date_dative(value):
    """“2028. gada 30. jūnijam”, for “līdz …”."""
    return wording.date_in_case(value, wording.DATIVE)


@register.filter
def date_locative(value):
    """“2027. gada 31. augustā”, for “on …”."""
    return wording.date_in_case(value, wording.LOCATIVE)


@register.filter
def file_size(value):
    """“593 baiti”, “2,4 kB”, “3,1 MB”."""
    return wording.file_size(value)
