"""Any other news page: main text, metadata and headline links, on the Lexbor parser.

Metadata and headline links are read first, from the whole page; then the elements that never
hold article text are removed and the main content is chosen (see `content`).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from dagster_project.extract.generic.cleaning import boilerplate
from dagster_project.extract.generic.content import main_paragraphs
from dagster_project.extract.generic.headlines import headline_links
from dagster_project.extract.generic.metadata import read_metadata
from dagster_project.extract.records import Article, PageContent

EXTRACTOR = "generic:lexbor"
HIDDEN_HOLDERS = re.compile(r"<(/?)(?:noscript|template)\b", re.IGNORECASE)


def reveal_hidden(html: str) -> LexborHTMLParser:
    """The page with text shown to readers without scripts (<noscript>) or stamped by scripts
    (<template>) made part of the page; script source never is."""
    return LexborHTMLParser(HIDDEN_HOLDERS.sub(r"<\1div", html))


def parse(html: str, tree: LexborHTMLParser, capture_url: str | None, model: object = None) -> PageContent:
    """Extract the article (if any) and headline links of `tree`, the parsed `html`; mutates `tree`.

    `model` replaces the shipped block classifier (`content.main_paragraphs`), for cross-validation."""
    meta = read_metadata(tree, capture_url)
    url = meta.canonical_url or capture_url
    headlines = headline_links(tree, url, {meta.title, url, capture_url})
    skipped = boilerplate(tree)
    paragraphs = tuple(main_paragraphs(tree.body, skipped, meta.title, model)) if tree.body else ()
    if not paragraphs and HIDDEN_HOLDERS.search(html):
        # Hidden text is the article when the page has nothing else.
        revealed = reveal_hidden(html)
        skipped = boilerplate(revealed)
        paragraphs = tuple(main_paragraphs(revealed.body, skipped, meta.title, model)) if revealed.body else ()
    article = None
    if paragraphs:
        article = Article(
            title=meta.title,
            paragraphs=paragraphs,
            extractor=EXTRACTOR,
            outlet=meta.site_name,
            published_at=meta.published_at,
            url=url,
            authors=meta.authors,
            site_name=meta.site_name,
            canonical_url=meta.canonical_url,
        )
    return PageContent(extractor=EXTRACTOR, article=article, headlines=headlines)
