"""The ingest stage over one batch: files -> `snapshots`, `pages` and quarantine rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dagster_project.extract.page_type import PageType, classify
from dagster_project.ingest.readers import read_file
from dagster_project.ingest.records import Snapshot, SnapshotFailure
from dagster_project.lake.schemas import PAGES, QUARANTINE, SNAPSHOTS, conform, empty
from dagster_project.parallel import ordered_map
from dagster_project.progress import Progress


@dataclass
class IngestResult:
    snapshots: pl.DataFrame
    pages: pl.DataFrame
    quarantine: pl.DataFrame


# Files per piece of work: small enough that a piece's pages fit in memory many times over.
CHUNK_FILES = 200


def ingest(
    raw_dir: Path,
    files: Iterable[str],
    *,
    seen_ids: set[str] | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> IngestResult:
    """Read every file of a batch. A bad file becomes a quarantine row; it never stops the others.

    `seen_ids` holds snapshot ids ingested by earlier batches: the same payload again is
    quarantined as a duplicate rather than counted twice. Holds the whole batch in memory:
    `iter_ingest` is the streaming form.
    """
    parts = list(iter_ingest(raw_dir, files, seen_ids=seen_ids, progress=progress, workers=workers))
    return IngestResult(
        snapshots=pl.concat([empty(SNAPSHOTS), *(p.snapshots for p in parts)]),
        pages=pl.concat([empty(PAGES), *(p.pages for p in parts)]),
        quarantine=pl.concat([empty(QUARANTINE), *(p.quarantine for p in parts)]),
    )


def iter_ingest(
    raw_dir: Path,
    files: Iterable[str],
    *,
    seen_ids: set[str] | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    chunk_files: int = CHUNK_FILES,
) -> Iterator[IngestResult]:
    """`ingest`, one piece of `chunk_files` files at a time, read by `workers` processes.

    Files are read in parallel; duplicates are settled here, in file order, so the result does
    not depend on the number of workers.
    """
    files = list(files)
    seen = dict.fromkeys(seen_ids or (), "an earlier batch")
    chunks = [(Path(raw_dir), files[i : i + chunk_files]) for i in range(0, len(files), chunk_files)]
    done = 0
    for records_per_file, types_per_file in ordered_map(_read_files, chunks, min(workers, len(chunks))):
        snapshots: list[dict] = []
        pages: list[dict] = []
        quarantine: list[dict] = []
        for records, page_types in zip(records_per_file, types_per_file, strict=True):
            for record, page_type in zip(records, page_types, strict=True):
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
                            "page_type": page_type.kind if page_type else None,
                            "page_type_reason": page_type.reason if page_type else None,
                        }
                    )
            done += 1
            if progress:
                progress(done, len(files))
        yield IngestResult(
            snapshots=conform(SNAPSHOTS, pl.DataFrame(snapshots, schema=SNAPSHOTS.schema)),
            pages=conform(PAGES, pl.DataFrame(pages, schema=PAGES.schema)),
            quarantine=conform(QUARANTINE, pl.DataFrame(quarantine, schema=QUARANTINE.schema)),
        )


def _read_files(chunk: tuple[Path, list[str]]) -> tuple[list[list[Snapshot | SnapshotFailure]], list[list]]:
    """Each file's records, and the page type of each readable one (decided where it is read)."""
    raw_dir, files = chunk
    records = [list(read_file(raw_dir, rel, confined=True)) for rel in files]
    return records, [[_page_type(r) for r in rs] for rs in records]


def _page_type(record: Snapshot | SnapshotFailure) -> PageType | None:
    if isinstance(record, SnapshotFailure):
        return None
    try:
        return classify(record.text, record.media_type, record.url)
    except Exception:  # a bug in the decision must not cost the page: extraction decides again
        return None


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
