"""Checks that look at more than one file: quarantine rates per batch, entities against the catalogue."""

from __future__ import annotations

import dagster as dg
import polars as pl
import pytest

from dagster_project.defs.entities import in_catalog
from dagster_project.defs.reporting import quarantine_rate_result
from dagster_project.lake.schemas import ARTICLE_SIGHTINGS, QUARANTINE


def quarantined(n: int) -> pl.DataFrame:
    rows = [{"path": f"p{i}", "snapshot_id": f"s{i}", "reason": "no_content", "detail": "-"} for i in range(n)]
    return pl.DataFrame(rows, schema=QUARANTINE.schema)


@pytest.mark.parametrize(
    ("bad", "passed", "severity"),
    [
        (0, True, dg.AssetCheckSeverity.WARN),
        (3, True, dg.AssetCheckSeverity.WARN),
        (10, False, dg.AssetCheckSeverity.WARN),
        (60, False, dg.AssetCheckSeverity.ERROR),
    ],
)
def test_the_quarantine_rate_warns_above_a_few_percent_and_is_an_error_when_most_of_a_batch_fails(
    bad, passed, severity
):
    result = quarantine_rate_result(ARTICLE_SIGHTINGS, quarantined(bad), 100)
    assert (result.passed, result.severity) == (passed, severity)
    assert result.metadata["quarantined"].value == bad


def test_an_entity_id_missing_from_the_catalogue_fails_the_check():
    entities = pl.LazyFrame({"entity_id": ["e1", "e2", "e2"]})
    assert in_catalog(entities, pl.LazyFrame({"entity_id": ["e1", "e2"]})).passed
    result = in_catalog(entities, pl.LazyFrame({"entity_id": ["e1"]}))
    assert not result.passed and result.metadata["unresolved_ids"].value == 1
