"""One recognizer for the nlp tests: loading spaCy pipelines is the slow part."""

from __future__ import annotations

import pytest

from dagster_project.nlp.entities import EntityRecognizer


@pytest.fixture(scope="session")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer(n_process=1)
