"""Finding raw snapshot files under the raw folder."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# A name's format is looked up by its last suffix, or its last two when the last is `.gz`.
FORMATS = {
    ".warc.gz": "warc.gz",
    ".html.gz": "html.gz",
    ".htm.gz": "html.gz",
    ".txt.gz": "txt.gz",
    ".warc": "warc",
    ".xhtml": "html",
    ".html": "html",
    ".htm": "html",
    ".txt": "txt",
}


def format_of(name: str) -> str | None:
    # Called on every file of the raw folder at every run: one or two dictionary lookups.
    lower = name.lower()
    dot = lower.rfind(".")
    if dot > 0 and lower.endswith(".gz"):
        dot = lower.rfind(".", 0, dot)
    return FORMATS.get(lower[dot:]) if dot > 0 else None


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)  # paths relative to the raw folder, sorted
    ignored: dict[str, str] = field(default_factory=dict)  # relative path -> why


def discover(root: Path) -> Discovery:
    """List snapshot files below `root` (recursively), by suffix.

    Hidden files and folders are skipped; links are followed only when they stay inside `root`,
    so a link can never make the pipeline read elsewhere on the machine. Linked folders are not
    entered. Runs on every pipeline run over the whole raw folder, so it reads directory entries
    only (`scandir`), with no extra system call per file unless the file is a link.
    """
    root = Path(root)
    found = Discovery()
    if root.is_dir():  # a missing raw folder holds no snapshots yet
        _scan(root, "", root.resolve(), found)
    found.files.sort()
    return found


def _scan(folder: Path, prefix: str, real_root: Path, found: Discovery) -> None:
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError as exc:
        found.ignored[prefix.rstrip("/") or "."] = f"folder could not be read: {exc.strerror or exc}"
        return
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        rel = prefix + name
        if entry.is_dir():  # follows links: a linked folder is skipped, as by os.walk
            if not entry.is_symlink():
                _scan(Path(entry.path), rel + "/", real_root, found)
            continue
        if format_of(name) is None:
            found.ignored[rel] = "not a snapshot format (.html, .html.gz, .txt, .warc, .warc.gz)"
            continue
        if entry.is_symlink():
            target = Path(entry.path).resolve()
            if not target.is_relative_to(real_root):
                found.ignored[rel] = "link pointing outside the raw folder"
                continue
            if not target.is_file():
                found.ignored[rel] = "link to something that is not a file"
                continue
        found.files.append(rel)
