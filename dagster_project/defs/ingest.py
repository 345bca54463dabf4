"""Ingest assets: the raw files of one batch -> `snapshots` and `pages`."""

import dagster as dg
import polars as pl

from dagster_project.defs.partitions import batches
from dagster_project.defs.reporting import check_specs, materialization, progress_logger, quarantine_metadata
from dagster_project.defs.resources import LakeResource
from dagster_project.ingest.batches import load_batch
from dagster_project.ingest.stage import ingest
from dagster_project.lake.schemas import PAGES, QUARANTINE, SNAPSHOTS


@dg.multi_asset(
    specs=[
        dg.AssetSpec("snapshots", description=SNAPSHOTS.doc, group_name="ingest", kinds={"parquet"}),
        dg.AssetSpec("pages", description=PAGES.doc, group_name="ingest", kinds={"parquet"}),
    ],
    partitions_def=batches,
    check_specs=[*check_specs(SNAPSHOTS, non_empty=True), *check_specs(PAGES)],
)
def ingest_batch(context: dg.AssetExecutionContext, lake: LakeResource):
    """Read every raw file of the batch; unreadable ones go to the quarantine table."""
    key = context.partition_key
    batch = load_batch(lake.warehouse, key)
    earlier = lake.scan(SNAPSHOTS).filter(pl.col("batch") < key).select("snapshot_id").collect()
    context.log.info(f"batch {key}: {len(batch.files)} files under {lake.raw}")
    result = ingest(
        lake.raw,
        batch.files,
        seen_ids=set(earlier["snapshot_id"]),
        progress=progress_logger(context, "files read"),
    )
    lake.write(QUARANTINE, result.quarantine, stage="ingest", batch=key)
    snapshots_path = lake.write(SNAPSHOTS, result.snapshots, batch=key)
    pages_path = lake.write(PAGES, result.pages, batch=key)
    yield materialization(
        SNAPSHOTS,
        result.snapshots,
        snapshots_path,
        non_empty=True,
        files=len(batch.files),
        **quarantine_metadata(result.quarantine),
    )
    yield materialization(PAGES, result.pages.drop("text"), pages_path)
