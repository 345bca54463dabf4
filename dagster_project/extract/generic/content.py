"""Main content: text blocks of the cleaned page, the container that holds the article, its paragraphs.

The page is walked once. Every block-level element closes the text gathered so far into a block
that remembers its text, how much of it is link text, and its chain of block ancestors. Blocks
that read as prose (long enough, few links) vote for their ancestors, nearer ones more; the
best-scored ancestor is the article's container, and its blocks, less link lists, are the body.
When a nearby ancestor holds much more prose, the article was split over sibling containers: the
prose blocks of that ancestor are taken too.
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

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


class _Walker:
    def __init__(self, skipped: set[int]) -> None:
        self.skipped = skipped
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.path: list[int] = []
        self.tags: list[str] = []

    def flush(self) -> None:
        if self.parts:
            # Two line breaks in a row separate paragraphs written without <p>; one is a space.
            pieces = (clean_text(piece.replace(_BR, " ")) for piece in _BREAKS.split("".join(self.parts)))
            text = PARAGRAPH_BREAK.join(piece for piece in pieces if piece)
            if text:
                tag = self.tags[-1] if self.tags else "body"
                self.blocks.append(Block(text, self.link_chars, tuple(self.path), tag))
            self.parts.clear()
        self.link_chars = 0

    def walk(self, root: LexborNode) -> None:
        # An explicit stack, not recursion: broken pages nest thousands of unclosed tags deep.
        stack: list[tuple[Iterator[LexborNode], bool, bool]] = [(root.iter(include_text=True), False, False)]
        while stack:
            children, in_link, closes_block = stack[-1]
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
                    if in_link:
                        self.link_chars += len(text.strip())
                continue
            if child.mem_id in self.skipped:
                continue
            tag = child.tag
            if tag == "br":
                self.parts.append(_BR)
            elif tag in BLOCK:
                self.flush()
                self.path.append(child.mem_id)
                self.tags.append(tag)
                stack.append((child.iter(include_text=True), in_link, True))
            else:
                if tag in CELL:
                    self.parts.append(" ")
                stack.append((child.iter(include_text=True), in_link or tag == "a", False))


def text_blocks(body: LexborNode, skipped: set[int]) -> list[Block]:
    walker = _Walker(skipped)
    walker.path.append(body.mem_id)  # paragraphs straight under <body> vote for it
    walker.walk(body)
    walker.flush()
    return walker.blocks


# The label of an ad slot left in the text, in the languages of the collection and its neighbours.
_AD_LABELS = frozenset(
    {"advertisement", "advertising", "ad", "publicité", "publicidad", "anuncio", "إعلان", "اعلان", "anzeige",
     "werbung", "pubblicità", "publicidade", "iklan", "реклама", "sponsored", "sponsorisé", "patrocinado"}
)  # fmt: skip

# How far up, and for how much more prose, the container may widen to take in sibling containers.
_MAX_CLIMB = 5
_MIN_GAIN = 0.2


def _prose_score(block: Block) -> float:
    n = len(block.text)
    if n < 60 or block.link_density > 0.35 or block.tag in HEADING:
        return 0.0
    return 1.0 + block.text.count(",") + block.text.count("،") + min(n / 100, 3.0)


def main_paragraphs(body: LexborNode, skipped: set[int], title: str | None = None) -> list[str]:
    """The article's paragraphs; `title`, metadata rather than body, is left out where it recurs."""
    blocks = text_blocks(body, skipped)
    scores: dict[int, float] = {}
    totals: dict[int, float] = {}  # undecayed prose under each element
    block_scores = [_prose_score(b) for b in blocks]
    for block, score in zip(blocks, block_scores, strict=True):
        if not score:
            continue
        weight = 1.0
        for ancestor in reversed(block.path[:-1] if block.tag == "p" else block.path):
            scores[ancestor] = scores.get(ancestor, 0.0) + score * weight
            weight *= 0.5
            if weight < 0.1:
                break
        for ancestor in block.path:
            totals[ancestor] = totals.get(ancestor, 0.0) + score
    if not scores:
        return []
    best = max(scores, key=scores.__getitem__)
    wider = _wider(best, blocks, totals)
    folded_title = title.casefold() if title else None
    return [
        paragraph
        for b, score in zip(blocks, block_scores, strict=True)
        if ((best in b.path and _keep(b)) or (wider != best and wider in b.path and score))
        and not (b.tag in HEADING and b.text.casefold() == folded_title)
        for paragraph in b.text.split(PARAGRAPH_BREAK)
    ]


def _wider(best: int, blocks: list[Block], totals: dict[int, float]) -> int:
    """An ancestor of `best` that holds much more prose: an article split over sibling containers."""
    path = next(b.path for b in blocks if best in b.path)
    ancestors = path[: path.index(best)]
    current = best
    for ancestor in reversed(ancestors[-_MAX_CLIMB:]):
        if totals.get(ancestor, 0.0) >= (1 + _MIN_GAIN) * totals[current]:
            current = ancestor
    return current


def _keep(block: Block) -> bool:
    return block.link_density < 0.5 and block.text.casefold() not in _AD_LABELS
