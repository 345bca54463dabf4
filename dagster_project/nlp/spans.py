"""Rules applied to the spans a statistical model returns."""

from __future__ import annotations

import re

# The entity labels kept: persons, organisations, places and other names.
LABELS = ("PER", "ORG", "LOC", "MISC")

# Civilities and titles written before a person's name; they are not part of the name.
_HONORIFIC = re.compile(
    r"(?:(?:M|MM|Mme|Mmes|Mlle|Mlles|Mr|Mrs|Ms|Dr|Pr|Me|Sr|Sra|Srta|Dña|Dª)\.?\s+)+",
)
_EDGE = " \t\r\n\u00a0.,;:!?\"'«»()[]{}-–—"


def trim(text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
    """Narrow [start, end) to the name itself; None when nothing is left."""
    span = text[start:end]
    lead = len(span) - len(span.lstrip(_EDGE))
    span = span.strip(_EDGE)
    # Keep the closing dot of an abbreviation (`S.A.`, `EE.UU.`, `U.S.`) inside the name.
    start += lead
    end = start + len(span)
    if end < len(text) and text[end] == "." and "." in span and " " not in span.rsplit(".", 1)[-1]:
        end += 1
    # One character is not a name (`K` of a cut `4K`).
    if end - start < 2:
        return None
    if label == "PER":
        match = _HONORIFIC.match(text, start, end)
        if match and match.end() < end:
            start = match.end()
    return (start, end) if end > start else None
