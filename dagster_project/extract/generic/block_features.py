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
from functools import lru_cache

import numpy as np

from dagster_project.extract.generic.cleaning import is_furniture
from dagster_project.extract.generic.content import HEADING, Block

_TAGS = ("p", "div", "li", "td", "tr", "table", "h1", "h2", "h3", "h4", "pre", "blockquote", "dd", "dt",
         "section", "article", "main", "header", "form", "body", "span", "ul", "ol", "center", "figure")  # fmt: skip
_TAG_CODE = {t: i for i, t in enumerate(_TAGS)}
_CONTENT_WORDS = frozenset(
    {"content", "article", "post", "entry", "body", "story", "text", "main", "blog", "news", "single", "page"}
)
_WORD_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
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
_NEIGHBOUR_COLUMNS = ("log_chars", "link_density", "skipped_share", "tag")
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


def prose_score(block: Block) -> float:
    """The older rule's vote of a block: long, comma-rich, link-poor text reads as prose."""
    n = len(block.text)
    if n < 60 or block.link_density > 0.35 or block.tag in HEADING or block.skipped_share > 0.5:
        return 0.0
    return 1.0 + block.text.count(",") + block.text.count("،") + min(n / 100, 3.0)


def _rule_containers(blocks: list[Block], scores: list[float]) -> tuple[int | None, int | None]:
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
    path = next(b.path for b in blocks if best in b.path)
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
    words = [w.casefold() for w in _WORD.findall(text)]
    if not words or len(words) > 1.5 * len(title_words) + 2:
        return False
    shared = len(title_words.intersection(words))
    return shared >= 0.8 * len(title_words) and shared >= 0.8 * len(set(words))


def _codes(values: str) -> np.ndarray:
    return np.asarray([ord(c) for c in values], dtype=np.uint32)


# Bits of the code points that the text statistics count, looked up in one table.
_PUNCT, _COMMA, _END, _SEPARATOR, _SPACE = 1, 2, 4, 8, 16
_LOOKUP = np.zeros(0x10000, dtype=np.uint8)
for _bit, _chars in ((_PUNCT, ".,;:!?،؛。、"), (_COMMA, ",،"), (_END, ".!?。؟"), (_SEPARATOR, "|»«·•›/©"),
                     (_SPACE, " \n\t\r\xa0")):  # fmt: skip
    _LOOKUP[_codes(_chars)] |= _bit


def _text_columns(texts: list[str]) -> np.ndarray:
    """Text statistics of every block at once, on the code points of the page's joined text:
    length, words, punctuation, commas, sentence ends, digits, capitals, word length, capitalised
    words, separators. Letters and capitals are told apart by code point ranges (Latin, Greek,
    Cyrillic), an approximation that costs nothing per block."""
    joined = "\n".join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.asarray([len(t) for t in texts], dtype=np.float64)
    starts = np.concatenate(([0], np.cumsum(lengths[:-1] + 1))).astype(np.int64)
    digit = ((cp >= 48) & (cp <= 57)) | ((cp >= 0x660) & (cp <= 0x669))
    upper = ((cp >= 65) & (cp <= 90)) | ((cp >= 0xC0) & (cp <= 0xDE) & (cp != 0xD7)) | ((cp >= 0x391) & (cp <= 0x42F))
    lower = ((cp >= 97) & (cp <= 122)) | ((cp >= 0xDF) & (cp <= 0x24F) & (cp != 0xF7))
    other_letter = (cp >= 0x250) & ~((cp >= 0x2000) & (cp <= 0x2BFF)) & ~((cp >= 0x3000) & (cp <= 0x303F))
    letter = upper | lower | other_letter
    word = letter | digit | (cp == 95)
    previous = np.concatenate(([False], word[:-1]))
    word_start = word & ~previous
    bits = _LOOKUP[np.minimum(cp, 0xFFFF)]
    following = np.concatenate((bits[1:], [_SPACE]))
    sentence_end = ((bits & _END) > 0) & ((following & _SPACE) > 0)
    counted = np.stack(
        [word_start, (bits & _PUNCT) > 0, (bits & _COMMA) > 0, sentence_end, digit, upper, letter, word,
         word_start & upper, (bits & _SEPARATOR) > 0],
        axis=1,
    ).astype(np.int32)  # fmt: skip
    sums = np.add.reduceat(counted, starts, axis=0).astype(np.float64)
    words, punct, commas, ends, digits, capitals, letters, word_chars, capitalised, separators = sums.T
    n = np.maximum(lengths, 1)
    n_words = np.maximum(words, 1)
    return np.stack(
        [np.log1p(lengths), np.log1p(words), punct / n, np.log1p(commas), np.log1p(ends), digits / n,
         capitals / np.maximum(letters, 1), word_chars / n_words, capitalised / n_words, separators / n],
        axis=1,
    )  # fmt: skip


@lru_cache(maxsize=65536)
def _class_verdicts(words: str) -> tuple[bool, bool]:
    """Whether class/id words name furniture, and whether they name content."""
    if not words.strip():
        return False, False
    content = not _CONTENT_WORDS.isdisjoint(w.lower() for w in _WORD_SPLIT.split(words) if w)
    return is_furniture(words), content


_ARTICLE, _MAIN, _LIST, _TABLE, _HEADER, _FORM = 1, 2, 4, 8, 16, 32
# The in_article ... in_form columns of each combination of flags.
_FLAG_COLUMNS = [
    tuple(float(bool(flags & bit)) for bit in (_ARTICLE, _MAIN, _LIST, _TABLE, _HEADER, _FORM)) for flags in range(64)
]
_TAG_FLAGS = {"article": _ARTICLE, "main": _MAIN, "li": _LIST, "ul": _LIST, "ol": _LIST, "table": _TABLE,
              "tr": _TABLE, "header": _HEADER, "form": _FORM}  # fmt: skip


def _ancestry(blocks: list[Block], names: dict[int, tuple[str, str]]) -> dict[int, tuple[int, int, int, int, int]]:
    """Per block element, over it and its ancestors: content-named and furniture-named elements, the
    depth of the deepest of each (-1 if none), and flags of the tags on the way."""
    found: dict[int, tuple[int, int, int, int, int]] = {}
    for b in blocks:
        path = b.path
        start = len(path)
        while start > 0 and path[start - 1] not in found:
            start -= 1
        for depth in range(start, len(path)):
            element = path[depth]
            tag, words = names[element]
            furniture, content = _class_verdicts(words)
            n_content, n_furniture, last_content, last_furniture, flags = (
                found[path[depth - 1]] if depth else (0, 0, -1, -1, 0)
            )
            found[element] = (
                n_content + content,
                n_furniture + furniture,
                depth if content else last_content,
                depth if furniture else last_furniture,
                flags | _TAG_FLAGS.get(tag, 0),
            )
    return found


def features(blocks: list[Block], names: dict[int, tuple[str, str]], title: str | None) -> np.ndarray:
    """One row of `NAMES` per block."""
    n = len(blocks)
    lengths = [len(b.text) for b in blocks]
    page_chars = sum(lengths) or 1
    scores = [prose_score(b) for b in blocks]
    best, wider = _rule_containers(blocks, scores)
    title_words = title_words_of(title)

    # Per block element: text, link text, blocks and prose under it; children summed into parents.
    parent: dict[int, int] = {}
    chars: dict[int, int] = {}
    links: dict[int, int] = {}
    counts: dict[int, int] = {}
    prose: dict[int, float] = {}
    for b, length, score in zip(blocks, lengths, scores, strict=True):
        path = b.path
        for depth in range(len(path) - 1, -1, -1):
            if path[depth] in parent:
                break
            parent[path[depth]] = path[depth - 1] if depth else -1
        own = path[-1]
        chars[own] = chars.get(own, 0) + length
        links[own] = links.get(own, 0) + b.link_chars
        counts[own] = counts.get(own, 0) + 1
        prose[own] = prose.get(own, 0.0) + score
    for element in reversed(list(parent)):  # children were met after their parents
        up = parent[element]
        if up != -1:
            chars[up] = chars.get(up, 0) + chars.get(element, 0)
            links[up] = links.get(up, 0) + links.get(element, 0)
            counts[up] = counts.get(up, 0) + counts.get(element, 0)
            prose[up] = prose.get(up, 0.0) + prose.get(element, 0.0)
    page_prose = sum(scores) or 1.0
    ancestry = _ancestry(blocks, names)

    # The block's own columns, each computed over all blocks at once.
    length = np.asarray(lengths, dtype=np.float64)  # a block's text is never empty
    depths = np.asarray([len(b.path) for b in blocks], dtype=np.float64)
    n_content, n_furniture, last_content, last_furniture, flags = np.asarray(
        [ancestry[b.path[-1]] for b in blocks], dtype=np.int64
    ).T
    columns = [
        np.asarray([b.link_chars for b in blocks]) / length,
        np.minimum(np.asarray([b.skipped_chars for b in blocks]) / length, 1.0),
        [int(b.tag[1]) if b.tag in HEADING else 0 for b in blocks],
        [_TAG_CODE.get(b.tag, len(_TAGS)) for b in blocks],
        depths,
        np.arange(n) / n,
        (np.cumsum(lengths) - lengths) / page_chars,
        scores,
        [best is not None and best in b.path for b in blocks],
        [wider is not None and wider in b.path for b in blocks],
        [is_title(b.text, title_words) for b in blocks],
        n_content,
        n_furniture,
        np.where(last_furniture >= 0, depths - 1 - last_furniture, 99),
        np.where(last_content >= 0, depths - 1 - last_content, 99),
        *np.asarray(_FLAG_COLUMNS)[flags].T,
        length / page_chars,
        np.full(n, math.log1p(n)),
        np.full(n, math.log1p(page_chars)),
        [b.text.count("\n\n") + 1 for b in blocks],
    ]
    for up in (1, 2):
        elements = [b.path[-up] if len(b.path) >= up else b.path[0] for b in blocks]
        c = np.asarray([chars[e] for e in elements], dtype=np.float64)
        columns += [
            [math.log1p(chars[e]) for e in elements],
            np.divide(np.asarray([links[e] for e in elements]), c, out=np.zeros(n), where=c > 0),
            [math.log1p(counts[e]) for e in elements],
            np.asarray([prose[e] for e in elements]) / page_prose,
            c / page_chars,
        ]
    own_columns = np.stack([np.asarray(column, dtype=np.float64) for column in columns], axis=1)

    text = _text_columns([b.text for b in blocks])
    table = np.concatenate([text[:, :2], own_columns, text[:, 2:]], axis=1)
    log_chars, link_density, skipped_share, tag = (table[:, _OWN.index(k)] for k in _NEIGHBOUR_COLUMNS)
    prose_col = np.asarray(scores, dtype=np.float64)
    columns = [table]
    for offset in _NEIGHBOURS:
        shifted = []
        for column in (log_chars, link_density, prose_col, skipped_share, tag):
            out = np.full(n, -1.0)
            if abs(offset) >= n:
                pass  # no such neighbour for any block
            elif offset < 0:
                out[-offset:] = column[: n + offset]
            else:
                out[: n - offset] = column[offset:]
            shifted.append(out)
        columns.append(np.stack(shifted, axis=1))
    # Share of prose blocks and mean link density in a window of eleven blocks around each one.
    columns.append(np.stack([_window_mean((prose_col > 0).astype(np.float64)), _window_mean(link_density)], axis=1))
    # Where each block stands from the title's heading, the rule's container and the first <h1>:
    # the article follows its title, and the container's neighbours are its likeliest spill-over.
    index = np.arange(n, dtype=np.float64)
    title_rows = table[:, _OWN.index("is_title")] > 0
    in_container = table[:, _OWN.index("in_rule_container")] > 0
    is_h1 = table[:, _OWN.index("heading_level")] == 1
    columns.append(np.stack([_offset(index, title_rows), _nearest(index, in_container), _offset(index, is_h1)], axis=1))
    return np.concatenate(columns, axis=1)


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


def _nearest(index: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """Blocks to the nearest marked block, signed like `_offset` (0 inside); 999 when none is."""
    where = np.flatnonzero(marked)
    if not len(where):
        return np.full(len(index), 999.0)
    before = where[np.clip(np.searchsorted(where, index, side="right") - 1, 0, None)]
    after = where[np.clip(np.searchsorted(where, index, side="left"), None, len(where) - 1)]
    return np.where(np.abs(index - before) <= np.abs(after - index), index - before, index - after)
