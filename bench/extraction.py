"""Generic article extraction against trafilatura on every development suite, out of fold, in one run.

    PYTHONPATH=. OMP_NUM_THREADS=1 .venv/bin/python bench/extraction.py [--eval-dir DIR] [--cache DIR]

Suites (`bench/suites.py`): the 61 article-extraction dev pages, Dragnet, CleanEval and the
trafilatura-eval half, read from `../shared/eval`. Ours is scored out of fold: the pages of each
suite are dealt into 5 folds (`train_block_model.folds`); for each fold a block model is trained on
the other four folds of all suites and extracts that fold's pages, so no reported page trained the
model that extracted it. The peer is trafilatura `bare_extraction(html, url=..., with_metadata=True)`
at default settings. Per suite: F1, P, R (shingle scorer, or snippet scorer for the trafilatura
suite), empty outputs, crashes, title exact match where the suite has titles.

Speed: `extract()` as the pipeline calls it (shipped model, page type, language identification of
the article and headlines included) and trafilatura over all pages, same process, HTML already
decoded, timed in alternating blocks of 50 pages so that the machine's load weighs on both alike.
`--cache DIR` keeps trafilatura's outputs between runs (the speed pass still runs both).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import time
from pathlib import Path

import trafilatura
from selectolax.lexbor import LexborHTMLParser

from bench.suites import EVAL, SUITES, Page, Score, load_all, score_suite
from bench.train_block_model import K, collect, folds, train
from dagster_project.extract import ExtractionError, extract, generic

_SPACES = re.compile(r"\s+")


def ours(page: Page, model: object) -> tuple[str, str | None]:
    article = generic.parse(page.html, LexborHTMLParser(page.html), page.url, model).article
    return (article.body, article.title) if article else ("", None)


def peer(page: Page) -> tuple[str, str | None]:
    doc = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
    if doc is None:
        return "", None
    values = doc.as_dict()
    return values.get("text") or "", values.get("title")


def _same_title(found: str | None, expected: str | None) -> bool:
    return bool(found) and _SPACES.sub(" ", found).strip() == _SPACES.sub(" ", expected or "").strip()


def run_peer(suites: dict[str, list[Page]], cache: Path | None) -> tuple[dict, dict]:
    """trafilatura's (text, title) per page, and its crashes per suite."""
    cached = cache / f"trafilatura-{trafilatura.__version__}.json" if cache else None
    if cached and cached.exists():
        stored = json.loads(cached.read_text(encoding="utf-8"))
        return {s: [tuple(o) for o in stored["outputs"][s]] for s in suites}, stored["crashes"]
    outputs: dict[str, list[tuple[str, str | None]]] = {}
    crashes: dict[str, int] = {}
    for suite, pages in suites.items():
        outputs[suite], crashes[suite] = [], 0
        for page in pages:
            try:
                outputs[suite].append(peer(page))
            except Exception:  # a crash is a figure here, not a stop
                outputs[suite].append(("", None))
                crashes[suite] += 1
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps({"outputs": outputs, "crashes": crashes}), encoding="utf-8")
    return outputs, crashes


def run_ours_out_of_fold(suites: dict[str, list[Page]]) -> tuple[dict, dict]:
    fold_of = folds(suites)
    data = {suite: collect(pages) for suite, pages in suites.items()}
    outputs = {suite: [("", None)] * len(pages) for suite, pages in suites.items()}
    crashes = dict.fromkeys(suites, 0)
    for k in range(K):
        model = train(
            [d for suite, pages in suites.items() for p, d in zip(pages, data[suite], strict=True)
             if fold_of[suite, p.id] != k]
        )  # fmt: skip
        for suite, pages in suites.items():
            for i, page in enumerate(pages):
                if fold_of[suite, page.id] != k:
                    continue
                try:
                    outputs[suite][i] = ours(page, model)
                except Exception:
                    crashes[suite] += 1
        print(f"  fold {k + 1}/{K} done", flush=True)
    return outputs, crashes


def speed(pages: list[Page], block: int = 50) -> tuple[float, float, int]:
    """pages/s of `extract()` (shipped model, page type, language identification) and of trafilatura,
    timed in alternating blocks of the same pages so that a change in the machine's load weighs on
    both alike; and our crashes."""
    for page in pages[:3]:
        with contextlib.suppress(ExtractionError):
            extract(page.html, url=page.url)  # warm-up: model, language models
    crashes, ours_s, peer_s = 0, 0.0, 0.0
    for i in range(0, len(pages), block):
        chunk = pages[i : i + block]
        start = time.perf_counter()
        for page in chunk:
            try:
                extract(page.html, url=page.url)
            except ExtractionError:
                pass  # no article nor headlines: a verdict, not a crash
            except Exception:
                crashes += 1
        ours_s += time.perf_counter() - start
        start = time.perf_counter()
        for page in chunk:
            with contextlib.suppress(Exception):  # its crashes are counted in the scoring pass
                peer(page)
        peer_s += time.perf_counter() - start
    return len(pages) / ours_s, len(pages) / peer_s, crashes


def _line(name: str, score: Score, outputs: list, crashes: int, titles: str) -> str:
    empty = sum(not text.strip() for text, _ in outputs)
    return (
        f"  {name:<12} F1 {score.f1:.4f}  P {score.precision:.4f}  R {score.recall:.4f}  "
        f"empty {empty:>3}  crashes {crashes}{titles}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=EVAL, help="folder holding the development suites")
    parser.add_argument("--cache", type=Path, help="keep trafilatura's outputs here between runs")
    parser.add_argument("--no-timing", action="store_true", help="scores only")
    parser.add_argument("--limit", type=int, help="only the first N pages of each suite (a quick check)")
    args = parser.parse_args()
    suites = load_all(args.eval_dir)
    if args.limit:
        suites = {suite: pages[: args.limit] for suite, pages in suites.items()}
    print("pages: " + ", ".join(f"{s} {len(suites[s])}" for s in SUITES), flush=True)
    peer_out, peer_crashes = run_peer(suites, args.cache)
    print("trafilatura done; ours out of fold:", flush=True)
    our_out, our_crashes = run_ours_out_of_fold(suites)
    f1 = {"ours": [], "trafilatura": []}
    for suite in SUITES:
        pages = suites[suite]
        print(f"{suite} ({len(pages)} pages)")
        for name, outputs, crashes in (
            ("ours", our_out[suite], our_crashes[suite]),
            ("trafilatura", peer_out[suite], peer_crashes[suite]),
        ):
            score = score_suite(pages, [text for text, _ in outputs])
            f1[name].append(score.f1)
            with_title = [(p, t) for p, (_, t) in zip(pages, outputs, strict=True) if p.title]
            titles = (
                f"  titles {sum(_same_title(t, p.title) for p, t in with_title)}/{len(with_title)} exact"
                if with_title
                else ""
            )
            print(_line(name, score, outputs, crashes, titles))
    for suite in SUITES:
        for page, (ours_text, _), (peer_text, _) in zip(suites[suite], our_out[suite], peer_out[suite], strict=True):
            has_gold = bool(page.gold.strip()) or bool(page.with_)
            if not ours_text.strip() and has_gold and peer_text.strip():
                print(f"  empty where gold and trafilatura are not: {suite} {page.id}")
    mean_ours, mean_peer = (sum(v) / len(v) for v in (f1["ours"], f1["trafilatura"]))
    summary = f"summary: mean F1 over suites ours {mean_ours:.4f} vs trafilatura {mean_peer:.4f} (ours out of fold)"
    if not args.no_timing:
        every_page = [p for s in SUITES for p in suites[s]]
        rate, peer_rate, crashes = speed(every_page)
        print(
            f"extract() with page type and language id: {rate:,.1f} pages/s over {len(every_page)} pages, "
            f"{crashes} crashes; trafilatura {peer_rate:,.1f} pages/s (alternating blocks); "
            f"ratio {rate / peer_rate:.1f}x"
        )
        summary += f"; speed {rate / peer_rate:.1f}x trafilatura"
    print(summary)


if __name__ == "__main__":
    main()
