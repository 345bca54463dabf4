"""Materialisation metadata and checks shared by every table asset."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from dagster_project.lake import store
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


def schema_check(table: Table, path: Path) -> dg.AssetCheckResult:
    """The file as stored against the declaration: its columns and types, and no nulls in a column
    declared non-nullable (from the footer's statistics). Fails for a file written around the store
    (another tool, an older version of this code), which readers would otherwise take on trust."""
    required = [c.name for c in table.columns if not c.nullable]
    nulls = {name: n for name, n in store.null_counts(path, required).items() if n}
    problems = []
    for file in store.data_files(path):  # a partition written in pieces: each of its files
        stored = dict(pl.read_parquet_schema(file))
        if stored != dict(table.schema):
            problems.append(f"{file.name} stored as {stored}")
            break
    if nulls:
        problems.append(f"nulls in non-nullable columns {nulls}")
    return dg.AssetCheckResult(
        asset_key=table.name,
        check_name="schema",
        passed=not problems,
        metadata={"stored": "; ".join(problems) or "as declared"},
    )


def check_results(table: Table, frame: pl.DataFrame, path: Path, *, non_empty: bool = False) -> list:
    """Verify the file as stored: key uniqueness, schema, and (optionally) that it has rows."""
    n_dupes = frame.height - frame.select(table.key).unique().height
    results = [
        dg.AssetCheckResult(
            asset_key=table.name,
            check_name="unique_key",
            passed=n_dupes == 0,
            metadata={"duplicate_rows": n_dupes, "key": ", ".join(table.key)},
        ),
        schema_check(table, path),
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


# Share of a batch's inputs quarantined above which its `quarantine_rate` check warns, and above
# which it reports an error (most of the batch failed: a broken source or a bug, not a few bad pages).
QUARANTINE_WARN = 0.05
QUARANTINE_ERROR = 0.5


def quarantine_rate_spec(table: Table, stage: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        "quarantine_rate",
        asset=table.name,
        description=f"share of the batch's {stage} inputs quarantined: warns above {QUARANTINE_WARN:.0%}, "
        f"an error above {QUARANTINE_ERROR:.0%}",
    )


def quarantine_rate_result(table: Table, quarantined: pl.DataFrame, n_inputs: int) -> dg.AssetCheckResult:
    """Not blocking: a batch of bad pages is still a batch; the check says how bad."""
    rate = quarantined.height / n_inputs if n_inputs else 0.0
    return dg.AssetCheckResult(
        asset_key=table.name,
        check_name="quarantine_rate",
        passed=rate <= QUARANTINE_WARN,
        severity=dg.AssetCheckSeverity.ERROR if rate > QUARANTINE_ERROR else dg.AssetCheckSeverity.WARN,
        metadata={
            "rate": dg.MetadataValue.float(round(rate, 4)),
            "quarantined": quarantined.height,
            "inputs": n_inputs,
            **quarantine_metadata(quarantined),
        },
    )
