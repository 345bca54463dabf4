"""The entity stage over articles and headlines: incremental, per source, with coverage reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest
from spacy.language import Language

from dagster_project.extract.records import headline_id
from dagster_project.lake import store
from dagster_project.lake.schemas import ARTICLES, ENTITIES, ENTITY_CATALOG, HEADLINES, empty
from dagster_project.nlp import catalog
from dagster_project.nlp.catalog import resolver_version
from dagster_project.nlp.entities import RecognitionError
from dagster_project.nlp.stage import (
    DISTINCT_DIR,
    article_texts,
    headline_texts,
    recognise_texts,
    stored_headline_texts,
)


def articles(body_a1: str = "Le Maroc a reçu M. Ahmed Skim à Quito.") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "article_id": ["a1", "a2", "a3"],
            "title": ["Quito: le Maroc présente son plan", None, "Un titolo"],
            "body": [body_a1, "Le GFMD se réunit à Genève.", "Roma è una città in Italia."],
            "language": ["fr", "fr", "it"],
            "published_at": [date(2020, 1, 25), None, None],
            "first_seen": [None, datetime(2026, 3, 14, 9, tzinfo=UTC), None],
        }
    )


POLISARIO = "Maroc : le Polisario pointé à Genève"
H1, H2 = headline_id(POLISARIO), headline_id("Un titre sans langue")


def headlines() -> pl.DataFrame:
    text = POLISARIO
    return pl.DataFrame(
        {
            "snapshot_id": ["s1", "s2", "s2"],
            "position": [1, 1, 2],
            "text": [text, text, "Un titre sans langue"],
            "language": ["fr", "fr", None],
            "captured_at": [datetime(2026, 3, 14, 9, tzinfo=UTC), datetime(2026, 3, 15, 9, tzinfo=UTC), None],
        }
    )


def texts(body_a1: str | None = None) -> pl.DataFrame:
    arts = articles() if body_a1 is None else articles(body_a1)
    return pl.concat([article_texts(arts), headline_texts(headlines())])


@pytest.fixture(scope="module")
def first(recognizer):
    return recognise_texts(texts(), recognizer)


def test_texts_of_articles_and_headlines():
    t = texts()
    assert t.filter(pl.col("source") == "article").select("source_id", "field").rows() == [
        ("a1", "title"),
        ("a3", "title"),
        ("a1", "body"),
        ("a2", "body"),
        ("a3", "body"),
    ]
    # A headline listed on two captures is one text, seen from the first capture to the last.
    assert t.filter(pl.col("source") == "headline")["source_id"].to_list() == [H1, H2]
    seen = {r[0]: r[1:] for r in t.select("source_id", "first_seen", "last_seen").unique().iter_rows()}
    assert seen["a1"] == (date(2020, 1, 25),) * 2 and seen["a2"] == (date(2026, 3, 14),) * 2
    assert seen[H1] == (date(2026, 3, 14), date(2026, 3, 15))


def test_mentions_point_into_their_field(first):
    fields = {(r["source"], r["source_id"], r["field"]): r["text"] for r in texts().to_dicts()}
    assert first.entities.height > 5
    for row in first.entities.to_dicts():
        assert fields[(row["source"], row["source_id"], row["field"])][row["start"] : row["end"]] == row["text"]
    found = set(first.entities.select("source_id", "field", "text").iter_rows())
    assert {("a1", "title", "Maroc"), ("a1", "body", "Ahmed Skim"), ("a2", "body", "GFMD")} <= found
    assert (H1, "text", "Maroc") in found


def test_the_same_headline_on_two_captures_has_one_set_of_mentions(first):
    maroc = first.entities.filter((pl.col("source") == "headline") & (pl.col("text") == "Maroc"))
    assert maroc["source_id"].to_list() == [H1]


def test_coverage_says_what_ran_and_why_not(first):
    cov = {r["source_id"]: r for r in first.coverage.to_dicts()}
    assert cov["a1"]["model"].startswith("spacy:fr_core_news_md") and cov["a1"]["n_entities"] >= 4
    assert cov["a3"]["model"] is None and cov["a3"]["skipped_reason"] == "no entity pipeline for language 'it'"
    assert cov[H2]["skipped_reason"] == "language unknown"
    assert first.skipped == {"no entity pipeline for language 'it'": 1, "language unknown": 1}
    assert first.n_processed == 5 and first.n_kept == 0


def test_catalogue_counts_and_dates(first):
    (morocco,) = first.catalog.filter(pl.col("country_code") == "MA").to_dicts()
    assert morocco["n_articles"] == 1 and morocco["n_headlines"] == 1
    assert (morocco["first_seen"], morocco["last_seen"]) == (date(2020, 1, 25), date(2026, 3, 15))
    assert set(first.entities["entity_id"]) == set(first.catalog["entity_id"])


def test_a_second_run_keeps_everything_and_a_changed_body_is_redone(recognizer, first):
    again = recognise_texts(texts(), recognizer, previous_entities=first.entities, previous_coverage=first.coverage)
    assert (again.n_processed, again.n_kept) == (0, 5)
    assert again.entities.equals(first.entities) and again.catalog.equals(first.catalog)

    changed = recognise_texts(
        texts("Le Maroc a reçu Mme Nezha El Ouafi à Rabat."),
        recognizer,
        previous_entities=first.entities,
        previous_coverage=first.coverage,
    )
    assert (changed.n_processed, changed.n_kept) == (1, 4)
    a1 = set(changed.entities.filter(pl.col("source_id") == "a1")["text"])
    assert "Nezha El Ouafi" in a1 and "Ahmed Skim" not in a1
    assert changed.entities.filter(pl.col("source_id") != "a1").equals(
        first.entities.filter(pl.col("source_id") != "a1")
    )


@pytest.fixture
def resolved(monkeypatch) -> list[set[str]]:
    """The mentions (as a set of names) of each text the catalogue resolves from now on."""
    calls: list[set[str]] = []
    real = catalog.resolve_text

    def spy(mentions):
        calls.append({m[1] for m in mentions})
        return real(mentions)

    monkeypatch.setattr(catalog, "resolve_text", spy)
    return calls


NEW_BODY = "Le Maroc a reçu Mme Nezha El Ouafi à Rabat."


def test_only_new_texts_get_catalogue_keys_and_the_tables_match_a_run_from_scratch(recognizer, first, resolved):
    scratch = recognise_texts(texts(NEW_BODY), recognizer)
    resolved.clear()
    again = recognise_texts(
        texts(NEW_BODY),
        recognizer,
        previous_entities=first.entities,
        previous_coverage=first.coverage,
        previous_resolver=resolver_version(),
    )
    # a1's body changed: its mentions are the only ones resolved; the kept texts' keys are reused.
    assert resolved == [set(again.entities.filter(pl.col("source_id") == "a1")["text"])]
    assert "Nezha El Ouafi" in resolved[0]
    assert again.entities.equals(scratch.entities)
    assert again.coverage.equals(scratch.coverage) and again.catalog.equals(scratch.catalog)


def test_keys_are_made_again_for_tables_without_them_or_made_by_other_rules(recognizer, first, resolved):
    with_mentions = first.entities.select("source", "source_id").unique().height
    # Tables written before the keys were stored: the columns read as null.
    older = recognise_texts(
        texts(),
        recognizer,
        previous_entities=first.entities.with_columns(entity_key=None, resolution=None),
        previous_coverage=first.coverage.with_columns(
            pl.lit(None, dtype=first.coverage.schema["links"]).alias("links")
        ),
        previous_resolver=resolver_version(),
    )
    assert len(resolved) == with_mentions and older.n_kept == 5
    assert older.entities.equals(first.entities) and older.catalog.equals(first.catalog)
    assert older.coverage.equals(first.coverage)
    resolved.clear()
    other_rules = recognise_texts(
        texts(),
        recognizer,
        previous_entities=first.entities,
        previous_coverage=first.coverage,
        previous_resolver="0123456789abcdef",
    )
    assert len(resolved) == with_mentions and other_rules.entities.equals(first.entities)


def test_no_texts_give_empty_tables(recognizer):
    none = recognise_texts(pl.concat([article_texts(empty(ARTICLES)), headline_texts(empty(HEADLINES))]), recognizer)
    assert none.entities.schema == ENTITIES.schema and none.entities.is_empty()
    assert none.catalog.schema == ENTITY_CATALOG.schema and none.catalog.is_empty()
    assert none.coverage.is_empty() and none.n_processed == 0


def stored_headlines(rows: list[tuple[str, str, str | None, datetime]]) -> pl.DataFrame:
    """A `headlines` partition: (snapshot_id, text, language, captured_at) per row."""
    return pl.DataFrame(
        {
            "snapshot_id": [r[0] for r in rows],
            "captured_at": [r[3] for r in rows],
            "position": list(range(1, len(rows) + 1)),
            "headline_id": [headline_id(r[1]) for r in rows],
            "text": [r[1] for r in rows],
            "url": [None] * len(rows),
            "language": [r[2] for r in rows],
            "section": [None] * len(rows),
            "kicker": [None] * len(rows),
            "lede": [None] * len(rows),
        },
        schema=HEADLINES.schema,
    )


def test_headline_texts_regrouped_from_each_partitions_distinct_texts(tmp_path):
    day = lambda d: datetime(2026, 3, d, 9, tzinfo=UTC)  # noqa: E731
    first = [("s1", POLISARIO, "fr", day(14)), ("s2", POLISARIO, "fr", day(15)), ("s2", "Sans langue", None, day(15))]
    second = [("s3", POLISARIO, "fr", day(16)), ("s3", "Nouveau titre", "fr", day(16))]
    store.write(tmp_path, HEADLINES, stored_headlines(first), {"batch": "00001"})
    store.write(tmp_path, HEADLINES, stored_headlines(second), {"batch": "00002"})

    def every_capture():
        return headline_texts(store.scan(tmp_path, HEADLINES))

    stored = stored_headline_texts(tmp_path)
    assert stored.equals(every_capture())
    assert stored.filter(pl.col("text") == POLISARIO).select("first_seen", "last_seen").row(0) == (
        date(2026, 3, 14),
        date(2026, 3, 16),
    )
    kept = sorted(p.name for p in (tmp_path / DISTINCT_DIR).iterdir())
    assert len(kept) == 2 and stored_headline_texts(tmp_path).equals(stored)  # read back, not made again

    # A rewritten partition gets its distinct texts made again, and only it: the old file goes.
    store.write(tmp_path, HEADLINES, stored_headlines(first[:1]), {"batch": "00001"})
    again = stored_headline_texts(tmp_path)
    assert again.equals(every_capture())
    assert "Sans langue" not in again["text"].to_list()
    now = sorted(p.name for p in (tmp_path / DISTINCT_DIR).iterdir())
    assert len(now) == 2 and now[1] == kept[1] and now[0] != kept[0]


def test_headline_texts_of_a_warehouse_without_headlines(tmp_path):
    assert stored_headline_texts(tmp_path).equals(headline_texts(empty(HEADLINES)))


def test_related_teasers_and_outlet_are_texts_and_the_outlet_an_organisation(recognizer):
    frame = pl.DataFrame(
        {
            "article_id": ["a"],
            "title": ["Quito: le Maroc présente son plan"],
            "body": ["Le Maroc a reçu M. Ahmed Skim à Quito."],
            "related": [
                [
                    {"title": "Clôture à Quito des travaux", "url": "u0"},
                    None,
                    {"title": "Coopération entre le Maroc et l'Equateur", "url": "u2"},
                ]
            ],
            "outlet": ["2M"],
            "language": ["fr"],
            "published_at": [date(2020, 1, 25)],
            "first_seen": [None],
        },
        schema_overrides={"first_seen": pl.Datetime("us", "UTC")},
    )
    t = article_texts(frame)
    fields = dict(t.select("field", "text").iter_rows())
    # Each teaser keeps its index in `related`, so that `related:<n>` points back to its title.
    assert fields["related:0"] == "Clôture à Quito des travaux" and "related:1" not in fields
    assert fields["related:2"] == "Coopération entre le Maroc et l'Equateur" and fields["outlet"] == "2M"
    found = set(recognise_texts(t, recognizer).entities.select("field", "text", "label").iter_rows())
    assert {("outlet", "2M", "ORG"), ("related:2", "Equateur", "LOC"), ("related:0", "Quito", "LOC")} <= found
    assert ("related:0", "Clôture", "LOC") not in found


def test_a_text_longer_than_spacy_accepts_is_capped_and_the_other_texts_keep_their_entities(recognizer):
    """A 14-million-character body (spaCy refuses texts beyond `nlp.max_length`, error E088) among
    good pages: the good ones get their entities, the long one is recognised up to the cap, which
    its coverage row records."""
    from dagster_project.nlp.stage import MAX_TEXT_CHARS

    huge = "Le Maroc a reçu M. Ahmed Skim à Quito. " + "bla " * 3_500_000
    assert len(huge) > 14_000_000 > recognizer.pipeline("fr").max_length
    arts = pl.concat([articles(), articles(body_a1=huge).head(1).with_columns(article_id=pl.lit("huge"))])
    result = recognise_texts(pl.concat([article_texts(arts), headline_texts(headlines())]), recognizer)
    coverage = {r["source_id"]: r for r in result.coverage.iter_rows(named=True)}
    assert coverage["huge"]["capped_at"] == MAX_TEXT_CHARS
    assert coverage["huge"]["skipped_reason"] is None and coverage["huge"]["n_entities"] > 0
    assert coverage["a1"]["capped_at"] is None
    good = result.entities.filter(pl.col("source_id") == "a1").get_column("text").to_list()
    assert "Quito" in good and "Maroc" in good
    assert result.entities.filter(pl.col("source_id") == "huge").get_column("end").max() <= MAX_TEXT_CHARS


@Language.component("test_fails_on_one_text")
def _fails_on_one_text(doc):
    if "Genève" in doc.text and "GFMD" in doc.text:
        raise ValueError("[E000] the library gave up on this text")
    return doc


def test_a_text_the_recogniser_fails_on_becomes_a_coverage_row_with_its_reason(recognizer):
    """The library raising on one text costs that text's entities only; the next run tries it again."""
    nlp = recognizer.pipeline("fr")
    nlp.add_pipe("test_fails_on_one_text", first=True)
    try:
        result = recognise_texts(texts(), recognizer)
    finally:
        nlp.remove_pipe("test_fails_on_one_text")
    coverage = {r["source_id"]: r for r in result.coverage.iter_rows(named=True)}
    assert coverage["a2"]["model"] is None
    assert coverage["a2"]["skipped_reason"] == "recognition failed: ValueError: [E000] the library gave up on this text"
    assert coverage["a1"]["n_entities"] > 0 and coverage["a1"]["skipped_reason"] is None
    assert result.entities.filter(pl.col("source_id") == "a2").is_empty()
    assert not result.entities.filter(pl.col("source_id") == "a1").is_empty()
    again = recognise_texts(
        texts(),
        recognizer,
        previous_entities=result.entities,
        previous_coverage=result.coverage,
        previous_resolver=resolver_version(),
    )
    assert again.coverage.filter(pl.col("source_id") == "a2").get_column("model").item() is not None
    assert not again.entities.filter(pl.col("source_id") == "a2").is_empty()


def test_recognise_raises_on_a_text_the_library_fails_on(recognizer):
    nlp = recognizer.pipeline("fr")
    nlp.add_pipe("test_fails_on_one_text", first=True)
    try:
        with pytest.raises(RecognitionError, match="E000"):
            list(recognizer.recognise(["Le Maroc.", "Le GFMD se tient à Genève."], "fr"))
    finally:
        nlp.remove_pipe("test_fails_on_one_text")
