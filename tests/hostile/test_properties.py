"""Property-based tests: arbitrary bytes through the readers and decoder, arbitrary tag soup and
text through extraction, arbitrary page text through the Parquet store. Only the project's
documented errors may come out: the readers never raise (a bad file is a SnapshotFailure with a
documented reason), `decode` raises only NotTextError, and `extract` only ExtractionError with a
documented reason."""

from __future__ import annotations

import gzip
import re
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.extract import ExtractionError, extract
from dagster_project.extract.page_type import PAGE_TYPES
from dagster_project.extract.records import REASONS as EXTRACT_REASONS
from dagster_project.ingest.decode import NotTextError, decode
from dagster_project.ingest.readers import read_file
from dagster_project.ingest.records import REASONS as INGEST_REASONS
from dagster_project.ingest.records import Snapshot, SnapshotFailure
from dagster_project.lake import store
from dagster_project.lake.schemas import PAGES
from tests.conftest import RAW_SAMPLE, SEED

PARAGRAPHS = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()[16:28] if len(line) > 80]
FORMATS = ["page.html", "page.txt", "page.html.gz", "page.warc", "page.warc.gz"]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Bytes that look a little like what the readers expect, so that the search gets past the first check.
PREFIXES = [
    b"",
    b"\x1f\x8b\x08\x00",
    b"WARC/1.1\r\n",
    b"WARC/1.0\r\nWARC-Type: response\r\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"<html><meta charset=",
    b"<?xml version='1.0'?>",
]
raw_bytes = st.builds(lambda p, b: p + b, st.sampled_from(PREFIXES), st.binary(max_size=4096))


def check_records(records: list) -> None:
    assert records, "a file must leave a trace"
    for r in records:
        assert isinstance(r, Snapshot | SnapshotFailure)
        if isinstance(r, SnapshotFailure):
            assert r.reason in INGEST_REASONS, r.reason
        else:
            assert isinstance(r.text, str) and r.text.strip()


@FAST
@given(data=raw_bytes, name=st.sampled_from(FORMATS), gzipped=st.booleans())
def test_arbitrary_bytes_never_make_a_reader_raise(data, name, gzipped):
    if gzipped:
        data = gzip.compress(data, mtime=0)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / name).write_bytes(data)
        records = list(read_file(Path(folder), name))
    check_records(records)


@FAST
@given(data=raw_bytes, declared=st.sampled_from([None, "utf-8", "windows-1256", "bogus", "utf-16", "latin-1"]))
def test_decode_returns_text_or_raises_not_text(data, declared):
    try:
        text, codec = decode(data, declared=declared)
    except NotTextError:
        return
    assert isinstance(text, str) and codec


@FAST
@given(st.text(max_size=2000), st.sampled_from(["utf-8", "cp1252", "cp1256", "utf-16"]))
def test_any_text_round_trips_through_its_encoding_or_is_not_text(text, codec):
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        return
    try:
        decoded, _ = decode(data, declared=codec)
    except NotTextError:
        return
    assert decoded == text or codec == "utf-16"  # the BOM path may re-detect


TAGS = [
    "html",
    "head",
    "body",
    "title",
    "meta",
    "p",
    "div",
    "article",
    "main",
    "section",
    "span",
    "a",
    "h1",
    "h2",
    "script",
    "noscript",
    "template",
    "style",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "nav",
    "footer",
    "br",
    "img",
    "svg",
    "math",
    "iframe",
    "time",
    "header",
    "form",
    "select",
    "textarea",
    "plaintext",
    "xmp",
]
ATTRS = ["href", "class", "id", "content", "charset", "property", "name", "rel", "src", "datetime", "lang"]
attr_value = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "https://news.example/a",
            "javascript:alert(1)",
            "//x",
            "../../etc/passwd",
            "http://[::1",
            "og:url",
            "canonical",
            "article:published_time",
            "2020-01-25",
            "9999-99-99",
        ]
    ),
)
open_tag = st.builds(
    lambda tag, attrs: f"<{tag}" + "".join(f' {k}="{v}"' for k, v in attrs) + ">",
    st.sampled_from(TAGS),
    st.lists(st.tuples(st.sampled_from(ATTRS), attr_value), max_size=3),
)
close_tag = st.sampled_from(TAGS).map(lambda t: f"</{t}>")
MARKUP_JUNK = ["<!--", "-->", "<![CDATA[", "]]>", "<!DOCTYPE html>", "&amp;", "&#0;", "&#xD800;", "&#xFFFF;"]
MARKUP_JUNK += ["&nbsp;", "<", ">", "&", '"', "\x00", "</", "<!ENTITY", "<?xml version='1.0'?>"]
junk = st.sampled_from(MARKUP_JUNK)
token = st.one_of(open_tag, close_tag, junk, st.text(max_size=40), st.sampled_from(PARAGRAPHS))
tag_soup = st.lists(token, max_size=60).map("".join)


def check_extraction(text: str, media_type: str) -> None:
    try:
        content = extract(text, media_type, None)
    except ExtractionError as exc:
        assert exc.reason in EXTRACT_REASONS
        return
    # Every page gets a type; only an article page gives an article, an `other` page gives nothing.
    assert content.page_type in PAGE_TYPES
    if content.page_type != "article":
        assert content.article is None
    if content.page_type == "other":
        assert not content.headlines
    if content.article is not None:
        assert content.article.paragraphs and all(isinstance(p, str) for p in content.article.paragraphs)


@SLOW
@given(tag_soup)
def test_tag_soup_raises_nothing_but_extraction_errors(html):
    check_extraction(html, "text/html")


# Odd lines: non-breaking spaces, and half a character pair (which a caller's string can hold).
ODD_LINES = ["\u00a0" * 3, "a\ud800b"]


@SLOW
@given(st.lists(st.one_of(st.text(max_size=80), st.sampled_from(PARAGRAPHS), st.sampled_from(ODD_LINES)), max_size=30))
def test_any_plain_text_raises_nothing_but_extraction_errors(lines):
    check_extraction("\n".join(lines), "text/plain")


@SLOW
@given(st.text(max_size=200), st.sampled_from(["application/pdf", "", "text/HTML", "image/png"]))
def test_other_media_types_are_refused_with_a_reason(text, media_type):
    try:
        extract(text, media_type, None)
    except ExtractionError as exc:
        assert exc.reason == "unsupported_media_type"
    else:
        raise AssertionError(f"{media_type!r} was accepted")


@FAST
@given(st.lists(st.tuples(st.text(max_size=300), st.text(max_size=40)), max_size=20))
def test_any_page_text_round_trips_through_the_store(rows):
    frame = pl.DataFrame(
        {
            "snapshot_id": [f"{i:016x}" for i in range(len(rows))],
            "path": [p or "x" for _, p in rows],
            "url": [None] * len(rows),
            "captured_at": [None] * len(rows),
            "media_type": ["text/html"] * len(rows),
            "text": [t for t, _ in rows],
        },
        schema=PAGES.schema,
    )
    with tempfile.TemporaryDirectory() as folder:
        store.write(Path(folder), PAGES, frame, {"batch": "00001"})
        assert store.read_partition(Path(folder), PAGES, {"batch": "00001"}).equals(frame)


# The bundled real pages, cut, spliced and salted with markup, and with some of their link addresses
# replaced by malformed ones (a malformed address beside a teaser, found by mutating the
# development suites' pages, made extraction raise).
REAL_PAGES = [gzip.decompress(f.read_bytes()).decode("utf-8") for f in sorted((RAW_SAMPLE / "pages").glob("*.html.gz"))]
SALT = [
    *MARKUP_JUNK,
    "<noscript>",
    "<template>",
    "<h2><a href='/a/b-1'>Un titre assez long pour passer pour un article</a></h2>",
    '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "headline": ',
    "<time datetime='0000-00-00'>",
    "\u00ad",
    "\ud800",
]
BAD_ADDRESSES = ["http://[x#comments", "http://[ccpa-preferences]", "\t//x", "http://[::1", "//", "#", "?#", "http:x"]
ADDRESS = re.compile(r"""(?<=href=")[^"]*|(?<=href=')[^']*""")
splice = st.tuples(st.floats(0, 1), st.integers(0, 400), st.one_of(st.sampled_from(SALT), st.text(max_size=20)))
# Every `step`-th address from `first` on: some of a teaser's links, not all of them.
readdress = st.tuples(st.integers(1, 6), st.integers(0, 5), st.sampled_from(BAD_ADDRESSES))


@SLOW
@given(
    page=st.sampled_from(range(len(REAL_PAGES))),
    splices=st.lists(splice, max_size=8),
    addresses=st.lists(readdress, max_size=3),
)
def test_mutated_real_pages_raise_nothing_but_extraction_errors(page, splices, addresses):
    html = REAL_PAGES[page]
    for step, first, address in addresses:
        found = list(ADDRESS.finditer(html))[first::step]
        for m in reversed(found):
            html = html[: m.start()] + address + html[m.end() :]
    for where, cut, salt in splices:
        at = int(where * len(html))
        html = html[:at] + salt + html[at + cut :]
    check_extraction(html, "text/html")
