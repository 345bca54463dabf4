"""URLs of an HTML page: its own address, and absolute link targets."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

# An already-absolute http(s) link that urljoin would hand back unchanged, whatever the base:
# lower-case scheme, a plain ASCII host, and nothing urlsplit strips or rewrites (no white space
# or control characters, no ';' parameters, no '[' IPv6 brackets, no empty query or fragment).
# Most links on news pages are like this, and urljoin costs far more than this check. After the
# host, any character but ASCII controls, space, DEL and ';' (listed as ranges: faster to match).
_PLAIN_WEB_URL = re.compile(r"https?://[!$&'()*+,\-.0-9:=@A-Z_a-z~%]+(?:[/?#][!-:<-~\x80-\U0010ffff]*)?")
# The scheme and host of such a URL, and a root-relative link (`/politik/a-1.html`) of the same
# characters: urljoin gives the one followed by the other, unless the link has dot segments (`/./`,
# `/../`) to resolve. Most other links on news pages are like this.
_PLAIN_ORIGIN = re.compile(r"https?://[!$&'()*+,\-.0-9:=@A-Z_a-z~%]+(?=[/?#]|$)")
_PLAIN_ROOT_PATH = re.compile(r"/(?!/)[!-:<-~\x80-\U0010ffff]*")
# A relative link of the same characters (`a-1.html`, `story?id=2`), which urljoin appends to the
# directory of the base's path: no scheme (no ':'). Dot segments and empty ones ('//') are resolved
# or dropped by urljoin, and left to it.
_PLAIN_RELATIVE = re.compile(r"(?![/?#.])[!-9<-~\x80-\U0010ffff]+")
_PATH = re.compile(r"[^?#]*")  # a URL's path after its origin, as urlsplit reads it
# A directory (the path before its last '/') of plain, non-empty segments.
_PLAIN_DIRECTORY = re.compile(r"(?:/[!\"$-.0-:<->@-~\x80-\U0010ffff]+)*")
# A scheme as urlsplit reads it: urljoin keeps a link with another scheme than http(s) as it is,
# and that is no web URL.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def is_web_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # `http://[ccpa-preferences]`: brackets that hold no IPv6 address
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _join(base: str, href: str) -> str | None:
    """urljoin, or None where the page's link is malformed beyond reading (a link, not the page)."""
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def without_fragment(url: str) -> str:
    """`url` without its fragment, as urldefrag gives it: read off directly where that is the same."""
    if "#" not in url:
        return url
    head = url.partition("#")[0]
    # urlsplit and urlunsplit give back such a head as it is; an empty query ("a?") they drop.
    if _PLAIN_WEB_URL.fullmatch(head) and not head.endswith("?"):
        return head
    return urldefrag(url).url


def canonical_url(tree: LexborHTMLParser, capture_url: str | None) -> str | None:
    """The address the page declares for itself (link rel=canonical, else og:url), made absolute."""
    for selector, attribute in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        node = tree.css_first(selector)
        value = (node.attributes.get(attribute) or "").strip() if node else ""
        resolved = _join(capture_url or "", value) if value else None
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
    return absolute_url(node.attributes.get("href"), base)


def absolute_url(href: str | None, base: str | None) -> str | None:
    """`href` (white space around it ignored) made absolute against `base`, a web URL or None;
    None for empty and non-web links. Same result as urljoin followed by `is_web_url`."""
    href = (href or "").strip()
    if not href:
        return None
    # urlsplit drops an empty query or fragment ("http://a/b?", "http://a/b#", "http://a/b?#c").
    plain = not href.endswith(("?", "#")) and "?#" not in href
    if plain and _PLAIN_WEB_URL.fullmatch(href):
        return href
    scheme = _SCHEME.match(href)
    if scheme and scheme.group().lower() not in ("http:", "https:"):  # mailto:, javascript:
        return None
    origin = _PLAIN_ORIGIN.match(base) if plain and base else None
    if origin and "/." not in href:
        joined = _plain_join(origin, href)
        if joined is not None:
            return joined
    url = _join(base, href) if base else href
    return url if is_web_url(url) else None


def _plain_join(origin: re.Match[str], href: str) -> str | None:
    """urljoin's answer for the most common links against a base of plain `origin`, None when
    urljoin has more to do. `href` is plain (no empty query or fragment) and holds no '/.'."""
    if href.startswith("//"):  # protocol-relative: the base's scheme, and `href` as it is
        url = origin.group().partition(":")[0] + ":" + href
        return url if _PLAIN_WEB_URL.fullmatch(url) else None
    if _PLAIN_ROOT_PATH.fullmatch(href):
        return origin.group() + href
    if "//" not in href and _PLAIN_RELATIVE.fullmatch(href):
        path = _PATH.match(origin.string, origin.end()).group()
        directory = path[: path.rfind("/")] if "/" in path else ""
        if "/." not in directory and _PLAIN_DIRECTORY.fullmatch(directory):
            return origin.group() + directory + "/" + href
    return None
