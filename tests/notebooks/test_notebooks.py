"""The analysis notebooks, executed headless through the report asset on a warehouse built from the sample."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from dagster_project import explore as ex
from dagster_project import reports
from dagster_project.definitions import build_definitions
from dagster_project.defs.launch import open_instance, run_pipeline
from dagster_project.defs.reports import run_reports
from dagster_project.settings import Settings
from tests.conftest import RAW_SAMPLE, SEED, copy_files

NOTEBOOKS = reports.analysis_notebooks()
NAMES = [p.stem for p in NOTEBOOKS]
# The charts each notebook draws (one figure per chart, none hidden by an error); 02 draws one more,
# headlines per section, when the warehouse's headlines have a `section` column.
CHARTS = {"01_corpus_overview": 8, "02_headline_dynamics": 7, "03_entities": 8, "04_front_pages": 2}


def expected_charts(warehouse) -> dict[str, int]:
    sections = "section" in ex.open_lake(warehouse).columns("headlines")
    return {**CHARTS, "02_headline_dynamics": CHARTS["02_headline_dynamics"] + sections}


def build_warehouse(raw, warehouse) -> Settings:
    settings = Settings(raw_dir=raw, warehouse_dir=warehouse)
    assert run_pipeline(settings, log=lambda _: None).success
    return settings


@pytest.fixture(scope="module")
def materialised(tmp_path_factory):
    """The whole sample through the pipeline, then the `notebook_reports` asset through Dagster."""
    root = tmp_path_factory.mktemp("notebooks")
    raw = root / "raw"
    shutil.copytree(RAW_SAMPLE, raw)
    settings = build_warehouse(raw, root / "warehouse")
    with open_instance(settings) as instance:
        result = build_definitions(settings).resolve_job_def("build_reports").execute_in_process(instance=instance)
    return result, root / "reports"


def executed(reports_dir, name) -> nbformat.NotebookNode:
    return nbformat.read(reports_dir / f"{name}.ipynb", as_version=4)


def test_committed_notebooks_have_no_outputs():
    assert NAMES == ["01_corpus_overview", "02_headline_dynamics", "03_entities", "04_front_pages"]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.outputs == [] and c.execution_count is None for c in code), path.name
        # One parameter cell, first among the code cells, reading the warehouse path.
        assert code[0].metadata.get("tags") == ["parameters"], path.name
        assert "NEWS_WAREHOUSE_DIR" in code[0].source and "data/warehouse" in code[0].source
        assert sum("NEWS_WAREHOUSE_DIR" in c.source for c in code) == 1, path.name


@pytest.mark.parametrize("name", NAMES)
def test_every_cell_runs_without_error(materialised, name):
    result, reports_dir = materialised
    assert result.success
    nb = executed(reports_dir, name)
    assert reports.error_outputs(nb) == []
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code"), "a cell was not executed"
    # It read the warehouse built here, not the repository's.
    first_output = next(o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("text"))
    assert str(reports_dir.parent / "warehouse") in first_output["text"]


@pytest.mark.parametrize("name", NAMES)
def test_each_notebook_draws_its_charts(materialised, name):
    _, reports_dir = materialised
    charts = expected_charts(reports_dir.parent / "warehouse")[name]
    assert reports.count_charts(executed(reports_dir, name)) == charts
    page = (reports_dir / f"{name}.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', page)) == charts


def test_reports_are_linked_in_the_materialisation(materialised):
    result, reports_dir = materialised
    (event,) = result.get_asset_materialization_events()
    meta = event.materialization.metadata
    for name in NAMES:
        # Served over HTTP on 127.0.0.1 (browsers open no file:// link from a web page); tests/test_webui.py opens them.
        assert meta[f"{name}_html"].value == reports.report_url(reports_dir / f"{name}.html", reports_dir)
        assert meta[f"{name}_html"].value.startswith("http://127.0.0.1:")
        assert meta[f"{name}_ipynb"].value == str(reports_dir / f"{name}.ipynb")
        assert f"| {name} | {expected_charts(reports_dir.parent / 'warehouse')[name]} |" in meta["index"].value
    (check,) = result.get_asset_check_evaluations()
    assert check.check_name == "charts_drawn" and check.passed


def test_entities_notebook_says_which_identity_it_uses(materialised):
    _, reports_dir = materialised
    lake = ex.open_lake(reports_dir.parent / "warehouse")
    text = "".join(o.get("text", "") for c in executed(reports_dir, "03_entities").cells for o in c.get("outputs", []))
    if ex.has_entity_catalog(lake):
        assert "entities identified by the entity_catalog table" in text
    else:
        assert "entities identified by label and folded spelling (no entity_catalog table)" in text
    mentions = ex.entity_mentions(lake).collect()
    assert mentions.height > 100  # the sample's French articles, synthetic ones included
    assert f"{mentions.height} mentions of {mentions['entity'].n_unique()} entities" in text


def test_notebooks_survive_a_warehouse_of_one_snapshot(tmp_path):
    """One text capture: one article, one ticker, capture time from the file's mtime only.

    Materialised as `run --reports` does it, so the reports land beside the warehouse.
    """
    settings = build_warehouse(copy_files(tmp_path / "raw", SEED), tmp_path / "warehouse")
    written = run_reports(settings)
    assert written == [tmp_path / "reports" / f"{n}.html" for n in NAMES]
    for name in NAMES:
        nb = executed(tmp_path / "reports", name)
        assert reports.error_outputs(nb) == [], name
        assert reports.count_charts(nb) == expected_charts(settings.warehouse_dir)[name], name
