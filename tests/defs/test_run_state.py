"""Run state read from the Dagster instance: a failed blocking check keeps its batch failed until a
run fixes it; the sensor and `run` share one registrar, so a file is in one batch and a batch gets
one run."""

from __future__ import annotations

import threading
from collections import Counter

import dagster as dg
import polars as pl

from dagster_project.defs import registrar
from dagster_project.defs.launch import Execution, open_instance, run_pipeline
from dagster_project.defs.resources import LakeResource
from dagster_project.defs.sensors import raw_files_sensor
from dagster_project.extract import stage
from dagster_project.ingest.batches import list_batches, load_batch
from dagster_project.lake import store
from dagster_project.lake.schemas import ARTICLES
from dagster_project.settings import Settings
from tests.conftest import RECONSTRUCTION, SEED, copy_files


def run(settings: Settings):
    return run_pipeline(settings, log=lambda _: None, execution=Execution(executor="in_process", workers=1))


def test_a_failed_blocking_check_keeps_its_batch_failed_until_it_is_fixed_and_run_again(tmp_path, monkeypatch):
    raw = copy_files(tmp_path / "raw", SEED)
    settings = Settings(raw_dir=raw, warehouse_dir=tmp_path / "warehouse")
    extract_chunk = stage._extract_chunk

    def duplicated_headline(pages: pl.DataFrame) -> stage.ExtractResult:
        result = extract_chunk(pages)
        result.headlines = pl.concat([result.headlines, result.headlines.head(1)])
        return result

    monkeypatch.setattr(stage, "_extract_chunk", duplicated_headline)
    first = run(settings)
    assert first.failed == ["00001"]
    # The partition's files were written (the check looks at them), but the batch is not done.
    assert store.has_partition(settings.warehouse_dir, stage.HEADLINES, {"batch": "00001"})
    with open_instance(settings) as instance:
        assert registrar.done_batches(instance, settings.warehouse_dir) == []

    # Nothing fixed: the next run tries the batch again, fails again, and builds no catalogue.
    second = run(settings)
    assert (second.new_batch, second.failed) == (None, ["00001"])
    assert not store.has_partition(settings.warehouse_dir, ARTICLES)

    monkeypatch.setattr(stage, "_extract_chunk", extract_chunk)
    third = run(settings)
    assert third.success and third.batches_run == ["00001"]
    with open_instance(settings) as instance:
        assert registrar.done_batches(instance, settings.warehouse_dir) == ["00001"]
    assert store.read_partition(settings.warehouse_dir, ARTICLES).height == 1


def test_a_sensor_tick_and_run_started_together_give_each_file_one_batch_and_each_batch_one_run(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED, RECONSTRUCTION)
    settings = Settings(raw_dir=raw, warehouse_dir=tmp_path / "warehouse")
    lake = LakeResource(raw_dir=str(raw), warehouse_dir=str(settings.warehouse_dir))
    start = threading.Barrier(2)
    ticks: list[dg.SensorResult | dg.SkipReason] = []
    outcomes = []

    def tick() -> None:
        with open_instance(settings) as instance:
            context = dg.build_sensor_context(instance=instance, resources={"lake": lake})
            start.wait()
            ticks.append(raw_files_sensor(context))

    def command() -> None:
        start.wait()
        outcomes.append(run(settings))

    threads = [threading.Thread(target=tick), threading.Thread(target=command)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (outcome,) = outcomes
    assert outcome.success
    counts = Counter(
        f for key in list_batches(settings.warehouse_dir) for f in load_batch(settings.warehouse_dir, key).files
    )
    assert set(counts) == {SEED.name, RECONSTRUCTION.name} and set(counts.values()) == {1}

    # Whatever the sensor asked for, Dagster's daemon launches no second run for a batch `run`
    # processed: it looks for a run of this sensor with the request's run key, and finds `run`'s.
    (result,) = ticks
    requests = result.run_requests if isinstance(result, dg.SensorResult) else []
    with open_instance(settings) as instance:
        for request in requests or []:
            if request.partition_key in outcome.batches_run:
                found = instance.get_runs(dg.RunsFilter(tags={"dagster/run_key": request.run_key}))
                assert [r.tags["dagster/sensor_name"] for r in found] == [raw_files_sensor.name]
        per_batch = Counter(
            r.tags["dagster/partition"] for r in instance.get_runs(dg.RunsFilter(job_name="process_batch"))
        )
    assert set(per_batch.values()) == {1}
    assert sum(per_batch.values()) == len(list_batches(settings.warehouse_dir))

    # The next tick finds nothing to do.
    with open_instance(settings) as instance:
        later = raw_files_sensor(dg.build_sensor_context(instance=instance, resources={"lake": lake}))
    assert isinstance(later, dg.SkipReason)


def test_two_warehouses_sharing_one_dagster_instance_keep_their_own_batch_state(tmp_path, monkeypatch):
    """Both number their batches from 00001: the second is still processed, and its catalogue built."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "one_home"))
    first = Settings(raw_dir=copy_files(tmp_path / "raw1", SEED), warehouse_dir=tmp_path / "w1")
    second = Settings(raw_dir=copy_files(tmp_path / "raw2", RECONSTRUCTION), warehouse_dir=tmp_path / "w2")
    assert run(first).batches_run == ["00001"]
    assert run(second).batches_run == ["00001"]
    assert store.read_partition(second.warehouse_dir, ARTICLES).height == 1
    with open_instance(second) as instance:
        assert registrar.done_batches(instance, first.warehouse_dir) == ["00001"]
        assert registrar.done_batches(instance, second.warehouse_dir) == ["00001"]
