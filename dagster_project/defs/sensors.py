"""The raw-folder sensor: new files become a batch, a dynamic partition and a run."""

import dagster as dg

from dagster_project.defs.jobs import CATALOG_ASSETS, process_batch
from dagster_project.defs.partitions import batches
from dagster_project.defs.resources import LakeResource
from dagster_project.ingest.batches import list_batches, register_new_files
from dagster_project.lake import store
from dagster_project.lake.schemas import HEADLINES


@dg.sensor(job=process_batch, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def raw_files_sensor(context: dg.SensorEvaluationContext, lake: LakeResource) -> dg.SensorResult | dg.SkipReason:
    """Register files that appeared in the raw folder since the last batch, and process them.

    The batch manifests are the cursor: a file belongs to exactly one batch, whatever happens to
    this sensor's own state. Batches never processed (e.g. registered from the command line)
    are requested too; run keys keep each batch to one run.
    """
    if not lake.raw.is_dir():
        return dg.SkipReason(f"raw folder {lake.raw} does not exist")
    new, _ = register_new_files(lake.raw, lake.warehouse)
    keys = list_batches(lake.warehouse)
    unknown = [k for k in keys if not context.instance.has_dynamic_partition(batches.name, k)]
    pending = [k for k in keys if not store.has_partition(lake.warehouse, HEADLINES, {"batch": k})]
    if not unknown and not pending:
        return dg.SkipReason("no new raw files")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=k, run_key=f"batch-{k}") for k in pending],
        dynamic_partitions_requests=[batches.build_add_request(unknown)] if unknown else [],
        cursor=new.key if new else context.cursor,
    )


# Dagster's own automation sensor starts stopped; this one is on, so that `articles` and the entity
# tables follow every processed batch (their automation condition is eager).
catalog_automation = dg.AutomationConditionSensorDefinition(
    "catalog_automation",
    target=dg.AssetSelection.assets(*CATALOG_ASSETS),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
