"""Work over a process pool: results in input order, whatever the number of workers; each worker a
fresh process set up once by the initializer."""

from __future__ import annotations

import multiprocessing as mp
import os

import pytest

from dagster_project.extract import language
from dagster_project.extract.warm import start_worker
from dagster_project.parallel import ordered_map, resolve_workers


def square_with_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


@pytest.mark.parametrize("workers", [1, 2])
def test_results_keep_the_input_order(workers):
    out = list(ordered_map(square_with_pid, range(40), workers))
    assert [r for r, _ in out] == [x * x for x in range(40)]
    pids = {pid for _, pid in out}
    assert (pids == {os.getpid()}) if workers == 1 else (os.getpid() not in pids)


def detect_in_worker(texts: list[str]) -> tuple[int, list[str | None], int]:
    """Detectors this worker had before the call, the languages found (lingua's parallel call), its pid."""
    had = language._detector.cache_info().currsize
    return had, language.detect_many(texts), os.getpid()


def test_extraction_workers_start_with_the_language_models_loaded_once_each():
    texts = ["Le gouvernement a annoncé une réforme", "El gobierno anunció una reforma", "الحكومة أعلنت"]
    out = list(ordered_map(detect_in_worker, [texts] * 6, 2, initializer=start_worker))
    assert all(had == 1 for had, _, _ in out)  # loaded by the initializer, before the first item
    assert all(found == ["fr", "es", "ar"] for _, found, _ in out)
    pids = {pid for _, _, pid in out}
    assert os.getpid() not in pids and len(pids) <= 2


def raise_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def test_an_error_in_a_worker_reaches_the_caller_and_ends_the_pool():
    with pytest.raises(ValueError, match="three"):
        list(ordered_map(raise_on_three, range(10), 2))


def test_worker_count_from_argument_then_environment(monkeypatch):
    monkeypatch.setenv("NEWS_WORKERS", "3")
    assert resolve_workers(2) == 2
    assert resolve_workers(0) == 3
    monkeypatch.delenv("NEWS_WORKERS")
    assert resolve_workers(None) >= 1


def workers_in_a_daemon(answer) -> None:
    answer.put(resolve_workers(4))


def test_a_daemonic_process_gets_one_worker():
    context = mp.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=workers_in_a_daemon, args=(answer,), daemon=True)
    child.start()
    assert answer.get(timeout=60) == 1
    child.join()
