"""The entity catalogue: variants clustered by explainable rules, on texts run through the real pipelines."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dagster_project.lake import store
from dagster_project.lake.schemas import ENTITIES, ENTITY_COVERAGE
from dagster_project.nlp import catalog
from dagster_project.nlp.catalog import build_catalog, explain, main, resolve_text
from dagster_project.nlp.stage import recognise_texts

TEXTS = [
    ("article", "a1", "body", "fr", date(2020, 1, 25),
     "Le Maroc a présenté à Quito son plan. M. Ahmed Skim, du Forum mondial sur la migration et le développement "
     "(GFMD), a parlé. Le Royaume soutient le GFMD, a dit M. Skim."),
    ("article", "a2", "body", "fr", date(2020, 2, 1), "Le GFMD se réunira à Genève. Le Maroc y sera."),
    ("headline", "s1:1", "text", "es", date(2026, 3, 14), "Marruecos acogerá la reunión ministerial"),
    ("headline", "s1:2", "text", "en", date(2026, 3, 14), "Morocco to host ministerial meeting"),
    ("headline", "s1:3", "text", "ar", date(2026, 3, 15), "المغرب يستضيف الاجتماع الوزاري"),
    ("article", "a3", "body", "fr", date(2021, 5, 1),
     "Ahmed Skim et Nadia Skim ont parlé. Skim a conclu."),
]  # fmt: skip


@pytest.fixture(scope="module")
def result(recognizer):
    frame = pl.DataFrame(TEXTS, schema=["source", "source_id", "field", "language", "first_seen", "text"], orient="row")
    return recognise_texts(frame.with_columns(last_seen=pl.col("first_seen")), recognizer)


def entity_of(result, text: str, source_id: str | None = None) -> str:
    rows = result.entities.filter(pl.col("text") == text)
    if source_id:
        rows = rows.filter(pl.col("source_id") == source_id)
    ids = rows["entity_id"].unique().to_list()
    assert len(ids) == 1, (text, ids)
    return ids[0]


def test_morocco_in_four_languages_and_the_kingdom_are_one_entity(result):
    ids = {entity_of(result, name) for name in ("Maroc", "Marruecos", "Morocco", "المغرب", "Royaume")}
    assert len(ids) == 1
    (row,) = result.catalog.filter(pl.col("entity_id") == ids.pop()).to_dicts()
    assert (row["name"], row["label"], row["country_code"]) == ("Maroc", "LOC", "MA")
    assert set(row["aliases"]) == {"Maroc", "Marruecos", "Morocco", "المغرب", "Royaume"}
    assert (row["n_articles"], row["n_headlines"]) == (2, 3)
    assert (row["first_seen"], row["last_seen"]) == (date(2020, 1, 25), date(2026, 3, 15))
    assert any(e.startswith("kingdom: bare 'Royaume'") for e in row["evidence"])


def test_a_person_with_and_without_title_and_first_name(result):
    assert entity_of(result, "Ahmed Skim", "a1") == entity_of(result, "Skim", "a1")
    (row,) = result.catalog.filter(pl.col("entity_id") == entity_of(result, "Skim", "a1")).to_dicts()
    assert row["name"] == "Ahmed Skim" and row["label"] == "PER"
    assert not result.entities.filter(pl.col("text").str.starts_with("M. ")).height


def test_a_surname_shared_by_two_people_is_not_merged(result):
    skim_a3 = entity_of(result, "Skim", "a3")
    assert skim_a3 != entity_of(result, "Ahmed Skim", "a3")
    assert skim_a3 != entity_of(result, "Nadia Skim", "a3")


def test_an_acronym_joins_its_long_name_across_texts(result):
    long_name = entity_of(result, "Forum mondial sur la migration et le développement")
    assert entity_of(result, "GFMD", "a1") == long_name
    assert entity_of(result, "GFMD", "a2") == long_name  # defined only in a1
    (row,) = result.catalog.filter(pl.col("entity_id") == long_name).to_dicts()
    assert row["name"] == "Forum mondial sur la migration et le développement"
    assert row["n_articles"] == 2


def test_keys_and_acronym_links_are_stored_and_give_the_same_catalogue(result):
    a1 = result.entities.filter(pl.col("source_id") == "a1")
    keys = dict(zip(a1["text"], a1["entity_key"], strict=False))
    assert keys["Maroc"] == "place:country:MA" and keys["Skim"] == "PER:ahmed skim"
    links = {r["source_id"]: r["links"] for r in result.coverage.to_dicts()}
    long_name = "Forum mondial sur la migration et le développement"
    assert {
        "acronym_key": "ORG:gfmd",
        "name_key": keys[long_name],
        "rule": f"acronym: 'GFMD' is defined as '{long_name}'",
    } in links["a1"]
    assert links["a2"] == []  # uses GFMD without defining it: joined by a1's link
    seen = pl.DataFrame(
        [(s, i, d, d) for s, i, _f, _l, d, _t in TEXTS],
        schema=["source", "source_id", "first_seen", "last_seen"],
        orient="row",
    )
    stored, catalog = build_catalog(result.entities, seen, result.coverage.select("source", "source_id", "links"))
    assert stored.equals(result.entities.select(stored.columns)) and catalog.equals(result.catalog)


def test_explain_prints_the_rules(result):
    lines = explain(result.entities, "Maroc", "Royaume")
    assert lines[0].startswith("'Maroc' -> place:country:MA  [gazetteer:")
    assert lines[1].startswith("'Royaume' -> place:country:MA  [kingdom:")
    assert lines[-1].startswith("same entity")
    lines = explain(result.entities, "GFMD", "Forum mondial sur la migration et le développement")
    assert any("acronym: 'GFMD' is defined as" in line for line in lines) and lines[-1].startswith("same entity")
    assert explain(result.entities, "Maroc", "Quito")[-1].startswith("not the same entity")
    assert explain(result.entities, "Maroc", "Atlantide") == ["'Atlantide' is not a mention"]


def test_explain_from_the_command_line(result, tmp_path, capsys, monkeypatch):
    store.write(tmp_path, ENTITIES, result.entities)
    store.write(tmp_path, ENTITY_COVERAGE, result.coverage)
    resolved = []
    monkeypatch.setattr(catalog, "resolve_text", lambda mentions: resolved.append(mentions))
    assert main([str(tmp_path), "Morocco", "المغرب"]) == 0
    assert "same entity" in capsys.readouterr().out
    assert main([str(tmp_path), "GFMD", "Forum mondial sur la migration et le développement"]) == 0
    assert "acronym: 'GFMD' is defined as" in capsys.readouterr().out
    assert main([str(tmp_path), "Maroc", "Quito"]) == 1
    assert resolved == []  # the keys and links stored with the tables were used


def test_explain_resolves_again_without_stored_keys(result, tmp_path, capsys):
    older = result.entities.drop("entity_key", "resolution")  # written before keys were stored
    (tmp_path / "entities").mkdir()
    older.write_parquet(tmp_path / "entities" / "part-0.parquet")
    assert main([str(tmp_path), "GFMD", "Forum mondial sur la migration et le développement"]) == 0
    assert "acronym: 'GFMD' is defined as" in capsys.readouterr().out


def test_clustering_does_not_depend_on_row_order(result):
    seen = pl.DataFrame(
        [(s, i, d, d) for s, i, _f, _l, d, _t in TEXTS],
        schema=["source", "source_id", "first_seen", "last_seen"],
        orient="row",
    )
    mentions = result.entities.drop("entity_id")
    a, cat_a = build_catalog(mentions, seen)
    b, cat_b = build_catalog(mentions.reverse(), seen)
    key = ["source", "source_id", "field", "start"]
    assert a.sort(key).equals(b.sort(key))
    assert cat_a.equals(cat_b)
    assert a.sort(key)["entity_id"].equals(result.entities.sort(key)["entity_id"])


def test_an_acronym_of_a_place_joins_the_place():
    mentions = [
        ("body", "Émirats arabes unis", "LOC", 10, 29),
        ("body", "EAU", "LOC", 31, 34),
        ("body", "EAU", "LOC", 80, 83),
    ]
    found, links = resolve_text(mentions)
    assert [r.key for r in found] == ["place:country:AE"] * 3
    assert found[2].rule.startswith("acronym: 'EAU' is defined as 'Émirats arabes unis'")
    assert ("LOC:eau", "place:country:AE", "acronym: 'EAU' is defined as 'Émirats arabes unis'") in links
