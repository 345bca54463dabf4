"""Absolute link targets: the fast paths for already-absolute, protocol-relative, root-relative and
relative links, and for links of other schemes, give exactly what urljoin gives."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborNode

from dagster_project.extract import ExtractionError, extract, profile_html
from dagster_project.extract.generic import headlines as generic_headlines
from dagster_project.extract.html_links import absolute_url, without_fragment
from dagster_project.ingest.readers import read_file
from dagster_project.ingest.records import Snapshot
from tests.conftest import FIXTURES, RAW_SAMPLE

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import generate


def reference_url(href: str | None, base: str | None) -> str | None:
    """The straightforward version: always urljoin, then keep web URLs only; a link urlsplit
    rejects ("http://[bad/", "http://[ccpa-preferences]") is no web URL, not a crash."""
    href = (href or "").strip()
    if not href:
        return None
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def reference_href(node: LexborNode | None, base: str | None) -> str | None:
    return None if node is None else reference_url(node.attributes.get("href"), base)


def outcome(fn, *args):
    try:
        return fn(*args)
    except ValueError as exc:  # neither may raise: a malformed link is skipped, not fatal
        return type(exc)


BASES = [
    None,
    "",
    "http://a.example/b/c/d;p?q",
    "https://www.aggregator.example/article/1-x",
    "HTTPS://A.example",
    "http://a.example/x/../y/",
    "https://[::1]:8080/p?x#y",
    "https://a.example",
    "https://a.example/",
    "https://a.example/dir/",
    "https://a.example/dir/page?q=/x/y#/z/",
    "https://a.example/dir/page#f/g",
    "https://a.example?q=/x/y",
    "https://a.example#/x/y",
    "https://a.example//dir/page",
    "https://a.example/dir//page",
    "https://a.example/./dir/page",
    "https://a.example/.well-known/page",
    "https://a.example/d;p/e;q",
    "https://a.example/d e/page",
    "https://a.example/d\te/page",
    "https://a.example/dir/pa\nge",
    "https://a.example\n",
    "https://a.example/d/\n",
    "https://a.example/é/ü",
    "http://a.example:8080/dir/page",
]

EDGE_HREFS = [
    "https://www.aggregator.example/article/1258430-le-senat",
    "http://a/b/../c",
    "http://a/./b/../../c",
    "HTTP://a/b",
    "Https://a/b",
    "  https://a/b  ",
    "\thttps://a/b\n",
    "https://a/b\tc",
    "https://a/b c",
    "https://a/b?",
    "https://a/b#",
    "https://a/b?#",
    "https://a/b?#f",
    "https://a/b?q#",
    "https://a/b?q",
    "https://a/b#frag",
    "https://a/b#f?g",
    "https://a?q",
    "https://a#f",
    "https://a",
    "https://a/b;p",
    "https://a/b;",
    "https://a/b;p/c;",
    "https://a:80/b",
    "https://user:pw@a/b",
    "https://[::1]/b",
    "https://[bad/b",
    "https://bad]/b",
    "https://é.example/b",
    "https://a/é?ü#ö",
    "https://a/b\x00c",
    "https://a/b\x7f",
    "https://a/%2e%2e/b",
    "https:///b",
    "https:/b",
    "https:b",
    "http:",
    "//host/path",
    "//host",
    "/abs/path",
    "/abs/path?q#f",
    "/a/./b",
    "/a/../b",
    "/a/.",
    "/a/..",
    "/.hidden/x",
    "/a;p",
    "/a?",
    "/a#",
    "/a?#f",
    "/é/ü?ö",
    "/a b",
    "/a\tb",
    "../up",
    "./here",
    "rel/path",
    "rel/path/",
    "rel//path",
    "rel/./path",
    "rel/../path",
    "rel/..",
    "rel/.",
    ".",
    "..",
    ".hidden",
    "rel/.hidden",
    "page.html?id=1&x=2",
    "page.html?a=/../b",
    "page.html?t=12:00",
    "page.html#a/b",
    "page.html?",
    "page.html#",
    "page;p",
    "pa ge",
    "é/ü?ö#ä",
    "index.php?id=1;2",
    "a:b",
    "a1+.-:b",
    "1a:b",
    "-a:b",
    "//host/p/../q",
    "//host:8080/p?q#f",
    "//host?q",
    "//host#f",
    "///path",
    "//[::1]/p",
    "//[bad/p",
    "//user@host/p",
    "//host/a;b",
    "//HOST/p",
    "//é.example/p",
    "//host/p q",
    "JavaScript:void(0)",
    "MAILTO:x@a.example",
    "whatsapp://send?text=http://a/b",
    "javascript://[bad",
    "mailto:?subject=x&body=http%3A%2F%2Fa",
    "HTTPS://a.example/b",
    "http:rel/path",
    "https:/b/c",
    "h\ttp://a/b",
    "ja\nvascript:x",
    "\x01javascript:x",
    "a\\b",
    "\\\\host\\p",
    "?q",
    "#frag",
    "",
    "   ",
    "javascript:void(0)",
    "mailto:x@a.example",
    "ftp://a/b",
    "data:text/html,x",
    "tel:+212",
]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("href", EDGE_HREFS)
def test_edge_cases_match_urljoin(href: str, base: str | None) -> None:
    assert outcome(absolute_url, href, base) == outcome(reference_url, href, base)


@pytest.mark.parametrize("fragment", ["", "#", "#f", "#f#g", "#f?g", "#/a/../b"])
@pytest.mark.parametrize("href", EDGE_HREFS + [b for b in BASES if b])
def test_without_fragment_matches_urldefrag(href: str, fragment: str) -> None:
    assert outcome(without_fragment, href + fragment) == outcome(lambda url: urldefrag(url).url, href + fragment)


SCHEMES = st.sampled_from(["http", "https", "HTTP", "hTtPs", "ftp", "javascript", "mailto", "data", ""])
SEPARATORS = st.sampled_from(["://", ":", ":/", ":///", "//", "/", ""])
HOSTS = st.sampled_from(["a.example", "", "A.EXAMPLE:8080", "u:p@a", "[::1]", "[bad", "bad]", "é.example", "a b", "."])
PADDING = st.sampled_from([""] * 6 + [" ", "\t", "\n ", "\x00", "\u00a0"])
# Characters that urlsplit treats specially (delimiters, stripped or rejected ones) and a few plain ones.
URL_TEXT = st.text(alphabet=st.sampled_from(list("ab/.?#;%:@[]- \t\n\r\x00\x0b\x1f\x7féü\u00a0\u2028")), max_size=10)
PLAIN_TEXT = st.text(alphabet=st.sampled_from(list("ab/.?#%:@-é")), max_size=8)
ODD = st.sampled_from([""] * 8 + [";"] * 3 + [" ", "\t", "\n", "\x00", "\x7f", "[", "]", "\u2028", "\u00a0"])
HREFS = st.one_of(
    # Absolute http(s) links, where the fast path must tell whether urljoin would rewrite them.
    st.builds(
        lambda *parts: "".join(parts),
        PADDING,
        st.sampled_from(["http://", "https://", "HTTPS://"]),
        HOSTS,
        st.sampled_from(["/", "?", "#", ""]),
        PLAIN_TEXT,
        ODD,
        PLAIN_TEXT,
        PADDING,
    ),
    st.builds(lambda *parts: "".join(parts), PADDING, SCHEMES, SEPARATORS, HOSTS, URL_TEXT, URL_TEXT, PADDING),
    # Root-relative, protocol-relative and relative links, which a plain base joins without urljoin.
    st.builds(
        lambda *parts: "".join(parts),
        PADDING,
        st.sampled_from(["/", "//", "/./", "/../", "/a/", "", "a/", "./", "../", "a:", "a.b/"]),
        PLAIN_TEXT,
        ODD,
        PLAIN_TEXT,
        PADDING,
    ),
    st.text(max_size=30),
)
WEB_BASES = st.one_of(
    st.sampled_from(BASES),
    st.builds(
        lambda scheme, host, path: f"{scheme}://{host}{path}",
        st.sampled_from(["http", "https", "HTTP"]),
        st.sampled_from(["a.example", "b.example:81", "u@c.example"]),
        URL_TEXT.filter(lambda s: "[" not in s and "]" not in s).map(lambda s: "/" + s),
    ),
)


@settings(max_examples=3000, deadline=None)
@given(href=HREFS, base=WEB_BASES)
def test_any_href_matches_urljoin(href: str, base: str | None) -> None:
    # urljoin rewrites an absolute link only against a base of the same scheme: try both.
    for b in (base, "http://b.example/c/d", "https://b.example/c/d"):
        assert outcome(absolute_url, href, b) == outcome(reference_url, href, b)


@settings(max_examples=1000, deadline=None)
@given(href=HREFS, fragment=st.sampled_from(["", "#", "#f", "#f#g"]))
def test_any_url_loses_its_fragment_as_with_urldefrag(href: str, fragment: str) -> None:
    assert outcome(without_fragment, href + fragment) == outcome(lambda url: urldefrag(url).url, href + fragment)


def _html_pages(tmp_path: Path) -> list[tuple[str, Snapshot]]:
    generated = tmp_path / "generated"
    generate.generate(generated, 200, days=3, seed=11, text_share=0.1)
    roots = [RAW_SAMPLE, FIXTURES / "hostile", FIXTURES / "article_pages", generated]
    pages = []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            for i, record in enumerate(read_file(path.parent, path.name)):  # a WARC holds several pages
                if isinstance(record, Snapshot) and record.media_type == "text/html":
                    pages.append((f"{root.name}/{path.relative_to(root)}#{i}", record))
    return pages


def _extract_all(pages: list[tuple[str, Snapshot]]) -> dict[str, object]:
    results: dict[str, object] = {}
    for name, snapshot in pages:
        try:
            results[name] = extract(snapshot.text, snapshot.media_type, snapshot.url)
        except ExtractionError as exc:
            results[name] = exc.reason
    return results


def test_pages_extract_as_with_urljoin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = _html_pages(tmp_path)
    fast = _extract_all(pages)
    monkeypatch.setattr(profile_html, "absolute_href", reference_href)
    monkeypatch.setattr(generic_headlines, "absolute_url", reference_url)
    slow = _extract_all(pages)
    assert len(fast) == len(pages)
    assert fast == slow
    profiled = [c for c in fast.values() if not isinstance(c, str) and c.extractor.startswith("profile:")]
    generic = [c for c in fast.values() if not isinstance(c, str) and not c.extractor.startswith("profile:")]
    # The comparison covers both parsers, and links that were actually resolved.
    assert len(profiled) >= 150 and generic
    assert sum(h.url is not None for c in profiled for h in c.headlines) >= 150 * 48
