"""When a snapshot was captured, and how we know."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

# A date (and optional time) standing alone in a file name: 2026-03-14, 20260314T0900, 2026-03-14_09-00-00.
_NAME_DATE = re.compile(
    r"(?<![0-9])((?:19|20)\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])"
    r"(?:[T_ ]?([01]\d|2[0-3])[-:h]?([0-5]\d)(?:[-:]?([0-5]\d))?)?(?![0-9])"
)


def from_filename(name: str) -> datetime | None:
    match = _NAME_DATE.search(name)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def from_http_date(value: str | None) -> datetime | None:
    """Parse an HTTP `Date` header or an ISO 8601 WARC-Date."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def for_file(path: Path) -> tuple[datetime | None, str | None]:
    """Capture time of a plain file: a date in its name, else its modification time."""
    named = from_filename(path.name)
    if named:
        return named, "filename"
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC), "mtime"
    except OSError:
        return None, None
