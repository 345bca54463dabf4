"""Boilerplate: the parts of a page that are never article text, left out of the body's text blocks."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from selectolax.lexbor import LexborHTMLParser

# Elements whose content is never article text (the body walk of `content` leaves them out). Not
# `form`: ASP.NET pages wrap everything in one.
NEVER_TEXT = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "video", "audio", "picture", "img", "map", "button", "select", "input", "textarea", "nav",
    "aside", "footer", "figcaption", "dialog", "menu", "head", "link", "meta",
})  # fmt: skip

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
_PAIR_STARTS = frozenset(w.split("-")[0] for w in _PAIRS)
_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")  # `imageEmbedCaption` is image, embed, caption
# Containers that may carry a furniture word (`article has-comments`) but hold the article itself.
_KEEP = {"html", "body", "article", "main"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


# Inline elements, too small to wrap an article: a furniture word on one (a share link, a caption
# span) drops its text (the content walk tests them, see `is_furniture`). Furniture words on block
# elements are left to the block model, which weighs them against the other signals (`block_features`).
INLINE = frozenset({"a", "span", "small", "time", "em", "strong", "b", "i", "label", "font", "cite", "sup",
                    "sub", "abbr", "img", "br", "input"})  # fmt: skip


def class_words(class_and_id: str) -> list[str]:
    """The lower-cased words of an element's `class` and `id` values."""
    if class_and_id.lower() == class_and_id:
        # No capital, so no camelCase to split: string methods split as `_SPLIT` would, faster.
        return class_and_id.replace("_", " ").replace("-", " ").split()
    return [w.lower() for w in _SPLIT.split(class_and_id) if w]


def names_furniture(words: list[str]) -> bool:
    """Whether words of `class_words` name page furniture."""
    if not _SINGLE.isdisjoint(words):
        return True
    if _PAIR_STARTS.isdisjoint(words):
        return False
    return any(f"{a}-{b}" in _PAIRS for a, b in pairwise(words))


@lru_cache(maxsize=65536)
def is_furniture(class_and_id: str) -> bool:
    """Whether an element's `class` and `id` values name page furniture."""
    return names_furniture(class_words(class_and_id))


def boilerplate(tree: LexborHTMLParser) -> set[int]:
    """The ids (`mem_id`) of hidden elements, which the content walk skips or marks (it leaves out
    `NEVER_TEXT` elements by their tag, and `INLINE` elements named as furniture by their class or
    id, which it reads anyway). The tree is not changed."""
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
    return skipped
