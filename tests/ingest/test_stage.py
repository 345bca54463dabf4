"""The ingest stage: a batch of files -> snapshots, pages and quarantine frames."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from dagster_project.ingest.batches import register_new_files
from dagster_project.ingest.discover import discover
from dagster_project.ingest.stage import ingest, iter_ingest
from dagster_project.lake import store
from dagster_project.lake.schemas import PAGES, QUARANTINE, SNAPSHOTS

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
HTML = RAW / "aggregator" / "2026-03-14T0900_aggregator-quito.html"


@pytest.fixture
def mixed(tmp_path) -> Path:
    """A good page, a copy of it under another name, and a truncated .html.gz."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(HTML, raw / "2026-03-14T0900_good.html")
    shutil.copy(HTML, raw / "copy.html")
    compressed = gzip.compress(HTML.read_bytes(), mtime=0)
    (raw / "broken.html.gz").write_bytes(compressed[: len(compressed) // 2])
    return raw


def test_good_duplicate_and_corrupt_files(mixed):
    files = discover(mixed).files
    assert files == ["2026-03-14T0900_good.html", "broken.html.gz", "copy.html"]
    result = ingest(mixed, files)
    good_id = hashlib.sha256(HTML.read_bytes()).hexdigest()[:16]

    snapshots = result.snapshots.sort("path")
    assert snapshots.height == 2
    assert snapshots.select("path", "status", "error").rows() == [
        ("2026-03-14T0900_good.html", "ok", None),
        ("broken.html.gz", "error", "corrupt_gzip"),
    ]
    ok = snapshots.row(0, named=True)
    assert ok["snapshot_id"] == good_id
    assert ok["format"] == "html"
    assert ok["encoding"] == "utf-8"
    assert ok["captured_at"] == datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
    assert ok["captured_at_source"] == "filename"
    assert snapshots.row(1, named=True)["encoding"] is None

    assert result.pages.height == 1
    page = result.pages.row(0, named=True)
    assert page["snapshot_id"] == good_id
    assert page["path"] == "2026-03-14T0900_good.html"
    assert page["media_type"] == "text/html"
    assert page["text"] == HTML.read_text(encoding="utf-8")

    quarantine = result.quarantine.sort("path")
    assert quarantine.select("path", "reason").rows() == [
        ("broken.html.gz", "corrupt_gzip"),
        ("copy.html", "duplicate_snapshot"),
    ]
    duplicate = quarantine.row(1, named=True)
    assert duplicate["snapshot_id"] == good_id
    assert "2026-03-14T0900_good.html" in duplicate["detail"]


def test_frames_have_the_declared_schemas(mixed):
    result = ingest(mixed, discover(mixed).files)
    assert result.snapshots.schema == SNAPSHOTS.schema
    assert result.pages.schema == PAGES.schema
    assert result.quarantine.schema == QUARANTINE.schema


def test_seen_ids_from_an_earlier_batch_make_the_same_file_a_duplicate(tmp_path):
    raw = tmp_path / "raw"
    warehouse = tmp_path / "warehouse"
    raw.mkdir()
    shutil.copy(HTML, raw / "first.html")
    first_batch, _ = register_new_files(raw, warehouse)
    first = ingest(raw, first_batch.files)
    assert first.quarantine.height == 0

    shutil.copy(HTML, raw / "again.html")
    second_batch, _ = register_new_files(raw, warehouse)
    assert second_batch.files == ("again.html",)
    seen = set(first.snapshots["snapshot_id"].to_list())
    second = ingest(raw, second_batch.files, seen_ids=seen)
    assert second.snapshots.height == 0
    assert second.pages.height == 0
    assert second.quarantine.select("path", "snapshot_id", "reason").rows() == [
        ("again.html", first.snapshots["snapshot_id"][0], "duplicate_snapshot")
    ]
    assert "earlier batch" in second.quarantine["detail"][0]

    # Without the earlier ids the same file is new.
    assert ingest(raw, second_batch.files).pages.height == 1


def test_whole_bundled_sample(tmp_path):
    files = discover(RAW).files
    calls = []
    result = ingest(RAW, files, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, len(files)) for i in range(1, len(files) + 1)]
    # Real: 1 text capture + 1 html page + 3 gzipped pages + 3 HTML responses of the WARC (the PNG
    # is skipped). Synthetic: 12 text renderings + 12 html + 3 gzipped html pages + 1 truncated gzip.
    assert result.snapshots.height == 8 + 28
    assert result.pages.height == 8 + 27
    assert result.quarantine.select("path", "reason").rows() == [
        ("synthetic/synthetic_2026-03-22T190000_000026_aggregator.html.gz", "corrupt_gzip")
    ]
    assert result.snapshots["snapshot_id"].n_unique() == 36
    assert result.snapshots.group_by("format", "status").len().sort("format", "status").rows() == [
        ("html", "ok", 1 + 12),
        ("html.gz", "error", 1),
        ("html.gz", "ok", 3 + 3),
        ("txt", "ok", 1 + 12),
        ("warc.gz", "ok", 3),
    ]
    warc = result.snapshots.filter(pl.col("format") == "warc.gz")
    assert warc["url"].null_count() == 0
    assert warc["warc_record_id"].null_count() == 0
    assert warc["captured_at_source"].unique().to_list() == ["warc-date"]
    synthetic = result.snapshots.filter(pl.col("path").str.starts_with("synthetic/"))
    assert synthetic["captured_at_source"].unique().to_list() == ["filename"]
    media = dict(result.pages.group_by("media_type").len().rows())
    assert media == {"text/html": 7 + 15, "text/plain": 1 + 12}


def test_duplicate_inside_the_same_batch_across_formats(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(HTML, raw / "a.html")
    (raw / "b.html.gz").write_bytes(gzip.compress(HTML.read_bytes(), mtime=0))
    result = ingest(raw, ["a.html", "b.html.gz"])
    # The id is the payload's, so the gzipped copy is the same snapshot.
    assert result.snapshots["path"].to_list() == ["a.html"]
    assert result.quarantine.select("path", "reason").rows() == [("b.html.gz", "duplicate_snapshot")]


def test_each_kind_of_failure_becomes_an_error_row_and_a_quarantine_row(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.txt").write_bytes(b"")
    (raw / "noise.html").write_bytes(bytes(range(256)) * 16)
    (raw / "folder.html").mkdir()
    shutil.copy(HTML, raw / "fine.html")
    files = ["empty.txt", "fine.html", "folder.html", "noise.html"]
    result = ingest(raw, files)
    assert result.snapshots.select("path", "status", "error").sort("path").rows() == [
        ("empty.txt", "error", "empty"),
        ("fine.html", "ok", None),
        ("folder.html", "error", "unreadable"),
        ("noise.html", "error", "not_text"),
    ]
    assert result.quarantine.select("path", "reason").sort("path").rows() == [
        ("empty.txt", "empty"),
        ("folder.html", "unreadable"),
        ("noise.html", "not_text"),
    ]
    assert result.pages["path"].to_list() == ["fine.html"]
    # Every quarantined failure can be joined back to its snapshot row.
    joined = result.quarantine.join(result.snapshots, on="snapshot_id", how="inner")
    assert joined.height == 3


def test_empty_batch(tmp_path):
    result = ingest(tmp_path, [])
    assert (result.snapshots.height, result.pages.height, result.quarantine.height) == (0, 0, 0)
    assert result.snapshots.schema == SNAPSHOTS.schema


@pytest.mark.parametrize("workers", [1, 2])
def test_pages_written_by_the_workers_are_the_pages_handed_back(tmp_path, monkeypatch, workers):
    """Pieces of one file each: a duplicate in a later piece, and of an earlier batch, leave its file."""
    monkeypatch.setattr("dagster_project.ingest.stage.CHUNK_FILES", 1)
    raw = tmp_path / "raw"
    raw.mkdir()
    files = sorted(p.name for p in RAW.glob("pages/*.html.gz"))[:3]
    for name in files:
        shutil.copy(RAW / "pages" / name, raw / name)
    shutil.copy(raw / files[0], raw / "z-copy.html.gz")
    files.append("z-copy.html.gz")
    seen = {ingest(raw, files[1:2]).snapshots["snapshot_id"][0]}
    want = ingest(raw, files, seen_ids=seen)
    assert want.pages.height == 2 and want.quarantine["reason"].to_list() == ["duplicate_snapshot"] * 2

    with store.PartsWriter(tmp_path / "warehouse", PAGES, {"batch": "00001"}) as writer:
        parts = list(iter_ingest(raw, files, seen_ids=seen, workers=workers, pages_to=writer))
        folder = writer.commit()
    assert len(parts) == 4 and all(p.pages.height == 0 for p in parts)
    assert [p.n_pages for p in parts] == [1, 0, 1, 0]
    assert [f.name for f in store.data_files(folder)] == [f"part-0000{n}.parquet" for n in range(4)]
    got = store.read_partition(tmp_path / "warehouse", PAGES, {"batch": "00001"})
    assert got.equals(want.pages)
    assert pl.concat([p.snapshots for p in parts]).equals(want.snapshots)
