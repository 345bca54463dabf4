"""Entities on the real seed's article with the French pipeline from PyPI plus the rule layer, the
shipped pipelines, and the rule layer alone for languages without a statistical pipeline. (The seed's
done-when checks read the pipeline's tables: tests/defs/test_pipeline.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dagster_project.extract import extract
from dagster_project.ingest import read_file
from dagster_project.nlp.entities import PIPELINES, RULES_VERSION, EntityRecognizer
from dagster_project.nlp.spans import trim
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed_body(recognizer):
    (snapshot,) = list(read_file(SEED.parent, SEED.name))
    body = extract(snapshot.text, snapshot.media_type).article.body
    (mentions,) = list(recognizer.recognise([body], "fr"))
    return body, mentions


def test_offsets_are_exact(seed_body):
    text, mentions = seed_body
    assert mentions
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.text == m.text.strip()
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
    assert recognizer.model_for("fr").endswith(f"+{RULES_VERSION}")
    for language in ("es", "en", "ar", "de"):
        shipped = language in PIPELINES
        model = recognizer.model_for(language)
        release = json.loads((Path(PIPELINES[language]) / "meta.json").read_text())["version"] if shipped else ""
        assert model == (f"spacy:{language}_news_ner-{release}+{RULES_VERSION}" if shipped else RULES_VERSION)
    assert recognizer.model_for("it") is None
    assert recognizer.skip_reason("it") == "no entity pipeline for language 'it'"
    assert recognizer.skip_reason(None) == "language unknown"
    with pytest.raises(KeyError):
        recognizer.pipeline("it")


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
    from dagster_project.nlp.entities import _chunks

    texts = ["x" * 5000] * 4 + ["court"] * 400  # article bodies first, then headlines
    chunks = _chunks(texts, sum(map(len, texts)) // 8)
    assert [t for c in chunks for t in c] == texts
    sizes = [sum(map(len, c)) for c in chunks]
    assert len(chunks) >= 5 and max(sizes) <= 5000
    assert _chunks([], 4) == []


def test_batches_end_at_their_count_or_characters():
    from dagster_project.nlp.entities import _batches

    texts = ["x" * 30] * 3 + ["y" * 100] + ["z"] * 5
    batches = list(_batches(texts, 4, 60))
    assert [t for b in batches for t in b] == texts
    assert all(len(b) <= 4 for b in batches)
    assert all(sum(map(len, b)) <= 60 for b in batches if len(b) > 1)  # a longer text is a batch alone
    assert ["y" * 100] in batches
    assert list(_batches([], 4, 60)) == []


def test_small_batches_give_the_same_mentions_and_keep_no_new_words(recognizer, seed_body):
    body, mentions = seed_body
    texts = [body, *body.split("\n"), "Mme Qwzrtyx Blorvackienne est arrivée à Quito."]  # new words
    small = EntityRecognizer(n_process=1, batch_size=3, batch_chars=500)
    strings = recognizer.pipeline("fr").vocab.strings
    before = len(strings)
    found = list(small.recognise(texts, "fr"))
    assert found == list(recognizer.recognise(texts, "fr"))
    assert found[0] == mentions
    assert len(strings) == before  # each batch's words are freed with its memory zone


def test_two_processes_give_the_same_mentions(recognizer):
    texts = {
        "fr": [f"Le Maroc et l'Espagne ({i}) ont reçu M. Ahmed Skim à Quito." for i in range(8)],
        "es": ["El presidente Pedro Sánchez viajó a Rabat."],  # one chunk, sent first: the least text
    }
    two = EntityRecognizer(n_process=2, min_chars_per_process=1)
    one = dict(recognizer.recognise_languages(texts, n_process=1))
    assert list(two.recognise(texts["fr"], "fr")) == one["fr"]
    both = list(two.recognise_languages(texts))
    assert [language for language, _ in both] == ["es", "fr"]
    assert dict(both) == one
    assert ("Ahmed Skim", "PER") in {(m.text, m.label) for m in one["fr"][0]}
    assert ("Rabat", "LOC") in {(m.text, m.label) for m in one["es"][0]}


@pytest.mark.parametrize(
    "text,start,end,label,expected",
    [
        ("vu M. Ahmed Skim hier", 3, 16, "PER", "Ahmed Skim"),
        ("vu Mme Nezha El Ouafi.", 3, 22, "PER", "Nezha El Ouafi"),
        ("à Quito\n\n", 2, 9, "LOC", "Quito"),
        ("le M. seul", 3, 5, "PER", None),  # one character is no name
        ("la 4K arrive", 4, 5, "MISC", None),
        ("EE.UU. y", 0, 5, "LOC", "EE.UU."),  # the abbreviation keeps its closing dot
        ("the U.S. said", 4, 7, "LOC", "U.S."),
    ],
)
def test_span_trimming(text, start, end, label, expected):
    span = trim(text, start, end, label)
    assert (text[span[0] : span[1]] if span else None) == expected


def test_the_french_pipeline_runs_only_what_entities_need(recognizer):
    nlp = recognizer.pipeline("fr")
    assert nlp.pipe_names == ["tok2vec", "morphologizer", "senter", "news_line_breaks", "ner", "news_entity_rules"]
    doc = nlp("Le Maroc a présenté son plan. M. Ahmed Skim a parlé à Quito.")
    assert [s.text for s in doc.sents] == ["Le Maroc a présenté son plan.", "M. Ahmed Skim a parlé à Quito."]
    doc = nlp("entre le Maroc et l'Equateur\n\n\nCliquez ici pour lire l'article")
    assert "Equateur" in {e.text for e in doc.ents}
    assert all("\n" not in e.text for e in doc.ents)


@pytest.mark.parametrize(
    "language,text,names,not_names",
    [
        # Stand-alone upper-case words are not organisations by rule.
        ("fr", "La 5G et la 4K arrivent à 10h GMT, les PTS de la DIVISION aussi.", set(), {"5G", "4K", "K", "GMT"}),
        ("es", "La 5G llega a las 10 GMT.", set(), {"5G", "GMT"}),
        # Given names that begin like a country (Franc-e, Chad) are not demonyms.
        (
            "fr",
            "Franco Baresi, Francesca Rossi et Chadi Ahmed sont arrivés.",
            {("Franco Baresi", "PER"), ("Francesca Rossi", "PER"), ("Chadi Ahmed", "PER")},
            set(),
        ),
        # A stop word that is also a place's name is the word (`Para`, a district of Suriname).
        ("es", "Para el Gobierno, Marruecos es un socio.", {("Marruecos", "LOC")}, {"Para"}),
        # Country names in every language, short forms included; the article is not part of the name.
        (
            "en",
            "The U.S. and Turkey met England in London.",
            {("U.S.", "LOC"), ("Turkey", "LOC"), ("England", "LOC"), ("London", "LOC")},
            {"The U.S."},
        ),
        ("es", "EE.UU. y Turquía firmaron en Rabat.", {("EE.UU.", "LOC"), ("Turquía", "LOC"), ("Rabat", "LOC")}, set()),
        ("de", "Deutschland und Marokko trafen sich in Berlin.", {("Marokko", "LOC"), ("Berlin", "LOC")}, set()),
        # Arabic common words that GeoNames lists as a city's other name are not places.
        ("ar", "قالت المدينة إن الجديد وأن المغرب", {("المغرب", "LOC")}, {"المدينة", "الجديد", "وأن"}),
        # A long name with `au` between its words is one organisation, not its last word.
        (
            "fr",
            "Le Haut-Commissariat au Plan (HCP) a publié ses chiffres. Le HCP prévoit une hausse.",
            {("Haut-Commissariat au Plan", "ORG"), ("HCP", "ORG")},
            {"Plan"},
        ),
    ],
)
def test_misfires_of_the_rule_layer_are_gone(recognizer, language, text, names, not_names):
    (mentions,) = list(recognizer.recognise([text], language))
    found = {(m.text, m.label) for m in mentions}
    assert names <= found
    assert not {m.text for m in mentions} & not_names
    assert not any(m.label == "ORG" and m.text in {"5G", "4K", "GMT", "PTS", "DIVISION"} for m in mentions)


@pytest.mark.parametrize(
    "language,text,person",
    [
        ("en", "Prime Minister Boris Johnson met Angela Merkel in Berlin.", "Angela Merkel"),
        ("de", "Bundeskanzler Olaf Scholz traf in Berlin den Vorstand der Deutschen Bank.", "Olaf Scholz"),
        ("ar", "استقبل الملك محمد السادس في الرباط وفدا من الأمم المتحدة", "محمد السادس"),
    ],
)
def test_shipped_models_find_persons(recognizer, language, text, person):
    # The rule layer alone finds no persons: these come from the models shipped in nlp/models/.
    assert language in PIPELINES and PIPELINES[language].endswith(f"models/{language}")
    (mentions,) = list(recognizer.recognise([text], language))
    assert any(person in m.text and m.label == "PER" for m in mentions)
    for m in mentions:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    "language,text,not_org",
    [
        # A person with their party in brackets: the name does not spell the acronym, so it is no long form.
        ("es", "El diputado Jon Jauregi (PNV) habló ayer en Bilbao.", "Jon Jauregi"),
        ("fr", "Le député Ahmed Skim (RNI) a parlé à Rabat.", "Ahmed Skim"),
    ],
)
def test_a_name_before_an_acronym_it_does_not_spell_is_no_organisation(recognizer, language, text, not_org):
    (mentions,) = list(recognizer.recognise([text], language))
    assert not any(m.label == "ORG" and not_org in m.text for m in mentions)


def test_a_dateline_is_no_long_form_of_its_agency(recognizer):
    text = "LLUVIAS EN CASAS Y GUAREÑA Mérida (EFE) La lluvia cayó ayer."
    (mentions,) = list(recognizer.recognise([text], "es"))
    assert not any("Mérida" in m.text and m.text != "Mérida" for m in mentions)


def test_a_country_is_a_place_even_where_the_model_says_organisation(recognizer):
    text = "Para el Gobierno, Marruecos es un socio. Marruecos firmó el acuerdo con España."
    (mentions,) = list(recognizer.recognise([text], "es"))
    assert {m.label for m in mentions if m.text in ("Marruecos", "España")} == {"LOC"}
