"""Generic article extraction against trafilatura on every development suite, out of fold, in one run.

    PYTHONPATH=. OMP_NUM_THREADS=1 .venv/bin/python bench/extraction.py [--eval-dir DIR] [--cache DIR]

Suites (`bench/suites.py`): the 61 article-extraction dev pages, Dragnet, CleanEval and the
trafilatura-eval half, read from `../shared/eval`. Ours is scored out of fold: the pages of each
suite are dealt into 5 folds (`train_block_model.folds`); for each fold a block model is trained on
the other four folds of all suites and extracts that fold's pages, so no reported page trained the
model that extracted it. The peer is trafilatura `bare_extraction(html, url=..., with_metadata=True)`
at default settings. Per suite: F1, P, R (shingle scorer, or snippet scorer for the trafilatura
suite), empty outputs, crashes, title exact match where the suite has titles.

Speed: `extract()` as the pipeline calls it (in a process set up as its extraction workers are;
shipped model, page type, language identification of the article and headlines included) and
trafilatura over all pages, same process, HTML already decoded, timed in alternating blocks of 50
pages so that the machine's load weighs on both alike; wall-clock and CPU-time ratios, with the
load average at the start of each pass. `--rounds N` repeats the speed pass; `--speed-only` skips
the scores. `--cache DIR` keeps trafilatura's outputs between runs (the speed pass still runs both).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import time
from pathlib import Path

import trafilatura
from selectolax.lexbor import LexborHTMLParser

from bench.suites import EVAL, SUITES, Page, Score, load_all, score_suite
from bench.train_block_model import K, collect, folds, train
from dagster_project.extract import ExtractionError, extract, generic, language
from dagster_project.extract.warm import start_worker

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


def speed(pages: list[Page], block: int = 50) -> tuple[float, float, float, float, int]:
    """pages/s of `extract()` (shipped model, page type, language identification) and of trafilatura,
    timed in alternating blocks of the same pages so that a change in the machine's load weighs on
    both alike: wall-clock rates, CPU-time rates of this process, and our crashes. The process is
    first set up as the pipeline's extraction workers are (`warm.start_worker`: language models and
    block model loaded, one lingua thread)."""
    start_worker()
    # Every pass reads each page once: no language answer is left over from an earlier pass.
    language.clear_cache()
    for page in pages[:3]:
        with contextlib.suppress(ExtractionError):
            extract(page.html, url=page.url)
        with contextlib.suppress(Exception):
            peer(page)
    crashes = 0
    wall = {"ours": 0.0, "peer": 0.0}
    cpu = {"ours": 0.0, "peer": 0.0}
    for i in range(0, len(pages), block):
        chunk = pages[i : i + block]
        start, start_cpu = time.perf_counter(), time.process_time()
        for page in chunk:
            try:
                extract(page.html, url=page.url)
            except ExtractionError:
                pass  # no article nor headlines: a verdict, not a crash
            except Exception:
                crashes += 1
        wall["ours"] += time.perf_counter() - start
        cpu["ours"] += time.process_time() - start_cpu
        start, start_cpu = time.perf_counter(), time.process_time()
        for page in chunk:
            with contextlib.suppress(Exception):  # its crashes are counted in the scoring pass
                peer(page)
        wall["peer"] += time.perf_counter() - start
        cpu["peer"] += time.process_time() - start_cpu
    n = len(pages)
    return n / wall["ours"], n / wall["peer"], n / cpu["ours"], n / cpu["peer"], crashes


def report_speed(pages: list[Page], rounds: int) -> str:
    ratios = []
    for r in range(rounds):
        load = os.getloadavg()[0]
        rate, peer_rate, cpu_rate, peer_cpu_rate, crashes = speed(pages)
        ratios.append((rate / peer_rate, cpu_rate / peer_cpu_rate))
        print(
            f"speed round {r + 1}/{rounds} (load average {load:.1f} on {os.cpu_count()} cores): extract() with "
            f"page type and language id {rate:,.1f} pages/s over {len(pages)} pages, {crashes} crashes; "
            f"trafilatura {peer_rate:,.1f} pages/s (alternating blocks): ratio {rate / peer_rate:.2f}x wall; "
            f"CPU time {cpu_rate:,.1f} against {peer_cpu_rate:,.1f} pages per CPU-second, "
            f"ratio {cpu_rate / peer_cpu_rate:.2f}x",
            flush=True,
        )
    # The true median: with an even number of rounds, the mean of the middle two, not the higher one.
    wall, cpu = (statistics.median(v) for v in zip(*ratios, strict=True))
    return f"speed {wall:.2f}x trafilatura wall, {cpu:.2f}x CPU (median of {rounds})"


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
    parser.add_argument("--rounds", type=int, default=1, help="speed passes over all pages (the median is summed up)")
    parser.add_argument("--speed-only", action="store_true", help="the speed passes only, no scores")
    args = parser.parse_args()
    suites = load_all(args.eval_dir)
    if args.limit:
        suites = {suite: pages[: args.limit] for suite, pages in suites.items()}
    if args.speed_only:
        print(report_speed([p for s in SUITES for p in suites[s]], args.rounds))
        return
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
        summary += "; " + report_speed([p for s in SUITES for p in suites[s]], args.rounds)
    print(summary)


if __name__ == "__main__":
    main()
