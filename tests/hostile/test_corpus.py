"""The hostile corpus through the whole pipeline, mixed with the bundled sample.

Every fixture must end as the outcome its manifest states (an article, headlines, a quarantine
row with a specific reason, or ignored at discovery), and the sample's rows must be exactly those
of a run without the hostile files.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from collections import Counter

import polars as pl
import pytest

from dagster_project.lake.schemas import TABLES
from tests.conftest import FIXTURES, RAW_SAMPLE, REPO
from tests.hostile.conftest import SampleRun, run_in_process

CORPUS = FIXTURES / "hostile"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
HOSTILE = "hostile"  # the corpus goes in this sub-folder of the raw folder, beside the sample


def load_script():
    spec = importlib.util.spec_from_file_location("make_hostile_corpus", REPO / "scripts" / "make_hostile_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus_script = load_script()

# Known losses of generic extraction (trafilatura over lxml), outside the ingest stage.
KNOWN_BUGS: dict[str, str] = {}


@pytest.fixture(scope="module")
def runs(sample_run: SampleRun, tmp_path_factory):
    """(sample-only tables, mixed outcome, mixed tables, expectations of every hostile file)."""
    root = tmp_path_factory.mktemp("hostile_run")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        raw = shutil.copytree(RAW_SAMPLE, root / "raw")
        shutil.copytree(CORPUS, raw / HOSTILE)
        expected = {name: entry["expect"] for name, entry in MANIFEST.items()}
        runtime = corpus_script.add_runtime_fixtures(raw / HOSTILE, root / "outside")
        expected.update({name: [expect] for name, expect in runtime.items()})
        outcome, mixed = run_in_process(raw, root / "warehouse")
    return sample_run.tables, outcome, mixed, expected


def test_script_rebuilds_the_committed_corpus_byte_for_byte(tmp_path):
    manifest = corpus_script.write_corpus(tmp_path)
    assert manifest == MANIFEST
    assert len(manifest) >= 30
    committed = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file())
    rebuilt = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert committed == rebuilt
    for rel in committed:
        assert (CORPUS / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def outcomes_of(rel: str, t: dict[str, pl.DataFrame]) -> Counter:
    """What the run made of one file: articles by title, quarantine rows by stage and reason."""
    ids = t["snapshots"].filter(pl.col("path") == rel)["snapshot_id"]
    found: Counter = Counter()
    for title in t["article_sightings"].filter(pl.col("snapshot_id").is_in(ids.implode()))["title"]:
        found[("article", title)] += 1
    for stage, reason in t["quarantine"].filter(pl.col("path") == rel).select("stage", "reason").iter_rows():
        found[("quarantine", stage, reason)] += 1
    return found


def expected_outcomes(expect: list[dict]) -> Counter:
    found: Counter = Counter()
    for e in expect:
        if e["kind"] == "article":
            found[("article", e["title"])] += 1
        elif e["kind"] == "quarantine":
            found[("quarantine", e["stage"], e["reason"])] += 1
    return found


def check_file(name: str, expect: list[dict], outcome, t: dict[str, pl.DataFrame]) -> None:
    rel = f"{HOSTILE}/{name}"
    if expect[0]["kind"] == "ignored":
        assert outcome.ignored.get(rel) == expect[0]["why"]
        assert rel not in t["snapshots"]["path"].to_list()
        return
    snapshots = t["snapshots"].filter(pl.col("path") == rel)
    assert snapshots.height >= 1 or any(e["kind"] == "quarantine" for e in expect), f"{rel} left no trace"
    if expect[0]["kind"] == "page":
        ids = snapshots["snapshot_id"].implode()
        assert t["page_types"].filter(pl.col("snapshot_id").is_in(ids))["page_type"].to_list() == [
            expect[0]["page_type"]
        ]
        assert t["article_sightings"].filter(pl.col("snapshot_id").is_in(ids)).height == 0
        assert t["headlines"].filter(pl.col("snapshot_id").is_in(ids)).height == 0
        assert t["quarantine"].filter(pl.col("path") == rel).height == 0
        return
    if expect[0]["kind"] == "headlines":
        ids = snapshots["snapshot_id"].implode()
        assert t["headlines"].filter(pl.col("snapshot_id").is_in(ids)).height >= expect[0]["min"]
        assert t["quarantine"].filter(pl.col("path") == rel).height == 0
        return
    assert outcomes_of(rel, t) == expected_outcomes(expect)
    sightings = t["article_sightings"].join(snapshots.select("snapshot_id", "encoding"), on="snapshot_id")
    for e in expect:
        if e["kind"] != "article":
            continue
        (row,) = sightings.filter(pl.col("title") == e["title"]).to_dicts()
        for text in e["body_has"]:
            assert text in row["body"], (rel, text)
        for text in e.get("body_lacks", []):
            assert text not in row["body"], (rel, text)
        if "language" in e:
            assert row["language"] == e["language"]
        if "encoding" in e:
            assert row["encoding"] == e["encoding"]


def all_names() -> list:
    names = [*MANIFEST, *corpus_script.RUNTIME, "folder.html/index.htm"]
    return [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[n])) if n in KNOWN_BUGS else n
        for n in names
    ]


@pytest.mark.parametrize("name", all_names())
def test_each_hostile_file_ends_as_its_manifest_says(runs, name):
    _, outcome, mixed, expected = runs
    check_file(name, expected[name], outcome, mixed)


def test_every_hostile_file_is_accounted_for(runs):
    _, outcome, mixed, expected = runs
    prefix = f"{HOSTILE}/"
    seen = {p for p in mixed["snapshots"]["path"] if p.startswith(prefix)}
    seen |= {p for p in mixed["quarantine"]["path"] if p.startswith(prefix)}
    seen |= {p for p in outcome.ignored if p.startswith(prefix) and p != f"{prefix}manifest.json"}
    assert seen == {prefix + name for name in expected}


def test_nothing_outside_the_raw_folder_was_read(runs):
    _, _, mixed, _ = runs
    secret = corpus_script.SECRET
    assert not mixed["pages"].filter(pl.col("text").str.contains(secret, literal=True)).height
    assert not mixed["article_sightings"].filter(pl.col("body").str.contains(secret, literal=True)).height
    assert secret not in mixed["article_sightings"]["title"].drop_nulls().to_list()


def test_entity_expansion_is_not_performed(runs):
    _, _, mixed, _ = runs
    bodies = mixed["article_sightings"]["body"]
    assert bodies.str.len_chars().max() < 100_000
    assert not bodies.str.contains("lollollol", literal=True).any()


def from_sample(articles: pl.Series, headlines: pl.Series) -> pl.Expr:
    """Entity rows of the sample's articles and of its snapshots' headline texts (their headline_id)."""
    return (
        pl.when(pl.col("source") == "article")
        .then(pl.col("source_id").is_in(articles))
        .otherwise(pl.col("source_id").is_in(headlines))
    )


def sample_rows(t: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Every row that comes from the bundled sample, in a stable order."""
    paths = t["snapshots"].filter(~pl.col("path").str.starts_with(f"{HOSTILE}/"))
    ids = paths["snapshot_id"].implode()
    articles = t["article_sightings"].filter(pl.col("snapshot_id").is_in(ids))["article_id"].implode()
    headlines = t["headlines"].filter(pl.col("snapshot_id").is_in(ids))["headline_id"].implode()
    picked = {
        "snapshots": paths,
        "pages": t["pages"].filter(pl.col("snapshot_id").is_in(ids)),
        "article_sightings": t["article_sightings"].filter(pl.col("snapshot_id").is_in(ids)),
        "headlines": t["headlines"].filter(pl.col("snapshot_id").is_in(ids)),
        "articles": t["articles"].filter(pl.col("article_id").is_in(articles)),
        "entities": t["entities"].filter(from_sample(articles, headlines)),
        "entity_coverage": t["entity_coverage"].filter(from_sample(articles, headlines)),
        "quarantine": t["quarantine"].filter(~pl.col("path").str.starts_with(f"{HOSTILE}/")),
    }
    return {name: frame.sort(TABLES[name].key, nulls_last=True) for name, frame in picked.items()}


def test_sample_rows_are_those_of_a_run_without_hostile_files(runs):
    alone, _, mixed, _ = runs
    without, within = sample_rows(alone), sample_rows(mixed)
    assert without["snapshots"].height == 8 + 28 and without["articles"].height >= 6
    for name in without:
        assert within[name].equals(without[name]), name
