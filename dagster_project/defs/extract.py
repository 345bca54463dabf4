"""Extraction assets: `pages` -> `article_sightings`, `headlines` and `page_types` per batch; `articles` overall."""

import dagster as dg
import polars as pl

from dagster_project.defs.partitions import batches
from dagster_project.defs.registrar import done_batches
from dagster_project.defs.reporting import (
    check_specs,
    materialization,
    progress_logger,
    quarantine_metadata,
    quarantine_rate_result,
    quarantine_rate_spec,
)
from dagster_project.defs.resources import LakeResource, Workers
from dagster_project.defs.stored import stored_checks, stored_materialization
from dagster_project.extract.stage import articles_up_to_date, iter_extract, page_slices, update_articles
from dagster_project.lake import store
from dagster_project.lake.schemas import ARTICLE_SIGHTINGS, ARTICLES, HEADLINES, PAGE_TYPES, PAGES, QUARANTINE, empty


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "article_sightings",
            deps=["pages"],
            description=ARTICLE_SIGHTINGS.doc,
            group_name="extract",
            kinds={"parquet"},
        ),
        dg.AssetSpec("headlines", deps=["pages"], description=HEADLINES.doc, group_name="extract", kinds={"parquet"}),
        dg.AssetSpec("page_types", deps=["pages"], description=PAGE_TYPES.doc, group_name="extract", kinds={"parquet"}),
    ],
    partitions_def=batches,
    check_specs=[
        *check_specs(ARTICLE_SIGHTINGS),
        quarantine_rate_spec(ARTICLE_SIGHTINGS, "extract"),
        *check_specs(HEADLINES),
        *check_specs(PAGE_TYPES),
    ],
)
def extract_batch(context: dg.AssetExecutionContext, lake: LakeResource, workers: Workers):
    """Parse every page of the batch with its site profile, or generically, a chunk at a time."""
    key = context.partition_key
    partition = {"batch": key}
    n_pages = store.count_rows(lake.warehouse, PAGES, partition)
    # The workers read their pieces of the pages files themselves: no page text in this process.
    pieces = page_slices(store.partition_dir(lake.warehouse, PAGES, partition))
    n_workers = workers.count(len(pieces), 1)
    context.log.info(f"batch {key}: {n_pages} pages in {len(pieces)} pieces, {n_workers} process(es)")
    quarantine, extractors = [empty(QUARANTINE)], []
    with (
        store.PartitionWriter(lake.warehouse, ARTICLE_SIGHTINGS, partition) as sightings,
        store.PartitionWriter(lake.warehouse, HEADLINES, partition) as headlines,
        store.PartitionWriter(lake.warehouse, PAGE_TYPES, partition) as page_types,
    ):
        for part in iter_extract(
            pieces, workers=n_workers, total=n_pages, progress=progress_logger(context, "pages extracted")
        ):
            sightings.append(part.sightings)
            headlines.append(part.headlines)
            page_types.append(part.page_types)
            quarantine.append(part.quarantine)
            extractors.append(part.sightings.group_by("extractor").len())
        quarantine_rows = pl.concat(quarantine)
        lake.write(QUARANTINE, quarantine_rows, stage="extract", batch=key)
        sightings_path = sightings.commit()
        page_types_path = page_types.commit()
        # Headlines last: the run that materialises them decides whether the batch is done (see
        # defs/registrar.py: done when that run succeeded, every blocking check passed).
        headlines_path = headlines.commit()
    counts = pl.concat([pl.DataFrame(schema={"extractor": pl.String, "len": pl.UInt32}), *extractors])
    counts = counts.group_by("extractor").agg(pl.col("len").sum()).sort("extractor")
    yield stored_materialization(
        ARTICLE_SIGHTINGS,
        sightings_path,
        hide=("body",),
        more_checks=(quarantine_rate_result(ARTICLE_SIGHTINGS, quarantine_rows, n_pages),),
        extractors=dg.MetadataValue.json({e: n for e, n in counts.iter_rows()}),
        **quarantine_metadata(quarantine_rows),
    )
    yield stored_materialization(PAGE_TYPES, page_types_path)
    yield stored_materialization(HEADLINES, headlines_path)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "articles",
            deps=["article_sightings"],
            description=ARTICLES.doc,
            group_name="extract",
            kinds={"parquet"},
            automation_condition=dg.AutomationCondition.eager(),
            skippable=True,
        )
    ],
    check_specs=check_specs(ARTICLES, non_empty=True),
)
def articles(context: dg.AssetExecutionContext, lake: LakeResource):
    """Deduplicate sightings across the done batches: one row per article, folding in new batches
    only. Skipped (nothing written, no materialisation) when no batch was done since."""
    done = done_batches(context.instance, lake.warehouse)
    if articles_up_to_date(lake.warehouse, done):
        context.log.info(f"articles: built from the {len(done)} done batches already; nothing written")
        yield from stored_checks(
            ARTICLES, store.partition_dir(lake.warehouse, ARTICLES) / store.PART_FILE, non_empty=True
        )
        return
    update = update_articles(lake.warehouse, done)
    if update.rebuilt:
        context.log.info(f"articles rebuilt from all {len(update.read)} sightings partitions")
    else:
        context.log.info(f"articles: folded in {len(update.read)} new sightings partition(s) {update.read}")
    path = store.write(lake.warehouse, ARTICLES, update.articles, metadata=update.metadata)
    yield materialization(
        ARTICLES,
        update.articles.drop("body"),
        path,
        non_empty=True,
        batches_read=dg.MetadataValue.json(update.read),
        rebuilt=update.rebuilt,
    )
