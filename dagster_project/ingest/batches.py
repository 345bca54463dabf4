"""Batches: the unit of incremental processing.

Each time new raw files appear they are registered as one batch, numbered in order, with a
manifest `<warehouse>/_batches/<key>.json` listing them. Manifests are the source of truth for
which file belongs to which batch: rerunning a batch rereads exactly its files, and a lost
orchestrator database can be rebuilt from them.
"""

from __future__ import annotations

import json
import os
import uuid
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


def register_new_files(
    raw_dir: Path, warehouse: Path, found: Discovery | None = None
) -> tuple[Batch | None, Discovery]:
    """Register the raw files no batch holds yet as a new batch; None when there are none.
    `found`: the folder's listing if the caller already made it."""
    found = found if found is not None else discover(raw_dir)
    known = registered_files(warehouse)
    new = [f for f in found.files if f not in known]
    if not new:
        return None, found
    folder = manifest_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        existing = list_batches(warehouse)
        key = f"{int(existing[-1]) + 1 if existing else 1:05d}"
        batch = Batch(key=key, files=tuple(new), created_at=datetime.now(UTC).isoformat(timespec="seconds"))
        if _claim(folder / f"{key}.json", batch):
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
