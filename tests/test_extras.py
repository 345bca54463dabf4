"""A plain install (no extras) runs the pipeline; what needs an extra says which one when it is missing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dagster_project import reports
from dagster_project.settings import Settings
from dagster_project.webui import MissingExtra, ui_command

OPTIONAL = (
    "nbformat",
    "nbclient",
    "nbconvert",
    "matplotlib",
    "duckdb",
    "networkx",
    "dask",
    "dagster_dask",
    "dagster_webserver",
)


def test_the_run_path_imports_no_optional_dependency():
    code = (
        "import sys, dagster_project.cli, dagster_project.definitions, dagster_project.defs.launch\n"
        f"print(sorted(m for m in {OPTIONAL!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_reports_without_jupyter_name_the_notebooks_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "nbclient", None)  # as if not installed
    with pytest.raises(reports.MissingNotebookTools, match="`notebooks` extra"):
        reports.execute_notebook(reports.analysis_notebooks()[0], tmp_path / "warehouse", tmp_path / "out")


def test_the_ui_without_the_web_server_names_the_ui_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "dagster_webserver", None)
    with pytest.raises(MissingExtra, match="`ui` extra"):
        ui_command(Settings(raw_dir=tmp_path / "raw", warehouse_dir=tmp_path / "warehouse"))


def test_the_dask_executor_without_dask_names_the_dask_extra(monkeypatch):
    from dagster_project.definitions import executor_for

    monkeypatch.setitem(sys.modules, "dagster_project.defs.dask", None)
    with pytest.raises(ImportError, match="`dask` extra"):
        executor_for("dask")
