"""The command line, as a user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import RECONSTRUCTION, REPO, SEED, copy_files

REQUIRED = {"path", "title", "body", "outlet", "published_at", "language", "url", "related"}


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dagster_project", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def rows(stdout: str, table: str) -> int:
    match = re.search(rf"^\s+{table}\s+([\d,]+) rows$", stdout, re.MULTILINE)
    assert match, stdout
    return int(match.group(1).replace(",", ""))


def test_run_prints_a_summary(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED)
    done = cli("run", "--raw-dir", str(raw), "--warehouse-dir", str(tmp_path / "wh"))
    assert done.returncode == 0, done.stderr
    assert rows(done.stdout, "snapshots") == 1
    assert rows(done.stdout, "headlines") == 48
    assert rows(done.stdout, "articles") == 1
    assert "quarantined: 0 records" in done.stdout
    assert (tmp_path / "wh" / "articles" / "part-0.parquet").exists()


def test_run_reads_folders_from_environment_variables(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED)
    done = cli("run", env={"NEWS_RAW_DIR": str(raw), "NEWS_WAREHOUSE_DIR": str(tmp_path / "wh")})
    assert done.returncode == 0, done.stderr
    assert rows(done.stdout, "headlines") == 48


def test_run_refuses_a_missing_or_empty_raw_folder(tmp_path):
    missing = cli("run", "--raw-dir", str(tmp_path / "nope"), "--warehouse-dir", str(tmp_path / "wh"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "README.md").write_text("nothing", encoding="utf-8")
    empty = cli("run", "--raw-dir", str(tmp_path / "empty"), "--warehouse-dir", str(tmp_path / "wh"))
    assert empty.returncode == 2
    assert "holds no snapshot files" in empty.stderr
    assert not (tmp_path / "wh").exists()


def test_extract_prints_one_json_object_per_snapshot(tmp_path):
    done = cli("extract", str(SEED), str(RECONSTRUCTION))
    assert done.returncode == 0, done.stderr
    text, html = [json.loads(line) for line in done.stdout.splitlines()]
    for record in (text, html):
        assert set(record) >= REQUIRED
        assert record["outlet"] == "2M" and record["published_at"] == "2020-01-25"
        assert record["language"] == "fr" and len(record["headlines"]) == 48
    assert text["body"] == html["body"]
    assert text["url"] is None and html["url"].startswith("https://www.aggregator.example/")
    assert [r["title"] for r in text["related"]] == [r["title"] for r in html["related"]]


def test_extract_reports_bad_files_and_exits_non_zero(tmp_path):
    bad = tmp_path / "broken.html.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    done = cli("extract", str(SEED), str(bad))
    assert done.returncode == 1
    good, broken = [json.loads(line) for line in done.stdout.splitlines()]
    assert good["title"] and "error" not in good
    assert broken["error"]["reason"] == "corrupt_gzip"
    missing = cli("extract", str(tmp_path / "missing.html"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_extract_walks_folders(tmp_path):
    folder = copy_files(tmp_path / "raw", SEED, RECONSTRUCTION)
    done = cli("extract", str(folder))
    assert done.returncode == 0, done.stderr
    paths = [Path(json.loads(line)["path"]).name for line in done.stdout.splitlines()]
    assert paths == sorted([SEED.name, RECONSTRUCTION.name])


def test_the_column_reference_is_generated_from_the_schemas():
    """docs/columns.md is what `schema` prints; regenerate it with the command its header gives."""
    from dagster_project.lake.schemas import TABLES

    done = cli("schema")
    assert done.returncode == 0
    committed = (REPO / "docs" / "columns.md").read_text(encoding="utf-8")
    assert done.stdout == committed, "docs/columns.md is stale: python -m dagster_project schema > docs/columns.md"
    for table in TABLES.values():
        assert f"## `{table.name}`" in committed
        for column in table.columns:
            assert f"| `{column.name}` |" in committed, (table.name, column.name)


def test_the_column_reference_documents_every_quarantine_reason():
    from dagster_project.extract.records import REASONS as EXTRACT
    from dagster_project.ingest.records import REASONS as INGEST

    columns = (REPO / "docs" / "columns.md").read_text(encoding="utf-8")
    for reason in [*INGEST, *EXTRACT]:
        assert f"| `{reason}` |" in columns, reason


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"^```sh\n(python3 -m venv .+)\n```$", readme, re.MULTILINE)
    assert len(commands) == 2
    assert commands[1] in ci


def test_run_on_dagsters_multiprocess_executor(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED, RECONSTRUCTION)
    args = ("run", "--raw-dir", str(raw), "--warehouse-dir", str(tmp_path / "wh"))
    done = cli(*args, "--executor", "multiprocess", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert (rows(done.stdout, "snapshots"), rows(done.stdout, "headlines"), rows(done.stdout, "articles")) == (2, 96, 1)


def test_run_rejects_a_negative_worker_count_and_an_unknown_executor(tmp_path):
    raw = copy_files(tmp_path / "raw", SEED)
    args = ("run", "--raw-dir", str(raw), "--warehouse-dir", str(tmp_path / "wh"))
    negative = cli(*args, "--workers", "-1")
    assert negative.returncode == 2 and "--workers" in negative.stderr
    unknown = cli(*args, "--executor", "spark")
    assert unknown.returncode == 2 and "invalid choice" in unknown.stderr
    assert not (tmp_path / "wh" / "snapshots").exists()
