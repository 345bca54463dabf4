"""Resources shared by the assets."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from dagster_project.lake import store
from dagster_project.lake.schemas import Table
from dagster_project.nlp.entities import EntityRecognizer
from dagster_project.parallel import resolve_workers


class LakeResource(dg.ConfigurableResource):
    """The raw folder the snapshots come from and the warehouse the tables go to."""

    raw_dir: str
    warehouse_dir: str

    @property
    def raw(self) -> Path:
        return Path(self.raw_dir)

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_dir)

    def write(self, table: Table, frame: pl.DataFrame, **partition: str) -> Path:
        return store.write(self.warehouse, table, frame, partition or None)

    def read(self, table: Table, **partition: str) -> pl.DataFrame:
        return store.read_partition(self.warehouse, table, partition or None)

    def scan(self, table: Table) -> pl.LazyFrame:
        return store.scan(self.warehouse, table)


class EntityModels(dg.ConfigurableResource):
    """spaCy pipelines, loaded once per process and only when a language needs one; texts spread
    over `processes` forked processes (0: env NEWS_WORKERS, else every core)."""

    batch_size: int = 32
    processes: int = 0

    def recognizer(self) -> EntityRecognizer:
        return _recognizer(self.batch_size, resolve_workers(self.processes))


_CACHE: dict[tuple[int, int], EntityRecognizer] = {}


def _recognizer(batch_size: int, processes: int) -> EntityRecognizer:
    if (batch_size, processes) not in _CACHE:
        _CACHE[batch_size, processes] = EntityRecognizer(batch_size=batch_size, n_process=processes)
    return _CACHE[batch_size, processes]


class Workers(dg.ConfigurableResource):
    """Processes the ingest and extract stages spread a batch over: 0 means env NEWS_WORKERS, else
    every core. Inside a Dask worker (a daemonic process) the stages run in that process alone."""

    processes: int = 0

    def count(self, n_items: int, chunk: int) -> int:
        """Processes worth starting for `n_items` handed out `chunk` at a time (1 means in process)."""
        return max(1, min(resolve_workers(self.processes), -(-n_items // chunk)))
