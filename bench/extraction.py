"""Generic article extraction against trafilatura on every development suite, out of fold, in one run.

    PYTHONPATH=. OMP_NUM_THREADS=1 .venv/bin/python bench/extraction.py [--eval-dir DIR] [--cache DIR]

Suites (`bench/suites.py`): the 61 article-extraction dev pages, Dragnet, CleanEval and the
trafilatura-eval half, read from `../shared/eval`. Ours is scored out of fold: the pages of each
suite are dealt into 5 folds (`train_block_model.folds`); for each fold a block model is trained on
the other four folds of all suites and extracts that fold's pages, so no reported page trained the
model that extracted it. The peer is trafilatura `bare_extraction(html, url=..., with_metadata=True)`
at default settings. Per suite: F1, P, R (shingle scorer, or snippet scorer for the trafilatura
suite), empty outputs, crashes, title exact match where the suite has titles.

Speed: one pass over all pages of `extract()` as the pipeline calls it (shipped model, language
identification of the article and headlines included) and one of trafilatura, same process, HTML
already decoded. `--cache DIR` keeps trafilatura's outputs between runs (its speed is then not
measured); the reported figures come from a run without it.
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


def run_peer(suites: dict[str, list[Page]], cache: Path | None) -> tuple[dict, dict, float | None]:
    """trafilatura's (text, title) per page, crashes per suite, and pages/s (None when cached)."""
    cached = cache / f"trafilatura-{trafilatura.__version__}.json" if cache else None
    if cached and cached.exists():
        stored = json.loads(cached.read_text(encoding="utf-8"))
        return {s: [tuple(o) for o in stored["outputs"][s]] for s in suites}, stored["crashes"], None
    outputs: dict[str, list[tuple[str, str | None]]] = {}
    crashes: dict[str, int] = {}
    n, start = 0, time.perf_counter()
    for suite, pages in suites.items():
        outputs[suite], crashes[suite] = [], 0
        for page in pages:
            try:
                outputs[suite].append(peer(page))
            except Exception:  # a crash is a figure here, not a stop
                outputs[suite].append(("", None))
                crashes[suite] += 1
            n += 1
    rate = n / (time.perf_counter() - start)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps({"outputs": outputs, "crashes": crashes}), encoding="utf-8")
    return outputs, crashes, rate


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


def extract_rate(pages: list[Page]) -> tuple[float, int]:
    """pages/s of `extract()` with the shipped model and language identification; and its crashes."""
    for page in pages[:3]:
        with contextlib.suppress(ExtractionError):
            extract(page.html, url=page.url)  # warm-up: model, language models
    crashes = 0
    start = time.perf_counter()
    for page in pages:
        try:
            extract(page.html, url=page.url)
        except ExtractionError:
            pass  # no article nor headlines: a verdict, not a crash
        except Exception:
            crashes += 1
    return len(pages) / (time.perf_counter() - start), crashes


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
    peer_out, peer_crashes, peer_rate = run_peer(suites, args.cache)
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
        rate, crashes = extract_rate(every_page)
        line = f"extract() with language id: {rate:,.1f} pages/s over {len(every_page)} pages, {crashes} crashes"
        if peer_rate is not None:
            line += f"; trafilatura {peer_rate:,.1f} pages/s; ratio {rate / peer_rate:.1f}x"
            summary += f"; speed {rate / peer_rate:.1f}x trafilatura"
        print(line)
    print(summary)


if __name__ == "__main__":
    main()
