"""The modules that the install compiles with mypyc (setup.py) behave as their Python source does."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from selectolax.lexbor import LexborHTMLParser

from dagster_project.extract.generic import block_features, content, headlines
from dagster_project.extract.generic.cleaning import boilerplate
from dagster_project.ingest.readers import read_file
from dagster_project.ingest.records import Snapshot
from tests.conftest import FIXTURES, RAW_SAMPLE, source_module, source_path

COMPILED = (content, block_features, headlines)


def _is_compiled(module: ModuleType) -> bool:
    return Path(module.__file__).suffix != ".py"


needs_build = pytest.mark.skipif(
    not all(_is_compiled(m) for m in COMPILED), reason="installed with NEWS_LAKE_PURE_PYTHON=1: nothing compiled"
)


@needs_build
def test_the_compiled_modules_are_built_from_the_current_source() -> None:
    for module in COMPILED:
        built, source = Path(module.__file__), source_path(module)
        assert built.stat().st_mtime >= source.stat().st_mtime, (
            f"{source.name} changed after it was compiled: rebuild with `.venv/bin/pip install --no-deps -e .`"
        )


@needs_build
def test_compiled_and_source_modules_read_the_bundled_pages_alike() -> None:
    pages = []
    for path in sorted((FIXTURES / "article_pages").glob("*.html.gz")) + sorted(RAW_SAMPLE.rglob("*.html*")):
        pages += [r for r in read_file(path.parent, path.name) if isinstance(r, Snapshot)]
    source_content, source_features, source_headlines = (source_module(m) for m in COMPILED)
    compared = 0
    for page in pages:
        tree = LexborHTMLParser(page.text)
        if tree.body is None:
            continue
        hidden = boilerplate(tree)
        built, read = content.text_blocks(tree.body, hidden), source_content.text_blocks(tree.body, hidden)
        assert [(b.text, b.link_chars, b.path, b.tag, b.skipped_chars, b.ancestry) for b in built.blocks] == [
            (b.text, b.link_chars, b.path, b.tag, b.skipped_chars, b.ancestry) for b in read.blocks
        ]
        assert (built.running, built.spans) == (read.running, read.spans)
        if built.blocks:
            title_element = tree.css_first("title")
            title = title_element.text() if title_element is not None else None
            assert np.array_equal(block_features.features(built, title), source_features.features(built, title))
        assert headlines.headline_links(tree, page.url, set()) == source_headlines.headline_links(tree, page.url, set())
        compared += 1
    assert compared >= 20  # the fixtures and the bundled sample: the comparison is not vacuous
