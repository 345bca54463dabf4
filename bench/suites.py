"""The article-extraction development suites, read from `../shared/eval` at run time, and their scorers.

Suites (see each folder's README): `article-dev` (61 real news pages, `article-extraction-dev/`),
and from `extraction-suites-dev/`'s archives, read without unpacking: `dragnet` (1,381 pages, gold cut
before the readers' comments), `cleaneval` (58 dev + 740 final, `<p>`/`<h>`/`<l>` markers and the
leading `URL:` line removed from the gold) and `trafilatura` (439 pages with must/must-not snippets
and titles). Pages are decoded once here so that every extractor gets the same text.
"""

from __future__ import annotations

import gzip
import json
import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from dagster_project.extract.scoring import score_page, summarise

_REPO = Path(__file__).resolve().parents[1]
# `../shared/eval` next to the checkout; worktrees one level deeper also find it.
EVAL = next(
    (p / "shared/eval" for p in (_REPO.parent, _REPO.parent.parent) if (p / "shared/eval").is_dir()),
    _REPO.parent / "shared/eval",
)
SUITES = ("article-dev", "dragnet", "cleaneval", "trafilatura")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_CLEANEVAL_MARK = re.compile(r"^\s*<[phl]>", re.M)
_COMMENTS = "!@#$%^&*()  COMMENTS"
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class Page:
    suite: str
    id: str
    url: str | None
    html: str
    gold: str = ""  # the main text, where the suite has one
    with_: list[str] = field(default_factory=list)  # snippets that must be found (trafilatura suite)
    without: list[str] = field(default_factory=list)  # snippets that must not
    title: str | None = None


def decode(raw: bytes) -> str:
    """UTF-8 when it is; else the charset the page declares; else charset-normalizer's best guess."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(raw[:4000])
    if declared:
        try:
            return raw.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    best = from_bytes(raw).best()
    return str(best) if best is not None else raw.decode("utf-8", errors="replace")


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def load_article_dev(root: Path) -> list[Page]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(
            "article-dev",
            page_id,
            truth[page_id].get("url"),
            gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8"),
            gold=truth[page_id]["articleBody"],
        )
        for page_id in sorted(truth)
    ]


def load_dragnet(archive: Path) -> list[Page]:
    files = _members(archive)
    pages = []
    for name in sorted(files):
        match = re.fullmatch(r"dragnet/input/(.+)\.html", name)
        if not match:
            continue
        gold = decode(files[f"dragnet/GoldStandard/{match.group(1)}.txt"]).split(_COMMENTS)[0]
        pages.append(Page("dragnet", match.group(1), None, decode(files[name]), gold=gold))
    return pages


def load_cleaneval(archive: Path) -> list[Page]:
    files = _members(archive)
    pages = []
    for name in sorted(files):
        match = re.fullmatch(r"cleaneval/(dev|final)/input/(.+)\.html", name)
        if not match:
            continue
        split, page_id = match.groups()
        raw_gold = files.get(f"cleaneval/{split}/GoldStandard/{page_id}.txt")
        if raw_gold is None:
            continue  # 59 of the final pages come without a gold text: nothing to score them against
        gold = decode(raw_gold)
        lines = gold.splitlines()
        if lines and lines[0].startswith("URL:"):
            lines = lines[1:]
        gold = _CLEANEVAL_MARK.sub(" ", "\n".join(lines))
        html = decode(files[name])
        url = re.match(r'\s*<text id="([^"]*)"', html)
        pages.append(Page("cleaneval", f"{split}/{page_id}", url.group(1) if url else None, html, gold=gold))
    return pages


def load_trafilatura(archive: Path) -> list[Page]:
    files = _members(archive)
    data = json.loads(files["trafilatura-eval/evaldata-dev.json"])
    pages = []
    for url in sorted(data):
        item = data[url]
        raw = files.get(f"trafilatura-eval/pages/{item['file']}")
        if raw is None:
            continue
        pages.append(
            Page(
                "trafilatura",
                item["file"],
                url,
                decode(raw),
                with_=list(item.get("with") or []),
                without=list(item.get("without") or []),
                title=item.get("title") or None,
            )
        )
    return pages


def load_all(eval_dir: Path = EVAL) -> dict[str, list[Page]]:
    suites = eval_dir / "extraction-suites-dev"
    return {
        "article-dev": load_article_dev(eval_dir / "article-extraction-dev"),
        "dragnet": load_dragnet(suites / "dragnet.tar.gz"),
        "cleaneval": load_cleaneval(suites / "cleaneval.tar.gz"),
        "trafilatura": load_trafilatura(suites / "trafilatura-eval.tar.gz"),
    }


@dataclass(frozen=True, slots=True)
class Score:
    f1: float
    precision: float
    recall: float
    n_pages: int


def score_suite(pages: list[Page], outputs: list[str]) -> Score:
    """Shingle F1 (mean P and R over pages) or, for the snippet suite, snippet F1 over all snippets."""
    if pages and pages[0].suite == "trafilatura":
        tp = fp = fn = 0
        for page, text in zip(pages, outputs, strict=True):
            flat = _SPACES.sub(" ", text or "")
            for snippet in page.with_:
                if _SPACES.sub(" ", snippet).strip() in flat:
                    tp += 1
                else:
                    fn += 1
            fp += sum(_SPACES.sub(" ", s).strip() in flat for s in page.without)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return Score(f1, precision, recall, len(pages))
    s = summarise(score_page(text or "", page.gold) for page, text in zip(pages, outputs, strict=True))
    return Score(s.f1, s.precision, s.recall, s.n_pages)
