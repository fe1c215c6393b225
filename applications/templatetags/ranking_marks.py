"""Presentation helpers for the ranking page."""

from django import template

register = template.Library()


@register.filter
def abbreviation(name, width=18):
    """A readable short form of a criterion's name for a narrow column header: the
    name itself when it fits, else its first word and the next ones shortened
    ("Atbilstība programmas mērķim" → "Atbilstība progr."), small words left out.
    The full name goes beside it, for hover and for screen readers."""
    name = " ".join(str(name).split())
    if len(name) <= width:
        return name
    first, *rest = name.split(" ")
    short = [first if len(first) <= 10 else _shorten(first, 7)]
    for word in rest:
        if len(word) <= 3:
            continue
        candidate = " ".join([*short, _shorten(word)])
        if len(candidate) > width:
            break
        short.append(_shorten(word))
    return " ".join(short)


def _shorten(word, keep=5):
    if len(word) <= keep + 1:
        return word
    cut = word[:keep]
    # End on a consonant, so that the stem reads ("progr.", not "progra.").
    while len(cut) > 4 and cut[-1].lower() in "aāeēiīouū":
        cut = cut[:-1]
    return cut + "."
