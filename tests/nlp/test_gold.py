"""The hand-annotated gold set: it matches the bundled pages, and the project's pipeline beats raw spaCy on it."""

from __future__ import annotations

import json

import pytest

from dagster_project.extract import extract
from dagster_project.ingest import read_file
from tests.conftest import FIXTURES, REPO

GOLD = json.loads((FIXTURES / "ner_gold.json").read_text(encoding="utf-8"))
TYPES = {"PER", "LOC", "ORG"}


@pytest.mark.parametrize("doc", GOLD, ids=[d["id"] for d in GOLD])
def test_gold_text_comes_from_the_bundled_page_and_offsets_are_exact(doc):
    path = REPO / doc["path"]
    (snapshot,) = [s for s in read_file(path.parent, path.name) if s.snapshot_id == doc["id"]]
    if doc["path"].startswith("data/raw/aggregator/"):
        # The site profile's extraction is the annotated text itself.
        assert extract(snapshot.text, snapshot.media_type).article.body == doc["text"]
    else:
        # Generic extraction may change how it cuts a body; the annotated names are on the page.
        assert all(e["text"] in snapshot.text for e in doc["entities"])
    spans = [(e["start"], e["end"]) for e in doc["entities"]]
    assert spans == sorted(spans) and len(set(spans)) == len(spans)
    for e in doc["entities"]:
        assert doc["text"][e["start"] : e["end"]] == e["text"]
        assert e["label"] in TYPES


def strict_f1(gold: set, pred: set) -> float:
    tp = len(gold & pred)
    return 2 * tp / (len(gold) + len(pred)) if gold or pred else 1.0


def test_project_pipeline_beats_raw_spacy_on_the_french_gold(recognizer):
    (doc,) = [d for d in GOLD if d["language"] == "fr"]
    gold = {(e["start"], e["end"], e["label"]) for e in doc["entities"]}
    (mentions,) = list(recognizer.recognise([doc["text"]], "fr"))
    project = {(m.start, m.end, m.label) for m in mentions if m.label in TYPES}
    nlp = recognizer.pipeline("fr")
    with nlp.select_pipes(disable=["news_entity_rules"]):
        raw = {(e.start_char, e.end_char, e.label_) for e in nlp(doc["text"]).ents if e.label_ in TYPES}
    assert strict_f1(gold, project) > strict_f1(gold, raw)
    assert strict_f1(gold, project) >= 0.9
