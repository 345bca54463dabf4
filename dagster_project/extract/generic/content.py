"""Main content: text blocks of the cleaned page, each kept or dropped by a learned block classifier.

The page is walked once. Every block-level element closes the text gathered so far into a block
that remembers its text, how much of it is link text or sits in page furniture, and its chain of
block ancestors. Each block is then described by general features (its text statistics, its
place in the tree and the page, its neighbours, and what the older prose-voting rule makes of it:
see `block_features`) and a small gradient-boosted model (`block_model`, trained on the
development suites by `bench/train_block_model.py`) says which blocks are the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from selectolax.lexbor import LexborNode

from dagster_project.extract.generic.cleaning import INLINE, NEVER_TEXT, class_words, is_furniture, names_furniture
from dagster_project.extract.records import clean_text

if TYPE_CHECKING:
    from lightgbm import Booster

HEADING = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCK = HEADING | {
    "address", "article", "blockquote", "center", "dd", "details", "div", "dl", "dt", "figure", "header", "hr",
    "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
    "form", "fieldset",
}  # fmt: skip
PARAGRAPH_BREAK = "\n\n"
_BR = "\x00"  # a <br>, marked apart from the line breaks of the HTML source
_BREAKS = re.compile(r"\x00\s*\x00[\s\x00]*")
# Cells stay inline so that a table row reads as one line; a space keeps their words apart.
CELL = frozenset({"td", "th"})
# Elements whose text is never running text of the page: code, templates, navigation, footers,
# form fields and ruby annotations (the reading aid printed over East Asian characters, `<rt>`, and
# its fallback brackets, `<rp>`: inline, they would split every annotated word of the sentence).
# The body leaves out more (`cleaning.NEVER_TEXT`: side boxes, captions, media).
NEVER_RUNNING = frozenset(
    {"script", "style", "noscript", "template", "svg", "nav", "footer", "select", "textarea", "rt", "rp"}
)
# Nodes the walk passes over: those above, and those that never hold text (comments, images, and
# text nodes without data, whose `text_content` is None).
_NOT_WALKED = NEVER_RUNNING | {"-comment", "img", "-text"}
# Invisible format characters that are not text: soft hyphens (hyphenation hints inside words),
# zero-width spaces and byte-order marks. Left in, they split words for anyone matching the text.
_INVISIBLE = re.compile("[\xad\u200b\ufeff]")

# What a block's ancestors say of it (`Block.ancestry`, for `block_features`): class/id words of
# content containers, and the tags met on the way up, one bit each.
CONTENT_WORDS = frozenset(
    {"content", "article", "post", "entry", "body", "story", "text", "main", "blog", "news", "single", "page"}
)
ARTICLE, MAIN, LIST, TABLE, HEADER, FORM = 1, 2, 4, 8, 16, 32
_TAG_FLAGS = {"article": ARTICLE, "main": MAIN, "li": LIST, "ul": LIST, "ol": LIST, "table": TABLE, "tr": TABLE,
              "header": HEADER, "form": FORM}  # fmt: skip
_NO_ANCESTRY = (0, 0, -1, -1, 0)


@lru_cache(maxsize=65536)
def class_verdicts(class_and_id: str) -> tuple[bool, bool]:
    """Whether an element's `class` and `id` values name furniture, and whether they name content."""
    words = class_words(class_and_id)
    return names_furniture(words), not CONTENT_WORDS.isdisjoint(words)


def _ancestry(
    parent: tuple[int, int, int, int, int], depth: int, tag: str, class_and_id: str
) -> tuple[int, int, int, int, int]:
    furniture, content = class_verdicts(class_and_id)
    n_content, n_furniture, last_content, last_furniture, flags = parent
    return (
        n_content + content,
        n_furniture + furniture,
        depth if content else last_content,
        depth if furniture else last_furniture,
        flags | _TAG_FLAGS.get(tag, 0),
    )


@dataclass(slots=True)
class Block:
    text: str
    link_chars: int
    path: tuple[int, ...]  # mem_ids of the enclosing block elements, outermost first
    tag: str
    skipped_chars: int = 0  # text inside block elements that `cleaning.boilerplate` names as hidden
    # Over the enclosing block elements: content-named and furniture-named ones, the depth in `path`
    # of the deepest of each (-1 if none), and the bits of the tags on the way (`ARTICLE` ...).
    ancestry: tuple[int, int, int, int, int] = _NO_ANCESTRY

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0

    @property
    def skipped_share(self) -> float:
        return min(self.skipped_chars / len(self.text), 1.0) if self.text else 0.0


# Running text of the page, for its type (`page_type`): a block of at least this many characters
# with at most this share of link text, read over all that a reader sees, side boxes included.
RUNNING_MIN_CHARS = 100
RUNNING_MAX_LINKS = 0.2


def _block_text(joined: str) -> str:
    # Three substring tests cost less than a substitution that finds nothing (almost every block).
    if "\xad" in joined or "\u200b" in joined or "\ufeff" in joined:
        joined = _INVISIBLE.sub("", joined)
    if _BR not in joined:
        return clean_text(joined)
    # Two line breaks in a row separate paragraphs written without <p>; one is a space.
    pieces = (clean_text(piece.replace(_BR, " ")) for piece in _BREAKS.split(joined))
    return PARAGRAPH_BREAK.join(piece for piece in pieces if piece)


@dataclass(slots=True)
class PageText:
    """The text blocks of a page's body and the page's running text (`RUNNING_MIN_CHARS`) read with
    side boxes, captions and furniture. `spans` gives each block element's blocks,
    `blocks[start:end]`: they follow one another."""

    blocks: list[Block]
    running: list[str]
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)


class _Walker:
    """One walk of the page gathers two readings: the body (without `NEVER_TEXT` elements, hidden
    elements and inline furniture, see `cleaning`) and the page's running text (without only the
    elements that never show text)."""

    def __init__(self, skipped: set[int]) -> None:
        self.skipped = skipped
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.skipped_chars = 0
        self.path: list[int] = []
        self.tags: list[str] = []
        self.starts: list[int] = []  # index of the first block of each element of `path`
        self.spans: dict[int, tuple[int, int]] = {}
        self.ancestry = [_NO_ANCESTRY]  # `Block.ancestry` of each element of `path`
        self.running: list[str] = []
        self.page_parts: list[str] = []
        self.page_link_chars = 0
        self.last_joined = self.last_text = ""

    def text(self, parts: list[str]) -> str:
        # A block of the body is most often also one of the page, read just before or after: its
        # text is cleaned once.
        joined = "".join(parts)
        if joined != self.last_joined:
            self.last_joined, self.last_text = joined, _block_text(joined)
        return self.last_text

    def flush(self) -> None:
        if self.parts:
            text = self.text(self.parts)
            if text:
                tag = self.tags[-1] if self.tags else "body"
                block = Block(text, self.link_chars, tuple(self.path), tag, self.skipped_chars, self.ancestry[-1])
                self.blocks.append(block)
            self.parts.clear()
        self.link_chars = 0
        self.skipped_chars = 0

    def flush_page(self) -> None:
        # The cleaned text is never longer than the raw one: short blocks need no cleaning.
        if self.page_parts and sum(map(len, self.page_parts)) >= RUNNING_MIN_CHARS:
            text = self.text(self.page_parts)
            if len(text) >= RUNNING_MIN_CHARS and self.page_link_chars / len(text) < RUNNING_MAX_LINKS:
                self.running.append(text)
        self.page_parts.clear()
        self.page_link_chars = 0

    def walk(self, root: LexborNode) -> None:
        # An explicit stack, not recursion: broken pages nest thousands of unclosed tags deep.
        # Per element: its children, whether they are in a link, in skipped furniture, in the body
        # reading, and whether the element closes a block of the body and of the page. The top of
        # the stack is also held in local names, and the part lists and the lists of open block
        # elements (changed in place, never replaced) too, and nothing is flushed without parts:
        # this loop runs for every node of the page. Each element's children are one `for` loop
        # over its iterator (cheaper per node than `next()`): the loop breaks off into a child
        # element and, once that is done, resumes the parent's iterator where it stopped.
        parts, page_parts, skipped_ids = self.parts, self.page_parts, self.skipped
        path, tags, starts, ancestry, blocks = self.path, self.tags, self.starts, self.ancestry, self.blocks
        state: tuple[Iterator[LexborNode], bool, bool, bool, bool, bool] = (
            root.iter(include_text=True), False, False, True, False, False
        )  # fmt: skip
        stack = [state]
        children, in_link, in_skipped, in_body, closes_block, closes_page_block = state
        while True:
            for child in children:
                # A text node's text, None for an element: one property read for every node, a
                # second for elements.
                text = child.text_content
                if text is not None:
                    if not text:
                        continue
                    if text.isspace():
                        # White space separates words, except at the start of a block, where it is
                        # dropped.
                        if page_parts:
                            page_parts.append(text)
                        if in_body and parts:
                            parts.append(text)
                        continue
                    page_parts.append(text)
                    if in_body:
                        parts.append(text)
                    if in_link or in_skipped:
                        n = len(text.strip())
                        if in_link:
                            self.page_link_chars += n
                            if in_body:
                                self.link_chars += n
                        if in_skipped and in_body:
                            self.skipped_chars += n
                    continue
                tag = child.tag
                if tag in _NOT_WALKED:
                    continue
                shown = in_body and tag not in NEVER_TEXT
                if tag == "br":
                    page_parts.append(_BR)
                    if shown:
                        parts.append(_BR)
                    continue
                if tag in BLOCK:
                    # Furniture blocks are walked, not dropped: the model weighs the furniture
                    # signal against the others (a blog post's `widget Blog` wrapper is still the post).
                    if page_parts:
                        self.flush_page()
                    skipped = in_skipped
                    if shown:
                        if parts:
                            self.flush()
                        element = child.mem_id
                        attrs = child.attributes
                        classes, ident = attrs.get("class"), attrs.get("id")
                        if classes or ident or tag in _TAG_FLAGS:
                            class_and_id = f"{classes or ''} {ident or ''}"
                            ancestry.append(_ancestry(ancestry[-1], len(path), tag, class_and_id))
                        else:  # nothing to add: its parent's
                            ancestry.append(ancestry[-1])
                        path.append(element)
                        tags.append(tag)
                        starts.append(len(blocks))
                        skipped = skipped or element in skipped_ids
                    state = (child.iter(include_text=True), in_link, skipped, shown, shown, True)
                else:
                    if tag in CELL:
                        page_parts.append(" ")
                        if shown:
                            shown = child.mem_id not in skipped_ids
                            if shown:
                                parts.append(" ")
                    elif shown:
                        shown = child.mem_id not in skipped_ids
                        if shown and tag in INLINE:
                            attrs = child.attributes
                            classes, ident = attrs.get("class"), attrs.get("id")
                            if classes or ident:
                                shown = not is_furniture(f"{classes or ''} {ident or ''}")
                    state = (child.iter(include_text=True), in_link or tag == "a", in_skipped, shown, False, False)
                stack.append(state)
                children, in_link, in_skipped, in_body, closes_block, closes_page_block = state
                break  # into the child: the loop resumes this iterator when the child is done
            else:  # the element is done
                stack.pop()
                if closes_block:
                    if parts:
                        self.flush()
                    self.spans[path.pop()] = (starts.pop(), len(blocks))
                    tags.pop()
                    ancestry.pop()
                if closes_page_block and page_parts:
                    self.flush_page()
                if not stack:
                    return
                children, in_link, in_skipped, in_body, closes_block, closes_page_block = stack[-1]


def text_blocks(body: LexborNode, skipped: set[int]) -> PageText:
    """The page's text blocks in reading order and its running text; `skipped` holds the hidden
    elements that `cleaning.boilerplate` names."""
    walker = _Walker(skipped)
    walker.path.append(body.mem_id)  # paragraphs straight under <body> vote for it
    walker.walk(body)
    walker.flush()
    walker.flush_page()
    walker.spans[body.mem_id] = (0, len(walker.blocks))
    return PageText(walker.blocks, walker.running, walker.spans)


# The label of an ad slot left in the text, in the languages of the collection and its neighbours.
_AD_LABELS = frozenset(
    {"advertisement", "advertising", "ad", "publicité", "publicidad", "anuncio", "إعلان", "اعلان", "anzeige",
     "werbung", "pubblicità", "publicidade", "iklan", "реклама", "sponsored", "sponsorisé", "patrocinado"}
)  # fmt: skip


def main_paragraphs(page: PageText, title: str | None = None, model: Booster | None = None) -> list[str]:
    """The article's paragraphs among the page's text blocks (`text_blocks`); `title`, metadata
    rather than body, is left out where it recurs.

    `model` replaces the shipped block model (cross-validation trains one per fold).
    """
    from dagster_project.extract.generic import block_features, block_model

    blocks = page.blocks
    if not blocks:
        return []
    features = block_features.features(page, title)
    keep = block_model.predict(features, features[:, block_features.PROSE_COLUMN] > 0, model)
    restates_title = features[:, block_features.TITLE_COLUMN] > 0
    return [
        paragraph
        for b, kept, is_title in zip(blocks, keep, restates_title, strict=True)
        if kept and not is_title and b.text.casefold() not in _AD_LABELS
        for paragraph in b.text.split(PARAGRAPH_BREAK)
    ]
