"""Any other news page: main text and metadata by trafilatura, headline links by selectolax."""

from __future__ import annotations

from datetime import date
from urllib.parse import urldefrag

import trafilatura
from selectolax.lexbor import LexborHTMLParser, LexborNode

from dagster_project.extract.html_links import absolute_href, page_url
from dagster_project.extract.records import Article, Headline, PageContent, clean_text

EXTRACTOR = "generic:trafilatura"
# Links inside these are navigation, not headlines.
_CHROME = ("nav", "footer", "header", "form")
_MIN_WORDS, _MAX_WORDS = 4, 40


def parse(html: str, tree: LexborHTMLParser, capture_url: str | None) -> PageContent:
    base = page_url(tree, capture_url)
    doc = trafilatura.bare_extraction(
        html,
        url=base,
        with_metadata=True,
        include_comments=False,
        deduplicate=False,
    )
    article = None
    meta = doc.as_dict() if doc is not None else {}
    paragraphs = tuple(p for line in (meta.get("text") or "").splitlines() if (p := clean_text(line)))
    if paragraphs:
        article = Article(
            title=clean_text(meta.get("title") or "") or None,
            paragraphs=paragraphs,
            extractor=EXTRACTOR,
            outlet=clean_text(meta.get("sitename") or "") or None,
            published_at=_iso_date(meta.get("date")),
            url=base,
        )
    return PageContent(extractor=EXTRACTOR, article=article, headlines=headline_links(tree, base, article))


def headline_links(tree: LexborHTMLParser, base: str | None, article: Article | None) -> tuple[Headline, ...]:
    """Links whose text reads as a headline, in page order, outside navigation and footers."""
    seen: set[str] = set()
    own = {article.url, article.title} if article else set()
    found: list[Headline] = []
    for a in tree.css("a[href]"):
        text = clean_text(a.text())
        n_words = len(text.split())
        if not (_MIN_WORDS <= n_words <= _MAX_WORDS) or text in own:
            continue
        url = absolute_href(a, base)
        if url is None or urldefrag(url).url in own or url in seen or _in_chrome(a):
            continue
        seen.add(url)
        found.append(Headline(len(found) + 1, text, url))
    return tuple(found)


def _in_chrome(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in _CHROME:
            return True
        parent = parent.parent
    return False


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
