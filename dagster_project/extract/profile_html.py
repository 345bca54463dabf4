"""HTML pages of a profiled site, read with the selectors of its profile."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from dagster_project.extract.dates import parse_numeric_date
from dagster_project.extract.html_links import absolute_href, page_url
from dagster_project.extract.profiles import Profile
from dagster_project.extract.records import (
    Article,
    ExtractionError,
    Headline,
    PageContent,
    RelatedLink,
    clean_text,
)


def matches(profile: Profile, tree: LexborHTMLParser) -> bool:
    return profile.html is not None and all(tree.css_first(s) is not None for s in profile.html.signature)


def parse(profile: Profile, tree: LexborHTMLParser, capture_url: str | None) -> PageContent:
    rules = profile.html
    assert rules is not None
    extractor = f"profile:{profile.name}"
    base = page_url(tree, capture_url)
    ticker = _links(tree.css(rules.ticker) if rules.ticker else [], base)
    headlines = tuple(Headline(position, text, url) for position, (text, url) in enumerate(ticker, start=1))
    content = tree.css_first(rules.content)
    if content is None:
        raise ExtractionError("no_article", f"no {rules.content} in the page")
    related = tuple(RelatedLink(t, u) for t, u in _links(content.css(rules.related) if rules.related else [], base))
    paragraphs = tuple(
        text for p in content.css(rules.paragraphs) if (text := clean_text(p.text())) and not profile.is_furniture(text)
    )
    title_node = tree.css_first(rules.title)
    byline_node = tree.css_first(rules.byline)
    byline = profile.byline.search(clean_text(byline_node.text())) if byline_node else None
    outlet_node = tree.css_first(rules.outlet) if rules.outlet else None
    outlet = clean_text(outlet_node.text()) if outlet_node else None
    if not outlet and byline:
        outlet = clean_text(byline["outlet"])
    article = Article(
        title=clean_text(title_node.text()) or None if title_node else None,
        paragraphs=paragraphs,
        extractor=extractor,
        outlet=outlet or None,
        published_at=parse_numeric_date(byline["date"], profile.date_order) if byline else None,
        related=related,
        url=base,
        source_url=absolute_href(tree.css_first(rules.source_link), base) if rules.source_link else None,
    )
    return PageContent(extractor=extractor, article=article, headlines=headlines)


def _links(nodes: list[LexborNode], base: str | None) -> list[tuple[str, str | None]]:
    return [(text, absolute_href(a, base)) for a in nodes if (text := clean_text(a.text()))]
