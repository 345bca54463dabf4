"""A new batch is materialised alone, and the cross-batch articles table folds it in."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import dagster as dg
import polars as pl

from dagster_project.definitions import build_definitions
from dagster_project.defs.launch import Execution, open_instance, run_pipeline
from dagster_project.extract.stage import consolidate_articles, fold_articles, update_articles
from dagster_project.lake import store
from dagster_project.lake.schemas import ARTICLE_SIGHTINGS, ARTICLES, TABLES
from dagster_project.settings import Settings
from tests.conftest import RECONSTRUCTION, SEED, copy_files

BATCH_TABLES = ("snapshots", "pages", "article_sightings", "headlines", "page_types")
SEED_CAPTURED = datetime(2026, 3, 15, 8, 0, tzinfo=UTC)  # the text capture, a day after the HTML one
HTML_CAPTURED = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)  # from the HTML file's name


def run(settings: Settings):
    outcome = run_pipeline(settings, log=lambda _: None, execution=Execution(executor="in_process", workers=1))
    assert outcome.success, outcome
    return outcome


def partition_files(warehouse, batch: str) -> dict[str, str | None]:
    """When each table's partition was last written (its files' sizes and modification times)."""
    return {name: store.fingerprint(warehouse, TABLES[name], {"batch": batch}) for name in BATCH_TABLES}


def materialized_partitions(run_id: str) -> set[tuple[str, str | None]]:
    with dg.DagsterInstance.get() as instance:
        events = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        return {(e.dagster_event.asset_key.to_user_string(), e.dagster_event.partition) for e in events}


def runs_of(job: str) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.get() as instance:
        return sorted(instance.get_runs(dg.RunsFilter(job_name=job)), key=lambda r: r.run_id)


def articles_metadata() -> dict:
    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey("articles"))
        return {k: v.value for k, v in event.asset_materialization.metadata.items()}


def test_second_batch_runs_alone_and_articles_fold_it_in(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED)
    os.utime(raw / SEED.name, (SEED_CAPTURED.timestamp(), SEED_CAPTURED.timestamp()))
    settings = Settings(raw_dir=raw, warehouse_dir=tmp_path / "warehouse")
    run(settings)
    first_files = partition_files(settings.warehouse_dir, "00001")
    (article,) = store.read_partition(settings.warehouse_dir, ARTICLES).to_dicts()
    assert (article["first_seen"], article["last_seen"], article["n_snapshots"]) == (SEED_CAPTURED, SEED_CAPTURED, 1)

    copy_files(raw, RECONSTRUCTION)
    second = run(settings)
    assert second.batches_run == ["00002"]
    # Only the new partition ran; the first batch's files were not touched.
    assert partition_files(settings.warehouse_dir, "00001") == first_files
    latest_batch_run = runs_of("process_batch")
    assert {r.tags["dagster/partition"] for r in latest_batch_run} == {"00001", "00002"}
    (run_2,) = [r for r in latest_batch_run if r.tags["dagster/partition"] == "00002"]
    assert materialized_partitions(run_2.run_id) == {(name, "00002") for name in BATCH_TABLES}
    meta = articles_metadata()
    assert (meta["batches_read"], meta["rebuilt"]) == (["00002"], False)

    # One article seen in both batches: the HTML capture of batch 2 is the earlier sighting.
    articles = store.read_partition(settings.warehouse_dir, ARTICLES)
    (article,) = articles.to_dicts()
    sightings = store.scan(settings.warehouse_dir, ARTICLE_SIGHTINGS).collect()
    html_snapshot = sightings.filter(pl.col("batch") == "00002")["snapshot_id"].item()
    assert (article["first_seen"], article["last_seen"], article["n_snapshots"]) == (HTML_CAPTURED, SEED_CAPTURED, 2)
    assert article["snapshot_id"] == html_snapshot
    assert article["url"].startswith("https://www.aggregator.example/article/1258431-")
    assert article["source_url"].startswith("https://www.2m.ma/fr/news/")
    # The fold gives what a rebuild from every sightings partition gives.
    assert articles.equals(consolidate_articles(store.scan(settings.warehouse_dir, ARTICLE_SIGHTINGS)))


def entity_files(warehouse) -> dict[str, int]:
    return {
        name: (store.partition_dir(warehouse, TABLES[name]) / store.PART_FILE).stat().st_mtime_ns
        for name in ("entities", "entity_coverage", "entity_catalog")
    }


def test_entity_tables_follow_new_captures_and_are_left_alone_when_nothing_changed(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED)
    os.utime(raw / SEED.name, (SEED_CAPTURED.timestamp(), SEED_CAPTURED.timestamp()))
    settings = Settings(raw_dir=raw, warehouse_dir=tmp_path / "warehouse")
    run(settings)
    before = store.read_partition(settings.warehouse_dir, TABLES["entity_catalog"])
    mentions_before = store.read_partition(settings.warehouse_dir, TABLES["entities"])

    # The HTML capture, a day earlier, lists the same 48 headline texts: no new text, so the
    # mentions stay as they were, but entities seen only in headlines are now first seen a day earlier.
    copy_files(raw, RECONSTRUCTION)
    run(settings)
    after = store.read_partition(settings.warehouse_dir, TABLES["entity_catalog"])
    assert store.read_partition(settings.warehouse_dir, TABLES["entities"]).equals(mentions_before)
    assert after.select("entity_id", "n_mentions").equals(before.select("entity_id", "n_mentions"))
    headline_only = after.filter(pl.col("n_articles") == 0)
    assert headline_only.height > 10
    assert set(headline_only["first_seen"]) == {HTML_CAPTURED.date()}
    assert set(headline_only["last_seen"]) == {SEED_CAPTURED.date()}

    # Nothing new: `run` records no materialisation and rewrites no file.
    written = warehouse_files(settings.warehouse_dir)
    with dg.DagsterInstance.get() as instance:
        runs_before = len(instance.get_runs())
        materialised_before = materialisation_count(instance)
    run(settings)
    assert warehouse_files(settings.warehouse_dir) == written
    with dg.DagsterInstance.get() as instance:
        assert len(instance.get_runs()) == runs_before
        assert materialisation_count(instance) == materialised_before
        # The catalogue job itself, as Dagster's automation would launch it, skips every asset.
        catalog = build_definitions(settings).resolve_job_def("build_catalog").execute_in_process(instance=instance)
        assert catalog.success and catalog.get_asset_materialization_events() == []
        assert {e.check_name for e in catalog.get_asset_check_evaluations() if e.passed} >= {"unique_key", "schema"}
    assert warehouse_files(settings.warehouse_dir) == written


def warehouse_files(warehouse) -> dict[str, int]:
    """Every file of the warehouse but the orchestrator's own, with its modification time."""
    return {
        str(p.relative_to(warehouse)): p.stat().st_mtime_ns
        for p in warehouse.rglob("*")
        if p.is_file() and "_dagster" not in p.parts
    }


def materialisation_count(instance: dg.DagsterInstance) -> int:
    return sum(len(instance.fetch_materializations(dg.AssetKey(name), limit=1000).records) for name in TABLES)


def test_a_rematerialised_batch_rebuilds_articles_from_sightings(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED)
    settings = Settings(raw_dir=raw, warehouse_dir=tmp_path / "warehouse")
    run(settings)
    copy_files(raw, RECONSTRUCTION)
    run(settings)
    before = store.read_partition(settings.warehouse_dir, ARTICLES)

    defs = build_definitions(settings)
    with open_instance(settings) as instance:
        again = defs.resolve_job_def("process_batch").execute_in_process(partition_key="00001", instance=instance)
        catalog = defs.resolve_job_def("build_catalog").execute_in_process(instance=instance)
    assert again.success and catalog.success
    meta = articles_metadata()
    assert (meta["batches_read"], meta["rebuilt"]) == (["00001", "00002"], True)
    assert store.read_partition(settings.warehouse_dir, ARTICLES).equals(before)
    # Nothing new since: the table is kept as it is, nothing read.
    assert update_articles(settings.warehouse_dir).read == []


def sighting(article: str, snapshot: str, hour: int | None, url: str | None = None, title: str = "t") -> dict:
    # Columns not set here are empty: a list column gets [], any other null.
    empty = {c.name: [] if isinstance(c.dtype, pl.List) else None for c in ARTICLE_SIGHTINGS.columns}
    return empty | {
        "article_id": article,
        "snapshot_id": snapshot,
        "url": url,
        "source_url": None,
        "outlet": "2M",
        "title": title,
        "published_at": None,
        "language": "fr",
        "body": f"body of {article} as seen in {snapshot}",
        "n_paragraphs": 1,
        "n_words": 6,
        "related": [],
        "extractor": "profile:ma_aggregator",
        "captured_at": None if hour is None else datetime(2026, 3, 14, hour, tzinfo=UTC),
    }


def test_folding_batch_by_batch_equals_consolidating_all_at_once():
    batches = {
        "00001": [sighting("a", "s1", 10), sighting("a", "s2", 12, url="u-late"), sighting("b", "s3", None)],
        "00002": [sighting("a", "s4", 8, url="u-early", title="first"), sighting("c", "s5", 9)],
        "00003": [sighting("b", "s6", 7, url="u-b"), sighting("c", "s7", 9, url="u-c")],
    }
    frames = {
        k: pl.DataFrame(v, schema=ARTICLE_SIGHTINGS.schema).with_columns(batch=pl.lit(k)) for k, v in batches.items()
    }
    everything = consolidate_articles(pl.concat(frames.values()).lazy())
    folded = consolidate_articles(frames["00001"].lazy())
    for key in ("00002", "00003"):
        folded = fold_articles(folded, frames[key].lazy())
    assert folded.equals(everything)
    rows = {r["article_id"]: r for r in everything.to_dicts()}
    # Fields from the earliest sighting, whichever batch it came in; URLs from the earliest capture
    # having one, not from the first batch (batch 1 saw "u-late" at 12:00, batch 2 "u-early" at 8:00).
    assert (rows["a"]["snapshot_id"], rows["a"]["title"], rows["a"]["n_snapshots"]) == ("s4", "first", 3)
    assert rows["a"]["url"] == "u-early"
    assert (rows["b"]["snapshot_id"], rows["b"]["first_seen"].hour, rows["b"]["url"]) == ("s6", 7, "u-b")
    assert (rows["c"]["snapshot_id"], rows["c"]["n_snapshots"], rows["c"]["url"]) == ("s5", 2, "u-c")
