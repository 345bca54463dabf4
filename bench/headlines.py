"""Headlines and page types on the development data, in one run.

    PYTHONPATH=. .venv/bin/python bench/headlines.py [--suites-limit N] [--seconds 5] [--pages]

- Headlines: every hand-labelled page of `bench/labels/frontpages/` (see its README) through
  `extract.extract` (the pipeline's entry, page type decided from the page). A found headline is
  right when its URL (fragment dropped) and its title (white space and case folded) are those of
  a label; precision and recall per page, then their means over the tuning sites and over the
  held-out sites (`split.json`: rules were looked at on the first only). Kickers and ledes are
  scored on the right headlines whose label has one (kicker equal, lede starting with the label's
  first words).
- Page types: every page of `../shared/eval/frontpages-dev/` (the file name says front/section
  or legal), the 61 pages of `article-extraction-dev` and the pages of the three archives of
  `extraction-suites-dev` (read from the archives in memory), which are all expected `article`.
- Speed: pages/s of page type plus extraction (language identification included) on the front
  pages, and of trafilatura's `bare_extraction` on the same pages (the peer), one process.
The last line is the summary.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import tarfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag

from selectolax.lexbor import LexborHTMLParser

from dagster_project.extract import extract, generic
from dagster_project.extract.page_type import classify
from dagster_project.extract.records import ExtractionError

_REPO = Path(__file__).resolve().parents[1]
EVAL = next(
    (p / "shared/eval" for p in (_REPO.parent, _REPO.parent.parent) if (p / "shared/eval").is_dir()),
    _REPO.parent / "shared/eval",
)
LABELS = _REPO / "bench/labels/frontpages"
TARGETS = {"recall": 0.9, "precision": 0.9, "front": 0.98, "article": 0.99}


def norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def read_page(path: Path) -> str:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", "replace")


def score_labelled(pages_dir: Path) -> dict[str, list[dict]]:
    split = json.loads((LABELS / "split.json").read_text(encoding="utf-8"))
    fold_of = {site: fold for fold, sites in split.items() for site in sites}
    results: dict[str, list[dict]] = defaultdict(list)
    for label_file in sorted(LABELS.glob("*.json")):
        if label_file.name == "split.json":
            continue
        label = json.loads(label_file.read_text(encoding="utf-8"))
        content = extract(read_page(pages_dir / label["page"]), "text/html", None)
        gold = {urldefrag(h["url"]).url: h for h in label["headlines"]}
        found = content.headlines
        right = [h for h in found if h.url in gold and norm(h.text) == norm(gold[h.url]["title"])]
        kicker = [(h, gold[h.url]) for h in right if gold[h.url].get("kicker")]
        lede = [(h, gold[h.url]) for h in right if gold[h.url].get("lede_start")]
        results[fold_of[label["site"]]].append(
            {
                "page": label["page"],
                "page_type": content.page_type,
                "precision": len(right) / len(found) if found else 0.0,
                "recall": len(right) / len(gold) if gold else 1.0,
                "n_found": len(found),
                "n_gold": len(gold),
                "kicker": (sum(norm(h.kicker) == norm(g["kicker"]) for h, g in kicker), len(kicker)),
                "lede": (sum(norm(h.lede).startswith(norm(g["lede_start"])) for h, g in lede), len(lede)),
                "missed": [g["title"] for u, g in gold.items() if not any(h.url == u and h in right for h in found)],
                "wrong": [h.text for h in found if h not in right],
            }
        )
    return results


def expected_type(name: str) -> str:
    return "other" if re.search(r"_(impressum|datenschutz)_", name) else "front"


def suite_pages(limit: int | None) -> Iterator[tuple[str, str, str | None]]:
    """(suite, html, url) of every article-suite page."""
    dev = EVAL / "article-extraction-dev"
    truth = json.loads((dev / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        yield "article-extraction-dev", read_page(dev / "html" / f"{page_id}.html.gz"), truth[page_id].get("url")
    for archive, pattern in (
        ("dragnet.tar.gz", r"dragnet/input/[^/]+\.html?$"),
        ("cleaneval.tar.gz", r"cleaneval/(dev|final)/input/[^/]+$"),
        ("trafilatura-eval.tar.gz", r"trafilatura-eval/pages/[^/]+$"),
    ):
        n = 0
        with tarfile.open(EVAL / "extraction-suites-dev" / archive) as tar:
            for member in tar:
                if not (member.isfile() and re.search(pattern, member.name)):
                    continue
                data = tar.extractfile(member).read()
                if member.name.endswith(".gz"):
                    data = gzip.decompress(data)
                text = data.decode("utf-8", "replace")
                # CleanEval inputs may open with the data set's own `<text id=...>` line: not page content.
                text = re.sub(r"^\s*<text [^>]*>\s*", "", text)
                yield archive.split(".")[0], text, None
                n += 1
                if limit and n >= limit:
                    break


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites-limit", type=int, default=None, help="pages per suite archive (default all)")
    parser.add_argument("--seconds", type=float, default=5.0, help="minimum time per speed measurement")
    parser.add_argument("--pages", action="store_true", help="print each labelled page's misses and extras")
    args = parser.parse_args()
    pages_dir = EVAL / "frontpages-dev/pages"

    results = score_labelled(pages_dir)
    means = {}
    for fold in ("tune", "held_out"):
        rows = results.get(fold, [])
        for r in rows:
            k, l_ = r["kicker"], r["lede"]
            print(
                f"{fold:<9} {r['page'][:44]:<44} P {r['precision']:.3f} R {r['recall']:.3f} "
                f"({r['n_found']} found, {r['n_gold']} labelled) kicker {k[0]}/{k[1]} lede {l_[0]}/{l_[1]} "
                f"type {r['page_type']}"
            )
            if args.pages:
                print("   missed:", r["missed"][:10])
                print("   wrong: ", r["wrong"][:10])
        p = sum(r["precision"] for r in rows) / len(rows)
        rc = sum(r["recall"] for r in rows) / len(rows)
        kick = [sum(r["kicker"][i] for r in rows) for i in (0, 1)]
        lede = [sum(r["lede"][i] for r in rows) for i in (0, 1)]
        means[fold] = (p, rc)
        print(
            f"{fold}: mean precision {p:.3f}, mean recall {rc:.3f} over {len(rows)} pages; "
            f"kickers {kick[0]}/{kick[1]}, ledes {lede[0]}/{lede[1]}"
        )

    typed: Counter = Counter()
    wrong_types = []
    for path in sorted(pages_dir.iterdir()):
        got = classify(read_page(path), "text/html", None)
        want = expected_type(path.name)
        typed[(want, got.kind == want)] += 1
        if got.kind != want:
            wrong_types.append(f"{path.name}: {got.kind} ({got.reason})")
    suites: Counter = Counter()
    lost = 0  # pages not typed article whose body generic extraction would have given
    for suite, html, url in suite_pages(args.suites_limit):
        got = classify(html, "text/html", url)
        suites[(suite, got.kind)] += 1
        if got.kind != "article" and generic.parse(html, LexborHTMLParser(html), url).article is not None:
            lost += 1
    for line in wrong_types:
        print("  mistyped:", line)
    front_share = typed[("front", True)] / (typed[("front", True)] + typed[("front", False)])
    other_share = typed[("other", True)] / (typed[("other", True)] + typed[("other", False)])
    print(f"front/section pages typed front: {front_share:.3f}; legal pages typed other: {other_share:.3f}")
    article_n = sum(n for (_, kind), n in suites.items() if kind == "article")
    total = sum(suites.values())
    for suite in sorted({s for s, _ in suites}):
        counts = {k: n for (s, k), n in suites.items() if s == suite}
        print(f"  {suite}: {counts}")
    print(f"article-suite pages typed article: {article_n}/{total} = {article_n / total:.4f}")
    print(f"article-suite pages not typed article that generic extraction gives an article body: {lost}")

    htmls = [read_page(p) for p in sorted(pages_dir.iterdir())]
    import trafilatura

    def ours(html: str) -> None:
        with contextlib.suppress(ExtractionError):
            extract(html, "text/html", None)

    def peer(html: str) -> None:
        trafilatura.bare_extraction(html, with_metadata=True)

    speed = {}
    for name, fn in (("ours (type + extraction + language id)", ours), ("trafilatura (peer)", peer)):
        fn(htmls[0])
        n, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < args.seconds:
            for html in htmls:
                fn(html)
            n += len(htmls)
        speed[name] = n / elapsed
        print(f"{name:<40} {speed[name]:,.1f} pages/s")
    ratio = speed["ours (type + extraction + language id)"] / speed["trafilatura (peer)"]
    held_p, held_r = means["held_out"]
    met = (
        held_p >= TARGETS["precision"]
        and held_r >= TARGETS["recall"]
        and front_share >= TARGETS["front"]
        and article_n / total >= TARGETS["article"]
        and other_share == 1.0
    )
    print(
        f"summary: held-out P {held_p:.3f} R {held_r:.3f}; tuning P {means['tune'][0]:.3f} R {means['tune'][1]:.3f}; "
        f"front typed front {front_share:.3f}; legal typed other {other_share:.3f}; suites typed article "
        f"{article_n / total:.4f}; speed {ratio:.2f}x trafilatura; targets {'met' if met else 'not met'}"
    )


if __name__ == "__main__":
    main()
