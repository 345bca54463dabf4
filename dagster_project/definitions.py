"""The one Definitions object: assets, checks, jobs, sensor and resources, composed from defs/."""

from __future__ import annotations

import dagster as dg

from dagster_project.defs import entities, extract, ingest, reports
from dagster_project.defs.jobs import build_catalog, process_batch
from dagster_project.defs.resources import EntityModels, LakeResource
from dagster_project.defs.sensors import catalog_automation, raw_files_sensor
from dagster_project.settings import Settings


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    settings = settings or Settings.resolve()
    return dg.Definitions(
        assets=dg.load_assets_from_modules([ingest, extract, entities, reports]),
        jobs=[process_batch, build_catalog, reports.build_reports],
        sensors=[raw_files_sensor, catalog_automation],
        resources={
            "lake": LakeResource(raw_dir=str(settings.raw_dir), warehouse_dir=str(settings.warehouse_dir)),
            "models": EntityModels(),
        },
    )


defs = build_definitions()
