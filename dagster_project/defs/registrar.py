"""The one registrar of new raw files, shared by the sensor and `python -m dagster_project run`.

Both call `batch_requests` while holding the warehouse's registrar lock: it registers the new files
as a batch, and says which dynamic partitions to add and which `process_batch` runs to request.
Run state lives in the Dagster instance: a batch is *done* when the run that last materialised its
`headlines` succeeded (so every blocking check of the batch passed), whatever files are on disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from dagster_project.defs.partitions import batches
from dagster_project.ingest.batches import Batch, list_batches, register_new_files
from dagster_project.ingest.discover import Discovery

BATCH_JOB = "process_batch"
SENSOR_NAME = "raw_files_sensor"
# The headlines are written last in a batch's run (see defs/extract.py).
DONE_MARKER = dg.AssetKey("headlines")
IN_PROGRESS = (
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
)


@dataclass
class BatchRequests:
    """What the registrar asks of Dagster after one look at the raw folder."""

    new: Batch | None
    found: Discovery
    add_partitions: list[str] = field(default_factory=list)  # registered batches Dagster does not know yet
    never_run: list[str] = field(default_factory=list)  # batches with no run of `process_batch`
    failed: list[str] = field(default_factory=list)  # batches whose latest run failed or was cancelled
    running: list[str] = field(default_factory=list)  # batches with a run queued or in progress

    warehouse: Path = Path()

    def run_requests(self, *, retry_failed: bool = False) -> list[dg.RunRequest]:
        """One request per batch to run: those never run, and the failed ones when `retry_failed`
        (the command line retries them; the sensor leaves them for a person to look at)."""
        keys = sorted(self.never_run + (self.failed if retry_failed else []))
        return [batch_run_request(key, self.warehouse) for key in keys]


# Every run of a batch says which warehouse it wrote: one Dagster instance (one DAGSTER_HOME) may
# serve several warehouses, whose batches are all numbered from 00001.
WAREHOUSE_TAG = "news_lake/warehouse"


def batch_run_request(key: str, warehouse: Path) -> dg.RunRequest:
    # The run key is the batch's (and its warehouse's): Dagster's sensor daemon launches no second
    # run for a key that a run tagged with this sensor's name already has, the command line's included.
    where = str(Path(warehouse).resolve())
    digest = hashlib.sha256(where.encode()).hexdigest()[:12]
    return dg.RunRequest(partition_key=key, run_key=f"batch-{key}@{digest}", tags={WAREHOUSE_TAG: where})


# Marks the runs `python -m dagster_project run` executes itself, in its own process.
LAUNCHER_TAG = "news_lake/launcher"
COMMAND_LINE = "command line"


def run_tags(request: dg.RunRequest) -> dict[str, str]:
    """The tags a run for `request` carries when the sensor daemon launches it, and the command
    line's mark: `run` gives its own runs these, so that each side sees the other's runs."""
    return {
        **request.tags,
        "dagster/partition": str(request.partition_key),
        "dagster/run_key": str(request.run_key),
        "dagster/sensor_name": SENSOR_NAME,
        LAUNCHER_TAG: COMMAND_LINE,
    }


def batch_requests(
    instance: dg.DagsterInstance, raw: Path, warehouse: Path, found: Discovery | None = None
) -> BatchRequests:
    """Register new files (the caller holds `registrar_lock`) and read every batch's state."""
    new, found = register_new_files(raw, warehouse, found)
    keys = list_batches(warehouse)
    known = instance.get_existing_dynamic_partitions(batches.name, keys)
    latest = latest_batch_runs(instance, warehouse)
    done = set(done_batches(instance, warehouse))
    requests = BatchRequests(
        new=new, found=found, add_partitions=[k for k in keys if k not in known], warehouse=Path(warehouse)
    )
    for key in keys:
        run = latest.get(key)
        if key in done and (run is None or run.status == dg.DagsterRunStatus.SUCCESS):
            continue  # e.g. made done by a run launched in the UI, which carries no warehouse tag
        if run is None:
            requests.never_run.append(key)
        elif run.status in IN_PROGRESS and run.tags.get(LAUNCHER_TAG) != COMMAND_LINE:
            requests.running.append(key)
        elif run.status != dg.DagsterRunStatus.SUCCESS:
            # A command-line run still "in progress" while the lock is free died with its process
            # (the command line holds the lock as long as it runs batches): failed, as far as we know.
            requests.failed.append(key)
    return requests


def latest_batch_runs(instance: dg.DagsterInstance, warehouse: Path) -> dict[str, dg.DagsterRun]:
    """The newest `process_batch` run of each batch of this warehouse."""
    latest: dict[str, dg.DagsterRun] = {}
    where = {WAREHOUSE_TAG: str(Path(warehouse).resolve())}
    for record in instance.get_run_records(dg.RunsFilter(job_name=BATCH_JOB, tags=where)):  # newest first
        key = record.dagster_run.tags.get("dagster/partition")
        if key is not None and key not in latest:
            latest[key] = record.dagster_run
    return latest


def done_batches(instance: dg.DagsterInstance, warehouse: Path) -> list[str]:
    """Batches whose `headlines` in this warehouse were last materialised by a run that succeeded:
    every step and blocking check of that run passed. A batch whose check failed stays out until a
    run fixes it. (The materialisation's `path` says which warehouse it wrote.)"""
    folder = Path(warehouse).resolve()
    latest: dict[str, str] = {}
    cursor = None
    while True:
        result = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=DONE_MARKER), limit=1000, cursor=cursor
        )
        for record in result.records:  # newest first
            if record.partition_key is not None and _wrote_in(record, folder):
                latest.setdefault(record.partition_key, record.run_id)
        if not result.has_more:
            break
        cursor = result.cursor
    if not latest:
        return []
    succeeded = {
        record.dagster_run.run_id
        for record in instance.get_run_records(dg.RunsFilter(run_ids=sorted(set(latest.values()))))
        if record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
    }
    return sorted(key for key, run_id in latest.items() if run_id in succeeded)


def _wrote_in(record: dg.EventLogRecord, folder: Path) -> bool:
    materialization = record.asset_materialization
    path = materialization.metadata.get("path") if materialization is not None else None
    return path is not None and Path(str(path.value)).resolve().is_relative_to(folder)
