from datetime import date

import pytest

from dagster_project.extract.dates import parse_numeric_date
from dagster_project.extract.language import detect


@pytest.mark.parametrize(
    "text,order,expected",
    [
        ("le 25 - 01 - 2020", "DMY", date(2020, 1, 25)),
        ("14/03/2026", "DMY", date(2026, 3, 14)),
        ("03/14/2026", "MDY", date(2026, 3, 14)),
        ("2020-01-25", "DMY", date(2020, 1, 25)),
        ("31 - 02 - 2020", "DMY", None),
        ("no date here", "DMY", None),
    ],
)
def test_numeric_dates(text, order, expected):
    assert parse_numeric_date(text, order) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Le Maroc présente son plan national pour les migrations", "fr"),
        ("Marruecos acogerá la reunión ministerial conjunta", "es"),
        ("Morocco to host the joint ministerial meeting", "en"),
        ("المغرب يستضيف الاجتماع الوزاري المشترك", "ar"),
        ("2026 — 14/03", None),
        ("", None),
    ],
)
def test_language(text, expected):
    assert detect(text) == expected


def test_a_full_language_cache_changes_no_answer(monkeypatch):
    from dagster_project.extract import language

    texts = [
        "Le Maroc présente son plan national pour les migrations",
        "Marruecos acogerá la reunión ministerial conjunta del Golfo",
        "Morocco to host the joint ministerial meeting of the Gulf",
        "المغرب يستضيف الاجتماع الوزاري المشترك",
    ]
    language.clear_cache()
    expected = language.detect_many(texts)
    assert expected == ["fr", "es", "en", "ar"]
    language.clear_cache()
    monkeypatch.setattr(language, "_CACHE_MAX", 3)
    language.detect_many(texts[:2])  # remembered; the next call overflows the cache while it runs
    assert language.detect_many(texts) == expected
    assert language.detect_expecting(texts, "fr") == expected
    language.clear_cache()


def test_headlines_that_differ_from_the_page_language_are_identified():
    from dagster_project.extract import language

    headlines = [
        "Le Sénat américain s'empare du dossier",
        "Marruecos acogerá la 9a Reunión Ministerial Conjunta con los Estados del CCG",
        "Morocco to host 9th Joint Ministerial Meeting with Gulf Cooperation Council",
    ]
    assert language.detect_expecting(headlines, "fr") == ["fr", "es", "en"]
    assert language.detect_expecting(headlines, None) == language.detect_many(headlines)


def test_a_short_headline_in_the_page_script_takes_the_page_language():
    from dagster_project.extract import language

    headlines = [
        "Most Popular",  # lingua alone places it in Portuguese
        "المغرب يستضيف الاجتماع",  # short, but not in the page's script: identified
        "Marruecos acogerá la reunión ministerial del Golfo",  # a sentence of the length limit: identified
    ]
    assert len(headlines[2]) == language.TRUST_PAGE_BELOW
    assert language.detect_many(headlines[:1]) == ["pt"]
    assert language.detect_expecting(headlines, "en") == ["en", "ar", "es"]
    assert language.detect_expecting(headlines[1:], "ar") == ["ar", "es"]


@pytest.mark.parametrize("separator", ["\n", "\n\n"])
def test_the_language_sample_is_the_start_of_the_whole_text(separator):
    from dagster_project.extract.dispatch import _SAMPLE, _opening

    for texts in [(), ("",), ("a" * 40,), ("a" * 299, "b"), ("a" * 298, "b" * 5), ("a" * 100,) * 5, ("x" * 400, "y")]:
        assert _opening(texts, separator) == separator.join(texts)[:_SAMPLE]
