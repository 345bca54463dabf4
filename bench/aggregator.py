"""Speed of the aggregator's site profile against trafilatura on the same page, in one run.

    python bench/aggregator.py [--seconds 3]

Parses the bundled HTML reconstruction of the aggregator's page (and its plain-text capture)
repeatedly, single process, input already in memory, and prints pages/s for:
- the site profile on the HTML (what the pipeline runs for this site),
- the site profile on the text rendering,
- trafilatura's `bare_extraction` on the same HTML (default settings, the named peer).
Language identification (48 headlines and the body), which the pipeline runs after either
parser, is timed separately: on first sight, and with headlines already seen (tickers repeat).
The last line is the summary.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura
from selectolax.lexbor import LexborHTMLParser

from dagster_project.extract import language, profile_html, profile_text
from dagster_project.extract.profiles import load_profiles

RAW = Path(__file__).resolve().parents[1] / "data" / "raw" / "aggregator"


def rate(fn: Callable[[], object], seconds: float) -> float:
    fn()  # warm-up: imports, caches
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        n += 1
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()
    html = (RAW / "2026-03-14T0900_aggregator-quito.html").read_text(encoding="utf-8")
    text = (RAW / "000_b4627224569639d2.txt").read_text(encoding="utf-8")
    (profile,) = load_profiles()

    def profile_on_html() -> object:
        return profile_html.parse(profile, LexborHTMLParser(html), None)

    def profile_on_text() -> object:
        return profile_text.parse(profile, text)

    def peer() -> object:
        return trafilatura.bare_extraction(html, with_metadata=True)

    content = profile_on_html()

    def languages() -> object:
        return [*language.detect_many([h.text for h in content.headlines]), language.detect(content.article.body)]

    def languages_first_sight() -> object:
        language.clear_cache()
        return languages()

    results = {
        "profile on HTML": rate(profile_on_html, args.seconds),
        "profile on text": rate(profile_on_text, args.seconds),
        "trafilatura (peer)": rate(peer, args.seconds),
        "language id, 49 texts": rate(languages_first_sight, args.seconds),
        "  same, headlines cached": rate(languages, args.seconds),
    }
    for name, pages in results.items():
        print(f"{name:<24} {pages:>9,.0f} pages/s")
    ratio = results["profile on HTML"] / results["trafilatura (peer)"]
    print(
        f"summary: profile {results['profile on HTML']:,.0f} pages/s vs trafilatura "
        f"{results['trafilatura (peer)']:,.0f} pages/s on the same HTML: {ratio:.1f}x"
    )


if __name__ == "__main__":
    main()
