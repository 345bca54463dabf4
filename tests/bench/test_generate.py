"""The synthetic crawl generator: deterministic, in the aggregator's layout, parsed by its profile."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dagster_project.extract.dispatch import extract
from dagster_project.ingest.readers import read_file
from dagster_project.ingest.records import Snapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import itertools

import generate


def _written(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    generate.generate(tmp_path / "a", 40, days=2, seed=7)
    generate.generate(tmp_path / "b", 40, days=2, seed=7)
    generate.generate(tmp_path / "c", 40, days=2, seed=8)
    assert _written(tmp_path / "a") == _written(tmp_path / "b")
    assert _written(tmp_path / "a") != _written(tmp_path / "c")


def test_snapshots_parse_with_the_aggregator_profile(tmp_path: Path) -> None:
    files = generate.generate(tmp_path, 60, days=3, seed=3, broken=0.1, stories_per_day=40)
    manifest = json.loads((tmp_path / generate.MANIFEST).read_text(encoding="utf-8"))
    assert [f["name"] for f in manifest["files"]] == [f.name for f in files]
    assert all(f.name.startswith("synthetic_") for f in files)

    titles: dict[int, set[str]] = {}
    tickers: list[list[str]] = []
    for f in files:
        if f.kind in generate.BROKEN_KINDS:
            continue
        [result] = read_file(tmp_path, f.name)
        assert isinstance(result, Snapshot), f.name
        # capture time comes from the file name
        assert result.captured_at == f.captured_at
        page = extract(result.text, result.media_type, result.url)
        assert page.extractor == "profile:ma_aggregator"
        assert page.article is not None and len(page.article.paragraphs) >= 3
        assert len(page.headlines) == generate.TICKER_SIZE
        titles.setdefault(f.story, set()).add(page.article.title)
        tickers.append([h.text for h in page.headlines])

    assert {f.kind for f in files} >= {"html", "text"}
    assert any(f.kind in generate.BROKEN_KINDS for f in files)
    # one featured story has one title whatever the rendering, and top stories repeat
    assert all(len(t) == 1 for t in titles.values())
    assert len(titles) < len(tickers)
    # tickers evolve but overlap from one snapshot to the next
    overlaps = [len(set(a) & set(b)) for a, b in itertools.pairwise(tickers)]
    assert min(overlaps) > 0 and max(overlaps) < generate.TICKER_SIZE
