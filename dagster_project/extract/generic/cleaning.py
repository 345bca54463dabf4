"""Boilerplate removal: the parts of a page that are never article text, removed before scoring."""

from __future__ import annotations

import re
from itertools import pairwise

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Elements whose content is never article text.
_NEVER_TEXT = [
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "video", "audio", "picture", "img", "map", "button", "select", "input", "textarea", "form",
    "nav", "aside", "footer", "figcaption", "dialog", "menu", "head", "link", "meta",
]  # fmt: skip

# Class/id words of page furniture: share bars, comments, newsletter boxes, teasers, captions, ads.
# Matched as whole words (split on `-`, `_`, spaces and camelCase) so that `shared-content` or
# `loading` are not taken for `share` or `ad`.
_FURNITURE_WORDS = (
    "share", "sharing", "social", "comment", "comments", "newsletter", "subscribe", "subscription",
    "related", "recommended", "recommendations", "promo", "advert", "advertisement", "sponsor",
    "sidebar", "breadcrumb", "breadcrumbs", "caption", "credit", "credits", "cookie", "consent",
    "popup", "modal", "paywall", "signup", "newsletters", "tags", "tag-list", "byline", "author-bio",
    "bio", "more-stories", "read-more", "readmore", "outbrain", "taboola", "widget", "toolbar",
    "masthead", "pagination", "pager", "disqus", "footer", "header", "nav", "navbar", "menu",
    "banner", "ad", "ads", "adslot", "ad-slot", "dfp", "rating", "trending", "most-popular",
    "mostpopular", "mostread", "most-read", "topics", "sr-only", "visually-hidden",
)  # fmt: skip
_SINGLE = frozenset(w for w in _FURNITURE_WORDS if "-" not in w)
_PAIRS = frozenset(w for w in _FURNITURE_WORDS if "-" in w)
_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")  # `imageEmbedCaption` is image, embed, caption
# Containers that may carry a furniture word (`article has-comments`) but hold the article itself.
_KEEP = {"html", "body", "article", "main"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


# Elements too small to wrap an article: no need to check how much of it they hold.
_SMALL = frozenset({"a", "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "small", "time", "em", "strong",
                    "b", "i", "label", "img", "hr", "br", "input"})  # fmt: skip


def is_furniture(class_and_id: str) -> bool:
    """Whether an element's `class` and `id` values name page furniture."""
    words = [w.lower() for w in _SPLIT.split(class_and_id) if w]
    if not _SINGLE.isdisjoint(words):
        return True
    return any(f"{a}-{b}" in _PAIRS for a, b in pairwise(words))


def boilerplate(tree: LexborHTMLParser) -> set[int]:
    """Remove the elements that never hold text; return the ids (`mem_id`) of furniture elements.

    Furniture is skipped by the content walk rather than removed, so that the tree stays whole for
    whatever reads it next (headline links live in teaser blocks).
    """
    tree.strip_tags(_NEVER_TEXT)
    body = tree.body
    skipped: set[int] = set()
    if body is None:
        return skipped
    for node in body.css('[hidden], [aria-hidden="true"], [role="navigation"], [role="complementary"], [style]'):
        attrs = node.attributes
        if "style" in attrs and not ("hidden" in attrs or _HIDDEN_STYLE.search(attrs.get("style") or "")):
            continue
        if node.tag not in _KEEP:
            skipped.add(node.mem_id)
    prose = None
    for node in body.css("[class], [id]"):
        attrs = node.attributes
        if node.tag in _KEEP or not is_furniture(f"{attrs.get('class') or ''} {attrs.get('id') or ''}"):
            continue
        if node.tag in _SMALL:
            skipped.add(node.mem_id)
            continue
        # A furniture word on a wrapper of the article itself (`elementor-widget`, `has-sidebar`)
        # must not cost the article: an element holding much of the page's paragraph text stays.
        if prose is None:
            prose = _paragraph_chars(body) or 1
        if _paragraph_chars(node) < 0.3 * prose:
            skipped.add(node.mem_id)
    return skipped


def _paragraph_chars(node: LexborNode) -> int:
    return sum(len(p.text()) for p in node.css("p"))
