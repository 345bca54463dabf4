"""Materialisation metadata and checks shared by every table asset."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from dagster_project.lake.schemas import Table
from dagster_project.progress import Progress

PREVIEW_ROWS = 10
_PREVIEW_CHARS = 120


def column_schema(table: Table) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(c.name, str(c.dtype), c.doc) for c in table.columns])


def table_metadata(table: Table, frame: pl.DataFrame, path: Path | None = None) -> dict:
    """Row count, a preview of the first rows (long texts shortened), the schema and where it lives."""
    preview = [
        dg.TableRecord({k: "" if v is None else str(v)[:_PREVIEW_CHARS] for k, v in row.items()})
        for row in frame.head(PREVIEW_ROWS).iter_rows(named=True)
    ]
    meta: dict = {
        "dagster/row_count": dg.MetadataValue.int(frame.height),
        "dagster/column_schema": column_schema(table),
        "preview": dg.MetadataValue.table(
            records=preview,
            schema=dg.TableSchema(columns=[dg.TableColumn(c, "string") for c in frame.columns]),
        ),
    }
    if path is not None:
        meta["path"] = dg.MetadataValue.path(str(path))
    return meta


def check_specs(table: Table, *, non_empty: bool = False) -> list[dg.AssetCheckSpec]:
    specs = [
        dg.AssetCheckSpec("unique_key", asset=table.name, blocking=True, description=f"{table.key} is unique"),
        dg.AssetCheckSpec("schema", asset=table.name, blocking=True, description="stored file matches the schema"),
    ]
    if non_empty:
        specs.append(dg.AssetCheckSpec("non_empty", asset=table.name, description="the table has rows"))
    return specs


def check_results(table: Table, frame: pl.DataFrame, path: Path, *, non_empty: bool = False) -> list:
    """Verify the file as stored: key uniqueness, schema, and (optionally) that it has rows."""
    stored = pl.read_parquet_schema(path)
    schema_ok = dict(stored) == dict(table.schema)
    n_dupes = frame.height - frame.select(table.key).unique().height
    results = [
        dg.AssetCheckResult(
            asset_key=table.name,
            check_name="unique_key",
            passed=n_dupes == 0,
            metadata={"duplicate_rows": n_dupes, "key": ", ".join(table.key)},
        ),
        dg.AssetCheckResult(
            asset_key=table.name,
            check_name="schema",
            passed=schema_ok,
            metadata={"stored": str(dict(stored)) if not schema_ok else "as declared"},
        ),
    ]
    if non_empty:
        results.append(
            dg.AssetCheckResult(
                asset_key=table.name,
                check_name="non_empty",
                passed=frame.height > 0,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"rows": frame.height},
            )
        )
    return results


def materialization(
    table: Table, frame: pl.DataFrame, path: Path, *, non_empty: bool = False, **extra
) -> dg.MaterializeResult:
    return dg.MaterializeResult(
        asset_key=table.name,
        metadata={**table_metadata(table, frame, path), **extra},
        check_results=check_results(table, frame, path, non_empty=non_empty),
    )


def progress_logger(context: dg.AssetExecutionContext, what: str) -> Progress:
    """Log progress about every tenth of the way, so long batches show they are alive."""

    def report(done: int, total: int) -> None:
        step = max(1, total // 10)
        if done == total or done % step == 0:
            context.log.info(f"{what}: {done}/{total}")

    return report


def quarantine_metadata(frame: pl.DataFrame) -> dict:
    reasons = frame.group_by("reason").len().sort("len", descending=True)
    return {
        "quarantined": dg.MetadataValue.int(frame.height),
        "quarantine_reasons": dg.MetadataValue.json({r: n for r, n in reasons.iter_rows()}),
    }
