"""Work over a process pool: results in input order, whatever the number of workers."""

from __future__ import annotations

import multiprocessing as mp
import os

import pytest

from dagster_project.extract import language
from dagster_project.parallel import ordered_map, resolve_workers, start_server, stop_server


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


def test_workers_start_with_the_language_models_loaded_and_the_server_can_be_stopped():
    from multiprocessing import forkserver

    texts = ["Le gouvernement a annoncé une réforme", "El gobierno anunció una reforma", "الحكومة أعلنت"]
    start_server()
    server = forkserver._forkserver._forkserver_pid
    out = list(ordered_map(detect_in_worker, [texts] * 4, 2))
    # Forked from the server, which loaded the models: workers inherit them, and lingua's own
    # thread pool still starts in them (the warm-up did not start one in the server).
    assert all(had == 1 for had, _, _ in out)
    assert all(found == ["fr", "es", "ar"] for _, found, _ in out)
    assert os.getpid() not in {pid for _, _, pid in out}

    stop_server()
    with pytest.raises(ProcessLookupError):
        os.kill(server, 0)
    stop_server()  # nothing running: nothing to do
    out = list(ordered_map(square_with_pid, range(10), 2))  # the next pool starts a new server
    assert [r for r, _ in out] == [x * x for x in range(10)]
    assert forkserver._forkserver._forkserver_pid not in (None, server)


def test_worker_count_from_argument_then_environment(monkeypatch):
    monkeypatch.setenv("NEWS_WORKERS", "3")
    assert resolve_workers(2) == 2
    assert resolve_workers(0) == 3
    monkeypatch.delenv("NEWS_WORKERS")
    assert resolve_workers(None) >= 1


def test_a_daemonic_process_gets_one_worker(monkeypatch):
    monkeypatch.setattr(mp.current_process(), "_config", {**mp.current_process()._config, "daemon": True})
    assert resolve_workers(4) == 1


def test_a_server_started_early_serves_the_pools_that_follow():
    start_server()
    start_server()  # already running: nothing more
    try:
        for _ in range(2):
            out = list(ordered_map(square_with_pid, range(10), 2))
            assert [r for r, _ in out] == [x * x for x in range(10)]
            assert os.getpid() not in {pid for _, pid in out}
    finally:
        stop_server()


def test_with_a_server_ready_even_one_worker_is_a_process_forked_from_it():
    """Its processes have the language models loaded; this one would have to load them for a few pages."""
    texts = ["Le gouvernement a annoncé une réforme"]
    start_server()
    try:
        out = list(ordered_map(detect_in_worker, [texts] * 3, 1))
        assert [found for _, found, _ in out] == [["fr"]] * 3
        assert all(had == 1 for had, _, _ in out)  # loaded before the call: by the server
        assert len({pid for _, _, pid in out} - {os.getpid()}) == 1
    finally:
        stop_server()
    out = list(ordered_map(square_with_pid, range(3), 1))
    assert {pid for _, pid in out} == {os.getpid()}  # no server: in this process
