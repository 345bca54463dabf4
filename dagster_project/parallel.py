"""Work spread over local processes, results in input order, with a bounded amount in flight.

The worker model, the same for every stage: a `ProcessPoolExecutor` of fresh interpreters
("spawn": nothing is inherited from the run's process, whatever threads the orchestrator runs), each
set up once by an `initializer` (the extraction workers load the language models, the entity
workers their spaCy pipeline), then handed chunks of files, pages or texts. At most `2 * workers`
chunks are pending at a time, so memory stays bounded by the chunk size, not by the size of the
batch. The pool, and what its workers loaded, ends with the stage. One worker means this process.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS_ENV = "NEWS_WORKERS"


def available_workers() -> int:
    """Cores this process may use (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def resolve_workers(workers: int | None = None) -> int:
    """`workers` if given and positive, else env NEWS_WORKERS, else every available core.

    A daemonic process (a Dask worker, a pool worker) may not start children: it gets one.
    """
    if mp.current_process().daemon:
        return 1
    if workers is None or workers <= 0:
        workers = int(os.environ.get(WORKERS_ENV) or 0) or available_workers()
    return workers


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    initializer: Callable[[], None] | None = None,
) -> Iterator[R]:
    """`map(fn, items)` over `workers` processes, results in order; each process runs `initializer`
    once before its first item. One worker (or a daemonic process) means this process, without
    `initializer`: what it loads, `fn` loads on first use."""
    if workers <= 1 or mp.current_process().daemon:
        yield from map(fn, items)
        return
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"), initializer=initializer) as pool:
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:  # stopped early (an error, a consumer that gave up): no work left queued
            for future in pending:
                future.cancel()
