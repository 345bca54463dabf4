"""What is derived from packaged data and slow to derive (the gazetteer), kept between processes:
building it takes about a second, reading it back a tenth of a second or less.

They live as JSON in the user's cache folder (`$XDG_CACHE_HOME`, else `~/.cache`, under
`news-lake/`), named by a digest of what they are made from (the code that makes them, the data
packages' versions), so that any change builds them afresh. A copy that is missing or unreadable is
built again; one that cannot be written is simply not kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


def folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "news-lake"


def path_for(name: str, sources: Iterable[str | Path], versions: Iterable[str]) -> Path:
    """Where `name`, made by the code in `sources` from data of `versions`, is kept."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(Path(source).read_bytes())
    digest.update("\0".join(versions).encode())
    return folder() / f"{name}-{digest.hexdigest()[:16]}.json"


def load_or_build(path: Path, build: Callable[[], Any]) -> Any:
    """The JSON value kept at `path`, else `build()`, kept there for the next process."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # not there yet, or cut short
        value = build()
    with contextlib.suppress(OSError):  # a folder that cannot be written keeps nothing
        _keep(path, value)
    return value


def _keep(path: Path, value: Any) -> None:
    # Written aside then renamed: a reader never sees half a file, concurrent writers do not clash.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(value, f, ensure_ascii=False)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
