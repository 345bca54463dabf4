"""Generic article extraction against trafilatura on the real pages of the dev set, in one run.

    PYTHONPATH=. .venv/bin/python bench/extraction.py [--dev-set DIR] [--seconds 5] [--no-timing]

Scores each extractor's body on every page of the article-extraction dev set (shingle F1,
precision, recall and exact-token accuracy, the set's README method, `extract.scoring`), on
the whole set and on its two fixed halves (pages sorted by id: even positions, odd positions),
then times both on the same pages, single process, HTML already decoded in memory:
- ours: `extract.generic.parse` on a fresh Lexbor tree, i.e. body and metadata (title, date,
  authors, site name, canonical URL) and headline links; language identification excluded;
- trafilatura 2.x `bare_extraction(html, with_metadata=True)`, default settings (the peer).
A last timing adds language identification of the article and of every headline link (what the
pipeline runs after extraction), for information. The last line is the summary.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura
from selectolax.lexbor import LexborHTMLParser

from dagster_project.extract import generic, language
from dagster_project.extract.scoring import Summary, score_page, summarise

# `../shared/eval/article-extraction-dev` next to the checkout; worktrees one level deeper also find it.
_REPO = Path(__file__).resolve().parents[1]
DEV_SET = next(
    (p / "shared/eval/article-extraction-dev" for p in (_REPO.parent, _REPO.parent.parent) if (p / "shared").is_dir()),
    _REPO.parent / "shared/eval/article-extraction-dev",
)


TARGET_F1, TARGET_RATIO = 0.970, 5.0


def load(dev_set: Path) -> list[tuple[str, str, str, str]]:
    """(id, url, html, expected body) for every page, sorted by id."""
    truth = json.loads((dev_set / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        html = gzip.decompress((dev_set / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
        pages.append((page_id, truth[page_id].get("url"), html, truth[page_id]["articleBody"]))
    return pages


def ours(html: str, url: str | None) -> str:
    article = generic.parse(html, LexborHTMLParser(html), url).article
    return article.body if article else ""


def ours_with_languages(html: str, url: str | None) -> str:
    content = generic.parse(html, LexborHTMLParser(html), url)
    language.detect_many([h.text for h in content.headlines])
    if content.article:
        language.detect(f"{content.article.title or ''}\n{content.article.body[:2000]}")
        return content.article.body
    return ""


def peer(html: str, url: str | None) -> str:
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    return (doc.as_dict().get("text") if doc is not None else None) or ""


def pages_per_second(fn: Callable[[str, str | None], str], pages: list, seconds: float) -> float:
    for _, url, html, _ in pages[:3]:
        fn(html, url)  # warm-up: imports, caches
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _, url, html, _ in pages:
            fn(html, url)
        n += len(pages)
    return n / elapsed


def line(name: str, s: Summary) -> str:
    scores = f"F1 {s.f1:.3f}  P {s.precision:.3f}  R {s.recall:.3f}  accuracy {s.accuracy:.3f}"
    return f"{name:<28} {scores}  ({s.n_pages} pages)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-set", type=Path, default=DEV_SET, help="folder with html/ and ground-truth.json")
    parser.add_argument("--seconds", type=float, default=5.0, help="minimum time per speed measurement")
    parser.add_argument("--no-timing", action="store_true", help="scores only")
    parser.add_argument("--pages", action="store_true", help="also print each page's F1 for ours")
    args = parser.parse_args()
    pages = load(args.dev_set)
    results: dict[str, Summary] = {}
    for name, fn in (("ours", ours), ("trafilatura", peer)):
        scores = [score_page(fn(html, url), expected) for _, url, html, expected in pages]
        if args.pages and name == "ours":
            for (page_id, *_), s in zip(pages, scores, strict=True):
                print(f"  {page_id[:8]} tp {s.tp:.3f} fp {s.fp:.3f} fn {s.fn:.3f}")
        results[name] = summarise(scores)
        print(line(f"{name}, all", results[name]))
        print(line(f"{name}, even half", summarise(scores[0::2])))
        print(line(f"{name}, odd half", summarise(scores[1::2])))
    summary = f"summary: F1 ours {results['ours'].f1:.3f} vs trafilatura {results['trafilatura'].f1:.3f}"
    if not args.no_timing:
        speed = {
            "ours (no language id)": pages_per_second(ours, pages, args.seconds),
            "trafilatura (peer)": pages_per_second(peer, pages, args.seconds),
            "ours + language id": pages_per_second(ours_with_languages, pages, args.seconds),
        }
        for name, rate in speed.items():
            print(f"{name:<28} {rate:>9,.1f} pages/s")
        ratio = speed["ours (no language id)"] / speed["trafilatura (peer)"]
        summary += (
            f"; {speed['ours (no language id)']:,.0f} vs {speed['trafilatura (peer)']:,.0f} pages/s "
            f"(language id excluded): {ratio:.1f}x"
        )
        met = results["ours"].f1 >= TARGET_F1 and ratio >= TARGET_RATIO
        summary += f"; targets F1 >= {TARGET_F1:.3f} and >= {TARGET_RATIO:.0f}x: {'met' if met else 'not met'}"
    print(summary)


if __name__ == "__main__":
    main()
