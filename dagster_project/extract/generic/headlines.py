"""Headlines of front and section pages: each teaser's title, kicker and lede, in reading order.

A teaser is a link to a story. Its title is read from the heading that holds the link or that the
link holds (`<h3><a>…</a></h3>`, `<a><h3>…</h3></a>`); when that heading, or a link without one,
shows its text in separate pieces (`<span>Kicker</span><span>: </span><span>Title</span>`), the
last piece is the title and the one before it the kicker (German "Dachzeile"). A short text just
before the title's holder is the kicker too; the first longer text after it, within the teaser,
is its lede.

A link reads as a headline when it sits in a heading with at least two words, or its title has 4
to 40 words; it must not be in the page's chrome (navigation, page header, footer, forms, side
boxes) nor inside running text: a link inside a paragraph is a citation, unless it is the whole
of its paragraph (link-per-paragraph aggregators). A story linked twice keeps its first teaser.

Its section is the nearest preceding short heading of a container that holds the link
(`<section><h2>Sports</h2>…`), or the label of an enclosing `<section aria-label>`.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from dagster_project.extract.html_links import absolute_url, without_fragment
from dagster_project.extract.records import Headline, clean_text

MIN_WORDS, MAX_WORDS = 4, 40
MIN_HEADING_WORDS = 2  # a title set as a heading may be short ("Das letzte Mal")
_MAX_SECTION_WORDS = 5  # a section label is short; a longer heading is a teaser's own title
_MAX_KICKER_WORDS = 10
_MIN_LEDE_WORDS = 8
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CHROME = frozenset({"nav", "footer", "form", "aside"})
# A page header is chrome; a teaser's own <header> inside an article or section is not.
_CONTENT = frozenset({"article", "section", "main", "li"})
_SELECTOR = "h1, h2, h3, h4, h5, h6, a[href]"
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "button", "select", "img", "figure"})
# Icon-font ligatures (`insert_chart`, `arrow_forward`) are drawn as symbols, never read as words.
_LIGATURE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
_PUNCTUATION_ONLY = re.compile(r"^[\W_]*$")
# A path of at most two plain words (`/politik/`, `/thema/corona`), as split at its slashes.
_SECTION_PATH = re.compile(r"(?:/+[^\W\d_]+){0,2}/*")
# The path of an absolute web address, as urlsplit reads it: after the host, up to a query or fragment.
_PATH = re.compile(r"[^:/?#]+://[^/?#]*([^?#]*)")
_PLACE_ON_PAGE = "#…"  # what every `_is_place_on_page` link is looked up as
_KICKER_CLASS = re.compile(r"kicker|dachzeile|topline|overline|eyebrow|roofline|spitzmarke", re.I)


@dataclass(slots=True)
class _Measured:
    """What the links of a page share, measured once for all of them."""

    text_lengths: dict[int, int]  # mem_id of a paragraph -> length of its text
    crowded: dict[int, bool]  # mem_id of a container -> whether it links to more than 2 addresses


@dataclass(slots=True)
class _Teaser:
    title: str
    kicker: str | None
    lede: str | None


@dataclass(slots=True)
class _Place:
    """An element below <body> and what it and its ancestors tell about the elements inside it."""

    node: LexborNode | None  # None for <body> itself
    tag: str | None
    parent: _Place | None
    chrome: bool  # in the page's chrome
    content: bool  # in an article, section, main or li: a <header> below is a teaser's, not the page's
    paragraph: LexborNode | None  # the nearest <p>
    label: str | None  # the label of the nearest `<section aria-label>`


_BODY = _Place(None, None, None, chrome=False, content=False, paragraph=None, label=None)


class _Places:
    """The places of the elements in <body>, each worked out once from its parent's: the links and
    headings of a page share most of their ancestors."""

    def __init__(self, body: LexborNode) -> None:
        self.known: dict[int, _Place] = {body.mem_id: _BODY}

    def of(self, node: LexborNode | None) -> _Place:
        """The place of `node`, <body> or an element inside it (<body>'s for a node outside it)."""
        above: list[LexborNode] = []  # elements whose place is not known yet, nearest first
        place: _Place | None = None
        while node is not None and (place := self.known.get(node.mem_id)) is None:
            above.append(node)
            node = node.parent
        if place is None:
            place = _BODY
        for element in reversed(above):
            place = self.known[element.mem_id] = _inside(place, element)
        return place


def _inside(parent: _Place, node: LexborNode) -> _Place:
    tag = node.tag
    # A page header is chrome; a teaser's own <header> inside an article or section is not.
    chrome = parent.chrome or tag in _CHROME or (tag == "header" and not parent.content)
    label = parent.label
    if tag == "section":
        label = clean_text(node.attrs.get("aria-label") or "") or label
    paragraph = node if tag == "p" else parent.paragraph
    return _Place(node, tag, parent, chrome, parent.content or tag in _CONTENT, paragraph, label)


def headline_links(tree: LexborHTMLParser, base: str | None, own: set[str | None]) -> tuple[Headline, ...]:
    """The page's headlines; `own` holds the page's own title and URL, left out."""
    body = tree.body
    if body is None:
        return ()
    seen: set[str] = set()
    found: list[Headline] = []
    # mem_id of a container -> its latest short heading so far (`_enclosing_section`)
    sections: dict[int, str] = {}
    # Links of a page share their paragraphs, teaser containers and ancestors: each is measured once.
    memo = _Measured({}, {})
    places = _Places(body)
    targets: dict[str, str | None] = {}  # href -> the story it links to, None when not a story
    for node in body.css(_SELECTOR):
        place = places.of(node.parent)
        if node.tag != "a":
            _note_section(node, place, sections)
            continue
        if place.chrome or _in_running_text(node, place, memo):
            continue
        href = node.attrs.get("href") or ""
        key = _PLACE_ON_PAGE if _is_place_on_page(href) else href
        if key in targets:
            url = targets[key]
        else:
            url = targets[key] = _story_url(href, base, own)
        if url is None or url in seen:
            continue
        teaser = _teaser(node, place, memo)
        if teaser is None or teaser.title in own:
            continue
        seen.add(url)
        section = place.label or _enclosing_section(place, sections)
        found.append(
            Headline(len(found) + 1, teaser.title, url, section=section, kicker=teaser.kicker, lede=teaser.lede)
        )
    return tuple(found)


def _is_place_on_page(href: str) -> bool:
    """A link to a place on the page (`#comments`, `#top`): urljoin gives the page's address with
    that fragment, so all such links of a page lead to the same story address (`_story_url`)."""
    href = href.strip()
    return len(href) > 1 and href[0] == "#"


def _story_url(href: str, base: str | None, own: set[str | None]) -> str | None:
    """The address `href` links to without its fragment, None when it cannot be a story: malformed,
    not on the web, the page's own, or a section's."""
    try:
        url = absolute_url(href, base)
    except ValueError:  # a malformed address (`http://[not-a-host]/`) links nowhere
        return None
    if url is None:
        return None
    url = without_fragment(url)
    path = _PATH.match(url)
    if path is None:  # no `scheme://host` (`http:\t//x`, which urljoin leaves as it is): malformed
        return None
    if url in own or _section_target(path.group(1)):
        return None
    return url


def _section_target(path: str) -> bool:
    """A link to a site's root or to a one- or two-word section path (`/politik/`, `/thema/corona/`)
    leads to a list of stories, not to a story."""
    return _SECTION_PATH.fullmatch(path) is not None


def _in_running_text(link: LexborNode, place: _Place, memo: _Measured) -> bool:
    """A link inside a paragraph that says more than the link: a citation, not a teaser."""
    paragraph = place.paragraph
    if paragraph is None:
        return False
    length = memo.text_lengths.get(paragraph.mem_id)
    if length is None:
        length = memo.text_lengths[paragraph.mem_id] = len(_text(paragraph))
    # The link's raw text is never shorter than its read text (`_text`): a paragraph longer than
    # that allows is told without reading the link's text.
    return length > 1.25 * len(link.text()) + 5 or length > 1.25 * len(_text(link)) + 5


def _teaser(link: LexborNode, place: _Place, memo: _Measured) -> _Teaser | None:
    """The teaser of `link` (whose parent is at `place`), or None when its title is not one of a
    headline's length."""
    outer = _heading_above(place)
    # Without a heading above, the title is read from the link or from a heading inside it, which
    # has no more words than the link: a link of fewer than `MIN_HEADING_WORDS` (an icon, an image,
    # "More") is told without looking inside it.
    link_words = _most_words(link) if outer is None else None
    if link_words is not None and link_words < MIN_HEADING_WORDS:
        return None
    # The first heading inside the link; walked rather than queried, a CSS query costs more.
    inner = next((n for n in link.traverse() if n.tag in _HEADINGS), None)
    heading = inner or outer
    holder = heading or link
    least = MIN_HEADING_WORDS if heading is not None else MIN_WORDS
    words = link_words if holder is link and link_words is not None else _most_words(holder)
    if words < least:  # most links: told without the costlier `_pieces`
        return None
    pieces = _without_badges(_pieces(holder))
    if not pieces:
        return None
    kicker = extra = None
    if len(pieces) == 1:  # most links: no kicker to tell apart
        title = pieces[0][1]
    else:
        kickers = [_is_kicker(node, holder) for node, _ in pieces]
        marked = [text for (_, text), is_kicker in zip(pieces, kickers, strict=True) if is_kicker]
        rest = [text for (_, text), is_kicker in zip(pieces, kickers, strict=True) if not is_kicker]
        if marked and rest:
            kicker, title = marked[0], " ".join(rest)
        else:
            # Kicker, then title; what follows (a byline, the teaser text) is not the title.
            kicker, title = pieces[0][1], pieces[1][1]
            extra = pieces[2][1] if len(pieces) > 2 else None
    # Too short or too long for a headline: the kicker and lede are not looked for.
    if not least <= len(title.split()) <= MAX_WORDS:
        return None
    lede = None
    if inner is not None:
        # Kicker above and lede below the heading, inside the same link (`<a><strong/><h2/><p/></a>`).
        before, after = _around(link, inner)
        kicker = kicker or _short(before)
        lede = _long(after)
    if kicker is None or lede is None:
        top = outer if outer is not None else link
        before, after = _around_in_teaser(top, memo)
        kicker = kicker or _short(before)
        lede = lede or _long(after)
    if lede is None and extra and len(extra.split()) >= 2 * _MIN_LEDE_WORDS:
        lede = extra
    if kicker and len(kicker.split()) > _MAX_KICKER_WORDS:
        kicker = None
    return _Teaser(title, kicker, lede)


def _heading_above(place: _Place) -> LexborNode | None:
    """The heading that holds a link at `place`, at most three elements up."""
    current: _Place | None = place
    for _ in range(3):
        if current is None or current.node is None:
            return None
        if current.tag in _HEADINGS:
            return current.node
        current = current.parent
    return None


def _without_badges(pieces: list[tuple[LexborNode, str]]) -> list[tuple[LexborNode, str]]:
    """Drop one-word labels at either end (`Video`, `COMPACT+`, `Alert`) around a kicker and title."""
    while len(pieces) >= 3 and " " not in pieces[0][1]:
        pieces = pieces[1:]
    while len(pieces) >= 2 and " " not in pieces[-1][1]:
        pieces = pieces[:-1]
    return pieces


def _most_words(node: LexborNode) -> int:
    """At least as many words as a title read from `node`'s pieces has: a title is some of its text
    runs, each joined from runs of text nodes (which only merges words) with every icon ligature
    (which holds a '_') taken out (which splits one word in two at most)."""
    text = node.text(separator=" ")
    return len(text.split()) + text.count("_")


def _pieces(holder: LexborNode) -> list[tuple[LexborNode, str]]:
    """Text runs of `holder` split at element boundaries, without punctuation-only runs."""
    pieces: list[tuple[LexborNode, str]] = []
    stack = [holder]
    while stack:
        node = stack.pop()
        children = list(node.iter(include_text=True))
        if not any(not c.is_text_node and c.tag not in _SKIPPED and _text(c) for c in children):
            text = _text(node)
            if text and not _PUNCTUATION_ONLY.match(text):
                pieces.append((node, text))
            continue
        for child in reversed(children):
            if child.is_text_node:
                text = clean_text(child.text_content or "")
                if text and not _PUNCTUATION_ONLY.match(text):
                    stack.append(child)
            elif child.tag not in _SKIPPED:
                stack.append(child)
    return pieces


def _is_kicker(node: LexborNode | None, holder: LexborNode) -> bool:
    while node is not None and node is not holder and node.mem_id != holder.mem_id:
        if not node.is_text_node and _KICKER_CLASS.search(node.attributes.get("class") or ""):
            return True
        node = node.parent
    return False


def _around(container: LexborNode, inner: LexborNode) -> tuple[list[str], list[str]]:
    """Texts of `container` before and after `inner`, in order (nearest first before)."""
    before: list[str] = []
    after: list[str] = []
    passed = False
    for node, text in _pieces(container):
        if node.mem_id == inner.mem_id or _contains(inner, node):
            passed = True
            continue
        (after if passed else before).append(text)
    return before[::-1], after


def _around_in_teaser(top: LexborNode, memo: _Measured) -> tuple[list[str], list[str]]:
    """Texts next to `top` in its teaser: its siblings, then its parent's, while no other link."""
    node = top
    for _ in range(3):
        parent = node.parent
        if parent is None or parent.tag in ("body", "html"):
            break
        crowded = memo.crowded.get(parent.mem_id)
        if crowded is None:
            crowded = memo.crowded[parent.mem_id] = _more_links_than(parent, 2)
        if crowded:
            break
        before = [_text(s) for s in _siblings(node, "prev")]
        after = [_text(s) for s in _siblings(node, "next")]
        before, after = [t for t in before if t], [t for t in after if t]
        if before or after:
            return before, after
        node = parent
    return [], []


def _more_links_than(node: LexborNode, limit: int) -> bool:
    """Whether `node` links to more than `limit` distinct addresses (stops counting past the limit:
    a teaser's container is small, a page-wide one is not worth counting through)."""
    seen: set[str] = set()
    # Walked rather than queried: a CSS query costs more, and the walk stops early.
    for a in node.traverse():
        if a.tag == "a" and "href" in a.attrs:
            href = a.attrs.get("href") or ""
            with contextlib.suppress(ValueError):  # a malformed address (`http://[x#y`) counts as written
                href = without_fragment(href)
            seen.add(href)
            if len(seen) > limit:
                return True
    return False


def _siblings(node: LexborNode, direction: str) -> list[LexborNode]:
    out: list[LexborNode] = []
    sibling = getattr(node, direction)
    while sibling is not None and len(out) < 3:
        if not sibling.is_text_node and sibling.tag not in _SKIPPED and sibling.tag != "a":
            out.append(sibling)
        sibling = getattr(sibling, direction)
    return out


def _contains(outer: LexborNode, node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id == outer.mem_id:
            return True
        parent = parent.parent
    return False


def _short(texts: list[str]) -> str | None:
    text = texts[0] if texts else None
    return text if text and len(text.split()) <= _MAX_KICKER_WORDS else None


def _long(texts: list[str]) -> str | None:
    return next((t for t in texts if len(t.split()) >= _MIN_LEDE_WORDS), None)


def _text(node: LexborNode) -> str:
    if node.is_text_node:
        return clean_text(node.text_content or "")
    parts = []
    for child in node.traverse(include_text=True):
        if child.is_text_node:
            parent = child.parent
            if parent is not None and parent.tag in _SKIPPED:
                continue
            parts.append(child.text_content or "")
    text = "".join(parts)
    return clean_text(_LIGATURE.sub(" ", text) if "_" in text else text)


def _note_section(heading: LexborNode, place: _Place, sections: dict[int, str]) -> None:
    """Note `heading`, whose parent is at `place`, when it labels a section of the page."""
    if place.chrome or place.node is None:
        return
    label = _text(heading)
    if not label or len(label.split()) > _MAX_SECTION_WORDS or _has_link(heading):
        return
    sections[place.node.mem_id] = label


def _has_link(node: LexborNode) -> bool:
    """Whether `node` holds an `a[href]` (walked: cheaper than a CSS query on a small element)."""
    return any(n.tag == "a" and "href" in n.attrs for n in node.traverse())


def _enclosing_section(place: _Place, sections: dict[int, str]) -> str | None:
    """The latest section heading whose container holds the link at `place`: a real section of the
    page. Noted in reading order, that is the latest heading of the nearest such container (a heading
    of an outer container, not holding the link, ends before the inner container starts)."""
    current: _Place | None = place
    while current is not None and current.node is not None:
        label = sections.get(current.node.mem_id)
        if label is not None:
            return label
        current = current.parent
    return None
