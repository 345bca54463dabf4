"""Where raw data and the warehouse live: command-line flag > environment variable > default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

RAW_DIR_ENV = "NEWS_RAW_DIR"
WAREHOUSE_DIR_ENV = "NEWS_WAREHOUSE_DIR"
EXECUTOR_ENV = "NEWS_EXECUTOR"  # `in_process`, `multiprocess` or `dask`; unset: Dagster's default
DASK_ADDRESS_ENV = "NEWS_DASK_ADDRESS"  # a running scheduler, e.g. tcp://10.0.0.5:8786; else a LocalCluster
DEFAULT_RAW_DIR = Path("data/raw")
DEFAULT_WAREHOUSE_DIR = Path("data/warehouse")


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse_dir: Path

    @classmethod
    def resolve(cls, raw_dir: str | Path | None = None, warehouse_dir: str | Path | None = None) -> Settings:
        raw = raw_dir or os.environ.get(RAW_DIR_ENV) or DEFAULT_RAW_DIR
        warehouse = warehouse_dir or os.environ.get(WAREHOUSE_DIR_ENV) or DEFAULT_WAREHOUSE_DIR
        return cls(raw_dir=Path(raw).expanduser().absolute(), warehouse_dir=Path(warehouse).expanduser().absolute())

    @property
    def dagster_home(self) -> Path:
        """The orchestrator's run history, kept beside the tables unless DAGSTER_HOME says otherwise."""
        home = os.environ.get("DAGSTER_HOME")
        return Path(home) if home else self.warehouse_dir / "_dagster"
