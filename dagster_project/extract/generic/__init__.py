"""Any other news page: main text, metadata and headline links, on the Lexbor parser.

Metadata and headline links are read from the whole page; the main content is chosen among the
text blocks of the page less the elements that never hold article text (see `content`).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from dagster_project.extract.generic.cleaning import boilerplate
from dagster_project.extract.generic.content import RUNNING_MIN_CHARS, PageText, main_paragraphs, text_blocks
from dagster_project.extract.generic.headlines import headline_links
from dagster_project.extract.generic.metadata import Metadata, read_metadata
from dagster_project.extract.records import Article, PageContent

EXTRACTOR = "generic:lexbor"
HIDDEN_HOLDERS = re.compile(r"<(/?)(?:noscript|template)\b", re.IGNORECASE)


def reveal_hidden(html: str) -> LexborHTMLParser:
    """The page with text shown to readers without scripts (<noscript>) or stamped by scripts
    (<template>) made part of the page; script source never is."""
    return LexborHTMLParser(HIDDEN_HOLDERS.sub(r"<\1div", html))


def read(
    html: str, tree: LexborHTMLParser, capture_url: str | None, model: object = None, meta: Metadata | None = None
) -> tuple[PageContent, list[str]]:
    """The article (if any) and headline links of `tree`, the parsed `html`, and the page's running
    text (`content.PageText.running`, what its type is judged on); the tree is not changed.

    `model` replaces the shipped block classifier (`content.main_paragraphs`), for cross-validation;
    `meta` is the page's metadata (`read_metadata`) when already read."""
    meta = meta if meta is not None else read_metadata(tree, capture_url)
    url = meta.canonical_url or capture_url
    headlines = headline_links(tree, url, {meta.title, url, capture_url})
    page = text_blocks(tree.body, boilerplate(tree)) if tree.body else PageText([], [])
    paragraphs = tuple(main_paragraphs(page, meta.title, model))
    shown = sum(map(len, paragraphs))
    if shown < RUNNING_MIN_CHARS and HIDDEN_HOLDERS.search(html):
        # Hidden text is the article when the page shows no running text of its own (a blog that
        # draws its post with a script, a date line being all that is left without it).
        revealed = reveal_hidden(html)
        if revealed.body is not None:
            hidden = main_paragraphs(text_blocks(revealed.body, boilerplate(revealed)), meta.title, model)
            if sum(map(len, hidden)) > shown:
                paragraphs = tuple(hidden)
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
    return PageContent(extractor=EXTRACTOR, article=article, headlines=headlines), page.running


def parse(html: str, tree: LexborHTMLParser, capture_url: str | None, model: object = None) -> PageContent:
    """The article (if any) and headline links of `tree`, the parsed `html` (see `read`)."""
    return read(html, tree, capture_url, model)[0]
