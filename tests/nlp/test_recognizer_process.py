"""The entity recognizer in a child process: the same mentions as in process, and a child that
fails or dies does not lose the texts."""

from __future__ import annotations

import pytest

from dagster_project.extract import extract
from dagster_project.ingest import read_file
from dagster_project.nlp.recognizer_process import RecognizerProcess
from tests.conftest import SEED


@pytest.fixture(scope="module")
def texts() -> list[str]:
    (snapshot,) = list(read_file(SEED.parent, SEED.name))
    content = extract(snapshot.text, snapshot.media_type)
    return [snapshot.text, content.article.body, content.article.title, *(h.text for h in content.headlines)]


def test_the_child_finds_what_this_process_finds(recognizer, texts):
    expected = list(recognizer.recognise(texts, "fr"))
    with RecognizerProcess(n_process=2, min_chars_per_process=1_000) as process:
        assert list(process.recognise(texts, "fr")) == expected  # over the child's own two workers
        assert list(process.recognise(texts[:3], "fr", n_process=1)) == expected[:3]
        rules_only = list(process.recognise(["Le roi Mohammed VI à Rabat"], "es"))
    assert rules_only == list(recognizer.recognise(["Le roi Mohammed VI à Rabat"], "es"))
    assert any(m.label == "LOC" for m in expected[1])


def test_an_error_in_the_child_comes_back_with_its_traceback():
    with RecognizerProcess(pipelines={"fr": "no_such_pipeline_package"}, n_process=1) as process:
        with pytest.raises(RuntimeError, match="no_such_pipeline_package"):
            list(process.recognise(["Bonjour Paris"], "fr"))
        with pytest.raises(KeyError, match="no entity pipeline for language 'xx'"):
            list(process.recognise(["text"], "xx"))


def test_a_dead_child_leaves_recognition_to_this_process(recognizer, texts):
    with RecognizerProcess(n_process=1) as process:
        process._process.kill()
        process._process.join()
        with pytest.warns(RuntimeWarning, match="recognizer process stopped"):
            found = list(process.recognise(texts[:2], "fr"))
    assert found == list(recognizer.recognise(texts[:2], "fr"))
