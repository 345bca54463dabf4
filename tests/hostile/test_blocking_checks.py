"""Blocking asset checks: a table stored with a duplicate key or the wrong schema stops the assets
downstream of it in the same run.

The real `extract_batch` asset runs downstream of an ingest asset that stores a bad `pages`
partition: the real sample read by the real ingest stage, then damaged on purpose. Its checks are
the project's own (`check_specs`, `materialization`), so the test shows what they do when a
table goes wrong.
"""

import dagster as dg
import polars as pl
import pytest

from dagster_project.defs.extract import extract_batch
from dagster_project.defs.partitions import batches
from dagster_project.defs.reporting import check_specs, materialization
from dagster_project.defs.resources import LakeResource, Workers
from dagster_project.ingest.stage import ingest
from dagster_project.lake import store
from dagster_project.lake.schemas import ARTICLE_SIGHTINGS, HEADLINES, PAGES, SNAPSHOTS
from tests.conftest import RECONSTRUCTION, SEED, copy_files


def duplicate_key(frame: pl.DataFrame, lake: LakeResource, key: str) -> pl.DataFrame:
    bad = pl.concat([frame, frame.head(1)])
    lake.write(PAGES, bad, batch=key)  # the store conforms types; keys are the checks' business
    return bad


def wrong_schema(frame: pl.DataFrame, lake: LakeResource, key: str) -> pl.DataFrame:
    path = store.partition_dir(lake.warehouse, PAGES, {"batch": key}) / store.PART_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.with_columns(pl.col("captured_at").dt.epoch("s")).write_parquet(path)  # an integer, not a datetime
    return frame


def null_key(frame: pl.DataFrame, lake: LakeResource, key: str) -> pl.DataFrame:
    """The declared types, but a null in a column declared non-nullable, written around the store."""
    path = store.partition_dir(lake.warehouse, PAGES, {"batch": key}) / store.PART_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    bad = frame.with_columns(pl.lit(None, dtype=pl.String).alias("snapshot_id"))
    bad.write_parquet(path)
    return bad


def ingest_that(damage):
    @dg.multi_asset(
        specs=[dg.AssetSpec("snapshots"), dg.AssetSpec("pages")],
        partitions_def=batches,
        check_specs=[*check_specs(SNAPSHOTS), *check_specs(PAGES)],
    )
    def bad_ingest(context: dg.AssetExecutionContext, lake: LakeResource):
        key = context.partition_key
        result = ingest(lake.raw, [SEED.name, RECONSTRUCTION.name])
        snapshots_path = lake.write(SNAPSHOTS, result.snapshots, batch=key)
        pages = damage(result.pages, lake, key)
        yield materialization(SNAPSHOTS, result.snapshots, snapshots_path)
        yield materialization(
            PAGES, pages, store.partition_dir(lake.warehouse, PAGES, {"batch": key}) / store.PART_FILE
        )

    return bad_ingest


@pytest.mark.parametrize(
    ("damage", "failed_check"), [(duplicate_key, "unique_key"), (wrong_schema, "schema"), (null_key, "schema")]
)
def test_a_failed_blocking_check_stops_the_downstream_assets(tmp_path, damage, failed_check):
    raw = copy_files(tmp_path / "raw", SEED, RECONSTRUCTION)
    lake = LakeResource(raw_dir=str(raw), warehouse_dir=str(tmp_path / "warehouse"))
    defs = dg.Definitions(
        assets=[ingest_that(damage), extract_batch], resources={"lake": lake, "workers": Workers(processes=1)}
    )
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(batches.name, ["00001"])
        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
            partition_key="00001", instance=instance, raise_on_error=False
        )
    assert not result.success
    evaluations = {(e.asset_key.to_user_string(), e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert evaluations[("pages", failed_check)] is False
    assert evaluations[("snapshots", "unique_key")] is True and evaluations[("snapshots", "schema")] is True
    materialised = {m.asset_key.to_user_string() for m in result.get_asset_materialization_events()}
    assert "pages" in materialised  # written, and flagged
    assert not {"article_sightings", "headlines"} & materialised
    assert not store.has_partition(lake.warehouse, ARTICLE_SIGHTINGS, {"batch": "00001"})
    assert not store.has_partition(lake.warehouse, HEADLINES, {"batch": "00001"})


def test_with_a_sound_table_the_downstream_assets_run(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED, RECONSTRUCTION)
    lake = LakeResource(raw_dir=str(raw), warehouse_dir=str(tmp_path / "warehouse"))
    defs = dg.Definitions(
        assets=[ingest_that(lambda f, lk, k: lk.write(PAGES, f, batch=k) and f), extract_batch],
        resources={"lake": lake, "workers": Workers(processes=1)},
    )
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(batches.name, ["00001"])
        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
            partition_key="00001", instance=instance
        )
    assert result.success
    assert store.read_partition(lake.warehouse, HEADLINES, {"batch": "00001"}).height == 96
