"""Starting Dagster's web UI on this project's instance (what `python -m dagster_project ui` does).

The command line (`run`) and the UI must share one instance, so that both see the same runs and
batches: DAGSTER_HOME is the command line's (`<warehouse>/_dagster` unless set), created with a
`dagster.yaml` that turns telemetry off, and the code location is named as in workspace.yaml.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_project.settings import RAW_DIR_ENV, WAREHOUSE_DIR_ENV, Settings

LOCATION_NAME = "news_lake"  # as in workspace.yaml and [tool.dagster] of pyproject.toml
DAGSTER_YAML = "telemetry:\n  enabled: false\n"
WORKSPACE_YAML = f"""load_from:
  - python_module:
      module_name: dagster_project.definitions
      location_name: {LOCATION_NAME}
"""


class MissingExtra(RuntimeError):
    """An optional dependency is not installed; the message names the extra that brings it."""


def prepare_home(settings: Settings) -> Path:
    """Create the instance folder and its `dagster.yaml` (telemetry off) if missing; return the folder."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():  # SQLite storage inside the home folder; nothing sent anywhere
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    return home


def ui_command(settings: Settings, host: str = "127.0.0.1", port: int = 3000) -> tuple[list[str], dict[str, str]]:
    """The `dagster dev` command line and environment that serve this project's UI.

    `dagster dev` runs the web server and the daemon (which runs the sensors). Its code location
    is loaded in a process of its own and reads the raw and warehouse folders from the environment.
    """
    try:
        import dagster_webserver  # noqa: F401  (only checked: `dagster dev` imports it)
    except ImportError as exc:
        raise MissingExtra(
            "the web UI needs dagster-webserver: install the `ui` extra (pip install -e '.[ui]')"
        ) from exc
    home = prepare_home(settings)
    workspace = home / "workspace.yaml"
    if not workspace.exists() or workspace.read_text(encoding="utf-8") != WORKSPACE_YAML:
        workspace.write_text(WORKSPACE_YAML, encoding="utf-8")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        RAW_DIR_ENV: str(settings.raw_dir),
        WAREHOUSE_DIR_ENV: str(settings.warehouse_dir),
    }
    argv = [sys.executable, "-m", "dagster", "dev", "-w", str(workspace), "-h", host, "-p", str(port)]
    return argv, env
