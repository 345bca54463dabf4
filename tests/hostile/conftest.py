"""One uninterrupted run over a copy of the bundled sample, shared by the hostile-input tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from dagster_project.defs.launch import run_pipeline
from dagster_project.lake import store
from dagster_project.lake.schemas import TABLES
from dagster_project.settings import Settings
from tests.conftest import RAW_SAMPLE


def tables(warehouse: Path) -> dict[str, pl.DataFrame]:
    """Every table, in key order, so that two runs compare row for row."""
    out = {}
    for name, table in TABLES.items():
        frame = store.scan(warehouse, table).collect()
        out[name] = frame.sort([*table.partition_by, *table.key], nulls_last=True)
    return out


def run_in_process(raw: Path, warehouse: Path):
    outcome = run_pipeline(Settings(raw_dir=raw, warehouse_dir=warehouse), log=lambda _: None)
    assert outcome.success, outcome
    return outcome, tables(warehouse)


@dataclass(frozen=True)
class SampleRun:
    tables: dict[str, pl.DataFrame]
    raw: Path
    warehouse: Path
    dagster_home: Path


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> SampleRun:
    root = tmp_path_factory.mktemp("sample_run")
    # copytree keeps modification times, so every copy of the sample has the same capture times.
    raw = shutil.copytree(RAW_SAMPLE, root / "raw")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        _, found = run_in_process(raw, root / "warehouse")
    assert found["snapshots"].height == 8 + 28 and found["articles"].height >= 6 and found["entities"].height > 0
    return SampleRun(found, raw, root / "warehouse", root / "dagster_home")
