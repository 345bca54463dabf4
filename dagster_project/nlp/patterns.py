"""The French pipeline's tokenizer pattern, compiled once per machine instead of once per process.

spaCy's French tokenizer keeps hyphenated and elided words whole by matching them against a single
pattern of 1.4 million characters. Python's `re` takes about 3.5 seconds to compile it, in every
process that loads the pipeline (more than half of the load), and offers no way to keep a compiled
pattern. What its compiler produces is a list of integers, though: that list is kept in the cache
folder (nlp/cache.py) and, before spaCy loads, rebuilt into a pattern (milliseconds) and placed in
`re`'s own cache of compiled patterns, where spaCy's `re.compile` of the same text finds it.

This relies on internals of CPython's `re` (3.11 and later), so it is hedged: the kept code is
used only by the exact interpreter that made it, `re` checks the code as it rebuilds it, and on
anything unexpected spaCy simply compiles the pattern as usual.
"""

from __future__ import annotations

import _sre
import hashlib
import re
import sys
from pathlib import Path

from dagster_project.nlp import cache

# Smaller patterns (prefixes, suffixes, infixes) compile in milliseconds.
MIN_CHARS = 100_000


def prime(package: str) -> int:
    """Put the compiled large patterns of `package`'s tokenizer in `re`'s cache; returns how many."""
    if not isinstance(getattr(re, "_cache", None), dict):
        return 0
    try:
        patterns = large_patterns(package)
    except Exception:  # an optimisation only: spaCy compiles the patterns itself
        return 0
    primed = 0
    for pattern in patterns:
        digest = hashlib.sha256(pattern.encode()).hexdigest()
        path = _path(digest)
        try:
            kept = cache.load_or_build(path, lambda p=pattern, d=digest: _compile(p, d))
            compiled = _rebuild(pattern, digest, kept)
        except Exception:  # a kept copy that is not right: made again by the next load
            path.unlink(missing_ok=True)
            continue
        re._cache[str, pattern, 0] = compiled  # the key `re.compile(pattern)` looks up
        primed += 1
    return primed


def large_patterns(package: str) -> list[str]:
    """The tokenizer patterns of `package` (an installed spaCy pipeline) worth keeping compiled."""
    import srsly
    from spacy.util import get_package_path

    tokenizers = sorted(Path(get_package_path(package)).glob("*/tokenizer"))
    if not tokenizers:
        return []
    data = srsly.msgpack_loads(tokenizers[0].read_bytes())
    return [v for v in data.values() if isinstance(v, str) and len(v) >= MIN_CHARS]


def _path(digest: str) -> Path:
    """Named by the pattern's digest and the interpreter: `re`'s code is its own."""
    return cache.path_for("pattern", [__file__], [sys.version, str(_sre.MAGIC), str(_sre.CODESIZE), digest])


def _compile(pattern: str, digest: str) -> dict:
    """What `re.compile(pattern)` hands to the regular expression engine."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, 0)
    return {
        "sha256": digest,
        "flags": parsed.state.flags,
        "code": _compiler._code(parsed, 0),
        "groups": parsed.state.groups,
        "groupindex": parsed.state.groupdict,
    }


def _rebuild(pattern: str, digest: str, kept: dict) -> re.Pattern:
    if kept["sha256"] != digest:
        raise ValueError("kept code is for another pattern")
    indexgroup = [None] * kept["groups"]
    for name, index in kept["groupindex"].items():
        indexgroup[index] = name
    # As re._compiler.compile does; the engine validates the code and raises on anything malformed.
    return _sre.compile(pattern, kept["flags"], kept["code"], kept["groups"] - 1, kept["groupindex"], tuple(indexgroup))
