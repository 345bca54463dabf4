"""Command line: `run` the pipeline through Dagster, `extract` single files, print the `schema`.

python -m dagster_project run [--raw-dir DIR] [--warehouse-dir DIR] [--reports] [--executor NAME] [--workers N]
python -m dagster_project extract PATH [PATH ...]
python -m dagster_project schema
python -m dagster_project ui [--port 3000] [--reports-port 3030]
python -m dagster_project reports [--port 3030]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dagster_project.extract.records import PageContent
from dagster_project.settings import RAW_DIR_ENV, WAREHOUSE_DIR_ENV, Settings

if TYPE_CHECKING:
    from dagster_project.ingest.discover import Discovery


class UsageError(Exception):
    """A problem with what the user asked for; printed without a traceback, exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="register new raw files and materialise every asset")
    run_cmd.add_argument("--raw-dir", help=f"folder of raw snapshots (env {RAW_DIR_ENV}, default data/raw)")
    run_cmd.add_argument(
        "--warehouse-dir", help=f"where the tables are written (env {WAREHOUSE_DIR_ENV}, default data/warehouse)"
    )
    run_cmd.add_argument(
        "--reports",
        action="store_true",
        help="then execute the notebooks and write HTML reports (to reports/ beside the warehouse)",
    )
    run_cmd.add_argument(
        "--executor",
        choices=("in_process", "multiprocess", "dask"),
        help="how Dagster runs the steps (env NEWS_EXECUTOR, default in_process)",
    )
    run_cmd.add_argument(
        "--workers",
        type=int,
        help="processes per stage, or Dask workers of a local cluster (env NEWS_WORKERS, default: every core)",
    )
    run_cmd.add_argument(
        "--dask-address", help="scheduler of a running Dask cluster, e.g. tcp://host:8786 (env NEWS_DASK_ADDRESS)"
    )
    extract_cmd = commands.add_parser("extract", help="print one JSON object per snapshot found in PATHs")
    extract_cmd.add_argument("paths", nargs="+", metavar="PATH", help="snapshot files or folders of them")
    commands.add_parser("schema", help="print the column reference of every table (Markdown: docs/columns.md)")
    ui_cmd = commands.add_parser(
        "ui", help="start Dagster's web UI on 127.0.0.1 with this project's instance, and serve the reports"
    )
    reports_cmd = commands.add_parser("reports", help="serve the HTML reports folder on 127.0.0.1")
    for sub in (ui_cmd, reports_cmd):
        sub.add_argument("--raw-dir", help=f"folder of raw snapshots (env {RAW_DIR_ENV}, default data/raw)")
        sub.add_argument("--warehouse-dir", help=f"the warehouse (env {WAREHOUSE_DIR_ENV}, default data/warehouse)")
    ui_cmd.add_argument("--port", type=int, default=3000, help="the UI's port (default 3000)")
    ui_cmd.add_argument(
        "--reports-port", type=int, help="the reports server's port (env NEWS_REPORTS_PORT, default 3030)"
    )
    reports_cmd.add_argument("--port", type=int, help="port (env NEWS_REPORTS_PORT, default 3030)")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return run(
                Settings.resolve(args.raw_dir, args.warehouse_dir),
                args.executor,
                args.workers,
                args.dask_address,
                reports=args.reports,
            )
        if args.command == "extract":
            return extract(args.paths)
        if args.command == "ui":
            return ui(Settings.resolve(args.raw_dir, args.warehouse_dir), args.port, args.reports_port)
        if args.command == "reports":
            return serve_reports(Settings.resolve(args.raw_dir, args.warehouse_dir), args.port)
        from dagster_project.lake.reference import columns_document

        print(columns_document(), end="")
        return 0
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _check_raw_dir(raw_dir: Path) -> Discovery:
    """The folder's listing, or a UsageError saying why there is nothing to run on."""
    from dagster_project.ingest.discover import discover

    if not raw_dir.exists():
        raise UsageError(f"raw folder {raw_dir} does not exist (set --raw-dir or {RAW_DIR_ENV})")
    if not raw_dir.is_dir():
        raise UsageError(f"raw folder {raw_dir} is not a folder")
    found = discover(raw_dir)
    if not found.files:
        raise UsageError(f"raw folder {raw_dir} holds no snapshot files (.html, .html.gz, .txt, .warc, .warc.gz)")
    return found


def run(
    settings: Settings,
    executor: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    *,
    reports: bool = False,
) -> int:
    """Register new files as a batch, then materialise every pending batch and the catalogue, in Dagster."""
    found = _check_raw_dir(settings.raw_dir)
    if workers is not None and workers < 0:
        raise UsageError("--workers must be 0 (every core) or more")
    from dagster_project.defs.launch import Execution, run_pipeline
    from dagster_project.lake.summary import summary

    execution = Execution.resolve(executor, workers, dask_address)
    outcome = run_pipeline(settings, log=lambda line: print(line, file=sys.stderr), execution=execution, found=found)
    print(summary(settings.warehouse_dir, ignored=outcome.ignored))
    if reports and outcome.success:
        return _run_reports(settings)
    return 0 if outcome.success else 1


def _run_reports(settings: Settings) -> int:
    from dagster_project.defs.reports import run_reports
    from dagster_project.reports import NotebookFailed

    print("executing the notebooks", file=sys.stderr)
    try:
        written = run_reports(settings)
    except NotebookFailed as exc:
        print(f"reports failed: {exc}", file=sys.stderr)
        return 1
    print("reports:")
    print("\n".join(f"  {path}" for path in written))
    return 0


def _start_report_server(settings: Settings, port: int | None):  # type: ignore[no-untyped-def]
    from dagster_project.reports import default_reports_dir, report_server, reports_port

    out_dir = default_reports_dir(settings.warehouse_dir)
    try:
        server = report_server(out_dir, port)
    except OSError as exc:
        raise UsageError(f"cannot serve the reports on 127.0.0.1 port {reports_port(port)}: {exc.strerror}") from exc
    return server, out_dir


def serve_reports(settings: Settings, port: int | None = None) -> int:
    """Serve the reports folder until interrupted: the UI's report links point here."""
    server, out_dir = _start_report_server(settings, port)
    host, bound = server.server_address[:2]
    print(f"serving {out_dir} at http://{host}:{bound}/ (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def ui(settings: Settings, port: int = 3000, reports_port: int | None = None) -> int:
    """Run `dagster dev` on this project's instance, with the reports served beside it, until it stops."""
    import signal
    import subprocess
    import threading

    from dagster_project.webui import MissingExtra, ui_command

    try:
        argv, env = ui_command(settings, port=port)
    except MissingExtra as exc:
        raise UsageError(str(exc)) from exc
    try:
        server, out_dir = _start_report_server(settings, reports_port)
    except UsageError as exc:  # the UI is still worth having; its report links wait for a server
        server = None
        print(f"warning: {exc}; the report links will not open", file=sys.stderr)
    else:
        threading.Thread(target=server.serve_forever, name="reports-server", daemon=True).start()
        host, bound = server.server_address[:2]
        env = {**env, "NEWS_REPORTS_PORT": str(bound)}  # the report links the UI's runs write point here
        print(f"reports: http://{host}:{bound}/ ({out_dir})", file=sys.stderr)
    print(f"web UI: http://127.0.0.1:{port} (DAGSTER_HOME={env['DAGSTER_HOME']}; Ctrl-C to stop)", file=sys.stderr)
    sys.stderr.flush()
    # `dagster dev` and the processes it starts (web server, daemon, code server) form a group of
    # their own, stopped together as a terminal's Ctrl-C would stop them, however this process ends.
    child = subprocess.Popen(argv, env=env, start_new_session=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        return child.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        _stop_group(child)
        if server is not None:
            server.shutdown()
            server.server_close()


def _stop_group(child) -> None:  # type: ignore[no-untyped-def]
    """Stop the child's process group: SIGINT as a terminal's Ctrl-C (graceful for `dagster dev`),
    then SIGTERM (where SIGINT is ignored, as in background jobs), then SIGKILL to what is left."""
    import contextlib
    import os
    import signal
    import subprocess

    for sig, grace in ((signal.SIGINT, 20), (signal.SIGTERM, 20), (signal.SIGKILL, 0)):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            return  # the whole group is gone
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=grace)


def extract(paths: Sequence[str]) -> int:
    """Read and extract each snapshot with the same code as the assets; one JSON line each."""
    from dagster_project.extract import ExtractionError
    from dagster_project.extract import extract as extract_page
    from dagster_project.ingest import Snapshot, read_file
    from dagster_project.ingest.discover import discover, format_of

    targets: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = discover(path).files
            if not found:
                raise UsageError(f"{path} holds no snapshot files")
            targets += [(path, rel) for rel in found]
        elif path.is_file() or path.is_symlink():
            if format_of(path.name) is None:
                raise UsageError(f"{path}: not a snapshot format (.html, .html.gz, .txt, .warc, .warc.gz)")
            targets.append((path.parent, path.name))
        else:
            raise UsageError(f"{path} does not exist")

    failures = 0
    for root, rel in targets:
        for record in read_file(root, rel):
            shown = str(root / rel) if root != Path(".") else rel
            out: dict = {"path": shown, "snapshot_id": record.snapshot_id, "url": record.url}
            if not isinstance(record, Snapshot):
                out["error"] = {"stage": "ingest", "reason": record.reason, "detail": record.detail}
                failures += 1
            else:
                out["captured_at"] = record.captured_at
                try:
                    content = extract_page(record.text, record.media_type, record.url)
                except ExtractionError as exc:
                    out["error"] = {"stage": "extract", "reason": exc.reason, "detail": exc.detail}
                    failures += 1
                except Exception as exc:  # a bug on one page: reported as the pipeline quarantines it
                    detail = f"{type(exc).__name__}: {exc}"
                    out["error"] = {"stage": "extract", "reason": "extractor_crash", "detail": detail}
                    failures += 1
                else:
                    out.update(_content_json(content))
            print(json.dumps(out, ensure_ascii=False, default=_json_default))
    return 1 if failures else 0


def _content_json(content: PageContent) -> dict:
    a = content.article
    out: dict = {"extractor": content.extractor, "article_id": a.article_id if a else None}
    out["title"] = a.title if a else None
    out["outlet"] = a.outlet if a else None
    out["published_at"] = a.published_at if a else None
    out["language"] = a.language if a else None
    if a and a.url:
        out["url"] = a.url
    out["source_url"] = a.source_url if a else None
    out["body"] = a.body if a else None
    out["n_paragraphs"] = len(a.paragraphs) if a else 0
    out["related"] = [{"title": r.title, "url": r.url} for r in a.related] if a else []
    out["authors"] = list(a.authors) if a else []
    out["site_name"] = a.site_name if a else None
    out["canonical_url"] = a.canonical_url if a else None
    out["headlines"] = [h.fields() for h in content.headlines]
    return out


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
