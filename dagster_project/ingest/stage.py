"""The ingest stage over one batch: files -> `snapshots`, `pages` and quarantine rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dagster_project.ingest.readers import read_file
from dagster_project.ingest.records import Snapshot, SnapshotFailure
from dagster_project.lake.schemas import PAGES, QUARANTINE, SNAPSHOTS, conform
from dagster_project.progress import Progress


@dataclass
class IngestResult:
    snapshots: pl.DataFrame
    pages: pl.DataFrame
    quarantine: pl.DataFrame


def ingest(
    raw_dir: Path,
    files: Iterable[str],
    *,
    seen_ids: set[str] | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Read every file of a batch. A bad file becomes a quarantine row; it never stops the others.

    `seen_ids` holds snapshot ids ingested by earlier batches: the same payload again is
    quarantined as a duplicate rather than counted twice.
    """
    files = list(files)
    seen = dict.fromkeys(seen_ids or (), "an earlier batch")
    snapshots: list[dict] = []
    pages: list[dict] = []
    quarantine: list[dict] = []
    for done, rel in enumerate(files, start=1):
        for record in read_file(raw_dir, rel, confined=True):
            where = record.path + (f" ({record.warc_record_id})" if record.warc_record_id else "")
            if record.snapshot_id in seen:
                quarantine.append(
                    _quarantine(record, "duplicate_snapshot", f"same payload as {seen[record.snapshot_id]}")
                )
                continue
            seen[record.snapshot_id] = where
            snapshots.append(_snapshot_row(record))
            if isinstance(record, SnapshotFailure):
                quarantine.append(_quarantine(record, record.reason, record.detail))
            else:
                pages.append(
                    {
                        "snapshot_id": record.snapshot_id,
                        "path": record.path,
                        "url": record.url,
                        "captured_at": record.captured_at,
                        "media_type": record.media_type,
                        "text": record.text,
                    }
                )
        if progress:
            progress(done, len(files))
    return IngestResult(
        snapshots=conform(SNAPSHOTS, pl.DataFrame(snapshots, schema=SNAPSHOTS.schema)),
        pages=conform(PAGES, pl.DataFrame(pages, schema=PAGES.schema)),
        quarantine=conform(QUARANTINE, pl.DataFrame(quarantine, schema=QUARANTINE.schema)),
    )


def _snapshot_row(record: Snapshot | SnapshotFailure) -> dict:
    failed = isinstance(record, SnapshotFailure)
    return {
        "snapshot_id": record.snapshot_id,
        "path": record.path,
        "format": record.format,
        "warc_record_id": record.warc_record_id,
        "n_bytes": record.n_bytes,
        "sha256": record.sha256,
        "url": record.url,
        "captured_at": record.captured_at,
        "captured_at_source": record.captured_at_source,
        "encoding": None if failed else record.encoding,
        "status": "error" if failed else "ok",
        "error": record.reason if failed else None,
    }


def _quarantine(record: Snapshot | SnapshotFailure, reason: str, detail: str) -> dict:
    return {"path": record.path, "snapshot_id": record.snapshot_id, "reason": reason, "detail": detail}
