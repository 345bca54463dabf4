"""Publication dates written by pages: machine forms (ISO 8601) and the visible forms of French,
Spanish, English and Arabic pages.

The month names are small tables here rather than a library: dateparser covers every language
but takes about a second to import and milliseconds per call (it tries many locales), which is
more than the whole extraction of a page; babel's tables would add a dependency for four
languages whose month names fit in a few lines. The tables are tested form by form.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_NUMERIC = re.compile(r"(?<!\d)(\d{1,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2,4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_COMPACT = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)")
# /2019/11/19/ or /2019-11-19/ or /20191119/ in a URL path; a year and month alone is not a date.
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)"
    r"|[-_]((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)"  # `...-responses-20191115/`
)

# Languages whose pages write the month before the day in numeric dates (03/14/2026).
MONTH_FIRST = frozenset({"en"})

_MONTHS: dict[str, int] = {}


def _add(month: int, *names: str) -> None:
    for name in names:
        _MONTHS[_fold(name)] = month


def _fold(text: str) -> str:
    """Lower case, accents off, Arabic letter variants (hamza forms, alif maqsura) unified."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(_ARABIC_VARIANTS).replace("\u0640", "")  # tatweel


_ARABIC_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})

# English, French, Spanish (with common abbreviations).
_add(1, "january", "jan", "janvier", "janv", "enero", "ene")
_add(2, "february", "feb", "fevrier", "fevr", "fev", "febrero")
_add(3, "march", "mar", "mars", "marzo")
_add(4, "april", "apr", "avril", "avr", "abril", "abr")
_add(5, "may", "mai", "mayo")
_add(6, "june", "jun", "juin", "junio")
_add(7, "july", "jul", "juillet", "juil", "julio")
_add(8, "august", "aug", "aout", "agosto", "ago")
_add(9, "september", "sep", "sept", "septembre", "septiembre", "setiembre", "set")
_add(10, "october", "oct", "octobre", "octubre")
_add(11, "november", "nov", "novembre", "noviembre")
_add(12, "december", "dec", "decembre", "diciembre", "dic")
# Arabic: the Egyptian/Gulf forms, the Maghreb (Algeria, Tunisia) and Moroccan forms, and the
# Levantine/Iraqi (Syriac-derived) forms.
_add(1, "يناير", "جانفي", "كانون الثاني")
_add(2, "فبراير", "فيفري", "شباط")
_add(3, "مارس", "آذار")
_add(4, "أبريل", "ابريل", "أفريل", "نيسان")
_add(5, "مايو", "ماي", "أيار")
_add(6, "يونيو", "يونيه", "جوان", "حزيران")
_add(7, "يوليو", "يوليه", "جويلية", "يوليوز", "تموز")
_add(8, "أغسطس", "أوت", "غشت", "آب")
_add(9, "سبتمبر", "شتنبر", "أيلول")
_add(10, "أكتوبر", "تشرين الأول")
_add(11, "نوفمبر", "نونبر", "تشرين الثاني")
_add(12, "ديسمبر", "دجنبر", "كانون الأول")

# Longest names first, so that `تشرين الثاني` wins over a shorter overlap and `sept` over `sep`.
_MONTH_NAMES = "|".join(re.escape(m) for m in sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(\d{1,2})(?:er|st|nd|rd|th|º|°)?"
_YEAR = r"((?:19|20)\d{2})"
# `14 mars 2026`, `14 de marzo de 2026`, `14 March 2026`, `14 مارس 2026`, `1er mars 2026`.
_DAY_MONTH_YEAR = re.compile(rf"(?<![\w]){_DAY}\s*(?:de\s+)?({_MONTH_NAMES})\.?,?\s*(?:de\s+|del\s+)?{_YEAR}(?!\d)")
# `March 14, 2026`, `Mar. 14 2026`.
_MONTH_DAY_YEAR = re.compile(rf"(?<![\w])({_MONTH_NAMES})\.?\s+{_DAY},?\s+{_YEAR}(?!\d)")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_numeric_date(text: str, order: str = "DMY") -> date | None:
    """Parse `25 - 01 - 2020`, `25/01/2020`, `2020-01-25`; `order` says how to read d/m/y forms."""
    match = _NUMERIC.search(text)
    if not match:
        return None
    a, b, c = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    elif len(c) in (2, 4):
        year = int(c) + (2000 if len(c) == 2 else 0)
        day, month = (int(a), int(b)) if order == "DMY" else (int(b), int(a))
    else:
        return None
    return _make(year, month, day)


def parse_iso_date(text: str | None) -> date | None:
    """The calendar date of an ISO 8601 stamp (`2026-03-14`, `2026-03-14T23:30:00-05:00`).

    The date is the one written, in the page's own time zone: converting to UTC would move a
    late-evening article to the next day.
    """
    if not text:
        return None
    match = _ISO.search(text) or _COMPACT.search(text)
    return _make(int(match[1]), int(match[2]), int(match[3])) if match else None


def parse_url_date(url: str | None) -> date | None:
    """A full date in a URL's path (`/2019/11/19/`, `/2019-11-19-`, `/20191119/`, `-20191119/`)."""
    if not url:
        return None
    match = _URL_DATE.search(url)
    if not match:
        return None
    year, month, day = (g for g in match.groups() if g is not None)
    return _make(int(year), int(month), int(day))


def parse_date(text: str | None, language: str | None = None) -> date | None:
    """The first date written in `text`, in any form this module knows.

    Month names (French, Spanish, English, Arabic) come first, then ISO, then numeric d/m/y forms
    read day first unless the page's `language` writes the month first (English).
    """
    if not text:
        return None
    folded = _fold(text.translate(_ARABIC_DIGITS))
    for pattern, groups in ((_DAY_MONTH_YEAR, (0, 1, 2)), (_MONTH_DAY_YEAR, (1, 0, 2))):
        for match in pattern.finditer(folded):
            day, month, year = (match.group(i + 1) for i in groups)
            found = _make(int(year), _MONTHS[month], int(day))
            if found:
                return found
    iso = _ISO.search(folded)
    if iso:
        return _make(int(iso[1]), int(iso[2]), int(iso[3]))
    order = "MDY" if language in MONTH_FIRST else "DMY"
    return parse_numeric_date(folded, order) or parse_numeric_date(folded, "DMY" if order == "MDY" else "MDY")
