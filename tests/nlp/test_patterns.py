"""The French tokenizer's pattern, kept compiled between processes: the rebuilt pattern matches
exactly as one compiled afresh, the pipeline loads it, and a damaged copy is made again."""

from __future__ import annotations

import re
from re import _compiler

import pytest

from dagster_project.nlp import patterns
from dagster_project.nlp.entities import PIPELINES

WORDS = [
    "anti-inflammatoire", "porte-monnaie", "contre-attaque", "Jean-Pierre", "aujourd'hui", "c'est-à-dire",
    "Paris", "l'ONU", "sous-marins", "franco-marocain", "vis-à-vis", "arc-en-ciel", "grand-mère", "ex-ministre",
    "Saint-Étienne", "abc", "pro-européen", "semi-automatique", "week-end", "rendez-vous", "Nord-Sud",
]  # fmt: skip


@pytest.fixture(scope="module")
def pattern() -> str:
    (found,) = patterns.large_patterns(PIPELINES["fr"])
    return found


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "news-lake"


def test_the_rebuilt_pattern_matches_as_a_fresh_compile(pattern, cache_folder):
    fresh = _compiler.compile(pattern, 0)  # bypasses re's cache
    for _ in range(2):  # compiled and kept, then read back
        re._cache.pop((str, pattern, 0), None)
        assert patterns.prime(PIPELINES["fr"]) == 1
        rebuilt = re.compile(pattern)
        assert rebuilt is re._cache[str, pattern, 0]
        assert (rebuilt.pattern, rebuilt.flags, rebuilt.groups) == (fresh.pattern, fresh.flags, fresh.groups)
        assert [bool(rebuilt.match(w)) for w in WORDS] == [bool(fresh.match(w)) for w in WORDS]
        assert any(rebuilt.match(w) for w in WORDS) and not all(rebuilt.match(w) for w in WORDS)
    assert len(list(cache_folder.glob("pattern-*.json"))) == 1


def test_loading_the_pipeline_compiles_no_large_pattern(pattern, cache_folder, monkeypatch):
    from dagster_project.nlp.entities import EntityRecognizer

    patterns.prime(PIPELINES["fr"])  # kept in this test's cache folder
    re._cache.pop((str, pattern, 0), None)
    compiled: list[int] = []
    real = _compiler.compile

    def spy(p, flags=0):
        compiled.append(len(p))
        return real(p, flags)

    monkeypatch.setattr(_compiler, "compile", spy)
    re.compile("x" * 12345)  # the spy sees what re compiles
    assert compiled == [12345]
    nlp = EntityRecognizer(n_process=1).pipeline("fr")
    assert nlp.tokenizer.token_match.__self__.pattern == pattern
    assert all(n < patterns.MIN_CHARS for n in compiled)


def test_a_damaged_copy_is_not_used_and_is_made_again(pattern, cache_folder):
    assert patterns.prime(PIPELINES["fr"]) == 1
    (kept,) = cache_folder.glob("pattern-*.json")
    text = kept.read_text(encoding="utf-8")
    kept.write_text(text.replace('"code": [', '"code": [99, 99, '), encoding="utf-8")
    re._cache.pop((str, pattern, 0), None)
    assert patterns.prime(PIPELINES["fr"]) == 0
    assert not kept.exists()
    assert re.compile(pattern).match("porte-monnaie")  # compiled by re as usual
    assert patterns.prime(PIPELINES["fr"]) == 1 and kept.exists()
