"""The raw-folder sensor: new files become a batch, a dynamic partition and a run."""

import dagster as dg

from dagster_project.defs.jobs import CATALOG_ASSETS, process_batch
from dagster_project.defs.partitions import batches
from dagster_project.defs.registrar import SENSOR_NAME, batch_requests
from dagster_project.defs.resources import LakeResource
from dagster_project.ingest.batches import registrar_lock


@dg.sensor(
    name=SENSOR_NAME, job=process_batch, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING
)
def raw_files_sensor(context: dg.SensorEvaluationContext, lake: LakeResource) -> dg.SensorResult | dg.SkipReason:
    """Register files that appeared in the raw folder since the last batch, and process them.

    The registrar (see defs/registrar.py) is the one `python -m dagster_project run` uses; while
    `run` holds the warehouse, ticks skip. Batches never run (e.g. registered by a `run` that was
    stopped) are requested too; a batch whose run failed waits for `run` or a re-execution.
    """
    if not lake.raw.is_dir():
        return dg.SkipReason(f"raw folder {lake.raw} does not exist")
    with registrar_lock(lake.warehouse, wait=False) as held:
        if not held:
            return dg.SkipReason("another registrar (python -m dagster_project run) holds the warehouse")
        requests = batch_requests(context.instance, lake.raw, lake.warehouse)
    run_requests = requests.run_requests()
    if not requests.add_partitions and not run_requests:
        return dg.SkipReason("no new raw files")
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=[batches.build_add_request(requests.add_partitions)]
        if requests.add_partitions
        else [],
        cursor=requests.new.key if requests.new else context.cursor,
    )


# Dagster's own automation sensor starts stopped; this one is on, so that `articles` and the entity
# tables follow every processed batch (their automation condition is eager).
catalog_automation = dg.AutomationConditionSensorDefinition(
    "catalog_automation",
    target=dg.AssetSelection.assets(*CATALOG_ASSETS),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
