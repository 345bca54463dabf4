"""Batches: the unit of incremental processing.

Each time new raw files appear they are registered as one batch, numbered in order, with a
manifest `<warehouse>/_batches/<key>.json` listing them. Manifests are the source of truth for
which file belongs to which batch: rerunning a batch rereads exactly its files, and a lost
orchestrator database can be rebuilt from them.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dagster_project.ingest.discover import Discovery, discover

MANIFEST_DIR = "_batches"


@dataclass(frozen=True)
class Batch:
    key: str
    files: tuple[str, ...]  # relative to the raw folder
    created_at: str


def manifest_dir(warehouse: Path) -> Path:
    return Path(warehouse) / MANIFEST_DIR


def list_batches(warehouse: Path) -> list[str]:
    folder = manifest_dir(warehouse)
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def load_batch(warehouse: Path, key: str) -> Batch:
    path = manifest_dir(warehouse) / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"no batch {key!r}: {path} does not exist") from None
    return Batch(key=data["batch"], files=tuple(data["files"]), created_at=data["created_at"])


def registered_files(warehouse: Path) -> set[str]:
    return {f for key in list_batches(warehouse) for f in load_batch(warehouse, key).files}


# Held (an exclusive `flock`) by whoever registers files: the sensor's tick or the command line.
LOCK_FILE = ".registrar.lock"
_held = threading.local()  # lock files this thread holds, so that a holder may register again


@contextmanager
def registrar_lock(warehouse: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold the warehouse's registrar lock: True once held; False at once when another process or
    thread holds it and `wait` is False. Nested holds by the same thread are free."""
    folder = manifest_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    path = str((folder / LOCK_FILE).resolve())
    held: frozenset[str] = getattr(_held, "paths", frozenset())
    if path in held:
        yield True
        return
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        _held.paths = held | {path}
        try:
            yield True
        finally:
            _held.paths = held
            fcntl.flock(fh, fcntl.LOCK_UN)


def register_new_files(
    raw_dir: Path, warehouse: Path, found: Discovery | None = None
) -> tuple[Batch | None, Discovery]:
    """Register the raw files no batch holds yet as a new batch; None when there are none.
    `found`: the folder's listing if the caller already made it.

    Under the registrar lock, the registered files are read and the new ones claimed in one step:
    two callers at once (a sensor tick and `run`) never put a file in two batches."""
    found = found if found is not None else discover(raw_dir)
    with registrar_lock(warehouse):
        known = registered_files(warehouse)
        new = [f for f in found.files if f not in known]
        if not new:
            return None, found
        existing = list_batches(warehouse)
        key = f"{int(existing[-1]) + 1 if existing else 1:05d}"
        batch = Batch(key=key, files=tuple(new), created_at=datetime.now(UTC).isoformat(timespec="seconds"))
        if not _claim(manifest_dir(warehouse) / f"{key}.json", batch):  # only a writer ignoring the lock gets here
            raise RuntimeError(f"batch {key} was registered by a process that does not take {LOCK_FILE}")
        return batch, found


def _claim(path: Path, batch: Batch) -> bool:
    """Write the manifest unless another process took the key first (link is atomic and exclusive)."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(
        json.dumps({"batch": batch.key, "created_at": batch.created_at, "files": list(batch.files)}, indent=1),
        encoding="utf-8",
    )
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
