"""Ingest assets: the raw files of one batch -> `snapshots` and `pages`."""

import dagster as dg
import polars as pl

from dagster_project.defs.partitions import batches
from dagster_project.defs.reporting import (
    check_specs,
    progress_logger,
    quarantine_metadata,
    quarantine_rate_result,
    quarantine_rate_spec,
)
from dagster_project.defs.resources import LakeResource, Workers
from dagster_project.defs.stored import stored_materialization
from dagster_project.ingest.batches import load_batch
from dagster_project.ingest.stage import count_pieces, iter_ingest
from dagster_project.lake import store
from dagster_project.lake.schemas import PAGES, QUARANTINE, SNAPSHOTS, empty


@dg.multi_asset(
    specs=[
        dg.AssetSpec("snapshots", description=SNAPSHOTS.doc, group_name="ingest", kinds={"parquet"}),
        dg.AssetSpec("pages", description=PAGES.doc, group_name="ingest", kinds={"parquet"}),
    ],
    partitions_def=batches,
    check_specs=[
        *check_specs(SNAPSHOTS, non_empty=True),
        quarantine_rate_spec(SNAPSHOTS, "ingest"),
        *check_specs(PAGES),
    ],
)
def ingest_batch(context: dg.AssetExecutionContext, lake: LakeResource, workers: Workers):
    """Read every raw file of the batch; unreadable ones go to the quarantine table."""
    key = context.partition_key
    batch = load_batch(lake.warehouse, key)
    earlier = lake.scan(SNAPSHOTS).filter(pl.col("batch") < key).select("snapshot_id").collect()
    # The workers read (decompress, decode, hash) and write each piece's pages to a file of the
    # partition; this process settles duplicates from their records and writes the per-file rows.
    n_workers = workers.count(count_pieces(lake.raw, batch.files), 1)
    context.log.info(f"batch {key}: {len(batch.files)} files under {lake.raw}, {n_workers} process(es)")
    quarantine = [empty(QUARANTINE)]
    # The per-file rows go to disk piece by piece, the pages to one file per piece: what this
    # process holds does not grow with the batch (what it once held stays its footprint through
    # the later stages).
    with (
        store.PartitionWriter(lake.warehouse, SNAPSHOTS, {"batch": key}) as snapshots,
        store.PartsWriter(lake.warehouse, PAGES, {"batch": key}) as pages,
    ):
        for part in iter_ingest(
            lake.raw,
            batch.files,
            seen_ids=set(earlier["snapshot_id"]),
            progress=progress_logger(context, "files read"),
            workers=n_workers,
            pages_to=pages,
        ):
            snapshots.append(part.snapshots)
            quarantine.append(part.quarantine)
        quarantine_rows = pl.concat(quarantine)
        lake.write(QUARANTINE, quarantine_rows, stage="ingest", batch=key)
        snapshots_path = snapshots.commit()
        pages_path = pages.commit()
    # Rate over the records read (a WARC file holds many): each becomes a snapshots row, bad ones too.
    n_records = store.count_rows(lake.warehouse, SNAPSHOTS, {"batch": key})
    yield stored_materialization(
        SNAPSHOTS,
        snapshots_path,
        non_empty=True,
        more_checks=(quarantine_rate_result(SNAPSHOTS, quarantine_rows, n_records),),
        files=len(batch.files),
        **quarantine_metadata(quarantine_rows),
    )
    yield stored_materialization(PAGES, pages_path, hide=("text",))
