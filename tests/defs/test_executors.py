"""The same jobs on Dagster's in-process executor and on a Dask cluster give the same tables."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from dask.distributed import LocalCluster

from dagster_project.defs.launch import Execution, run_pipeline
from dagster_project.lake import store
from dagster_project.lake.schemas import TABLES
from dagster_project.settings import Settings
from tests.conftest import RAW_SAMPLE


def sorted_tables(warehouse) -> dict[str, pl.DataFrame]:
    out = {}
    for name, table in TABLES.items():
        frame = store.scan(warehouse, table).collect()
        out[name] = frame.sort([*table.key, *table.partition_by], nulls_last=True)
    return out


@pytest.fixture(scope="module")
def real_sample(tmp_path_factory) -> Path:
    """The sample's real snapshots (8), without its synthetic week: enough to compare executors."""
    root = tmp_path_factory.mktemp("real_sample") / "raw"
    return Path(shutil.copytree(RAW_SAMPLE, root, ignore=shutil.ignore_patterns("synthetic")))


def run(tmp_path, name: str, execution: Execution, raw: Path) -> dict[str, pl.DataFrame]:
    settings = Settings(raw_dir=raw, warehouse_dir=tmp_path / name)
    outcome = run_pipeline(settings, log=lambda _: None, execution=execution)
    assert outcome.success, outcome
    assert outcome.batches_run == ["00001"]
    return sorted_tables(settings.warehouse_dir)


@pytest.fixture(scope="module")
def in_process(tmp_path_factory, real_sample):
    return run(
        tmp_path_factory.mktemp("in_process"), "warehouse", Execution(executor="in_process", workers=1), real_sample
    )


def step_processes() -> dict[str, set[int]]:
    """Which processes ran the steps of each job (the runs recorded in this test's DAGSTER_HOME)."""
    out: dict[str, set[int]] = {}
    with dg.DagsterInstance.get() as instance:
        for run in instance.get_runs():
            events = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START)
            out.setdefault(run.job_name, set()).update(e.dagster_event.pid for e in events)
    return out


def test_dask_local_cluster_gives_the_same_tables(tmp_path, in_process, real_sample):
    on_dask = run(tmp_path, "warehouse", Execution(executor="dask", workers=2), real_sample)
    assert on_dask["snapshots"].height == 8 and on_dask["articles"].height > 0
    for name, frame in in_process.items():
        assert on_dask[name].equals(frame), name
    pids = step_processes()
    assert set(pids) == {"process_batch", "build_catalog"}
    assert all(os.getpid() not in p for p in pids.values())  # every step ran on a Dask worker


def test_an_existing_dask_scheduler_gives_the_same_tables(tmp_path, in_process, real_sample):
    # What `dask scheduler` plus `dask worker` processes on other machines look like to the pipeline.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run(
            tmp_path, "warehouse", Execution(executor="dask", dask_address=cluster.scheduler_address), real_sample
        )
        workers = {w.pid for w in cluster.workers.values() if hasattr(w, "pid")}
    for name, frame in in_process.items():
        assert on_dask[name].equals(frame), name
    ran_on = set().union(*step_processes().values())
    assert os.getpid() not in ran_on
    assert not workers or ran_on <= workers


def test_pool_workers_give_the_same_tables(tmp_path, in_process, real_sample):
    # Small pieces, so that the sample is really spread over the processes: with 3 workers ingest
    # reads in 2 (this process writes), extraction runs in 3, each row group of the pages file a piece.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("dagster_project.extract.stage.CHUNK_BYTES", 1)
        mp.setattr("dagster_project.ingest.stage.CHUNK_FILES", 2)
        pooled = run(tmp_path, "warehouse", Execution(executor="in_process", workers=3), real_sample)
    for name, frame in in_process.items():
        assert pooled[name].equals(frame), name
    assert step_processes() == {"process_batch": {os.getpid()}, "build_catalog": {os.getpid()}}
