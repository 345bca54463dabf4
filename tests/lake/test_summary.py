"""The warehouse summary, over tables written from a real ingest."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from dagster_project.ingest.batches import register_new_files
from dagster_project.ingest.stage import ingest
from dagster_project.lake import store, summary
from dagster_project.lake.schemas import PAGES, QUARANTINE, SNAPSHOTS, TABLES

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def test_empty_warehouse(tmp_path):
    assert summary.counts(tmp_path) == dict.fromkeys(TABLES, 0)
    text = summary.summary(tmp_path)
    assert text.splitlines()[0] == f"warehouse: {tmp_path}"
    assert "quarantined: 0 records from 0 files" in text


def test_counts_and_quarantine_reasons_after_an_ingest(tmp_path):
    raw = tmp_path / "raw"
    warehouse = tmp_path / "warehouse"
    shutil.copytree(RAW, raw)
    shutil.copy(raw / "aggregator" / "2026-03-14T0900_aggregator-quito.html", raw / "copy.html")
    compressed = gzip.compress(b"<html><p>cut</p></html>" * 50, mtime=0)
    (raw / "broken.html.gz").write_bytes(compressed[:20])

    batch, found = register_new_files(raw, warehouse)
    result = ingest(raw, batch.files)
    part = {"batch": batch.key}
    store.write(warehouse, SNAPSHOTS, result.snapshots, part)
    store.write(warehouse, PAGES, result.pages, part)
    store.write(warehouse, QUARANTINE, result.quarantine, {"stage": "ingest", **part})

    counts = summary.counts(warehouse)
    # The sample's 8 real and 28 synthetic snapshots (one a truncated gzip), and the broken file.
    assert counts["snapshots"] == 8 + 28 + 1
    assert counts["pages"] == 8 + 27
    assert counts["quarantine"] == 3
    assert counts["articles"] == 0

    text = summary.summary(warehouse, found.ignored)
    assert "quarantined: 3 records from 3 files" in text
    assert "  ingest/corrupt_gzip: 2" in text
    assert "  ingest/duplicate_snapshot: 1" in text
    assert "ignored (not snapshot files): 2" in text
    assert "  README.md: not a snapshot format" in text
