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
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from dagster_project.extract.records import clean_text

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


@dataclass(slots=True)
class Block:
    text: str
    link_chars: int
    path: tuple[int, ...]  # mem_ids of the enclosing block elements, outermost first
    tag: str
    skipped_chars: int = 0  # text inside elements that `cleaning.boilerplate` names as furniture or hidden

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0

    @property
    def skipped_share(self) -> float:
        return min(self.skipped_chars / len(self.text), 1.0) if self.text else 0.0


class _Walker:
    def __init__(self, skipped: set[int]) -> None:
        self.skipped = skipped
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.skipped_chars = 0
        self.path: list[int] = []
        self.tags: list[str] = []
        self.names: dict[int, tuple[str, str]] = {}  # mem_id -> (tag, "class id") of the block elements

    def flush(self) -> None:
        if self.parts:
            # Two line breaks in a row separate paragraphs written without <p>; one is a space.
            pieces = (clean_text(piece.replace(_BR, " ")) for piece in _BREAKS.split("".join(self.parts)))
            text = PARAGRAPH_BREAK.join(piece for piece in pieces if piece)
            if text:
                tag = self.tags[-1] if self.tags else "body"
                self.blocks.append(Block(text, self.link_chars, tuple(self.path), tag, self.skipped_chars))
            self.parts.clear()
        self.link_chars = 0
        self.skipped_chars = 0

    def walk(self, root: LexborNode) -> None:
        # An explicit stack, not recursion: broken pages nest thousands of unclosed tags deep.
        stack: list[tuple[Iterator[LexborNode], bool, bool, bool]] = [
            (root.iter(include_text=True), False, False, False)
        ]
        while stack:
            children, in_link, in_skipped, closes_block = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if closes_block:
                    self.flush()
                    self.path.pop()
                    self.tags.pop()
                continue
            if child.is_text_node:
                text = child.text_content
                if text:
                    self.parts.append(text)
                    stripped = len(text.strip())
                    if in_link:
                        self.link_chars += stripped
                    if in_skipped:
                        self.skipped_chars += stripped
                continue
            tag = child.tag
            skipped = child.mem_id in self.skipped
            if tag == "br":
                self.parts.append(_BR)
            elif tag in BLOCK:
                # Furniture blocks are walked, not dropped: the model weighs the furniture signal
                # against the others (a blog post's `widget Blog` wrapper is still the post).
                self.flush()
                self.path.append(child.mem_id)
                self.tags.append(tag)
                attrs = child.attributes
                self.names[child.mem_id] = (tag, f"{attrs.get('class') or ''} {attrs.get('id') or ''}")
                stack.append((child.iter(include_text=True), in_link, in_skipped or skipped, True))
            elif not skipped:
                if tag in CELL:
                    self.parts.append(" ")
                stack.append((child.iter(include_text=True), in_link or tag == "a", in_skipped, False))


def text_blocks(body: LexborNode, skipped: set[int]) -> tuple[list[Block], dict[int, tuple[str, str]]]:
    """The page's text blocks in reading order, and the tag and class/id words of their block elements."""
    walker = _Walker(skipped)
    walker.path.append(body.mem_id)  # paragraphs straight under <body> vote for it
    walker.names[body.mem_id] = ("body", "")
    walker.walk(body)
    walker.flush()
    return walker.blocks, walker.names


# The label of an ad slot left in the text, in the languages of the collection and its neighbours.
_AD_LABELS = frozenset(
    {"advertisement", "advertising", "ad", "publicité", "publicidad", "anuncio", "إعلان", "اعلان", "anzeige",
     "werbung", "pubblicità", "publicidade", "iklan", "реклама", "sponsored", "sponsorisé", "patrocinado"}
)  # fmt: skip


def main_paragraphs(body: LexborNode, skipped: set[int], title: str | None = None, model: object = None) -> list[str]:
    """The article's paragraphs; `title`, metadata rather than body, is left out where it recurs.

    `model` replaces the shipped block model (cross-validation trains one per fold).
    """
    from dagster_project.extract.generic import block_features, block_model

    blocks, names = text_blocks(body, skipped)
    if not blocks:
        return []
    features = block_features.features(blocks, names, title)
    keep = block_model.predict(features, features[:, block_features.PROSE_COLUMN] > 0, model)
    title_words = block_features.title_words_of(title)
    return [
        paragraph
        for b, kept in zip(blocks, keep, strict=True)
        if kept
        and b.text.casefold() not in _AD_LABELS
        and not block_features.is_title(b.text, title_words)
        for paragraph in b.text.split(PARAGRAPH_BREAK)
    ]
