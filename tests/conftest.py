"""Shared fixtures: the bundled sample snapshots and warehouses built from them."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
RAW_SAMPLE = REPO / "data" / "raw"
SEED = RAW_SAMPLE / "aggregator" / "000_b4627224569639d2.txt"
RECONSTRUCTION = RAW_SAMPLE / "aggregator" / "2026-03-14T0900_aggregator-quito.html"
FIXTURES = Path(__file__).parent / "fixtures"


def copy_files(target: Path, *files: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, target / f.name)
    return target


@pytest.fixture(autouse=True)
def _isolated_dagster_home(tmp_path_factory, monkeypatch):
    # Every test gets its own orchestrator storage, never the user's DAGSTER_HOME.
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path_factory.mktemp("dagster_home")))
    monkeypatch.delenv("NEWS_RAW_DIR", raising=False)
    monkeypatch.delenv("NEWS_WAREHOUSE_DIR", raising=False)


def source_path(module: ModuleType) -> Path:
    """The `.py` file of `module`, which the install may have compiled (setup.py)."""
    return Path(module.__file__).with_name(module.__name__.rpartition(".")[2] + ".py")


def source_module(module: ModuleType) -> ModuleType:
    """`module` loaded afresh from its `.py` file under another name: the Python source of a module
    that the install may have compiled, whose own functions can then be patched."""
    spec = importlib.util.spec_from_file_location(module.__name__ + "_source", source_path(module))
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = loaded  # dataclasses look their module up while the class is made
    spec.loader.exec_module(loaded)
    return loaded
