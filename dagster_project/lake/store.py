"""Parquet storage of the tables: atomic writes, lazy reads.

Layout: `<warehouse>/<table>/[<part>=<value>/...]part-0.parquet`. A write goes to a temporary
file in the destination folder and is renamed over the target, so a reader (or a crash) never
sees a half-written file.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from dagster_project.lake.schemas import Table, conform

PART_FILE = "part-0.parquet"


def table_dir(warehouse: Path, table: Table) -> Path:
    return Path(warehouse) / table.name


def partition_dir(warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> Path:
    partition = dict(partition or {})
    if sorted(partition) != sorted(table.partition_by):
        raise ValueError(f"{table.name} is partitioned by {table.partition_by}, got {sorted(partition)}")
    folder = table_dir(warehouse, table)
    for name in table.partition_by:
        value = partition[name]
        if not value or "/" in value or value.startswith("."):
            raise ValueError(f"invalid partition value {value!r} for {table.name}.{name}")
        folder = folder / f"{name}={value}"
    return folder


def write(warehouse: Path, table: Table, frame: pl.DataFrame, partition: Mapping[str, str] | None = None) -> Path:
    """Conform `frame` to the table's schema and atomically replace the (partition's) data."""
    frame = conform(table, frame)
    folder = partition_dir(warehouse, table, partition)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / PART_FILE
    tmp = folder / f".{PART_FILE}.{uuid.uuid4().hex}.tmp"
    try:
        frame.write_parquet(tmp, compression="zstd", statistics=True)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def files(warehouse: Path, table: Table) -> list[Path]:
    root = table_dir(warehouse, table)
    return sorted(root.glob("**/*.parquet")) if root.is_dir() else []


def scan(warehouse: Path, table: Table) -> pl.LazyFrame:
    """Lazily read a whole table, partition columns included (empty frame if nothing is written)."""
    hive = {name: pl.String() for name in table.partition_by}
    found = files(warehouse, table)
    if not found:
        return pl.LazyFrame(schema={**table.schema, **hive})
    return pl.scan_parquet(
        found,
        schema=table.schema,
        hive_partitioning=bool(hive),
        hive_schema=hive or None,
    )


def read_partition(warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> pl.DataFrame:
    path = partition_dir(warehouse, table, partition) / PART_FILE
    if not path.exists():
        raise FileNotFoundError(f"{table.name} has no data for {dict(partition or {})} (looked for {path})")
    return pl.read_parquet(path, schema=table.schema)


def has_partition(warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> bool:
    return (partition_dir(warehouse, table, partition) / PART_FILE).exists()
