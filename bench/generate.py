"""SYNTHETIC snapshots of the Moroccan aggregator, for benchmarks, scale tests and the sample.

    python bench/generate.py OUT_DIR [--snapshots 1000] [--days 7] [--seed 1]
                             [--start 2026-03-16T07:00] [--text-share 0.4] [--gzip-share 0.3]
                             [--broken 0.03] [--stories-per-day 150]

Writes files that look like what a crawler saves from the aggregator (same layout as the real
snapshot in data/raw/aggregator/): HTML pages (some gzipped) and plain-text renderings, each with
a ticker of the 48 latest headlines and one featured article. The stream of stories is fixed by
the seed: tickers evolve over the days with repeats from one snapshot to the next, and the same
article is featured in several snapshots. A few percent of files are broken on purpose (truncated
gzip, empty, binary junk, HTML cut short) like a real crawl.

Every file name starts with `synthetic_` and carries its capture time; OUT_DIR also gets a hidden
`.synthetic-manifest.json` (ignored by ingestion) listing each file's kind and featured story.
Persons are invented; institutions, countries and cities are real. Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vocabulary as V  # sibling module: importable when run as a script or as bench.generate

SITE = "https://www.aggregator.example"
SITE_NAME = "Actualités du Maroc"
TICKER_SIZE = 48
FIRST_STORY = 1_300_000
TOP_SHARE = 0.06  # about nine top stories a day at the default rate
MANIFEST = ".synthetic-manifest.json"
BROKEN_KINDS = ("truncated_gzip", "empty", "binary_junk", "html_cut_short")
# The aggregator mostly republishes French outlets, with some Spanish, English and Arabic items.
LANGUAGE_WEIGHTS = {"fr": 0.88, "es": 0.05, "en": 0.05, "ar": 0.02}
FEMALE_FIRST_NAMES = {"Salma", "Nadia", "Leïla", "Samira", "Zineb", "Imane", "Amina", "Sofia"}


@dataclass(frozen=True, slots=True)
class Story:
    number: int
    arrived: datetime  # when it enters the ticker
    language: str
    section: str
    outlet: str
    published: date
    title: str
    paragraphs: tuple[str, ...]
    related: tuple[int, ...]  # earlier stories teased inside the article
    top: bool  # a top story gets featured as the page's article

    @property
    def url(self) -> str:
        return f"{SITE}/article/{self.number}-{slugify(self.title)}"

    @property
    def source_url(self) -> str:
        return f"https://www.{slugify(self.outlet).replace('-', '')}.example/{self.published:%Y/%m/%d}/{self.number}"


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    name: str
    captured_at: datetime
    kind: str  # html, html_gz, text, or one of BROKEN_KINDS
    story: int | None


_CONTRACTIONS = [
    (re.compile(r"\b([àÀ]) le "), "au "),
    (re.compile(r"\b([àÀ]) les "), "aux "),
    (re.compile(r"\b([dD])e le "), r"\1u "),
    (re.compile(r"\b([dD])e les "), r"\1es "),
    (re.compile(r"\b([dD])e (?=[AEIOUÉÈ])"), r"\1'"),
]


def french(text: str) -> str:
    """Apply the contractions French grammar requires after filling templates (à le -> au ...)."""
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:120] or "article"


def _org_de(org: str) -> str:
    """French 'of' before an organisation's name: de l'Office, du Conseil, de la Banque."""
    first = org.split()[0]
    if first[0] in "AEIOUÉH":
        return f"de l'{org}"
    if first in {"Ministère", "Conseil", "Haut-Commissariat"}:
        return f"du {org[0].lower()}{org[1:]}" if first == "Ministère" else f"du {org}"
    if first in {"Confédération", "Fédération", "Agence", "Organisation", "Union", "Banque"}:
        return f"de la {org}"
    return f"de {org}"


class StoryBook:
    """The fixed stream of stories: story k arrives at a time drawn from the seed."""

    def __init__(self, seed: int, start: datetime, per_day: float) -> None:
        self.seed = seed
        self.start = start
        self.gap = timedelta(days=1) / per_day
        self._stories: list[Story] = []
        self._arrivals: list[datetime] = []

    def arrived_by(self, moment: datetime) -> list[Story]:
        """The latest stories in the stream at `moment`, oldest first: the last day's, and at least
        a full ticker. Arrival times increase with k, so the cut is a binary search."""
        while len(self._stories) < TICKER_SIZE or self._stories[-1].arrived <= moment:
            self._stories.append(self._make(len(self._stories)))
            self._arrivals.append(self._stories[-1].arrived)
        end = bisect_right(self._arrivals, moment)
        if end == 0:
            return self._stories[:TICKER_SIZE]
        start = min(bisect_right(self._arrivals, moment - timedelta(days=1)), max(end - TICKER_SIZE, 0))
        return self._stories[start:end]

    def _make(self, k: int) -> Story:
        rng = random.Random(f"{self.seed}/story/{k}")
        # The first ticker's worth is already on the site when the crawl starts.
        arrived = self.start + (k - TICKER_SIZE) * self.gap + rng.uniform(0, 0.9) * self.gap
        language = rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0]
        section = rng.choice(V.SECTIONS)
        published = arrived.date()
        if rng.random() < 0.05:  # republished older pieces
            published -= timedelta(days=rng.randint(2, 900))
        fill = _filler(rng, section, arrived, language)
        if language == "fr":
            title = french(rng.choice(V.HEADLINES_FR[section]).format(**fill))
            paragraphs = tuple(french(p.format(**fill)) for p in rng.sample(V.PARAGRAPHS_FR, rng.randint(4, 8)))
        else:
            title = rng.choice(V.HEADLINES_OTHER[language]).format(**fill)
            paragraphs = tuple(p.format(**fill) for p in V.PARAGRAPHS_OTHER[language])
        title = title[0].upper() + title[1:]
        related = tuple(sorted({FIRST_STORY + rng.randrange(max(k - 40, 0), k) for _ in range(rng.randint(0, 2)) if k}))
        return Story(
            k + FIRST_STORY,
            arrived,
            language,
            section,
            rng.choice(V.OUTLETS),
            published,
            title,
            paragraphs,
            related,
            rng.random() < TOP_SHARE,
        )

    def story(self, number: int) -> Story:
        return self._stories[number - FIRST_STORY]


def _filler(rng: random.Random, section: str, moment: datetime, language: str) -> dict[str, str]:
    (p1, role1, org1, acr1), (p2, role2, org2, acr2) = rng.sample(V.CAST, 2)
    country = rng.choice(V.COUNTRIES)
    city, city2 = rng.sample(V.CITIES, 2)
    topic = rng.choice(V.TOPICS[section])
    team, team2 = rng.sample(V.TEAMS, 2)
    d1 = rng.randint(1, 25)
    first, last = p1.split()[0], p1.split()[-1]
    title = "Mme" if first in FEMALE_FIRST_NAMES else "M."
    return {
        "person": p1,
        "person_short": f"{title} {last}" if rng.random() < 0.6 else f"{first} {last}",
        "person2": p2,
        "role": role1,
        "role2": role2,
        "org": org1,
        "acr": acr1,
        "acr_or_org": acr1 or org1,
        "org_de": _org_de(org1) + (f" ({acr1})" if acr1 else ""),
        "org2_de": _org_de(org2) + (f" ({acr2})" if acr2 else ""),
        "city": city,
        "city2": city2,
        "city_ar": V.CITIES_AR[city],
        "foreign": rng.choice(V.FOREIGN_CITIES),
        "country": country[("fr", "es", "en", "ar").index(language)],
        "topic": topic,
        "topic_cap": topic[0].upper() + topic[1:],
        "team": team,
        "team2": team2,
        "s1": str(rng.randint(0, 3)),
        "s2": str(rng.randint(0, 3)),
        "n": str(rng.randint(2, 40)),
        "pct": f"{rng.uniform(1, 25):.1f}".replace(".", ","),
        "metric": rng.choice(V.METRICS),
        "month": V.MONTHS_FR[moment.month - 1],
        "year": str(moment.year),
        "weekday": V.WEEKDAYS_FR[moment.weekday()],
        "d1": str(d1),
        "d2": str(d1 + rng.randint(1, 3)),
        "person_ar": "المسؤول " + p1.split()[-1],
    }


# --- rendering: the two layouts a crawler saves ------------------------------------------------

_TICKER_GAP = "\u00a0" * 4
_MODAL = (
    "Merci d'avoir signalé!",
    "Cette image sera automatiquement bloquée après qu'elle soit signalée par plusieurs personnes.",
)
_SOURCE_LINK = "Cliquez ici pour lire l'article depuis sa source."


def _byline_date(day: date) -> str:
    return f"{day:%d} - {day:%m} - {day:%Y}"


def _body_blocks(story: Story, book: StoryBook) -> list[tuple[str, str]]:
    """Paragraphs with the related teasers slotted in after the 4th and the last, as on the site."""
    blocks = [("p", p) for p in story.paragraphs]
    for i, number in enumerate(story.related):
        at = min(4, len(blocks)) if i == 0 else len(blocks)
        blocks.insert(at, ("related", str(number)))
    return blocks


def render_text(ticker: list[Story], story: Story, book: StoryBook) -> str:
    lines = [
        _TICKER_GAP.join(s.title for s in ticker),
        *[""] * 7,
        *_MODAL,
        *[""] * 3,
        story.title,
        f"Publié dans {story.outlet} le {_byline_date(story.published)}",
        "",
    ]
    for kind, value in _body_blocks(story, book):
        if kind == "p":
            lines.append(value)
        else:
            lines += ["", f"* {book.story(int(value)).title}"]
    lines += ["", "", _SOURCE_LINK, ""]
    return "\n".join(lines)


def render_html(ticker: list[Story], story: Story, book: StoryBook) -> str:
    e = escape
    menu = "\n".join(f'          <li><a href="{SITE}/{path}">{e(label)}</a></li>' for path, label in V.MENU)
    items = "\n".join(f'    <li><a href="{s.url}">{e(s.title)}</a></li>' for s in ticker)
    body = []
    for kind, value in _body_blocks(story, book):
        if kind == "p":
            body.append(f"      <p>{e(value)}</p>")
        else:
            teased = book.story(int(value))
            body.append(f'      <ul class="related"><li><a href="{teased.url}">{e(teased.title)}</a></li></ul>')
    paragraphs = "\n".join(body)
    data_layer = json.dumps(
        {"pageType": "article", "articleId": story.number, "journal": story.outlet, "section": story.section},
        ensure_ascii=False,
    )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{e(story.title)} | {SITE_NAME}</title>
  <link rel="canonical" href="{story.url}">
  <meta property="og:type" content="article">
  <meta property="og:site_name" content="{SITE_NAME}">
  <meta property="og:title" content="{e(story.title)}">
  <meta property="og:url" content="{story.url}">
  <link rel="stylesheet" href="{SITE}/static/css/style.css">
  <script>
    window.dataLayer = window.dataLayer || [];
    window.dataLayer.push({data_layer});
  </script>
</head>
<body class="page-article">
  <header class="site-header">
    <div class="container">
      <a class="logo" href="{SITE}/"><img src="{SITE}/logo.png" alt="{SITE_NAME}" width="180" height="40"></a>
      <nav class="main-menu">
        <ul class="menu">
{menu}
        </ul>
      </nav>
    </div>
  </header>
  <div class="breaking-news"><span class="breaking-label">Dernières nouvelles</span><ul id="ticker" class="ticker">
{items}
  </ul></div>
  <div class="modal fade" id="reportModal" tabindex="-1"><div class="modal-dialog"><div class="modal-content">\
<div class="modal-body"><p>{e(_MODAL[0])}</p><p>{e(_MODAL[1])}</p></div></div></div></div>
  <div class="container"><div class="article">
    <h1><span class="articletitle">{e(story.title)}</span></h1>
    <span class="articlenewspaper">Publié dans <a href="{SITE}/journal/{slugify(story.outlet)}">{e(story.outlet)}</a> \
le {_byline_date(story.published)}</span>
    <span class="articlecontent">
{paragraphs}
    </span>
    <a class="sourcelink" href="{story.source_url}" target="_blank" rel="nofollow noopener">{_SOURCE_LINK}</a>
  </div></div>
  <footer class="site-footer">
    <div class="container">
      <p class="copyright">© {story.arrived.year} {SITE_NAME}. Les articles restent la propriété de leurs journaux \
d'origine.</p>
    </div>
  </footer>
</body>
</html>
"""


# --- the crawl ---------------------------------------------------------------------------------


def _featured(rng: random.Random, arrived: list[Story], moment: datetime) -> Story:
    """The article on the page: one of the day's top stories, the newest most often, so each one
    is featured in several snapshots however dense the crawl."""
    top = [s for s in arrived if s.top and s.arrived > moment - timedelta(days=1)] or arrived[-1:]
    return top[-1 - min(int(rng.expovariate(1 / 2)), len(top) - 1)]


def _break(rng: random.Random, kind: str, page: bytes) -> bytes:
    if kind == "truncated_gzip":
        packed = gzip.compress(page, mtime=0)
        return packed[: len(packed) // 2]
    if kind == "empty":
        return b""
    if kind == "binary_junk":
        return rng.randbytes(4096)
    return page[: len(page) // 3]  # html_cut_short: the download stopped inside the ticker


def generate(
    out_dir: Path,
    snapshots: int = 1000,
    *,
    days: float = 7,
    seed: int = 1,
    start: datetime = datetime(2026, 3, 16, 7, 0, tzinfo=UTC),
    text_share: float = 0.4,
    gzip_share: float = 0.3,
    broken: float = 0.03,
    stories_per_day: float = 150,
) -> list[GeneratedFile]:
    """Write `snapshots` files spread evenly over `days` into `out_dir`; returns what was written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    book = StoryBook(seed, start, stories_per_day)
    step = timedelta(days=days) / max(snapshots, 1)
    written: list[GeneratedFile] = []
    for i in range(snapshots):
        rng = random.Random(f"{seed}/snapshot/{i}")
        moment = start + i * step
        arrived = book.arrived_by(moment)
        ticker = arrived[::-1][:TICKER_SIZE]
        story = _featured(rng, arrived, moment)
        stem = f"synthetic_{moment:%Y-%m-%dT%H%M%S}_{i:06d}_aggregator"
        if rng.random() < broken:
            kind = rng.choice(BROKEN_KINDS)
            page = render_html(ticker, story, book).encode()
            name = stem + (".html.gz" if kind == "truncated_gzip" else ".html")
            data = _break(rng, kind, page)
        elif rng.random() < text_share:
            kind, name = "text", stem + ".txt"
            data = render_text(ticker, story, book).encode()
        else:
            page = render_html(ticker, story, book).encode()
            if rng.random() < gzip_share:
                kind, name, data = "html_gz", stem + ".html.gz", gzip.compress(page, mtime=0)
            else:
                kind, name, data = "html", stem + ".html", page
        (out_dir / name).write_bytes(data)
        written.append(GeneratedFile(name, moment, kind, story.number))
    manifest = {
        "seed": seed,
        "snapshots": snapshots,
        "days": days,
        "start": start.isoformat(),
        "files": [
            {"name": f.name, "captured_at": f.captured_at.isoformat(), "kind": f.kind, "story": f.story}
            for f in written
        ],
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--snapshots", type=int, default=1000)
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--start",
        type=lambda v: datetime.fromisoformat(v).replace(tzinfo=UTC),
        default=datetime(2026, 3, 16, 7, 0, tzinfo=UTC),
    )
    parser.add_argument("--text-share", type=float, default=0.4)
    parser.add_argument("--gzip-share", type=float, default=0.3)
    parser.add_argument("--broken", type=float, default=0.03, help="share of deliberately broken files")
    parser.add_argument("--stories-per-day", type=float, default=150)
    args = parser.parse_args(argv)
    if args.snapshots < 1 or args.days <= 0 or not 0 <= args.broken <= 1:
        parser.error("need --snapshots >= 1, --days > 0 and 0 <= --broken <= 1")
    files = generate(
        args.out_dir,
        args.snapshots,
        days=args.days,
        seed=args.seed,
        start=args.start,
        text_share=args.text_share,
        gzip_share=args.gzip_share,
        broken=args.broken,
        stories_per_day=args.stories_per_day,
    )
    kinds: dict[str, int] = {}
    for f in files:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    stories = len({f.story for f in files})
    print(
        f"wrote {len(files)} synthetic snapshots to {args.out_dir} "
        f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}; {stories} distinct featured stories)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
