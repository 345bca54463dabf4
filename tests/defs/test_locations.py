"""Reading a warehouse by location (the form object-store URLs take), here on a local folder."""

from __future__ import annotations

import polars as pl

from dagster_project.defs.launch import Execution, run_pipeline
from dagster_project.lake import store
from dagster_project.lake.schemas import TABLES
from dagster_project.settings import Settings
from tests.conftest import RECONSTRUCTION, SEED, copy_files


def test_scan_location_reads_what_the_pipeline_wrote(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED, RECONSTRUCTION)
    warehouse = tmp_path / "warehouse"
    outcome = run_pipeline(Settings(raw_dir=raw, warehouse_dir=warehouse), log=lambda _: None, execution=Execution())
    assert outcome.success
    for location in (str(warehouse), f"{warehouse}/"):
        for name, table in TABLES.items():
            if not store.files(warehouse, table):
                continue
            by_location = store.scan_location(location, table).collect()
            expected = store.scan(warehouse, table).collect()
            order = [*table.key, *table.partition_by]
            assert by_location.sort(order, nulls_last=True).equals(expected.sort(order, nulls_last=True)), name
    headlines = store.scan_location(str(warehouse), TABLES["headlines"]).collect()
    assert headlines.height == 96 and headlines.schema["batch"] == pl.String
