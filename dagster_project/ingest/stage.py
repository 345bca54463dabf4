"""The ingest stage over one batch: files -> `snapshots`, `pages` and quarantine rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from dagster_project.ingest.readers import read_file
from dagster_project.ingest.records import Snapshot, SnapshotFailure
from dagster_project.lake import store
from dagster_project.lake.schemas import PAGES, QUARANTINE, SNAPSHOTS, conform, empty
from dagster_project.parallel import ordered_map
from dagster_project.progress import Progress


@dataclass
class IngestResult:
    snapshots: pl.DataFrame
    pages: pl.DataFrame  # empty when the pages went to their file (`iter_ingest(pages_to=...)`)
    quarantine: pl.DataFrame
    n_pages: int = 0  # pages of this batch the piece holds, in `pages` or in its file


@dataclass(frozen=True)
class Piece:
    """Files a worker reads; with `out`, it writes their pages there itself (see `iter_ingest`)."""

    raw_dir: Path
    files: list[str]
    out: Path | None = None


@dataclass
class PieceRead:
    records: list[list[Snapshot | SnapshotFailure]]  # each file's records, without their text
    texts: pl.Series | None  # the readable records' texts, in order; None when written to `out`
    out: Path | None = None


# A piece of work is at most this much page text (estimated from the files' sizes), and at most
# CHUNK_FILES files: what a piece holds, in a worker and in this process, does not grow with the
# size of the pages or of the batch. Each piece becomes one row group of the pages file, the unit the
# extract stage hands to its workers.
CHUNK_BYTES = 16 * 2**20
CHUNK_FILES = 200
# HTML shrinks about sixfold under gzip: a compressed file counts that many times its size.
_GZIP_RATIO = 6


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
        n_pages=sum(p.n_pages for p in parts),
    )


def iter_ingest(
    raw_dir: Path,
    files: Iterable[str],
    *,
    seen_ids: set[str] | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    pages_to: store.PartsWriter | None = None,
) -> Iterator[IngestResult]:
    """`ingest`, one piece (see CHUNK_BYTES) at a time, read by `workers` processes.

    Files are read in parallel; duplicates are settled here, in file order, so the result does
    not depend on the number of workers. With `pages_to`, each worker writes its piece's pages to
    a file of that partition itself and hands back only the records (ids, sizes, status): no page
    text comes back to this process, which rewrites a piece's file only to drop a duplicate.
    """
    files = list(files)
    seen = dict.fromkeys(seen_ids or (), "an earlier batch")
    done = 0
    work = (
        Piece(raw, piece, pages_to.part(n) if pages_to else None)
        for n, (raw, piece) in enumerate(pieces(Path(raw_dir), files))
    )
    for read in ordered_map(_read_piece, work, workers):
        snapshots: list[dict] = []
        pages: list[dict] = []
        quarantine: list[dict] = []
        kept: list[bool] = []  # for each readable record, in order: is it a page of this batch
        for records in read.records:
            for record in records:
                where = record.path + (f" ({record.warc_record_id})" if record.warc_record_id else "")
                duplicate = record.snapshot_id in seen
                if isinstance(record, Snapshot):
                    kept.append(not duplicate)
                if duplicate:
                    quarantine.append(
                        _quarantine(record, "duplicate_snapshot", f"same payload as {seen[record.snapshot_id]}")
                    )
                    continue
                seen[record.snapshot_id] = where
                snapshots.append(_snapshot_row(record))
                if isinstance(record, SnapshotFailure):
                    quarantine.append(_quarantine(record, record.reason, record.detail))
                else:
                    pages.append(_page_row(record))
            done += 1
            if progress:
                progress(done, len(files))
        mask = pl.Series(kept, dtype=pl.Boolean)
        if read.texts is not None:
            frame = conform(PAGES, _pages(pages, read.texts.filter(mask) if kept else read.texts))
        else:
            frame = empty(PAGES)
            if read.out is not None and not all(kept):  # a page seen before: its row leaves the file
                store.write_file(pl.read_parquet(read.out).filter(mask), read.out)
        yield IngestResult(
            snapshots=conform(SNAPSHOTS, pl.DataFrame(snapshots, schema=SNAPSHOTS.schema)),
            pages=frame,
            quarantine=conform(QUARANTINE, pl.DataFrame(quarantine, schema=QUARANTINE.schema)),
            n_pages=len(pages),
        )


def pieces(raw_dir: Path, files: list[str]) -> Iterator[tuple[Path, list[str]]]:
    """`files` in order, cut into pieces of about CHUNK_BYTES of text (at most CHUNK_FILES files)."""
    piece: list[str] = []
    size = 0
    for rel in files:
        piece.append(rel)
        size += _expected_bytes(raw_dir / rel)
        if size >= CHUNK_BYTES or len(piece) >= CHUNK_FILES:
            yield raw_dir, piece
            piece, size = [], 0
    if piece:
        yield raw_dir, piece


def count_pieces(raw_dir: Path, files: list[str]) -> int:
    return sum(1 for _ in pieces(Path(raw_dir), files))


def _expected_bytes(path: Path) -> int:
    try:
        size = path.stat().st_size
    except OSError:  # unreadable: reading it will say why, in a quarantine row
        return 0
    return size * _GZIP_RATIO if path.name.lower().endswith(".gz") else size


def _read_piece(piece: Piece) -> PieceRead:
    """Read a piece's files. Their texts are written to `piece.out` as one Parquet file (by this
    worker: compressing them is a good part of the stage's work), or handed back as one Arrow-backed
    column, without a Python string per page."""
    records: list[list[Snapshot | SnapshotFailure]] = []
    texts: list[str] = []
    rows: list[dict] = []
    for rel in piece.files:
        found = []
        for record in read_file(piece.raw_dir, rel, confined=True):
            if isinstance(record, Snapshot):
                texts.append(record.text)
                record = replace(record, text="")
                rows.append(_page_row(record))
            found.append(record)
        records.append(found)
    column = pl.Series("text", texts, dtype=pl.String)
    del texts
    if piece.out is None:
        return PieceRead(records, column)
    store.write_file(conform(PAGES, _pages(rows, column)), piece.out)
    return PieceRead(records, None, piece.out)


def _page_row(record: Snapshot) -> dict:
    return {
        "snapshot_id": record.snapshot_id,
        "path": record.path,
        "url": record.url,
        "captured_at": record.captured_at,
        "media_type": record.media_type,
    }


def _pages(rows: list[dict], text: pl.Series) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={k: v for k, v in PAGES.schema.items() if k != "text"}).with_columns(text)


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
