"""A plain-text summary of the warehouse: rows per table, and what was quarantined and why."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dagster_project.lake import store
from dagster_project.lake.schemas import QUARANTINE, TABLES


def counts(warehouse: Path) -> dict[str, int]:
    return {name: store.scan(warehouse, t).select(pl.len()).collect().item() for name, t in TABLES.items()}


def summary(warehouse: Path, ignored: dict[str, str] | None = None) -> str:
    rows = counts(warehouse)
    width = max(len(n) for n in rows)
    lines = [f"warehouse: {warehouse}"]
    lines += [f"  {name:<{width}}  {n:>8,} rows" for name, n in rows.items() if name != "quarantine"]
    quarantine = store.scan(warehouse, QUARANTINE).collect()
    files = quarantine.select("path").n_unique() if quarantine.height else 0
    lines.append(f"quarantined: {quarantine.height} records from {files} files")
    for stage, reason, n in quarantine.group_by("stage", "reason").len().sort("stage", "reason").iter_rows():
        lines.append(f"  {stage}/{reason}: {n}")
    if ignored:
        lines.append(f"ignored (not snapshot files): {len(ignored)}")
        lines += [f"  {path}: {why}" for path, why in sorted(ignored.items())]
    return "\n".join(lines)
