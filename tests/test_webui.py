"""The web UI as a newcomer starts it: `python -m dagster_project ui` on a warehouse the command line
built, the same instance's runs, and the notebook reports' links opened in headless Chromium."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dagster_project.reports import analysis_notebooks
from dagster_project.settings import Settings
from dagster_project.webui import LOCATION_NAME, ui_command
from tests.conftest import REPO, SEED, copy_files

NOTEBOOKS = [path.stem for path in analysis_notebooks()]  # every numbered notebook gets a report


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium_binary() -> str:
    """Debian's `chromium` (CI installs it); missing it fails under CI and skips elsewhere."""
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("headless Chromium is required under CI (apt-get install chromium chromium-driver)")
    pytest.skip("chromium is not installed")


def dump_dom(url: str, profile: Path, wait_ms: int = 30000) -> str:
    """The page's DOM after its scripts ran, as headless Chromium renders it."""
    done = subprocess.run(
        [
            chromium_binary(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={wait_ms}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["data"]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the ui command exited"
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    """A warehouse built by `run --reports`, then `ui` started on it: what the README tells a newcomer."""
    chromium_binary()
    root = tmp_path_factory.mktemp("webui")
    raw = copy_files(root / "raw", SEED)
    ui_port, reports_port = free_port(), free_port()
    folders = ("--raw-dir", str(raw), "--warehouse-dir", str(root / "warehouse"))
    env = {**os.environ, "NEWS_REPORTS_PORT": str(reports_port)}
    env.pop("DAGSTER_HOME", None)
    done = subprocess.run(
        [sys.executable, "-m", "dagster_project", "run", *folders, "--reports"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    log = (root / "ui.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "dagster_project", "ui", *folders, "--port", str(ui_port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so the teardown can end every child
    )
    try:
        wait_for(f"http://127.0.0.1:{ui_port}/server_info", proc)
        yield {"ui": ui_port, "reports": reports_port, "root": root, "proc": proc}
    finally:
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=120)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # anything of this group still running
        log.close()


def test_the_ui_binds_to_loopback_with_the_projects_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)  # the tests' session sets one
    settings = Settings(raw_dir=tmp_path / "raw", warehouse_dir=tmp_path / "warehouse")
    argv, env = ui_command(settings, port=3456)
    assert argv[argv.index("-h") + 1] == "127.0.0.1"
    assert argv[argv.index("-p") + 1] == "3456"
    home = Path(env["DAGSTER_HOME"])
    assert home == tmp_path / "warehouse" / "_dagster"  # the command line's instance
    assert "enabled: false" in (home / "dagster.yaml").read_text(encoding="utf-8")
    assert f"location_name: {LOCATION_NAME}" in Path(argv[argv.index("-w") + 1]).read_text(encoding="utf-8")


def test_the_ui_answers_and_sees_the_command_lines_runs(ui):
    data = graphql(ui["ui"], "{ workspaceOrError { ... on Workspace { locationEntries { name } } } }")
    assert [e["name"] for e in data["workspaceOrError"]["locationEntries"]] == [LOCATION_NAME]
    data = graphql(ui["ui"], "{ runsOrError { ... on Runs { results { jobName status } } } }")
    runs = data["runsOrError"]["results"]
    assert {r["jobName"] for r in runs} == {"process_batch", "build_catalog", "build_reports"}
    assert {r["status"] for r in runs} == {"SUCCESS"}
    config = (ui["root"] / "warehouse" / "_dagster" / "dagster.yaml").read_text(encoding="utf-8")
    assert "telemetry:\n  enabled: false" in config


def test_report_links_in_the_ui_open_in_a_browser(ui, tmp_path):
    page = dump_dom(f"http://127.0.0.1:{ui['ui']}/assets/notebook_reports?view=events", tmp_path / "profile")
    links = sorted(set(re.findall(r'href="(http://127\.0\.0\.1:\d+/[^"]+)"', page)))
    assert links == [f"http://127.0.0.1:{ui['reports']}/{name}.html" for name in NOTEBOOKS]
    assert "javascript:void(0)" not in page
    for link, name in zip(links, NOTEBOOKS, strict=True):
        report = dump_dom(link, tmp_path / "profile", wait_ms=5000)
        assert f"<title>{name}</title>" in report
        assert re.search(r'<img [^>]*src="data:image/png;base64,', report), f"{name}: no chart"
