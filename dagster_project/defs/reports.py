"""The notebook reports: the analysis notebooks executed against the warehouse, as `.ipynb` and HTML."""

from pathlib import Path

import dagster as dg

from dagster_project import reports
from dagster_project.defs.jobs import CATALOG_ASSETS
from dagster_project.defs.launch import QUIET, open_instance
from dagster_project.defs.resources import LakeResource
from dagster_project.settings import Settings


@dg.asset(
    deps=["snapshots", "headlines", *CATALOG_ASSETS],
    group_name="reports",
    kinds={"jupyter", "html"},
    description=(
        "The notebooks of notebooks/ executed headless against the warehouse; executed .ipynb and "
        f"HTML exports in the reports folder ({reports.REPORTS_DIR_ENV}, else reports/ beside the warehouse)."
    ),
    check_specs=[dg.AssetCheckSpec("charts_drawn", asset="notebook_reports", description="every notebook drew charts")],
)
def notebook_reports(context: dg.AssetExecutionContext, lake: LakeResource) -> dg.MaterializeResult:
    """Execute the notebooks in fresh kernels; a failing notebook is still written, then reported."""
    out_dir = reports.default_reports_dir(lake.warehouse)
    done = reports.execute_all(lake.warehouse, out_dir)
    for report in done:
        context.log.info(f"{report.name}: {report.n_charts} charts in {report.seconds:.1f} s -> {report.html}")
    failed = [r for r in done if not r.ok]
    if failed:
        raise dg.Failure(
            description="notebook cells failed: " + "; ".join(f"{r.name}: {r.error}" for r in failed),
            metadata={r.name: dg.MetadataValue.path(str(r.html)) for r in failed},
        )
    # Browsers open no file:// link from a web page: the links go to the reports server, which
    # `python -m dagster_project ui` runs beside the UI (or `python -m dagster_project reports`).
    metadata: dict = {
        "reports_dir": dg.MetadataValue.path(str(out_dir)),
        "index": dg.MetadataValue.md(_index(done, out_dir)),
    }
    for r in done:
        metadata[f"{r.name}_html"] = dg.MetadataValue.url(reports.report_url(r.html, out_dir))
        metadata[f"{r.name}_ipynb"] = dg.MetadataValue.path(str(r.notebook))
    return dg.MaterializeResult(
        metadata=metadata,
        check_results=[
            dg.AssetCheckResult(
                check_name="charts_drawn",
                passed=all(r.n_charts > 0 for r in done),
                metadata={r.name: r.n_charts for r in done},
            )
        ],
    )


def _index(done: list[reports.Report], out_dir: Path) -> str:
    rows = [
        f"| {r.name} | {r.n_charts} | {r.seconds:.1f} | [{r.html.name}]({reports.report_url(r.html, out_dir)}) "
        f"| `{r.notebook}` |"
        for r in done
    ]
    return "\n".join(
        [
            "Open the links while `python -m dagster_project ui` (or `... reports`) serves the reports folder.",
            "",
            "| notebook | charts | seconds | report | executed notebook |",
            "|---|---|---|---|---|",
            *rows,
        ]
    )


build_reports = dg.define_asset_job(
    "build_reports",
    selection=dg.AssetSelection.assets(notebook_reports),
    description="Execute the analysis notebooks against the warehouse and export them as HTML.",
)


def run_reports(settings: Settings) -> list[Path]:
    """Materialise `notebook_reports` in process (what `run --reports` does); returns the HTML files."""
    from dagster_project.definitions import build_definitions

    defs = build_definitions(settings)
    with open_instance(settings) as instance:
        result = defs.resolve_job_def("build_reports").execute_in_process(
            instance=instance, raise_on_error=False, run_config=QUIET
        )
    if not result.success:
        failure = next((e for e in result.all_events if e.is_step_failure), None)
        detail = failure.step_failure_data.error.message.strip() if failure and failure.step_failure_data else ""
        raise reports.NotebookFailed(detail or "the notebook reports failed")
    out_dir = reports.default_reports_dir(settings.warehouse_dir)
    return [out_dir / f"{p.stem}.html" for p in reports.analysis_notebooks()]
