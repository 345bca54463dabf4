"""Language identification with lingua, restricted to the languages of the collection."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# The collection is mostly French with Spanish, English and Arabic; the others occur on pages
# brought from elsewhere. Fewer candidates make short headlines more reliable.
DEFAULT_LANGUAGES = ("fr", "es", "en", "ar", "de", "it", "pt", "nl", "id", "ru")

# Headlines come back snapshot after snapshot while they stay in a ticker: short texts are
# remembered. So are longer ones (a featured article recurs in many snapshots), by a digest
# rather than the text itself, to keep the memory small.
_SHORT = 300
_CACHE_MAX = 200_000
_CACHE: dict[tuple[str, tuple[str, ...]], str | None] = {}
_LONG: dict[tuple[bytes, tuple[str, ...]], str | None] = {}
_EXPECTING: dict[tuple[str, tuple[str, ...], str], str | None] = {}


@lru_cache(maxsize=4)
def _detector(codes: tuple[str, ...]) -> LanguageDetector:
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    return LanguageDetectorBuilder.from_languages(*languages).build()


@lru_cache(maxsize=4)
def _screen(codes: tuple[str, ...]) -> LanguageDetector:
    """Trigrams only: about eight times faster, good enough to confirm an expected language."""
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


# Language -> ISO code: reading the code through lingua's objects costs more than the lookup.
_CODES: dict[Language, str] = {}


def _code(found: Language | None) -> str | None:
    if found is None:
        return None
    code = _CODES.get(found)
    if code is None:
        code = _CODES[found] = found.iso_code_639_1.name.lower()
    return code


def _has_letters(text: str | None) -> bool:
    return bool(text) and any(ch.isalpha() for ch in text)


def _remember(cache: dict, key: object, value: str | None) -> None:
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[key] = value


def detect(text: str | None, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when it has no letters or is undecidable."""
    if not _has_letters(text):
        return None
    if len(text) > _SHORT:
        sample = text[:3000]
        key = (hashlib.blake2b(sample.encode(), digest_size=16).digest(), languages)
        if key not in _LONG:
            _remember(_LONG, key, _code(_detector(languages).detect_language_of(sample)))
        return _LONG[key]
    return detect_many([text], languages)[0]


def detect_many(texts: list[str], languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> list[str | None]:
    """`detect` for each text; short texts not seen before are identified in one parallel call."""
    known = {t: _CACHE[t, languages] for t in texts if len(t) <= _SHORT and (t, languages) in _CACHE}
    todo = [t for t in dict.fromkeys(texts) if len(t) <= _SHORT and _has_letters(t) and t not in known]
    if todo:
        detector = _detector(languages)
        found = (
            detector.detect_languages_in_parallel_of(todo) if len(todo) > 1 else [detector.detect_language_of(todo[0])]
        )
        for t, f in zip(todo, found, strict=True):
            known[t] = _code(f)
            _remember(_CACHE, (t, languages), known[t])
    # Answers come from `known`, not the cache, which may have been emptied to make room meanwhile.
    return [known.get(t) if len(t) <= _SHORT else detect(t, languages) for t in texts]


# Below this length a text in its page's script takes the page's language unread. Where lingua put
# such a text in another language, the page's language was the right one about nine times in ten
# on the development pages (bench/headline_languages.py chooses the length on one fold of them and
# reports the other). Longer texts are still read: a headline in another language of the
# collection is a sentence, and 50 characters of one are enough.
TRUST_PAGE_BELOW = 50

# Letters outside each language's script; a language not listed here is written in Latin letters.
_LATIN = "\u0000-\u024f\u1e00-\u1eff"
_SCRIPTS = {"ar": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff", "ru": "\u0400-\u052f"}


@lru_cache(maxsize=16)
def _foreign_letter(code: str) -> re.Pattern[str]:
    return re.compile(f"[^\\W\\d_{_SCRIPTS.get(code, _LATIN)}]")


def in_script_of(text: str, code: str) -> bool:
    """Whether every letter of `text` belongs to the script language `code` is written in."""
    return _foreign_letter(code).search(text) is None


def detect_expecting(
    texts: list[str], expected: str | None, languages: tuple[str, ...] = DEFAULT_LANGUAGES
) -> list[str | None]:
    """`detect` for each text of a page whose language is `expected` (its article's, say).

    Most texts of a page are in its language. A short one written in the page's script is taken to
    be: it is too short to be told apart reliably. For the others a fast trigram screen confirms
    those in `expected`, and only the texts it does not place there get the full identification.
    """
    if expected is None:
        return detect_many(texts, languages)
    answers: dict[str, str | None] = {}
    unseen: list[str] = []
    for text in dict.fromkeys(texts):
        key = (text, languages, expected)
        if key in _EXPECTING:
            answers[text] = _EXPECTING[key]
        elif not _has_letters(text):
            answers[text] = None
        elif len(text) < TRUST_PAGE_BELOW and in_script_of(text, expected):
            answers[text] = expected
        else:
            unseen.append(text)
    # One call screens them all: per text, a batch costs about two thirds of a call of its own.
    screen = _screen(languages)
    found = (
        screen.detect_languages_in_parallel_of([t[:_SHORT] for t in unseen])
        if len(unseen) > 1
        else [screen.detect_language_of(t[:_SHORT]) for t in unseen]
    )
    differ: list[str] = []
    for text, language in zip(unseen, found, strict=True):
        if _code(language) == expected:
            answers[text] = expected
            _remember(_EXPECTING, (text, languages, expected), expected)
        else:
            differ.append(text)
    for text, code in zip(differ, detect_many(differ, languages), strict=True):
        answers[text] = code
        _remember(_EXPECTING, (text, languages, expected), code)
    return [answers[t] for t in texts]


# A word of at least five letters in each script of DEFAULT_LANGUAGES: detecting it loads every
# n-gram model (one to five letters) of each candidate language of that script.
_WARM_UP = ("nouvelles", "الأخبار", "новости")


def warm(languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> None:
    """Load the models now (about 1.7 s) rather than on the first text. One text at a time: lingua's
    parallel calls would start a thread pool, which processes forked from this one could not use."""
    for detector in (_detector(languages), _screen(languages)):
        for word in _WARM_UP:
            detector.detect_language_of(word)


def clear_cache() -> None:
    _CACHE.clear()
    _LONG.clear()
    _EXPECTING.clear()
