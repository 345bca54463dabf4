"""Crash safety and idempotence: a run killed with SIGKILL leaves readable tables and a rerun
gives exactly the rows of an uninterrupted run; running the same input twice changes nothing.

No table holds a run timestamp (captured_at comes from the files, which are copied with their
modification times), so whole tables are compared, every column included.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from dagster_project.definitions import build_definitions
from dagster_project.defs.launch import open_instance
from dagster_project.lake import store
from dagster_project.lake.schemas import TABLES
from dagster_project.settings import Settings
from tests.conftest import REPO
from tests.hostile.conftest import SampleRun, run_in_process, tables


def assert_same_tables(got: dict[str, pl.DataFrame], want: dict[str, pl.DataFrame]) -> None:
    for name in TABLES:
        assert got[name].columns == want[name].columns, name
        assert got[name].height == want[name].height, name
        assert got[name].equals(want[name]), name


def parquet_files(warehouse: Path) -> list[Path]:
    """Every Parquet file a reader of the tables sees: not Dagster's, not in a hidden folder (a
    partition being written in pieces, see store.PartsWriter)."""
    found = (p.relative_to(warehouse) for p in warehouse.rglob("*.parquet") if "_dagster" not in p.parts)
    return sorted(warehouse / p for p in found if not any(part.startswith(".") for part in p.parts))


def start_and_kill_when(raw: Path, warehouse: Path, home: Path, trigger: Path) -> str:
    """Start `python -m dagster_project run`, SIGKILL it as soon as `trigger` exists; its stderr."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "DAGSTER_HOME": str(home)}
    cmd = [sys.executable, "-m", "dagster_project", "run", "--raw-dir", str(raw), "--warehouse-dir", str(warehouse)]
    with open(home.parent / "stderr.txt", "w+b") as err:
        proc = subprocess.Popen(cmd, env=env, cwd=home.parent, stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 300
            while not trigger.exists():
                if proc.poll() is not None:
                    err.seek(0)
                    pytest.fail(f"the run ended before {trigger} appeared:\n{err.read().decode()[-3000:]}")
                if time.monotonic() > deadline:
                    pytest.fail(f"{trigger} did not appear within 300 s")
                time.sleep(0.005)
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
        err.seek(0)
        return err.read().decode(errors="replace")


# Kill points: right after the first table part of the batch is written (ingest half done,
# nothing extracted), and right after `articles` (entities not yet recognised).
KILL_POINTS = {
    "first table part": ("snapshots", {"batch": "00001"}, ("headlines", {"batch": "00001"})),
    "articles written": ("articles", None, ("entity_coverage", None)),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_mid_run_then_rerun_gives_the_uninterrupted_tables(tmp_path, monkeypatch, sample_run: SampleRun, point):
    table, partition, not_yet = KILL_POINTS[point]
    warehouse, home = tmp_path / "warehouse", tmp_path / "dagster_home"
    home.mkdir()
    trigger = store.partition_dir(warehouse, TABLES[table], partition) / store.PART_FILE
    start_and_kill_when(sample_run.raw, warehouse, home, trigger)

    # Killed mid-materialisation: a later table is not written yet.
    later, later_partition = not_yet
    assert not store.has_partition(warehouse, TABLES[later], later_partition)
    # Every table part on disk is whole, and reading the tables works.
    for part in parquet_files(warehouse):
        pl.read_parquet(part)
    for table in TABLES.values():
        store.scan(warehouse, table).collect()
    # A crash in the middle of a write leaves at most a temporary file, or a hidden folder of
    # pieces, which are never table parts.
    folder = store.partition_dir(warehouse, TABLES["pages"], {"batch": "00001"})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f".{store.PART_FILE}.deadbeef.tmp").write_bytes(b"PAR1 half written")
    staging = folder.parent / f".{folder.name}.deadbeef.tmp"
    staging.mkdir(exist_ok=True)
    (staging / "part-00001.parquet").write_bytes(b"PAR1 half written")
    assert all(re.fullmatch(r"part-\d+\.parquet", p.name) for p in parquet_files(warehouse))
    assert sorted(f for t in TABLES.values() for f in store.files(warehouse, t)) == parquet_files(warehouse)

    monkeypatch.setenv("DAGSTER_HOME", str(home))
    assert_same_tables(run_in_process(sample_run.raw, warehouse)[1], sample_run.tables)


def test_running_the_same_input_twice_gives_identical_tables(monkeypatch, sample_run: SampleRun):
    # Materialises the shared sample warehouse again, which must leave every table as it was.
    first, warehouse = sample_run.tables, sample_run.warehouse
    monkeypatch.setenv("DAGSTER_HOME", str(sample_run.dagster_home))
    settings = Settings(raw_dir=sample_run.raw, warehouse_dir=warehouse)
    defs = build_definitions(settings)
    with open_instance(settings) as instance:
        again = defs.resolve_job_def("process_batch").execute_in_process(partition_key="00001", instance=instance)
        catalog = defs.resolve_job_def("build_catalog").execute_in_process(instance=instance)
    assert again.success and catalog.success
    assert_same_tables(tables(warehouse), first)
    # And through the command's own path, which finds nothing new to do.
    outcome, found = run_in_process(sample_run.raw, warehouse)
    assert outcome.batches_run == [] and outcome.new_batch is None
    assert_same_tables(found, first)
