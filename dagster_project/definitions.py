"""The one Definitions object: assets, checks, jobs, sensor, resources and the executor, composed from defs/."""

from __future__ import annotations

import os

import dagster as dg

from dagster_project.defs import entities, extract, ingest, reports
from dagster_project.defs.jobs import build_catalog, process_batch
from dagster_project.defs.resources import EntityModels, LakeResource, Workers
from dagster_project.defs.sensors import catalog_automation, raw_files_sensor
from dagster_project.settings import DASK_ADDRESS_ENV, EXECUTOR_ENV, Settings

EXECUTORS = ("in_process", "multiprocess", "dask")


def executor_for(
    name: str | None = None, *, workers: int = 0, dask_address: str | None = None
) -> dg.ExecutorDefinition:
    """The executor of every job: one of Dagster's, or Dask's. Unset: Dagster's default (steps in
    their own processes for launched runs, in process for `execute_in_process`).

    Dask runs each step on a worker of an existing scheduler at `dask_address`, or of a
    LocalCluster of `workers` processes (2 if not given) started for the run.
    """
    name = name or os.environ.get(EXECUTOR_ENV)
    if name is None:
        return dg.multi_or_in_process_executor
    if name == "in_process":
        return dg.in_process_executor
    if name == "multiprocess":
        return dg.multiprocess_executor
    if name != "dask":
        raise ValueError(f"unknown executor {name!r}: choose one of {', '.join(EXECUTORS)}")
    try:
        from dagster_project.defs.dask import dask_executor
    except ImportError as exc:  # dagster-dask and dask.distributed come with the `dask` extra
        raise ImportError(f"the dask executor needs the `dask` extra: pip install -e '.[dask]' ({exc})") from exc

    address = dask_address or os.environ.get(DASK_ADDRESS_ENV)
    cluster = {"existing": {"address": address}} if address else {"local": {"n_workers": workers or 2}}
    return dask_executor.configured({"cluster": cluster}, name="dask")


def build_definitions(
    settings: Settings | None = None,
    *,
    executor: str | None = None,
    workers: int = 0,
    dask_address: str | None = None,
) -> dg.Definitions:
    settings = settings or Settings.resolve()
    return dg.Definitions(
        assets=dg.load_assets_from_modules([ingest, extract, entities, reports]),
        jobs=[process_batch, build_catalog, reports.build_reports],
        sensors=[raw_files_sensor, catalog_automation],
        resources={
            "lake": LakeResource(raw_dir=str(settings.raw_dir), warehouse_dir=str(settings.warehouse_dir)),
            "models": EntityModels(processes=workers),
            "workers": Workers(processes=workers),
        },
        executor=executor_for(executor, workers=workers, dask_address=dask_address),
    )


def job_for(
    job: str,
    raw_dir: str,
    warehouse_dir: str,
    executor: str | None = None,
    workers: int = 0,
    dask_address: str | None = None,
) -> dg.JobDefinition:
    """A job rebuilt from plain arguments: how another process (a Dask worker) finds it again."""
    settings = Settings.resolve(raw_dir, warehouse_dir)
    defs = build_definitions(settings, executor=executor, workers=workers, dask_address=dask_address)
    return defs.resolve_job_def(job)


defs = build_definitions()
