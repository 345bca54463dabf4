"""Normalised forms of names: how two spellings of one name are recognised as equal."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Leading articles that do not change what a name refers to ("le Maroc", "the Gambia", "el Cairo").
_ARTICLE = re.compile(r"^(?:l['’]|le |la |les |the |el |los |las )", re.IGNORECASE)
_SPACE = re.compile(r"[\s\u00a0]+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# An acronym: capitals, digits and `&` only, at least one capital (`ONU`, `G20`, `AT&T`).
ACRONYM = re.compile(r"^(?=[A-Z0-9&]*[A-Z])[A-Z0-9&]{2,10}$")


# Names recur (a few thousand spellings make most of the mentions): each is worked out once.
@lru_cache(maxsize=1 << 16)
def normalise(name: str) -> str:
    """Case-, accent-, article- and spacing-insensitive form: `L'Équateur` -> `equateur`."""
    if name.isascii():  # no accents to strip (most names): skip the per-character loop
        text = name
    else:
        text = unicodedata.normalize("NFKD", name.replace("’", "'"))
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _SPACE.sub(" ", text).strip().casefold()
    text = _ARTICLE.sub("", text)
    return text.replace("-", " ")


def is_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text))


def looks_like_name(text: str) -> bool:
    """A written name in Latin script starts with a capital; Arabic script has no case."""
    return bool(text) and (text[0].isupper() or is_arabic(text))
