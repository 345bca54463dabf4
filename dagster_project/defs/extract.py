"""Extraction assets: `pages` -> `article_sightings` and `headlines` per batch; `articles` overall."""

import dagster as dg

from dagster_project.defs.partitions import batches
from dagster_project.defs.reporting import check_specs, materialization, progress_logger, quarantine_metadata
from dagster_project.defs.resources import LakeResource
from dagster_project.extract.stage import consolidate_articles, extract_pages
from dagster_project.lake.schemas import ARTICLE_SIGHTINGS, ARTICLES, HEADLINES, PAGES, QUARANTINE


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
    ],
    partitions_def=batches,
    check_specs=[*check_specs(ARTICLE_SIGHTINGS), *check_specs(HEADLINES)],
)
def extract_batch(context: dg.AssetExecutionContext, lake: LakeResource):
    """Parse every page of the batch with its site profile, or generically."""
    key = context.partition_key
    pages = lake.read(PAGES, batch=key)
    result = extract_pages(pages, progress=progress_logger(context, "pages extracted"))
    lake.write(QUARANTINE, result.quarantine, stage="extract", batch=key)
    sightings_path = lake.write(ARTICLE_SIGHTINGS, result.sightings, batch=key)
    headlines_path = lake.write(HEADLINES, result.headlines, batch=key)
    extractors = result.sightings.group_by("extractor").len()
    yield materialization(
        ARTICLE_SIGHTINGS,
        result.sightings.drop("body"),
        sightings_path,
        extractors=dg.MetadataValue.json({e: n for e, n in extractors.iter_rows()}),
        **quarantine_metadata(result.quarantine),
    )
    yield materialization(HEADLINES, result.headlines, headlines_path)


@dg.asset(
    deps=["article_sightings"],
    description=ARTICLES.doc,
    group_name="extract",
    kinds={"parquet"},
    automation_condition=dg.AutomationCondition.eager(),
    check_specs=check_specs(ARTICLES, non_empty=True),
)
def articles(lake: LakeResource) -> dg.MaterializeResult:
    """Deduplicate sightings across all batches: one row per article."""
    frame = consolidate_articles(lake.scan(ARTICLE_SIGHTINGS).drop("batch"))
    path = lake.write(ARTICLES, frame)
    return materialization(ARTICLES, frame.drop("body"), path, non_empty=True)
