"""A reading view of an HTML page for labelling its headlines by hand (not used by the pipeline).

    PYTHONPATH=. .venv/bin/python bench/label_view.py ../shared/eval/frontpages-dev/pages/<file>.html.gz

Prints, in document order, what a reader sees: headings (`H2 ...`), links with their absolute
target and their text pieces (`A <url> :: piece | piece`) and other text blocks (`T ...`), each
marked with the landmark it sits in (`[nav]`, `[header]`, `[footer]`, `[aside]`). It makes no
decision: the labeller reads it (and the page source where in doubt) and writes the labels.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from dagster_project.extract.html_links import absolute_href, page_url

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe"}
_LANDMARKS = {"nav", "header", "footer", "aside"}
_BLOCKS = {"p", "div", "li", "section", "article", "ul", "ol", "figure", "figcaption", "span", "time", "dd", "dt"}


def pieces(node: LexborNode) -> list[str]:
    """The visible text pieces of `node`, one per text node, in order."""
    out = []
    for child in node.traverse(include_text=True):
        if child.is_text_node:
            parent = child.parent
            if parent is not None and any(p.tag in _SKIP for p in _ancestors(parent)):
                continue
            text = " ".join((child.text_content or "").split())
            if text:
                out.append(text)
    return out


def _ancestors(node: LexborNode):
    while node is not None:
        yield node
        node = node.parent


def view(html: str, url: str | None = None) -> list[str]:
    tree = LexborHTMLParser(html)
    base = page_url(tree, url)
    lines: list[str] = []
    body = tree.body
    if body is None:
        return lines

    def walk(node: LexborNode, marks: tuple[str, ...]) -> None:
        for child in node.iter(include_text=False):
            tag = child.tag
            if tag in _SKIP:
                continue
            m = marks + ((tag,) if tag in _LANDMARKS else ())
            where = f"[{','.join(m)}] " if m else ""
            if tag == "a":
                text = pieces(child)
                if text:
                    lines.append(f"{where}A {absolute_href(child, base)} :: {' | '.join(text)}")
                continue
            if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and child.css_first("a") is None:
                text = " ".join(pieces(child))
                if text:
                    lines.append(f"{where}{tag.upper()} {text}")
                continue
            own = [" ".join((c.text_content or "").split()) for c in child.iter(include_text=True) if c.is_text_node]
            own = [t for t in own if t]
            if own and tag in _BLOCKS:
                lines.append(f"{where}T<{tag}> {' '.join(own)[:300]}")
            walk(child, m)

    walk(body, ())
    return lines


def main() -> None:
    path = Path(sys.argv[1])
    raw = path.read_bytes()
    html = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", "replace")
    print("\n".join(view(html)))


if __name__ == "__main__":
    main()
