"""Features of a page's text blocks for the block classifier: general, language-independent signals.

Per block: text statistics (length, words, link and furniture share, punctuation, digits, capitals),
its tag and depth, where it sits in the page, class/id words of its ancestors (content-like or
furniture-like), the text, links and prose under its parent and grandparent, its neighbours'
statistics, and the older rule's verdict: prose blocks vote for their ancestors and the best-voted
container (widened over split siblings) holds the article. The order of `NAMES` is the model's.
"""

from __future__ import annotations

import math
import re

import numpy as np

from dagster_project.extract.generic.content import ARTICLE, FORM, HEADER, HEADING, LIST, MAIN, TABLE, Block, PageText

_TAGS = ("p", "div", "li", "td", "tr", "table", "h1", "h2", "h3", "h4", "pre", "blockquote", "dd", "dt",
         "section", "article", "main", "header", "form", "body", "span", "ul", "ol", "center", "figure")  # fmt: skip
_TAG_CODE = {t: i for i, t in enumerate(_TAGS)}
_OTHER_TAG = len(_TAGS)
_HEADING_LEVEL = {t: int(t[1]) for t in HEADING}
_WORD = re.compile(r"\w+")

# How far up, and for how much more prose, the rule's container may widen over sibling containers.
_MAX_CLIMB = 5
_MIN_GAIN = 0.2
_NEIGHBOURS = (-3, -2, -1, 1, 2, 3)

_OWN = (
    "log_chars", "log_words", "link_density", "skipped_share", "heading_level",
    "tag", "depth", "position", "char_position", "prose_score", "in_rule_container", "in_rule_wider",
    "is_title", "content_ancestors", "furniture_ancestors", "nearest_furniture", "nearest_content",
    "in_article", "in_main", "in_list", "in_table", "in_header", "in_form", "page_share", "log_page_blocks",
    "log_page_chars", "paragraph_count",
)  # fmt: skip
_TEXT_RATIOS = (
    "punct_ratio", "log_commas", "log_sentences", "digit_ratio", "upper_ratio", "mean_word_len",
    "capitalised_words", "separator_ratio",
)  # fmt: skip
_LEVELS = ("parent", "grandparent")
_AGGREGATES = ("log_chars", "link_density", "log_blocks", "prose_share", "text_share")
_NEIGHBOUR_STATS = ("log_chars", "link_density", "prose", "skipped_share", "tag")
_WINDOW = 5  # blocks either side
NAMES: tuple[str, ...] = (
    _OWN
    + tuple(f"{level}_{a}" for level in _LEVELS for a in _AGGREGATES)
    + _TEXT_RATIOS
    + tuple(f"n{o:+d}_{s}" for o in _NEIGHBOURS for s in _NEIGHBOUR_STATS)
    + ("window_prose", "window_links", "from_title", "from_rule_container", "from_h1")
)
PROSE_COLUMN = NAMES.index("prose_score")
TITLE_COLUMN = NAMES.index("is_title")
CATEGORICAL = tuple(i for i, name in enumerate(NAMES) if name.endswith("tag"))


def _rule_containers(
    blocks: list[Block], scores: list[float], spans: dict[int, tuple[int, int]]
) -> tuple[int | None, int | None]:
    """The best-voted container of prose, and its widening over sibling containers (older rule)."""
    votes: dict[int, float] = {}
    totals: dict[int, float] = {}
    for block, score in zip(blocks, scores, strict=True):
        if not score:
            continue
        weight = 1.0
        for ancestor in reversed(block.path[:-1] if block.tag == "p" else block.path):
            votes[ancestor] = votes.get(ancestor, 0.0) + score * weight
            weight *= 0.5
            if weight < 0.1:
                break
        for ancestor in block.path:
            totals[ancestor] = totals.get(ancestor, 0.0) + score
    if not votes:
        return None, None
    best = max(votes, key=votes.__getitem__)
    path = blocks[spans[best][0]].path  # its first block
    current = best
    for ancestor in reversed(path[: path.index(best)][-_MAX_CLIMB:]):
        if totals.get(ancestor, 0.0) >= (1 + _MIN_GAIN) * totals[current]:
            current = ancestor
    return best, current


def title_words_of(title: str | None) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORD.findall(title or ""))


def is_title(text: str, title_words: frozenset[str]) -> bool:
    """Whether a block restates the article's title (give or take a word or the site's name)."""
    if not title_words or len(text) > 12 * len(title_words) + 40:
        return False
    # Cheaper first: a word of the title is a substring of the case-folded text; most blocks miss
    # enough of them in the first few words to stop there.
    folded = text.casefold()
    most, need = len(title_words), 0.8 * len(title_words)
    for w in title_words:
        if w not in folded:
            most -= 1
            if most < need:
                return False
    words = [w.casefold() for w in _WORD.findall(text)]
    if not words or len(words) > 1.5 * len(title_words) + 2:
        return False
    shared = len(title_words.intersection(words))
    return shared >= 0.8 * len(title_words) and shared >= 0.8 * len(set(words))


def _codes(values: str) -> np.ndarray:
    return np.asarray([ord(c) for c in values], dtype=np.uint32)


# Bits of the code points that the text statistics count, looked up in one table. Letters and
# capitals are told apart by code point ranges (Latin, Greek, Cyrillic), an approximation that costs
# nothing per block; every code point past the table's end is a letter.
_PUNCT, _COMMA, _END, _SEPARATOR, _SPACE, _DIGIT, _UPPER, _LETTER, _IN_WORD = 1, 2, 4, 8, 16, 32, 64, 128, 256
_LAST = 0x10000


def _code_point_bits() -> np.ndarray:
    cp: np.ndarray = np.arange(_LAST + 1, dtype=np.uint32)
    digit = ((cp >= 48) & (cp <= 57)) | ((cp >= 0x660) & (cp <= 0x669))
    upper = ((cp >= 65) & (cp <= 90)) | ((cp >= 0xC0) & (cp <= 0xDE) & (cp != 0xD7)) | ((cp >= 0x391) & (cp <= 0x42F))
    lower = ((cp >= 97) & (cp <= 122)) | ((cp >= 0xDF) & (cp <= 0x24F) & (cp != 0xF7))
    other_letter = (cp >= 0x250) & ~((cp >= 0x2000) & (cp <= 0x2BFF)) & ~((cp >= 0x3000) & (cp <= 0x303F))
    letter = upper | lower | other_letter
    bits: np.ndarray = np.zeros(_LAST + 1, dtype=np.uint16)
    for bit, chars in ((_PUNCT, ".,;:!?،؛。、"), (_COMMA, ",،"), (_END, ".!?。؟"), (_SEPARATOR, "|»«·•›/©"),
                       (_SPACE, " \n\t\r\xa0")):  # fmt: skip
        bits[_codes(chars)] |= bit
    for bit, marked in ((_DIGIT, digit), (_UPPER, upper), (_LETTER, letter), (_IN_WORD, letter | digit | (cp == 95))):
        bits[marked] |= bit
    return bits


_BITS = _code_point_bits()


# The bit that marks each counted row of `_text_counts`; rows 0 (word starts), 3 (sentence ends) and 8
# (capitalised words) are then narrowed to the characters that start a word or precede a space.
_ROW_BITS = np.asarray(
    [_IN_WORD, _PUNCT, _COMMA, _END, _DIGIT, _UPPER, _LETTER, _IN_WORD, _UPPER, _SEPARATOR], dtype=np.uint16
)[:, None]


def _text_counts(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The length of every block's text, and per block (one row each) its words, punctuation, commas,
    sentence ends, digits, capitals, letters, word characters, capitalised words and separators,
    counted at once on the code points of the page's joined text."""
    joined = "\n".join(texts)
    # "clip" looks every code point past the table's end up as its last entry.
    bits: np.ndarray = _BITS.take(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32), mode="clip")
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts: np.ndarray = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    # All rows in one operation (a few large numpy calls cost less than many small ones).
    counted = (bits & _ROW_BITS) > 0
    word_start, sentence_end, capitalised = counted[0], counted[3], counted[8]
    word_start[1:] &= ~counted[7, :-1]
    sentence_end[:-1] &= (bits[1:] & _SPACE) > 0  # the last character ends the text as a space would
    capitalised &= word_start
    return lengths, np.add.reduceat(counted.view(np.int8), starts, axis=1, dtype=np.int32).T.astype(np.float64)


# The in_article ... in_form columns of each combination of `Block.ancestry`'s flags.
_FLAG_COLUMNS = np.asarray(
    [[float(bool(flags & bit)) for bit in (ARTICLE, MAIN, LIST, TABLE, HEADER, FORM)] for flags in range(64)]
)


def _sums_under(blocks: list[Block], lengths: list[int], scores: list[float]) -> dict[int, list]:
    """Per block element: text, link text, blocks and prose under it, children summed into parents.

    As the shipped model was trained: elements are summed up in the reverse order of their first
    block, and the elements first met in one block from the deepest up, so an element first met in
    the same block as its parent adds to the parent after the parent was summed into its own parent
    (the grandparent misses it)."""
    parent: dict[int, int] = {}
    sums: dict[int, list] = {}  # [text, link text, blocks, prose]: one look-up per element, not four
    for b, length, score in zip(blocks, lengths, scores, strict=True):
        path = b.path
        if path[-1] not in parent:  # most blocks follow one of the same element: nothing new above
            for depth in range(len(path) - 1, -1, -1):
                if path[depth] in parent:
                    break
                parent[path[depth]] = path[depth - 1] if depth else -1
        own = sums.get(path[-1])
        if own is None:
            sums[path[-1]] = [length, b.link_chars, 1, score]
        else:
            own[0] += length
            own[1] += b.link_chars
            own[2] += 1
            own[3] += score
    for element, up in reversed(parent.items()):
        if up != -1:
            below = sums.get(element)
            above = sums.get(up)
            if above is None:
                above = sums[up] = [0, 0, 0, 0.0]
            if below is not None:
                above[0] += below[0]
                above[1] += below[1]
                above[2] += below[2]
                above[3] += below[3]
    return sums


def features(page: PageText, title: str | None) -> np.ndarray:
    """One row of `NAMES` per block of `page`."""
    blocks, spans = page.blocks, page.spans
    n = len(blocks)
    texts = [b.text for b in blocks]
    # A block's whole numbers, one row each, read in one pass over the blocks.
    numbers = np.asarray(
        [(b.link_chars, b.skipped_chars, len(b.path), _HEADING_LEVEL.get(b.tag, 0), _TAG_CODE.get(b.tag, _OTHER_TAG),
          *b.ancestry) for b in blocks],
        dtype=np.int64,
    )  # fmt: skip
    link_chars, skipped_chars, depths, heading_level, tag = numbers[:, :5].T.astype(np.float64)
    n_content, n_furniture, last_content, last_furniture, flags = numbers[:, 5:].T
    lengths, text = _text_counts(texts)
    length: np.ndarray = lengths.astype(np.float64)  # a block's text is never empty
    page_chars = int(lengths.sum()) or 1
    link_density = link_chars / length
    skipped_share = np.minimum(skipped_chars / length, 1.0)
    # The older rule's vote of a block: long, comma-rich, link-poor text reads as prose.
    reads_as_prose = (length >= 60) & (link_density <= 0.35) & (heading_level == 0) & (skipped_share <= 0.5)
    prose = np.where(reads_as_prose, 1.0 + text[:, 2] + np.minimum(length / 100, 3.0), 0.0)
    scores = prose.tolist()
    page_prose = sum(scores) or 1.0
    index = np.arange(n)
    rule_spans = [spans[c] if c is not None else (0, 0) for c in _rule_containers(blocks, scores, spans)]
    in_rule = [(index >= start) & (index < end) for start, end in rule_spans]
    title_words = title_words_of(title)
    columns = [
        np.log1p(length),
        np.log1p(text[:, 0]),
        link_density,
        skipped_share,
        heading_level,
        tag,
        depths,
        index / n,
        (np.cumsum(lengths) - lengths) / page_chars,
        prose,
        *in_rule,
        [is_title(t, title_words) for t in texts],
        n_content,
        n_furniture,
        np.where(last_furniture >= 0, depths - 1 - last_furniture, 99),
        np.where(last_content >= 0, depths - 1 - last_content, 99),
        *_FLAG_COLUMNS[flags].T,
        length / page_chars,
        np.full(n, math.log1p(n)),
        np.full(n, math.log1p(page_chars)),
        [t.count("\n\n") + 1 for t in texts],
    ]
    sums = _sums_under(blocks, lengths.tolist(), scores)
    for up in (1, 2):
        chars, links, under, prose_under = np.asarray(
            [sums[b.path[-up] if len(b.path) >= up else b.path[0]] for b in blocks], dtype=np.float64
        ).T
        columns += [
            list(map(math.log1p, chars.tolist())),  # math's, as the model was trained (numpy's may differ)
            np.divide(links, chars, out=np.zeros(n), where=chars > 0),
            list(map(math.log1p, under.tolist())),
            prose_under / page_prose,
            chars / page_chars,
        ]
    n_words = np.maximum(text[:, 0], 1)
    _, punct, commas, ends, digits, capitals, letters, word_chars, capitalised, separators = text.T
    columns += [
        punct / length, np.log1p(commas), np.log1p(ends), digits / length, capitals / np.maximum(letters, 1),
        word_chars / n_words, capitalised / n_words, separators / length,
    ]  # fmt: skip
    # Filled column by column: one matrix, no stacking of the columns and again of the groups.
    table = np.empty((n, len(NAMES)))
    for i, column in enumerate(columns):
        table[:, i] = column
    # Neighbours' statistics, -1 past the page's ends.
    reach = max(map(abs, _NEIGHBOURS))
    padded = np.full((n + 2 * reach, 5), -1.0)
    padded[reach : reach + n] = np.stack([table[:, 0], link_density, prose, skipped_share, tag], axis=1)
    i = len(columns)
    for o in _NEIGHBOURS:
        table[:, i : i + 5] = padded[reach + o : reach + o + n]
        i += 5
    # Share of prose blocks and mean link density in a window of eleven blocks around each one.
    table[:, i] = _window_mean((prose > 0).astype(np.float64))
    table[:, i + 1] = _window_mean(link_density)
    # Where each block stands from the title's heading, the rule's container and the first <h1>:
    # the article follows its title, and the container's neighbours are its likeliest spill-over.
    where: np.ndarray = index.astype(np.float64)
    table[:, i + 2] = _offset(where, table[:, TITLE_COLUMN] > 0)
    table[:, i + 3] = _nearest(where, *rule_spans[0])
    table[:, i + 4] = _offset(where, heading_level == 1)
    return table


def _window_mean(values: np.ndarray) -> np.ndarray:
    n = len(values)
    sums = np.concatenate(([0.0], np.cumsum(values)))
    lo = np.maximum(np.arange(n) - _WINDOW, 0)
    hi = np.minimum(np.arange(n) + _WINDOW + 1, n)
    return (sums[hi] - sums[lo]) / (hi - lo)


def _offset(index: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """Blocks after (positive) or before (negative) the first marked block; 999 when none is."""
    first = np.flatnonzero(marked)
    return index - first[0] if len(first) else np.full(len(index), 999.0)


def _nearest(index: np.ndarray, start: int, end: int) -> np.ndarray:
    """Blocks to the nearest of `start` ... `end - 1`, signed like `_offset` (0 inside); 999 when none."""
    return index - np.clip(index, start, end - 1) if end > start else np.full(len(index), 999.0)
