"""Where an organisation works, as the catalogue's areas: its municipality (typed
freely in its profile: "Liepāja", "Dienvidkurzemes nov.", "Liepājas valstspilsēta")
found among the municipalities, and through it its planning region."""

import re
import unicodedata

from .models import Municipality

# Words around a name, as ``plain`` leaves them (no diacritics).
_CITY_WORDS = re.compile(r"\b(valstspilsetas?|pilsetas?|pasvaldibas?|city|municipality)\b")
_NOVADS = re.compile(r"\bnov(?:ads|ada|\.)?(?=\W|$)")


def plain(text):
    """Lower case without diacritics, single spaces: "Rīga " -> "riga"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def key(name):
    """The comparable form of a municipality's name: a novads keeps the word
    ("ventspils novads"), a city is its bare name ("ventspils")."""
    text = plain(name)
    is_novads = bool(_NOVADS.search(text))
    text = _NOVADS.sub("", text)
    text = _CITY_WORDS.sub("", text)
    text = " ".join(re.sub(r"[^\w ]", " ", text).split())
    return f"{text} novads" if is_novads else text


def find_municipality(text, municipalities=None):
    """The Municipality ``text`` names, or None. ``municipalities``: the rows, when
    already loaded (else one query)."""
    if not text:
        return None
    rows = municipalities if municipalities is not None else Municipality.objects.all()
    wanted = key(text)
    by_key = {key(m.name): m for m in rows}
    if wanted in by_key:
        return by_key[wanted]
    # A city's name in the genitive: "Liepājas valstspilsēta", "Rēzeknes pilsēta".
    if wanted.endswith("s"):
        return by_key.get(wanted[:-1])
    return None
