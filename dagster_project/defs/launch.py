"""Running the whole pipeline through Dagster from the command line (what `run` does).

Dagster itself is imported only once the new files are registered and the pool's fork server is
started: the server loads the parsers and language models (about 2.5 s) while this process imports
the orchestrator and opens its storage, instead of the first stage waiting for it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dagster_project.ingest.batches import list_batches, register_new_files
from dagster_project.ingest.discover import Discovery
from dagster_project.lake import store
from dagster_project.lake.schemas import HEADLINES
from dagster_project.nlp.entities import EntityRecognizer
from dagster_project.parallel import WORKERS_ENV, resolve_workers, start_server, stop_server
from dagster_project.settings import DASK_ADDRESS_ENV, EXECUTOR_ENV, Settings

if TYPE_CHECKING:
    import dagster as dg

# Dagster's console logger at INFO: progress and warnings, without every step event.
QUIET = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


@dataclass(frozen=True)
class Execution:
    """How runs execute: `in_process` (one process, the default), or through a Dagster executor
    (`multiprocess`, `dask`); `workers` processes per stage (0: every core)."""

    executor: str = "in_process"
    workers: int = 0
    dask_address: str | None = None

    @classmethod
    def resolve(
        cls, executor: str | None = None, workers: int | None = None, dask_address: str | None = None
    ) -> Execution:
        """Command-line values first, then env NEWS_EXECUTOR, NEWS_WORKERS, NEWS_DASK_ADDRESS."""
        return cls(
            executor=executor or os.environ.get(EXECUTOR_ENV) or "in_process",
            workers=workers if workers is not None else int(os.environ.get(WORKERS_ENV) or 0),
            dask_address=dask_address or os.environ.get(DASK_ADDRESS_ENV),
        )


@dataclass
class Outcome:
    new_batch: str | None = None
    batches_run: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    ignored: dict[str, str] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        return not self.failed


def open_instance(settings: Settings) -> dg.DagsterInstance:
    """A persistent instance (runs and partitions stay visible in `dagster dev` with the same home)."""
    import dagster as dg

    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():  # SQLite storage inside the home folder; nothing sent anywhere
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()


def pending_batches(settings: Settings) -> list[str]:
    """Registered batches whose per-batch tables are not all written yet (never run, or interrupted)."""
    return [
        key
        for key in list_batches(settings.warehouse_dir)
        if not store.has_partition(settings.warehouse_dir, HEADLINES, {"batch": key})
    ]


def execute(
    settings: Settings,
    execution: Execution,
    instance: dg.DagsterInstance,
    job: str,
    partition_key: str | None = None,
) -> dg.ExecuteInProcessResult | dg.JobExecutionResult:
    """One run of `job`, in this process or through the chosen executor; errors are in the result."""
    import dagster as dg

    from dagster_project.definitions import build_definitions

    executor = None if execution.executor == "in_process" else execution.executor
    options = {"executor": executor, "workers": execution.workers, "dask_address": execution.dask_address}
    if executor is None:
        job_def = build_definitions(settings, **options).resolve_job_def(job)
        return job_def.execute_in_process(
            partition_key=partition_key, instance=instance, raise_on_error=False, run_config=QUIET
        )
    # Another executor runs steps in other processes (or machines): they rebuild the job from these arguments.
    recon = dg.build_reconstructable_job(
        "dagster_project.definitions",
        "job_for",
        reconstructable_kwargs={
            "job": job,
            "raw_dir": str(settings.raw_dir),
            "warehouse_dir": str(settings.warehouse_dir),
            **options,
        },
    )
    tags = {"dagster/partition": partition_key} if partition_key else None
    return dg.execute_job(recon, instance, run_config=QUIET, tags=tags, raise_on_error=False)


def run_pipeline(
    settings: Settings,
    log: Callable[[str], None] = print,
    execution: Execution | None = None,
    found: Discovery | None = None,
) -> Outcome:
    """Register new files as a batch, run every pending batch, then the catalogue. `found`: the raw
    folder's listing, if the caller already made it."""
    execution = execution or Execution.resolve()
    outcome = Outcome()
    new, found = register_new_files(settings.raw_dir, settings.warehouse_dir, found)
    outcome.ignored = found.ignored
    outcome.new_batch = new.key if new else None
    log(
        f"{len(found.files)} snapshot files in {settings.raw_dir}; "
        + (f"{len(new.files)} new, registered as batch {new.key}" if new else "no new files")
    )
    pending = pending_batches(settings)
    # Batches run here on a pool of workers: this process has time to spare while they work.
    pooled = bool(pending) and execution.executor == "in_process" and resolve_workers(execution.workers) > 1
    if pooled:
        start_server()  # it loads the parsers and models while the orchestrator is imported
    from dagster_project.defs.partitions import batches

    with open_instance(settings) as instance:
        keys = list_batches(settings.warehouse_dir)
        unknown = [k for k in keys if not instance.has_dynamic_partition(batches.name, k)]
        if unknown:
            instance.add_dynamic_partitions(batches.name, unknown)
        if pooled:
            # The entity pipelines load (2-3 s of one core) while the batches' workers extract.
            threading.Thread(target=EntityRecognizer().preload, name="entity-models", daemon=True).start()
        try:
            for key in pending:
                log(f"processing batch {key}")
                result = execute(settings, execution, instance, "process_batch", partition_key=key)
                (outcome.batches_run if result.success else outcome.failed).append(key)
        finally:
            stop_server()  # its language models are not needed by the entity stage
        if outcome.failed:
            log(f"batches failed: {', '.join(outcome.failed)}; the catalogue was not rebuilt")
            return outcome
        log("building the article catalogue and entities")
        result = execute(settings, execution, instance, "build_catalog")
        if not result.success:
            outcome.failed.append("build_catalog")
    return outcome
