"""An entity recognizer in a process of its own, started ahead of need.

A run with new batches starts one at the outset, so that the spaCy pipelines load on a spare core
while the batches are ingested and extracted, rather than after them. A thread would not do: the
load holds the interpreter lock most of the time. Texts go over a pipe and only the mentions come
back; a large request is spread over processes forked from the recognizer's process, as in process
(that process runs nothing else, so forking it is safe).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import traceback
import warnings
from collections.abc import Iterable, Iterator, Mapping
from multiprocessing.connection import Connection

from dagster_project.nlp.entities import PIPELINES, EntityRecognizer, Mention


class RecognizerProcess(EntityRecognizer):
    """An EntityRecognizer whose pipelines live in a child process, loading from construction on.

    Should the child die, recognition goes on in this process (with a warning). Use as a context
    manager, or call `close`."""

    def __init__(
        self,
        pipelines: Mapping[str, str] = PIPELINES,
        batch_size: int = 64,
        n_process: int | None = None,
        min_chars_per_process: int = 20_000,
    ) -> None:
        super().__init__(
            pipelines, batch_size=batch_size, n_process=n_process, min_chars_per_process=min_chars_per_process
        )
        # spawn: a fresh interpreter with none of this process's threads or memory.
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(theirs, self.pipelines, batch_size, self.n_process, min_chars_per_process),
            name="entity-recognizer",
        )
        self._process.start()
        theirs.close()

    def recognise(self, texts: Iterable[str], language: str, n_process: int | None = None) -> Iterator[list[Mention]]:
        texts = list(texts)
        if self.model_for(language) is None:
            raise KeyError(self.skip_reason(language))
        try:
            self._conn.send((texts, language, n_process))
            status, value = self._conn.recv()
        except (EOFError, OSError):
            warnings.warn(
                f"the entity recognizer process stopped (exit code {self._process.exitcode}); "
                "recognising in this process instead",
                RuntimeWarning,
                stacklevel=2,
            )
            yield from super().recognise(texts, language, n_process)
            return
        if status == "error":
            raise RuntimeError(f"entity recognition failed in the recognizer process:\n{value}")
        yield from value

    def close(self) -> None:
        """Ask the child to stop and wait for it (ended by force if it does not stop in time)."""
        if self._process.is_alive():
            with contextlib.suppress(OSError):  # already gone
                self._conn.send(None)
            self._process.join(timeout=30)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join()
        self._conn.close()

    def __enter__(self) -> RecognizerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(
    conn: Connection, pipelines: dict[str, str], batch_size: int, n_process: int, min_chars_per_process: int
) -> None:
    recognizer = EntityRecognizer(
        pipelines, batch_size=batch_size, n_process=n_process, min_chars_per_process=min_chars_per_process
    )
    for language in recognizer.pipelines:
        # A pipeline that fails to load is loaded again with the first request for its language,
        # and the error goes back with the reply.
        with contextlib.suppress(Exception):
            recognizer.pipeline(language)
    while True:
        try:
            request = conn.recv()
        except EOFError:  # the parent is gone
            return
        if request is None:
            return
        texts, language, n_process = request
        try:
            reply = ("ok", list(recognizer.recognise(texts, language, n_process)))
        except Exception:
            reply = ("error", traceback.format_exc())
        conn.send(reply)
