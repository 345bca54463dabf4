"""Execute the analysis notebooks against a warehouse, save them as executed `.ipynb` and HTML, and
serve them to a browser.

The notebooks read the warehouse named by NEWS_WAREHOUSE_DIR, which is set for the kernel only;
this process's environment is left alone. Plain Python (nbclient, nbconvert, http.server): no Dagster.
Browsers refuse `file://` links from a web page, so the UI links the reports at `report_url`,
which `serve` (the `reports` command, and the `ui` command on the side) answers.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from dagster_project.settings import WAREHOUSE_DIR_ENV

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
REPORTS_DIR_ENV = "NEWS_REPORTS_DIR"
REPORTS_PORT_ENV = "NEWS_REPORTS_PORT"
REPORTS_HOST = "127.0.0.1"  # never served beyond this machine
DEFAULT_REPORTS_PORT = 3030
NOTEBOOKS_EXTRA = "notebooks"
CHART_MIME_TYPES = ("image/png", "image/svg+xml", "application/vnd.vegalite.v5+json")
CELL_TIMEOUT_S = 300

if TYPE_CHECKING:
    import nbformat


class MissingNotebookTools(ImportError):
    """Jupyter's libraries are not installed; the message names the extra that brings them."""


class NotebookFailed(RuntimeError):
    """One or more notebooks raised an error in a cell; their executed copies show where."""


@dataclass(frozen=True)
class Report:
    name: str
    notebook: Path
    html: Path
    seconds: float
    n_charts: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def analysis_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks (`01_...ipynb`), in order."""
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file())
    if not found:
        raise FileNotFoundError(f"no analysis notebooks (NN_name.ipynb) in {folder}")
    return found


def default_reports_dir(warehouse: Path) -> Path:
    """NEWS_REPORTS_DIR, else `reports/` beside the warehouse (data/warehouse -> data/reports)."""
    chosen = os.environ.get(REPORTS_DIR_ENV)
    return Path(chosen).expanduser().absolute() if chosen else Path(warehouse).absolute().parent / "reports"


def count_charts(nb: nbformat.NotebookNode) -> int:
    return sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if any(mime in output.get("data", {}) for mime in CHART_MIME_TYPES)
    )


def error_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """`ename: evalue` of every error output in the notebook."""
    return [
        f"{output.get('ename')}: {output.get('evalue')}"
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]


def execute_notebook(source: Path, warehouse: Path, out_dir: Path, timeout: int = CELL_TIMEOUT_S) -> Report:
    """Run one notebook top to bottom in a fresh kernel; write its executed copy and HTML export.

    A cell error stops that notebook (as in Jupyter) but still writes both files, so the error is
    visible in the report; the Report carries it.
    """
    # Imported here: the notebook machinery takes seconds to import, and most runs make no report.
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        from nbconvert import HTMLExporter
        from traitlets.config import Config
    except ImportError as exc:
        raise MissingNotebookTools(
            f"the notebook reports need Jupyter: install the `{NOTEBOOKS_EXTRA}` extra ({exc})"
        ) from exc

    nb = nbformat.read(source, as_version=4)
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        WAREHOUSE_DIR_ENV: str(Path(warehouse).absolute()),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    error = None
    started = time.perf_counter()
    # The kernel talks to this process over Unix sockets in a private folder, not TCP on localhost
    # (which other local users could reach, and which makes the kernel warn about it).
    with tempfile.TemporaryDirectory(prefix="news-lake-kernel-") as sockets:
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(Path(sockets) / "kernel")
        client = NotebookClient(
            nb,
            config=config,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(source.parent)}},
        )
        try:
            client.execute(env=env)
        except CellExecutionError as exc:
            error = f"{exc.ename}: {exc.evalue}"
    seconds = time.perf_counter() - started
    executed = out_dir / source.name
    html_path = executed.with_suffix(".html")
    _write_atomically(executed, nbformat.writes(nb))
    body, _ = HTMLExporter().from_notebook_node(nb, resources={"metadata": {"name": source.stem}})
    _write_atomically(html_path, body)
    return Report(source.stem, executed, html_path, seconds, count_charts(nb), error)


def execute_all(
    warehouse: Path, out_dir: Path, notebooks: Sequence[Path] | None = None, timeout: int = CELL_TIMEOUT_S
) -> list[Report]:
    """Execute every notebook, each in its own kernel, side by side; one failing does not stop the others.

    Threads suffice: the work happens in the kernel processes, and a kernel spends much of its
    start-up waiting, so three at once finish in about half the time of one after the other.
    """
    paths = list(notebooks or analysis_notebooks())
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        return list(pool.map(lambda p: execute_notebook(p, warehouse, out_dir, timeout), paths))


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --- serving -------------------------------------------------------------------------------------


def reports_port(port: int | None = None) -> int:
    """The port given, else env NEWS_REPORTS_PORT, else 3030: the same for the links and the server."""
    return port if port is not None else int(os.environ.get(REPORTS_PORT_ENV) or DEFAULT_REPORTS_PORT)


def report_url(path: Path, out_dir: Path, port: int | None = None) -> str:
    """Where a browser opens `path`, a file of the reports folder, while `serve` runs."""
    relative = Path(path).absolute().relative_to(Path(out_dir).absolute())
    return f"http://{REPORTS_HOST}:{reports_port(port)}/{relative.as_posix()}"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # one line per request is noise here
        pass


def report_server(out_dir: Path, port: int | None = None) -> ThreadingHTTPServer:
    """An HTTP server of the reports folder on 127.0.0.1 (port 0: any free one); the caller serves it.

    The folder is created if missing, so the server can start before the first report is written.
    """
    out_dir = Path(out_dir).absolute()
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = partial(_QuietHandler, directory=str(out_dir))
    return ThreadingHTTPServer((REPORTS_HOST, reports_port(port)), handler)
