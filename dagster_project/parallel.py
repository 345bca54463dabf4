"""Work spread over local processes, results in input order, with a bounded amount in flight.

The stages hand out chunks of files or pages; at most `2 * workers` chunks are pending at a time,
so memory stays bounded by the chunk size, not by the size of the batch.
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

# Imported once by the fork server, so each worker starts with the parsers imported and the
# language models loaded (shared by the workers, not copied). The server would hold those models
# for as long as this process lives: `stop_server` ends it when the pools are done.
_PRELOAD = ["dagster_project.extract.warm", "dagster_project.ingest.stage"]


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


# Set while a fork server started by `start_server` runs: work then goes to its processes even when
# one process is enough, since they have the parsers and models loaded and this process has not.
_SERVER_READY = False


def start_server() -> None:
    """Start the fork server now: it imports the parsers while this process goes on with other work
    (opening the orchestrator's storage, listing files), and the first pool finds it ready."""
    global _SERVER_READY
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()
    _SERVER_READY = True


def stop_server() -> None:
    """End the fork server, if one runs, and free what it preloaded; the next pool starts another."""
    global _SERVER_READY
    from multiprocessing import forkserver

    _SERVER_READY = False
    # The standard library has no public call for this; `_stop` is what its own tests use.
    stop = getattr(forkserver._forkserver, "_stop", None)
    if stop is not None:
        stop()


def _context():
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """`map(fn, items)` over `workers` processes, results in order. One worker means this process,
    unless `start_server` has a server ready: then one process forked from it (a small batch would
    otherwise load the language models here, a second or two, for a few pages)."""
    if workers <= 1 and (not _SERVER_READY or mp.current_process().daemon):
        yield from map(fn, items)
        return
    workers = max(1, workers)
    # forkserver: workers are forked from a clean single-threaded server, not from this process
    # (which may run orchestrator threads), yet still start with the heavy imports done.
    with ProcessPoolExecutor(workers, mp_context=_context()) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
