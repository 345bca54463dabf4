"""Entity assets: `articles` and `headlines` -> `entities`, `entity_coverage` and `entity_catalog`;
only new or changed texts are recognised (a headline once per distinct text), the catalogue is
rebuilt from all mentions (with each text's keys resolved once, when it is first recognised)."""

import dagster as dg
import polars as pl

from dagster_project.defs.registrar import done_batches
from dagster_project.defs.reporting import check_specs, materialization, progress_logger
from dagster_project.defs.resources import EntityModels, LakeResource
from dagster_project.defs.stored import stored_checks
from dagster_project.lake import store
from dagster_project.lake.schemas import ARTICLES, ENTITIES, ENTITY_CATALOG, ENTITY_COVERAGE
from dagster_project.nlp.catalog import resolver_version
from dagster_project.nlp.stage import (
    INPUTS_KEY,
    RESOLVER_KEY,
    article_texts,
    inputs_digest,
    is_up_to_date,
    recognise_texts,
    stored_headline_texts,
)


def _spec(table, kinds):
    return dg.AssetSpec(
        table.name,
        deps=["articles", "headlines"],
        description=table.doc,
        group_name="nlp",
        kinds=kinds,
        automation_condition=dg.AutomationCondition.eager(),
        skippable=True,
    )


@dg.multi_asset(
    specs=[
        _spec(ENTITIES, {"parquet", "spacy"}),
        _spec(ENTITY_COVERAGE, {"parquet"}),
        _spec(ENTITY_CATALOG, {"parquet"}),
    ],
    check_specs=[
        *check_specs(ENTITIES),
        dg.AssetCheckSpec(
            "in_catalog", asset=ENTITIES.name, blocking=True, description="every entity_id is an entity_catalog row"
        ),
        *check_specs(ENTITY_COVERAGE),
        *check_specs(ENTITY_CATALOG),
    ],
)
def recognise_entities(context: dg.AssetExecutionContext, lake: LakeResource, models: EntityModels):
    """Recognise entities in article titles and bodies and in headlines not processed before, then
    cluster every mention into the catalogue. Skipped (nothing written, no materialisation) when
    neither the articles, the done batches' headlines, the pipelines nor this code changed since the
    tables were written."""
    recognizer = models.recognizer()
    done = done_batches(context.instance, lake.warehouse)
    digest = inputs_digest(lake.warehouse, recognizer, done)
    if is_up_to_date(lake.warehouse, digest):
        context.log.info("articles, headlines and pipelines unchanged since the entity tables were written")
        for table in (ENTITIES, ENTITY_COVERAGE, ENTITY_CATALOG):
            yield from stored_checks(table, store.partition_dir(lake.warehouse, table) / store.PART_FILE)
        yield in_catalog(lake.scan(ENTITIES), lake.scan(ENTITY_CATALOG))
        return
    texts = pl.concat([article_texts(lake.scan(ARTICLES)), stored_headline_texts(lake.warehouse, done)])
    result = recognise_texts(
        texts,
        recognizer,
        previous_entities=lake.scan(ENTITIES).collect(),
        previous_coverage=lake.scan(ENTITY_COVERAGE).collect(),
        previous_resolver=store.read_metadata(lake.warehouse, ENTITY_COVERAGE).get(RESOLVER_KEY),
        progress=progress_logger(context, "texts recognised"),
    )
    context.log.info(f"{result.n_processed} articles and headlines recognised, {result.n_kept} kept from earlier runs")
    for reason, n in result.skipped.items():
        context.log.info(f"no entities for {n} texts: {reason}")
    # Coverage is written last, with the inputs' digest: if the run dies between the writes, the
    # next run redoes those texts.
    entities_path = lake.write(ENTITIES, result.entities)
    catalog_path = lake.write(ENTITY_CATALOG, result.catalog)
    coverage_path = store.write(
        lake.warehouse,
        ENTITY_COVERAGE,
        result.coverage,
        metadata={INPUTS_KEY: digest, RESOLVER_KEY: resolver_version()},
    )
    entities = materialization(ENTITIES, result.entities, entities_path, processed=result.n_processed)
    check = in_catalog(result.entities.lazy(), result.catalog.lazy())
    yield dg.MaterializeResult(
        asset_key=ENTITIES.name, metadata=entities.metadata, check_results=[*entities.check_results, check]
    )
    yield materialization(ENTITY_COVERAGE, result.coverage, coverage_path, processed=result.n_processed)
    yield materialization(ENTITY_CATALOG, result.catalog, catalog_path)


def in_catalog(entities: pl.LazyFrame, catalog: pl.LazyFrame) -> dg.AssetCheckResult:
    """Every mention's entity_id names a catalogue row."""
    ids = entities.select("entity_id").unique()
    missing = ids.join(catalog.select("entity_id"), on="entity_id", how="anti").collect()
    return dg.AssetCheckResult(
        asset_key=ENTITIES.name,
        check_name="in_catalog",
        passed=missing.is_empty(),
        metadata={"unresolved_ids": missing.height, "examples": str(missing.head(5)["entity_id"].to_list())},
    )
