"""Batches: registering new raw files, numbered manifests under <warehouse>/_batches."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from dagster_project.ingest.batches import (
    LOCK_FILE,
    MANIFEST_DIR,
    Batch,
    list_batches,
    load_batch,
    manifest_dir,
    register_new_files,
    registered_files,
)

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


@pytest.fixture
def raw(tmp_path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


@pytest.fixture
def warehouse(tmp_path) -> Path:
    return tmp_path / "warehouse"


def sample_files() -> list[str]:
    return sorted(
        [
            "aggregator/000_b4627224569639d2.txt",
            "aggregator/2026-03-14T0900_aggregator-quito.html",
            *(f"pages/{p.name}" for p in (RAW / "pages").glob("*.html.gz")),
            "warc/2026-03-15_dev-pages.warc.gz",
            *(f"synthetic/{p.name}" for p in (RAW / "synthetic").glob("synthetic_*")),
        ]
    )


def test_first_registration_is_batch_00001_with_every_file(raw, warehouse):
    batch, found = register_new_files(raw, warehouse)
    assert isinstance(batch, Batch)
    assert batch.key == "00001"
    assert list(batch.files) == sample_files() == found.files
    assert "README.md" in found.ignored
    assert datetime.fromisoformat(batch.created_at).utcoffset().total_seconds() == 0
    assert list_batches(warehouse) == ["00001"]


def test_manifest_is_json_under_warehouse_batches(raw, warehouse):
    batch, _ = register_new_files(raw, warehouse)
    assert manifest_dir(warehouse) == warehouse / MANIFEST_DIR == warehouse / "_batches"
    manifest = warehouse / "_batches" / "00001.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert data == {"batch": "00001", "created_at": batch.created_at, "files": list(batch.files)}
    assert load_batch(warehouse, "00001") == batch
    # Nothing but the manifest is left behind, beside the registrar's lock file.
    assert sorted(p.name for p in (warehouse / "_batches").iterdir()) == [LOCK_FILE, "00001.json"]


def test_second_call_without_new_files_registers_nothing(raw, warehouse):
    register_new_files(raw, warehouse)
    batch, found = register_new_files(raw, warehouse)
    assert batch is None
    assert found.files == sample_files()
    assert list_batches(warehouse) == ["00001"]


def test_a_new_file_makes_batch_00002_holding_only_it(raw, warehouse):
    register_new_files(raw, warehouse)
    (raw / "aggregator" / "2026-03-16T0800_new.html").write_text("<p>new</p>", encoding="utf-8")
    batch, found = register_new_files(raw, warehouse)
    assert batch is not None
    assert batch.key == "00002"
    assert batch.files == ("aggregator/2026-03-16T0800_new.html",)
    assert "aggregator/2026-03-16T0800_new.html" in found.files
    assert list_batches(warehouse) == ["00001", "00002"]
    assert load_batch(warehouse, "00001").files == tuple(sample_files())
    assert registered_files(warehouse) == {*sample_files(), "aggregator/2026-03-16T0800_new.html"}
    assert register_new_files(raw, warehouse)[0] is None


def test_several_new_files_in_nested_folders_form_one_sorted_batch(raw, warehouse):
    register_new_files(raw, warehouse)
    for rel in ["z/late.txt", "a/b/early.html", "m.htm"]:
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text("x", encoding="utf-8")
    (raw / "m.json").write_text("{}", encoding="utf-8")
    batch, _ = register_new_files(raw, warehouse)
    assert batch.key == "00002"
    assert batch.files == ("a/b/early.html", "m.htm", "z/late.txt")


def test_ignored_files_are_never_registered(tmp_path, warehouse):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "notes.md").write_text("x", encoding="utf-8")
    (raw / ".hidden.html").write_text("x", encoding="utf-8")
    batch, found = register_new_files(raw, warehouse)
    assert batch is None
    assert found.files == []
    assert list(found.ignored) == ["notes.md"]
    assert list_batches(warehouse) == []


def test_removed_file_is_not_registered_again_when_it_comes_back(raw, warehouse):
    register_new_files(raw, warehouse)
    page = raw / "aggregator" / "2026-03-14T0900_aggregator-quito.html"
    content = page.read_bytes()
    page.unlink()
    assert register_new_files(raw, warehouse)[0] is None
    page.write_bytes(content)
    assert register_new_files(raw, warehouse)[0] is None


def test_numbering_continues_after_the_highest_manifest(raw, warehouse):
    folder = warehouse / "_batches"
    folder.mkdir(parents=True)
    (folder / "00007.json").write_text(
        json.dumps({"batch": "00007", "created_at": "2026-03-01T00:00:00+00:00", "files": ["old.html"]}),
        encoding="utf-8",
    )
    batch, _ = register_new_files(raw, warehouse)
    assert batch.key == "00008"
    assert list(batch.files) == sample_files()


def test_list_and_load_without_any_batch(warehouse):
    assert list_batches(warehouse) == []
    assert registered_files(warehouse) == set()
    with pytest.raises(FileNotFoundError, match="00001"):
        load_batch(warehouse, "00001")


def test_registrations_at_the_same_time_put_each_file_in_exactly_one_batch(raw, warehouse, monkeypatch):
    """A sensor tick and `run` registering together (here eight threads, released at once): every
    file lands in exactly one batch. Reading the registered files is made slow, so that each caller
    is still between reading them and claiming a batch when the others read them too."""
    import threading
    import time
    from collections import Counter

    from dagster_project.ingest import batches as module
    from dagster_project.ingest.discover import discover

    read = module.registered_files

    def slow_read(where):
        files = read(where)
        time.sleep(0.2)
        return files

    monkeypatch.setattr(module, "registered_files", slow_read)
    found = discover(raw)
    start = threading.Barrier(8)
    batches: list[Batch | None] = []

    def register() -> None:
        start.wait()
        batches.append(register_new_files(raw, warehouse, found)[0])

    threads = [threading.Thread(target=register) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    made = [b for b in batches if b is not None]
    assert len(made) == 1
    counts = Counter(f for key in list_batches(warehouse) for f in load_batch(warehouse, key).files)
    assert set(counts) == set(found.files) and set(counts.values()) == {1}


def test_the_registrar_lock_is_refused_to_a_second_holder_that_will_not_wait(warehouse):
    import threading

    from dagster_project.ingest.batches import registrar_lock

    answers = []
    with registrar_lock(warehouse) as held:
        assert held
        with registrar_lock(warehouse, wait=False) as again:  # the same thread: already held
            assert again
        other = threading.Thread(target=lambda: answers.append(registrar_lock(warehouse, wait=False).__enter__()))
        other.start()
        other.join()
    assert answers == [False]
    with registrar_lock(warehouse, wait=False) as free:
        assert free
