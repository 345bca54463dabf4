"""The rule layer's pieces: gazetteer, demonyms, sentence-initial common words, name normalisation."""

from __future__ import annotations

import pytest

from dagster_project.nlp.gazetteer import gazetteer
from dagster_project.nlp.names import normalise
from dagster_project.nlp.rules import COMPONENT, OFF, PARTS, EntityRules


@pytest.mark.parametrize("name", ["Maroc", "Marruecos", "Morocco", "المغرب", "le Maroc", "Marokko"])
def test_morocco_in_five_languages_is_one_gazetteer_place(name):
    place = gazetteer().lookup(name)
    assert place is not None
    assert (place.place_id, place.country_code) == ("country:MA", "MA")


def test_cities_and_their_other_spellings():
    places = gazetteer()
    assert places.lookup("Marrakech") == places.lookup("Marrakesh") == places.lookup("مراكش")
    assert places.lookup("Marrakech").country_code == "MA"
    assert places.lookup("Quito").country_code == "EC"
    assert places.lookup("Equateur") == places.lookup("Équateur") == places.lookup("Ecuador")
    # Airport codes and lower-case transliterations among GeoNames' alternate names are left out.
    assert places.lookup("RAK") is None and places.lookup("mraksh") is None


def test_normalise_ignores_case_accents_articles_and_hyphens():
    assert normalise("L'Équateur") == normalise("equateur")
    assert normalise("Royaume-Uni") == "royaume uni"
    assert normalise("  Union   africaine ") == normalise("Union Africaine")


@pytest.mark.parametrize("word", ["Marocains", "Marocaine", "Algériens", "Tunisiennes", "Espagnols", "Sénégalais"])
def test_demonyms(recognizer, word):
    rules = recognizer.pipeline("fr").get_pipe(COMPONENT)
    assert rules.is_demonym(word)


@pytest.mark.parametrize("word", ["Maroc", "Marrakech", "Rabat", "Quito", "Skim", "Franco", "Francesca", "Chadi"])
def test_not_demonyms(recognizer, word):
    rules = recognizer.pipeline("fr").get_pipe(COMPONENT)
    assert not rules.is_demonym(word)


def test_demonyms_are_not_places(recognizer):
    text = "Les Marocains résidant à l'étranger et les Algériens de France votent au Maroc."
    (mentions,) = list(recognizer.recognise([text], "fr"))
    texts = {m.text for m in mentions}
    assert "Marocains" not in texts and "Algériens" not in texts
    assert {"Maroc", "France"} <= texts


def test_sentence_initial_common_nouns_are_dropped_proper_nouns_kept(recognizer):
    texts = [
        "Abstraction faite de leur situation, les migrants sont aidés.",
        "Clôture à Quito des travaux du forum.",
        "Tourisme. Le Maroc en tête des destinations.",
        "Washington aux portes de la désignation.",
    ]
    found = [{m.text for m in ms} for ms in recognizer.recognise(texts, "fr")]
    assert "Abstraction" not in found[0]
    assert "Clôture" not in found[1] and "Quito" in found[1]
    assert "Tourisme" not in found[2] and "Maroc" in found[2]
    assert "Washington" in found[3]


def test_upper_case_headings_are_not_acronyms(recognizer):
    (mentions,) = list(recognizer.recognise(["LE MAROC ET LA FRANCE SIGNENT UN ACCORD"], "fr"))
    assert not any(m.label == "ORG" and m.text in {"LE", "ET", "LA", "UN"} for m in mentions)


def test_gazetteer_is_kept_in_the_cache_folder_and_rebuilt_when_unreadable(tmp_path, monkeypatch):
    from dagster_project.nlp import gazetteer as module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = module.build_places()
    module.gazetteer.cache_clear()
    try:
        first = module.gazetteer()  # built and written
        path = module.cache_path()
        assert path.parent == tmp_path / "news-lake" and path.exists()
        module.gazetteer.cache_clear()
        assert dict(module.gazetteer().items()) == dict(first.items()) == built  # read back, same places
        path.write_text('{"places": {', encoding="utf-8")  # a cut-off file: rebuilt and rewritten
        module.gazetteer.cache_clear()
        assert dict(module.gazetteer().items()) == built
        assert module.gazetteer().lookup("Rabat").country_code == "MA"
        assert list(path.parent.glob("*.tmp")) == []
    finally:
        module.gazetteer.cache_clear()


def test_gazetteer_builds_when_the_cache_folder_cannot_be_written(tmp_path, monkeypatch):
    from dagster_project.nlp import gazetteer as module

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    module.gazetteer.cache_clear()
    try:
        assert module.gazetteer().lookup("Maroc").place_id == "country:MA"
    finally:
        module.gazetteer.cache_clear()


def test_country_names_neither_cldr_nor_geonames_spell_as_news_does():
    places = gazetteer()
    assert places.lookup("Turkey") == places.lookup("Türkiye") == places.lookup("Turquie")
    assert places.lookup("U.S.") == places.lookup("États-Unis") == places.lookup("EE.UU.")
    assert places.lookup("England").place_id == "nation:GB-ENG" != places.lookup("Royaume-Uni").place_id


def test_arabic_common_words_are_not_city_names():
    places = gazetteer()
    for word in ("المدينة", "الجديد", "وأن"):
        assert places.lookup(word) is None, word
    assert places.lookup("الرباط").country_code == "MA"  # a capital keeps its one-word name
    assert places.lookup("القاهرة").country_code == "EG"


def test_a_word_may_begin_a_place_name_exactly_when_some_name_begins_with_it():
    places = gazetteer()
    names = [name for name, _ in places.items()]
    for name in names[:: max(1, len(names) // 500)]:  # about 500 names, across the alphabet
        first = name.split(" ")[0]
        assert places.may_begin(first) and places.may_begin(first.title()), name
    assert places.may_begin("Buenos") and places.may_begin("Saint") and places.may_begin("L'Équateur")
    assert not places.may_begin("Qwzrtyx") and not places.may_begin("Blorvackienne")


def _german_rules_alone(text: str, ents: tuple[tuple[int, int, str], ...] = (), off: frozenset[str] | None = None):
    """`text` through a blank German pipeline, with `ents` as the model's entities, then the rule layer
    with German's parts (or with only `off` switched off)."""
    import spacy
    from spacy.tokens import Span

    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    doc = nlp(text)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    rules = nlp.add_pipe(COMPONENT) if off is None else EntityRules(gazetteer(), nlp.Defaults.stop_words, off=off)
    return {(e.text, e.label_) for e in rules(doc).ents}


def test_german_capitalised_nouns_that_are_some_citys_name_are_no_places():
    text = "Im Namen der Mitte stand das Tor in New York offen."
    # The whole layer makes places of German nouns that GeoNames lists as a city's name (Namur, ...).
    assert ("Namen", "LOC") in _german_rules_alone(text, off=frozenset())
    found = _german_rules_alone(text)
    assert not {"Namen", "Mitte", "Tor"} & {name for name, _ in found}
    assert ("New York", "LOC") in found  # a place of several words is still one


def test_german_datelines_give_no_long_form_of_the_agency():
    text = "OSNABRÜCK , 23. August ( AP ) Der Rat tagte."
    assert ("August", "ORG") in _german_rules_alone(text, off=frozenset())
    assert not any(label == "ORG" for _, label in _german_rules_alone(text))


def test_german_genitive_of_a_country_is_no_demonym():
    text = "Die Regierung Italiens tagte."
    assert ("Italiens", "LOC") not in _german_rules_alone(text, ((2, 3, "LOC"),), off=frozenset())
    assert ("Italiens", "LOC") in _german_rules_alone(text, ((2, 3, "LOC"),))


def test_only_known_parts_of_the_rule_layer_can_be_switched_off():
    assert OFF["de"] <= PARTS
    with pytest.raises(ValueError, match="unknown parts"):
        EntityRules(gazetteer(), off={"places", "cities"})
