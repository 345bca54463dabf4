"""Any other news page: main text, metadata and headline links, on the Lexbor parser."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from dagster_project.extract.generic.cleaning import boilerplate
from dagster_project.extract.generic.content import main_paragraphs
from dagster_project.extract.html_links import page_url
from dagster_project.extract.records import Article, PageContent

EXTRACTOR = "generic:lexbor"


def parse(html: str, tree: LexborHTMLParser, capture_url: str | None) -> PageContent:
    base = page_url(tree, capture_url)
    skipped = boilerplate(tree)
    paragraphs = tuple(main_paragraphs(tree.body, skipped)) if tree.body else ()
    article = Article(title=None, paragraphs=paragraphs, extractor=EXTRACTOR, url=base) if paragraphs else None
    return PageContent(extractor=EXTRACTOR, article=article)
