"""Work over a process pool: results in input order, whatever the number of workers."""

from __future__ import annotations

import multiprocessing as mp
import os

import pytest

from dagster_project.parallel import ordered_map, resolve_workers, start_server


def square_with_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


@pytest.mark.parametrize("workers", [1, 2])
def test_results_keep_the_input_order(workers):
    out = list(ordered_map(square_with_pid, range(40), workers))
    assert [r for r, _ in out] == [x * x for x in range(40)]
    pids = {pid for _, pid in out}
    assert (pids == {os.getpid()}) if workers == 1 else (os.getpid() not in pids)


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
    for _ in range(2):
        out = list(ordered_map(square_with_pid, range(10), 2))
        assert [r for r, _ in out] == [x * x for x in range(10)]
        assert os.getpid() not in {pid for _, pid in out}
