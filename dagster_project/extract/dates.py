"""Publication dates written by pages."""

from __future__ import annotations

import re
from datetime import date

_NUMERIC = re.compile(r"(?<!\d)(\d{1,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2,4})(?!\d)")


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
    try:
        return date(year, month, day)
    except ValueError:
        return None
