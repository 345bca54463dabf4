"""Headline links of front and section pages, in page order, with the section they are listed under.

A link reads as a headline when its text has 4 to 40 words, it is not in the page's chrome
(navigation, header, footer, forms) and not inside running text (a link in a paragraph is a
citation, not a teaser). Its section is the nearest preceding short heading (`<h2>Sports</h2>`),
or the label of an enclosing `<section aria-label>`, when the page shows one.
"""

from __future__ import annotations

from urllib.parse import urldefrag

from selectolax.lexbor import LexborHTMLParser, LexborNode

from dagster_project.extract.html_links import absolute_href
from dagster_project.extract.records import Headline, clean_text

MIN_WORDS, MAX_WORDS = 4, 40
# A section label is short; a longer heading is a teaser's own title.
_MAX_SECTION_WORDS = 5
_CHROME = frozenset({"nav", "footer", "header", "form"})
_RUNNING_TEXT = frozenset({"p"})
_SELECTOR = "h1, h2, h3, h4, h5, h6, a[href]"


def headline_links(tree: LexborHTMLParser, base: str | None, own: set[str | None]) -> tuple[Headline, ...]:
    """Links whose text reads as a headline; `own` holds the page's own title and URL, left out."""
    body = tree.body
    if body is None:
        return ()
    seen: set[str] = set()
    found: list[Headline] = []
    section: str | None = None
    for node in body.css(_SELECTOR):
        if node.tag != "a":
            label = clean_text(node.text())
            if label and len(label.split()) <= _MAX_SECTION_WORDS and not _in(node, _CHROME):
                section = label
            continue
        text = clean_text(node.text())
        if not (MIN_WORDS <= len(text.split()) <= MAX_WORDS) or text in own:
            continue
        url = absolute_href(node, base)
        if url is None or urldefrag(url).url in own or url in seen:
            continue
        labelled = _section_label(node)
        if _in(node, _CHROME | _RUNNING_TEXT):
            continue
        seen.add(url)
        found.append(Headline(len(found) + 1, text, url, section=labelled or section))
    return tuple(found)


def _in(node: LexborNode, tags: frozenset[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _section_label(node: LexborNode) -> str | None:
    parent = node.parent
    while parent is not None:
        if parent.tag == "section":
            label = clean_text(parent.attributes.get("aria-label") or "")
            if label:
                return label
        parent = parent.parent
    return None
