"""Running the whole pipeline through Dagster from the command line (what `run` does).

`run` makes the requests the sensor would, with the sensor's own code (defs/registrar.py): new
files become a batch and a dynamic partition, and a `process_batch` run is made for each batch
not done (never run, or failed: the command line retries those). It executes these runs itself and
waits for them, then runs `build_catalog`, whose assets skip (no materialisation, no file written)
when nothing they read changed. It holds the registrar lock throughout: the sensor skips its ticks
meanwhile, and waits for runs the sensor's daemon launched before.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dagster_project.ingest.batches import registrar_lock
from dagster_project.ingest.discover import Discovery
from dagster_project.parallel import WORKERS_ENV
from dagster_project.settings import DASK_ADDRESS_ENV, EXECUTOR_ENV, Settings

if TYPE_CHECKING:
    import dagster as dg

# Dagster's console logger at INFO: progress and warnings, without every step event.
QUIET = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
# How often `run` looks again at runs the sensor's daemon launched, while it waits for them.
POLL_SECONDS = 2.0


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


def execute(
    settings: Settings,
    execution: Execution,
    instance: dg.DagsterInstance,
    job: str,
    partition_key: str | None = None,
    tags: dict[str, str] | None = None,
    assets: list[str] | None = None,
) -> dg.ExecuteInProcessResult | dg.JobExecutionResult:
    """One run of `job` (of `assets` of it, if given), in this process or through the chosen
    executor; errors are in the result."""
    import dagster as dg

    from dagster_project.definitions import build_definitions

    selection = [dg.AssetKey(a) for a in assets] if assets else None
    executor = None if execution.executor == "in_process" else execution.executor
    options = {"executor": executor, "workers": execution.workers, "dask_address": execution.dask_address}
    if executor is None:
        job_def = build_definitions(settings, **options).resolve_job_def(job)
        own = {k: v for k, v in (tags or {}).items() if k != "dagster/partition"}  # given by partition_key
        return job_def.execute_in_process(
            partition_key=partition_key,
            instance=instance,
            raise_on_error=False,
            run_config=QUIET,
            tags=own,
            asset_selection=selection,
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
    tags = {**(tags or {}), **({"dagster/partition": partition_key} if partition_key else {})}
    return dg.execute_job(
        recon, instance, run_config=QUIET, tags=tags or None, raise_on_error=False, asset_selection=selection
    )


def run_pipeline(
    settings: Settings,
    log: Callable[[str], None] = print,
    execution: Execution | None = None,
    found: Discovery | None = None,
) -> Outcome:
    """Register new files as a batch, run every batch not done, then the catalogue. `found`: the raw
    folder's listing, if the caller already made it."""
    from dagster_project.defs.partitions import batches
    from dagster_project.defs.registrar import batch_requests, run_tags

    execution = execution or Execution.resolve()
    outcome = Outcome()
    with open_instance(settings) as instance, registrar_lock(settings.warehouse_dir):
        requests = batch_requests(instance, settings.raw_dir, settings.warehouse_dir, found)
        new = requests.new
        outcome.ignored = requests.found.ignored
        outcome.new_batch = new.key if new else None
        log(
            f"{len(requests.found.files)} snapshot files in {settings.raw_dir}; "
            + (f"{len(new.files)} new, registered as batch {new.key}" if new else "no new files")
        )
        if requests.add_partitions:
            instance.add_dynamic_partitions(batches.name, requests.add_partitions)
        for request in requests.run_requests(retry_failed=True):
            key = str(request.partition_key)
            log(f"processing batch {key}" + (" again (its last run failed)" if key in requests.failed else ""))
            result = execute(settings, execution, instance, "process_batch", partition_key=key, tags=run_tags(request))
            (outcome.batches_run if result.success else outcome.failed).append(key)
        for key, ok in _wait_for(instance, settings, requests.running, log).items():
            (outcome.batches_run if ok else outcome.failed).append(key)
        if outcome.failed:
            log(f"batches failed: {', '.join(sorted(outcome.failed))}; the catalogue was not rebuilt")
            return outcome
        stale = stale_catalog_assets(instance, settings)
        if not stale:
            log("the article catalogue and entities are up to date")
            return outcome
        log("building the article catalogue and entities")
        result = execute(settings, execution, instance, "build_catalog", assets=stale)
        if not result.success:
            outcome.failed.append("build_catalog")
    return outcome


def stale_catalog_assets(instance: dg.DagsterInstance, settings: Settings) -> list[str]:
    """The catalogue's assets that would change if run now: none when no batch was done since they
    were built and the recognisers are the same (the assets skip by the same tests when run)."""
    from dagster_project.defs.jobs import CATALOG_ASSETS
    from dagster_project.defs.registrar import done_batches
    from dagster_project.extract.stage import articles_up_to_date
    from dagster_project.nlp.entities import EntityRecognizer
    from dagster_project.nlp.stage import inputs_digest, is_up_to_date

    done = done_batches(instance, settings.warehouse_dir)
    if not articles_up_to_date(settings.warehouse_dir, done):
        return list(CATALOG_ASSETS)
    entity_assets = [a for a in CATALOG_ASSETS if a != "articles"]
    digest = inputs_digest(settings.warehouse_dir, EntityRecognizer(n_process=1), done)
    return [] if is_up_to_date(settings.warehouse_dir, digest) else entity_assets


def _wait_for(
    instance: dg.DagsterInstance, settings: Settings, keys: list[str], log: Callable[[str], None]
) -> dict[str, bool]:
    """Wait for the runs of `keys` the sensor's daemon launched; whether each succeeded."""
    import dagster as dg

    from dagster_project.defs.registrar import IN_PROGRESS, latest_batch_runs

    if keys:
        log(f"waiting for the runs of batches {', '.join(keys)}, launched by the sensor")
    while True:
        latest = latest_batch_runs(instance, settings.warehouse_dir)
        if not any(latest[k].status in IN_PROGRESS for k in keys):
            return {k: latest[k].status == dg.DagsterRunStatus.SUCCESS for k in keys}
        time.sleep(POLL_SECONDS)
