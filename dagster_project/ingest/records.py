"""The records the ingest stage hands on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime


def snapshot_id_of(payload_sha256: str) -> str:
    return payload_sha256[:16]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One captured page, decoded to text."""

    snapshot_id: str
    path: str
    format: str
    n_bytes: int
    sha256: str
    media_type: str  # text/html or text/plain
    text: str
    encoding: str
    captured_at: datetime | None
    captured_at_source: str | None
    url: str | None = None
    warc_record_id: str | None = None


@dataclass(frozen=True, slots=True)
class SnapshotFailure:
    """A file (or WARC record) that could not be read as a page."""

    path: str
    format: str
    reason: str  # a code from REASONS
    detail: str
    snapshot_id: str
    sha256: str | None = None
    n_bytes: int = 0
    captured_at: datetime | None = None
    captured_at_source: str | None = None
    url: str | None = None
    warc_record_id: str | None = None


# Reason codes of the ingest stage; the README's quarantine section explains each.
REASONS = {
    "unreadable": "the file could not be opened or read, or is not a regular file (FIFO, socket, device, folder)",
    "corrupt_gzip": "the gzip stream is corrupt or truncated",
    "corrupt_warc": "the WARC file is corrupt, truncated or holds no record; records before the damage are kept",
    "no_pages": "a WARC file read to its end whose records hold no HTML page with a 2xx status",
    "empty": "the file or payload has no content, or only white space and a byte-order mark",
    "not_text": "the payload is binary, not text",
    "too_large": "the payload exceeds the size limit",
    "outside_raw_folder": "a registered path now resolves outside the raw folder (a link changed); never read",
    "duplicate_snapshot": "the same payload was already ingested from another file or record",
}
