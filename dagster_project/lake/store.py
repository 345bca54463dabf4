"""Parquet storage of the tables: atomic writes, lazy reads.

Layout: `<warehouse>/<table>/[<part>=<value>/...]part-0.parquet`. A write goes to a temporary
file in the destination folder and is renamed over the target, so a reader (or a crash) never
sees a half-written file. A partition written by several processes at once (`PartsWriter`: the
pages of a batch, one file per piece) holds several `part-*.parquet` files: they are written in a
hidden folder that replaces the partition's folder when all are done. Hidden files and folders
are never read.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from dagster_project.lake.schemas import Table, conform, empty

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


def write(
    warehouse: Path,
    table: Table,
    frame: pl.DataFrame,
    partition: Mapping[str, str] | None = None,
    *,
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Conform `frame` to the table's schema and atomically replace the (partition's) data.

    `metadata` is stored in the file's key-value metadata, so it changes together with the data.
    """
    return write_file(conform(table, frame), partition_dir(warehouse, table, partition) / PART_FILE, metadata)


def write_file(frame: pl.DataFrame, target: Path, metadata: Mapping[str, str] | None = None) -> Path:
    """Write `frame` to a temporary file beside `target`, then rename it into place: readers see
    the old file or the new one, never half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    try:
        frame.write_parquet(tmp, compression="zstd", statistics=True, metadata=dict(metadata or {}) or None)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


class PartitionWriter:
    """Writes a partition piece by piece: each `append`ed frame becomes row groups of one file,
    so only one piece is in memory; the file is renamed into place by `commit` only.

    Use as a context manager: leaving it without `commit` (an error) discards the temporary file.
    """

    def __init__(self, warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> None:
        self.table = table
        folder = partition_dir(warehouse, table, partition)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / PART_FILE
        self._tmp = folder / f".{PART_FILE}.{uuid.uuid4().hex}.tmp"
        self._schema = conform(table, empty(table)).to_arrow().schema
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(self._tmp, self._schema, compression="zstd")
        self.rows = 0

    def append(self, frame: pl.DataFrame) -> None:
        if self._writer is None:
            raise RuntimeError(f"{self.table.name}: writer already closed")
        if frame.height:
            self._writer.write_table(conform(self.table, frame).to_arrow().cast(self._schema))
            self.rows += frame.height

    def commit(self) -> Path:
        if self._writer is None:
            raise RuntimeError(f"{self.table.name}: writer already closed")
        self._writer.close()
        self._writer = None
        with open(self._tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(self._tmp, self.path)
        return self.path

    def __enter__(self) -> PartitionWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._tmp.unlink(missing_ok=True)


class PartsWriter:
    """Writes a partition as several files, which other processes may write (`part(n)`): they go to
    a hidden folder beside the partition's, renamed into its place by `commit`, the folder it
    replaces first moved aside. Readers see the old files or the new ones, never a mix: a crash
    between the two renames leaves the partition absent, and the next writer puts the old one back.

    Use as a context manager: leaving it without `commit` (an error) discards the new files.
    """

    def __init__(self, warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> None:
        self.table = table
        self.path = partition_dir(warehouse, table, partition)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for old in sorted(self.path.parent.glob(f".{self.path.name}.*.old")):  # a crash mid-commit
            if self.path.exists():
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(old, self.path)
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):  # pieces of a killed run
            shutil.rmtree(stale, ignore_errors=True)
        self.folder = self.path.parent / f".{self.path.name}.{uuid.uuid4().hex}.tmp"
        self.folder.mkdir()
        self._done = False

    def part(self, n: int) -> Path:
        """Where the n-th file goes (written by `write_file`, so whole or not at all)."""
        return self.folder / f"part-{n:05d}.parquet"

    def commit(self) -> Path:
        if self._done:
            raise RuntimeError(f"{self.table.name}: writer already closed")
        if not any(self.folder.glob("*.parquet")):  # no rows: the partition is still written, empty
            write_file(conform(self.table, empty(self.table)), self.part(0))
        old = self.path.parent / f".{self.path.name}.{uuid.uuid4().hex}.old"
        if self.path.exists():
            os.replace(self.path, old)
        os.replace(self.folder, self.path)
        shutil.rmtree(old, ignore_errors=True)
        self._done = True
        return self.path

    def __enter__(self) -> PartsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._done:
            shutil.rmtree(self.folder, ignore_errors=True)
            self._done = True


def data_files(path: Path) -> list[Path]:
    """A stored partition's files: `path` itself, or the visible Parquet files of a folder, in order."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.glob("*.parquet") if not p.name.startswith("."))
    return [path]


def write_chunks(
    warehouse: Path,
    table: Table,
    chunks: Iterable[pl.DataFrame],
    partition: Mapping[str, str] | None = None,
) -> tuple[Path, int]:
    """Like `write`, for data that arrives in pieces (see PartitionWriter). Returns path and rows."""
    with PartitionWriter(warehouse, table, partition) as writer:
        for chunk in chunks:
            writer.append(chunk)
        return writer.commit(), writer.rows


def partition_files(warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> list[Path]:
    """The (partition's) data files: one, or one per piece for a partition written by `PartsWriter`."""
    folder = partition_dir(warehouse, table, partition)
    return data_files(folder) if folder.is_dir() else []


def _stored_files(warehouse: Path, table: Table, partition: Mapping[str, str] | None) -> list[Path]:
    """The (partition's) data files, or FileNotFoundError naming the table and partition."""
    found = partition_files(warehouse, table, partition)
    if not found:
        folder = partition_dir(warehouse, table, partition)
        raise FileNotFoundError(f"{table.name} has no data for {dict(partition or {})} (looked in {folder})")
    return found


def iter_partition(
    warehouse: Path, table: Table, partition: Mapping[str, str] | None = None, *, rows: int = 500
) -> Iterator[pl.DataFrame]:
    """Read a stored partition `rows` at a time (memory bounded by one piece, not the partition)."""
    for path in _stored_files(warehouse, table, partition):
        with pq.ParquetFile(path) as parquet:
            for batch in parquet.iter_batches(batch_size=rows):
                yield conform(table, pl.from_arrow(batch))


def read_metadata(warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> dict[str, str]:
    """The key-value metadata stored with a partition by `write` (empty if none or not written)."""
    path = partition_dir(warehouse, table, partition) / PART_FILE
    return pl.read_parquet_metadata(path) if path.exists() else {}


def files(warehouse: Path, table: Table) -> list[Path]:
    root = table_dir(warehouse, table)
    found = root.glob("**/*.parquet") if root.is_dir() else []
    # Hidden: temporary files, and folders being written or replaced (see PartsWriter).
    return sorted(p for p in found if not any(part.startswith(".") for part in p.relative_to(root).parts))


def scan(warehouse: Path, table: Table) -> pl.LazyFrame:
    """Lazily read a whole table, partition columns included (empty frame if nothing is written).
    Columns declared since a file was written read as null in its rows; columns no longer declared
    (a file of an earlier version) are left out."""
    hive = {name: pl.String() for name in table.partition_by}
    found = files(warehouse, table)
    if not found:
        return pl.LazyFrame(schema={**table.schema, **hive})
    return pl.scan_parquet(
        found,
        schema=table.schema,
        hive_partitioning=bool(hive),
        hive_schema=hive or None,
        missing_columns="insert",
        extra_columns="ignore",
    )


def scan_partition(warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> pl.LazyFrame:
    """Lazily read one stored partition (without its partition columns), as `scan` reads its file."""
    paths = _stored_files(warehouse, table, partition)
    return pl.scan_parquet(paths, schema=table.schema, missing_columns="insert", extra_columns="ignore")


def read_partition(warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> pl.DataFrame:
    return pl.read_parquet(_stored_files(warehouse, table, partition), schema=table.schema)


def has_partition(warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> bool:
    return bool(partition_files(warehouse, table, partition))


def partitions(warehouse: Path, table: Table) -> list[str]:
    """The written partitions of a table partitioned by one column, e.g. its batch keys, sorted."""
    if len(table.partition_by) != 1:
        raise ValueError(f"{table.name} is not partitioned by exactly one column")
    prefix = f"{table.partition_by[0]}="
    root = table_dir(warehouse, table)
    found = root.glob(f"{prefix}*/*.parquet") if root.is_dir() else []
    return sorted({p.parent.name[len(prefix) :] for p in found if not p.name.startswith(".")})


def fingerprint(warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> str | None:
    """Changes whenever the partition is rewritten (size and modification time); None if absent."""
    try:
        stats = [p.stat() for p in partition_files(warehouse, table, partition)]
    except FileNotFoundError:  # replaced while being listed
        return None
    return ",".join(f"{st.st_size}-{st.st_mtime_ns}" for st in stats) or None


def count_rows(warehouse: Path, table: Table, partition: Mapping[str, str] | None = None) -> int:
    """Rows of a stored partition, from the file footer (nothing else is read)."""
    total = 0
    for path in _stored_files(warehouse, table, partition):
        with pq.ParquetFile(path) as parquet:
            total += parquet.metadata.num_rows
    return total


def scan_location(location: str | Path, table: Table, storage_options: dict[str, str] | None = None) -> pl.LazyFrame:
    """Lazily read a table of a warehouse wherever polars can read it: a local folder, or a copy in
    an object store (`s3://bucket/warehouse`, `gs://...`, `az://...`; credentials from the usual
    environment variables or `storage_options`). For readers such as notebooks; the pipeline
    itself writes to a file system, where a rename is atomic."""
    hive = {name: pl.String() for name in table.partition_by}
    pattern = f"{str(location).rstrip('/')}/{table.name}/**/*.parquet"
    return pl.scan_parquet(
        pattern,
        schema=table.schema,
        hive_partitioning=bool(hive),
        hive_schema=hive or None,
        storage_options=storage_options,
    )


def null_counts(path: Path, columns: list[str]) -> dict[str, int | None]:
    """Nulls of each top-level column of a stored file (or a partition's folder of files), from the
    footers' statistics (no data is read); None where a writer kept no statistics for the column."""
    counts: dict[str, int | None] = dict.fromkeys(columns, 0)
    for file in data_files(path):
        for name, n in _file_null_counts(file, columns).items():
            counts[name] = None if n is None or counts[name] is None else counts[name] + n
    return counts


def _file_null_counts(path: Path, columns: list[str]) -> dict[str, int | None]:
    counts: dict[str, int | None] = dict.fromkeys(columns, 0)
    with pq.ParquetFile(path) as parquet:
        meta = parquet.metadata
        where = {meta.schema.column(i).path: i for i in range(meta.num_columns)}
        for name in columns:
            if name not in where:  # a nested column (its leaves have longer paths): not counted here
                counts[name] = None
                continue
            for g in range(meta.num_row_groups):
                stats = meta.row_group(g).column(where[name]).statistics
                if stats is None or not stats.has_null_count:
                    counts[name] = None
                    break
                counts[name] += stats.null_count
    return counts
