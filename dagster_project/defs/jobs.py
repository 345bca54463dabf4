"""Jobs: one batch through the per-batch assets, then the cross-batch tables."""

import dagster as dg

from dagster_project.defs.partitions import batches

BATCH_ASSETS = ["snapshots", "pages", "article_sightings", "headlines", "page_types"]
CATALOG_ASSETS = ["articles", "entities", "entity_coverage", "entity_catalog"]

process_batch = dg.define_asset_job(
    "process_batch",
    selection=dg.AssetSelection.assets(*BATCH_ASSETS),
    partitions_def=batches,
    description="Read, decode and extract one batch of raw files.",
)
build_catalog = dg.define_asset_job(
    "build_catalog",
    selection=dg.AssetSelection.assets(*CATALOG_ASSETS),
    description="Deduplicate articles across batches and recognise entities in new bodies.",
)
