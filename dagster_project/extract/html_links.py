"""URLs of an HTML page: its own address, and absolute link targets."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode


def is_web_url(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in ("http", "https") and bool(urlsplit(url).netloc)


def canonical_url(tree: LexborHTMLParser, capture_url: str | None) -> str | None:
    """The address the page declares for itself (link rel=canonical, else og:url), made absolute."""
    for selector, attribute in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        node = tree.css_first(selector)
        value = (node.attributes.get(attribute) or "").strip() if node else ""
        resolved = urljoin(capture_url or "", value) if value else None
        if is_web_url(resolved):
            return resolved
    return None


def page_url(tree: LexborHTMLParser, capture_url: str | None) -> str | None:
    """The page's canonical address, else where it was captured."""
    return canonical_url(tree, capture_url) or (capture_url if is_web_url(capture_url) else None)


def absolute_href(node: LexborNode | None, base: str | None) -> str | None:
    """The node's href made absolute against `base`; None for non-web links (javascript:, mailto:)."""
    if node is None:
        return None
    href = (node.attributes.get("href") or "").strip()
    if not href:
        return None
    url = urljoin(base, href) if base else href
    return url if is_web_url(url) else None
