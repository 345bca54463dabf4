"""What kind of page a snapshot is: one article, a front (or section) page listing stories, or other.

Decided from the page itself, each piece of evidence adding to a score for "front":
- URL shape (page's canonical URL, else where it was captured): the site root or a short section
  path (`/politik/`) points to a front page; a story slug (`/a-long-hyphenated-title-123.html`,
  `/2024/05/01/…`) to an article;
- declared types: JSON-LD `NewsArticle`/`Article`/`BlogPosting` for an article, `CollectionPage`,
  `ItemList`, `SearchResultsPage` for a listing; `og:type` `article` or `website`;
- structure: how many teasers the page lists (`generic.headlines`) against how many words of
  article text its main content holds (`generic.content`): a front page is teasers with little
  running text; an article page is running text with some links around it.
A page is `other` when its address or title says it is a legal, contact, login, search or error
page, or when it holds neither article text nor teasers. Pages of a site profile are articles
when the profile finds its article block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from dagster_project.extract import profile_html, profile_text
from dagster_project.extract.generic import HIDDEN_HOLDERS as _HIDDEN_HOLDERS
from dagster_project.extract.generic import reveal_hidden
from dagster_project.extract.generic.cleaning import boilerplate
from dagster_project.extract.generic.content import PageText, main_paragraphs, text_blocks
from dagster_project.extract.generic.headlines import headline_links
from dagster_project.extract.generic.metadata import Metadata, read_metadata
from dagster_project.extract.html_links import is_web_url
from dagster_project.extract.profiles import Profile, load_profiles
from dagster_project.extract.records import Headline

ARTICLE, FRONT, OTHER = "article", "front", "other"
PAGE_TYPES = (ARTICLE, FRONT, OTHER)

# First word of the address of a page that is not news: legal notices, privacy, terms, contact,
# accounts, search (in the collection's languages and their neighbours').
_SERVICE_WORDS = re.compile(
    r"^(impressum|imprint|datenschutz|privacy|terms|agb|nutzungsbedingung|cookie|kontakt|contact|login|"
    r"signin|sign-in|anmeld|registrier|register|search|suche|recherche|legal|disclaimer|mentions|"
    r"confidentialit|aviso|politica-de-privacidad)",
    re.I,
)
_ERROR_TITLE = re.compile(r"\b404\b|not found|nicht gefunden|introuvable|no encontrad", re.I)
_ARTICLE_TYPES = re.compile(r"article|posting|report", re.I)
_LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage"})
_DATE_PATH = re.compile(r"/(19|20)\d\d/[01]?\d/")
_WORD = re.compile(r"[^\W\d_]{2,}")
_MIN_TEASERS = 8
_TOKEN = re.compile(r"\w+")
_START = 16


def _words(text: str) -> str:
    """The text's words, case folded: a teaser line compared whatever its punctuation."""
    return " ".join(_TOKEN.findall(text.casefold()))


def _is_teaser_line(text: str, lines: set[str], starts: set[str]) -> bool:
    """Whether `_words(text)` is one of `lines`, whose first `_START` characters are `starts`."""
    # The words of the text's first characters begin its words (case folding and word characters
    # go character by character): a long paragraph is told apart from the teaser lines by its start.
    start = _words(text[: 4 * _START])
    if len(start) >= _START and start[:_START] not in starts:
        return False
    return _words(text) in lines


@dataclass(frozen=True, slots=True)
class PageType:
    kind: str  # one of PAGE_TYPES
    reason: str


def classify(text: str, media_type: str, url: str | None, profiles: tuple[Profile, ...] | None = None) -> PageType:
    """The page type of one decoded page (parses it afresh; the caller's tree is left alone)."""
    profiles = load_profiles() if profiles is None else profiles
    if media_type == "text/plain":
        return _classify_text(text, profiles)
    if media_type != "text/html":
        return PageType(OTHER, f"not a web page ({media_type})")
    tree = LexborHTMLParser(text)
    for profile in profiles:
        if profile_html.matches(profile, tree):
            kind = profile_type(profile, tree)
            if kind is not None:
                return kind
    return classify_html(tree, url, text)


def profile_type(profile: Profile, tree: LexborHTMLParser) -> PageType | None:
    """The type of a page that `profile` reads: an article when its article block is there."""
    if profile.html is None:
        return None
    if tree.css_first(profile.html.content) is not None:
        return PageType(ARTICLE, f"site profile {profile.name}: article block found")
    return PageType(FRONT, f"site profile {profile.name}: no article block")


def _classify_text(text: str, profiles: tuple[Profile, ...]) -> PageType:
    for profile in profiles:
        if profile_text.matches(profile, text):
            return PageType(ARTICLE, f"site profile {profile.name}: byline found")
    return PageType(OTHER, "plain text that no site profile reads")


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What the page says of itself."""

    url: str | None
    service: str | None  # why it is a legal, account, search or error page; None when it is not
    ld_types: tuple[str, ...]
    og_type: str
    # Running text anywhere on the page: an article the main-content choice missed (or that sits
    # in a page-wide form or side box) still counts.
    prose_blocks: tuple[str, ...]


def read_signals(
    tree: LexborHTMLParser,
    capture_url: str | None,
    running: Sequence[str],
    meta: Metadata,
    *,
    not_service: bool = False,
) -> PageSignals:
    """The page's own evidence; `running` is its running text (`content.PageText.running`) and
    `meta` what it declares (`generic.metadata.read_metadata`). `not_service`: the caller has
    found `service_reason` None for this page (with the same `meta`), which is not asked again."""
    url = _own_url(capture_url, meta)
    return PageSignals(
        url=url,
        service=None if not_service else _service_page(tree, url),
        ld_types=meta.ld_types,
        og_type=meta.og_type,
        prose_blocks=tuple(running),
    )


def service_reason(tree: LexborHTMLParser, capture_url: str | None, meta: Metadata) -> str | None:
    """Why the page is a legal, contact, account, search or error page; None when it is not. Told
    by its address and title alone: such a page is typed `other` before anything else is read."""
    return _service_page(tree, _own_url(capture_url, meta))


def _own_url(capture_url: str | None, meta: Metadata) -> str | None:
    """The page's canonical address, else where it was captured (`html_links.page_url`)."""
    return meta.canonical_url or (capture_url if is_web_url(capture_url) else None)


def classify_html(tree: LexborHTMLParser, capture_url: str | None, html: str | None = None) -> PageType:
    """The page type of a parsed HTML page (`html`, its source, when at hand)."""
    meta = read_metadata(tree, capture_url)
    service = service_reason(tree, capture_url, meta)
    if service:
        return PageType(OTHER, service)
    page = text_blocks(tree.body, boilerplate(tree)) if tree.body else PageText([], [])
    signals = read_signals(tree, capture_url, page.running, meta)
    teasers = headline_links(tree, signals.url, {signals.url})
    paragraphs = main_paragraphs(page)
    if not paragraphs and html and _HIDDEN_HOLDERS.search(html):
        # What generic extraction reads when the page has nothing else (see `generic.read`).
        revealed = reveal_hidden(html)
        paragraphs = main_paragraphs(text_blocks(revealed.body, boilerplate(revealed))) if revealed.body else []
    return decide(signals, teasers, paragraphs)


def decide(signals: PageSignals, teasers: Sequence[Headline], paragraphs: Sequence[str]) -> PageType:
    """The page type from its signals, the teasers it lists and the article text its main content holds."""
    if signals.service:
        return PageType(OTHER, signals.service)
    url, ld_types, og_type = signals.url, signals.ld_types, signals.og_type
    ledes = {h.lede for h in teasers if h.lede}
    prose_words = sum(len(text.split()) for text in signals.prose_blocks if text not in ledes)
    # A teaser's own lede, title or kicker and title, taken for article text, are still teaser text.
    teaser_lines = {
        _words(line) for h in teasers for line in (h.text, h.lede, h.kicker and f"{h.kicker} {h.text}") if line
    }
    starts = {line[:_START] for line in teaser_lines}
    article_words = sum(
        len(p.split()) for p in paragraphs if not (teaser_lines and _is_teaser_line(p, teaser_lines, starts))
    )
    # Teasers with a kicker or a lede are a listing's; bare title links also make up the side
    # lists ("recent posts", "most read") that surround articles.
    listing = [h for h in teasers if h.kicker or h.lede] or teasers
    teaser_words = sum(len(h.text.split()) + len((h.lede or "").split()) for h in listing)
    declared = og_type == "article" or any(_ARTICLE_TYPES.search(t) for t in ld_types)

    score, evidence = 0, []
    shape = _url_shape(url)
    if shape == "root":
        score, evidence = score + 2, [*evidence, "site root URL"]
    elif shape == "section":
        score, evidence = score + 1, [*evidence, "section-shaped URL"]
    elif shape == "story":
        score, evidence = score - 2, [*evidence, "story-shaped URL"]
    if any(_ARTICLE_TYPES.search(t) for t in ld_types):
        score, evidence = score - 2, [*evidence, "JSON-LD article"]
    elif _LISTING_TYPES & set(ld_types):
        score, evidence = score + 2, [*evidence, "JSON-LD listing"]
    if og_type == "website":
        score, evidence = score + 1, [*evidence, "og:type website"]
    elif og_type == "article":
        score, evidence = score - 1, [*evidence, "og:type article"]
    counts = (
        f"{len(teasers)} teasers ({len(listing)} listed with kicker or lede), {article_words} words of article "
        f"text, {prose_words} of running text"
    )
    if len(listing) >= _MIN_TEASERS and teaser_words >= 3 * article_words and teaser_words >= prose_words:
        score += 3
    elif len(listing) >= _MIN_TEASERS and teaser_words >= article_words and 2 * teaser_words >= prose_words:
        score += 1
    elif article_words >= 250:
        score -= 2
    evidence.append(counts)
    reason = "; ".join(evidence)
    if score >= 3 and len(teasers) >= 3:
        return PageType(FRONT, reason)
    if article_words or prose_words or declared or shape == "story":
        return PageType(ARTICLE, reason)
    if len(teasers) >= 3:
        return PageType(FRONT, reason)
    return PageType(OTHER, f"neither article text nor teasers; {reason}")


def _service_page(tree: LexborHTMLParser, url: str | None) -> str | None:
    """Why the page is a legal, contact, account, search or error page; None when it is not."""
    if url:
        segments = [s for s in _path(url).split("/") if s]
        for i, segment in enumerate(segments):
            stem = segment.rsplit(".", 1)[0] if i == len(segments) - 1 else segment
            words = _WORD.findall(stem)
            if words and len(words) <= 4 and _SERVICE_WORDS.match(words[0]):
                return f"service page address ({segment})"
    title = tree.css_first("title")
    title_text = " ".join(title.text().split()) if title else ""
    if _ERROR_TITLE.search(title_text):
        return f"error page title ({title_text[:80]})"
    return None


def _path(url: str | None) -> str:
    try:
        return urlsplit(url).path if url else ""
    except ValueError:  # a malformed address says nothing about the page
        return ""


def _url_shape(url: str | None) -> str | None:
    if not url:
        return None
    path = _path(url)
    segments = [s for s in path.split("/") if s]
    if not segments or (len(segments) == 1 and segments[0].lower().startswith(("index.", "home", "default."))):
        return "root"
    last = segments[-1].rsplit(".", 1)[0]
    if _DATE_PATH.search(path) or len(_WORD.findall(last)) >= 4:
        return "story"
    if len(segments) <= 3 and all(re.fullmatch(r"[^\W\d_]+(?:[-_][^\W\d_]+){0,2}", s) for s in segments):
        return "section"
    return None
