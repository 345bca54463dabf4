"""Entity assets: `articles` -> `entities` and `entity_coverage`, only new or changed bodies redone."""

import dagster as dg

from dagster_project.defs.reporting import check_specs, materialization, progress_logger
from dagster_project.defs.resources import EntityModels, LakeResource
from dagster_project.lake.schemas import ARTICLES, ENTITIES, ENTITY_COVERAGE
from dagster_project.nlp.stage import recognise_articles


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "entities",
            deps=["articles"],
            description=ENTITIES.doc,
            group_name="nlp",
            kinds={"parquet", "spacy"},
            automation_condition=dg.AutomationCondition.eager(),
        ),
        dg.AssetSpec(
            "entity_coverage",
            deps=["articles"],
            description=ENTITY_COVERAGE.doc,
            group_name="nlp",
            kinds={"parquet"},
            automation_condition=dg.AutomationCondition.eager(),
        ),
    ],
    check_specs=[*check_specs(ENTITIES), *check_specs(ENTITY_COVERAGE)],
)
def recognise_entities(context: dg.AssetExecutionContext, lake: LakeResource, models: EntityModels):
    """Run entity recognition on article bodies not processed before."""
    result = recognise_articles(
        lake.scan(ARTICLES).collect(),
        models.recognizer(),
        previous_entities=lake.scan(ENTITIES).collect(),
        previous_coverage=lake.scan(ENTITY_COVERAGE).collect(),
        progress=progress_logger(context, "articles recognised"),
    )
    context.log.info(f"{result.n_processed} article bodies recognised, {result.n_kept} kept from earlier runs")
    for reason, n in result.skipped.items():
        context.log.info(f"no entities for {n} articles: {reason}")
    # Coverage is written last: if the run dies between the two writes, the next run redoes those articles.
    entities_path = lake.write(ENTITIES, result.entities)
    coverage_path = lake.write(ENTITY_COVERAGE, result.coverage)
    yield materialization(ENTITIES, result.entities, entities_path, processed=result.n_processed)
    yield materialization(ENTITY_COVERAGE, result.coverage, coverage_path, processed=result.n_processed)
