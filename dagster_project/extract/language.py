"""Language identification with lingua, restricted to the languages of the collection."""

from __future__ import annotations

from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# The collection is mostly French with Spanish, English and Arabic; the others occur on pages
# brought from elsewhere. Fewer candidates make short headlines more reliable.
DEFAULT_LANGUAGES = ("fr", "es", "en", "ar", "de", "it", "pt", "nl", "id", "ru")


@lru_cache(maxsize=4)
def _detector(codes: tuple[str, ...]) -> LanguageDetector:
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect(text: str | None, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when it has no letters or is undecidable."""
    if not text or not any(ch.isalpha() for ch in text):
        return None
    if len(text) <= _SHORT:
        return _detect_short(text, languages)
    return _detect(text[:3000], languages)


# Headlines come back snapshot after snapshot while they stay in a ticker: remember short texts.
_SHORT = 300


@lru_cache(maxsize=200_000)
def _detect_short(text: str, languages: tuple[str, ...]) -> str | None:
    return _detect(text, languages)


def _detect(text: str, languages: tuple[str, ...]) -> str | None:
    found = _detector(languages).detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found else None
