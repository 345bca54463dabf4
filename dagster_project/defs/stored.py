"""Materialisation metadata and checks read back from a stored file, for tables written in pieces.

A batch's pages or headlines never sit in memory whole, so the row count comes from the file
footer, the preview from its first rows, and the key check from one 64-bit hash per row. `path`
is a file, or a partition's folder of files (the pages of a batch, written in pieces).
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from dagster_project.defs.reporting import PREVIEW_ROWS, schema_check, table_metadata
from dagster_project.lake import store
from dagster_project.lake.schemas import Table


def stored_materialization(
    table: Table,
    path: Path,
    *,
    non_empty: bool = False,
    hide: tuple[str, ...] = (),
    more_checks: tuple[dg.AssetCheckResult, ...] = (),
    **extra,
) -> dg.MaterializeResult:
    files = store.data_files(path)
    preview = pl.scan_parquet(files).head(PREVIEW_ROWS).drop(*hide).collect()
    checks = [*stored_checks(table, path, non_empty=non_empty), *more_checks]
    rows = pl.scan_parquet(files).select(pl.len()).collect().item()
    meta = {**table_metadata(table, preview, path), "dagster/row_count": dg.MetadataValue.int(rows), **extra}
    return dg.MaterializeResult(asset_key=table.name, metadata=meta, check_results=checks)


def stored_checks(table: Table, path: Path, *, non_empty: bool = False) -> list[dg.AssetCheckResult]:
    """The table's checks, on the file as stored: also what an asset that skips (its table unchanged)
    reports, so that its blocking checks always have a result."""
    stored = pl.scan_parquet(store.data_files(path))
    # One 8-byte hash per row, read piece by piece, then counted: a batch of a few hundred thousand
    # captures has millions of headline rows, whose key columns read whole would take a gigabyte.
    hashes = stored.select(pl.struct(*table.key).hash(seed=0)).collect(engine="streaming").to_series()
    rows, keys = hashes.len(), hashes.n_unique()
    checks = [
        dg.AssetCheckResult(
            asset_key=table.name,
            check_name="unique_key",
            passed=rows == keys,
            metadata={"duplicate_rows": rows - keys, "key": ", ".join(table.key)},
        ),
        schema_check(table, path),
    ]
    if non_empty:
        checks.append(
            dg.AssetCheckResult(
                asset_key=table.name,
                check_name="non_empty",
                passed=rows > 0,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"rows": rows},
            )
        )
    return checks
