"""Article metadata from what pages declare: JSON-LD, OpenGraph and other meta tags, then markup.

Read from the whole page, `<head>` and scripts included. Declared values come first because they
are written for machines; visible markup (`<h1>`, `<time>`, bylines) fills the gaps.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from dagster_project.extract.dates import parse_date, parse_iso_date, parse_url_date
from dagster_project.extract.html_links import canonical_url, is_web_url
from dagster_project.extract.records import clean_text, without_lone_surrogates

_ARTICLE_TYPES = re.compile(r"article|posting|report|news", re.I)
# <meta> tags that state the publication date, in order of trust: (attribute, its exact value).
_PUBLISHED_META = (
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("property", "og:published_time"),
    ("itemprop", "datePublished"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "publish-date"),
    ("name", "parsely-pub-date"),
    ("name", "sailthru.date"),
    ("name", "dc.date.issued"),
    ("name", "DC.date.issued"),
    ("name", "dcterms.created"),
    ("name", "date"),
)
# Elements whose visible text states the publication date, judged by their class or id.
_DATE_HOLDERS = (
    '[class*="date"], [id*="date"], [class*="publish"], [class*="posted"], [class*="byline"], '
    '[class*="time"], [class*="meta"]'
)
_AUTHOR_META = (("name", "author"), ("property", "article:author"), ("name", "parsely-author"))
_META_KEYS = ("property", "name", "itemprop")
_AUTHOR_MARKUP = (
    '[rel="author"], [itemprop="author"] [itemprop="name"], [class*="author-name"], [class*="byline__name"]'
)
# Every element read from the whole page, found in one pass (a query walks the whole page whatever
# it finds) and told apart by tag.
_ELEMENTS = 'meta, script[type="application/ld+json"], time[datetime], h1, title'
_BY = re.compile(r"^(?:by|par|por|de|بقلم|كتب)\s+", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·•:-]\s+")


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None = None
    published_at: date | None = None
    authors: tuple[str, ...] = ()
    site_name: str | None = None
    canonical_url: str | None = None
    language: str | None = None  # declared by `<html lang>`, a hint for reading dates
    description: str | None = None
    og_type: str = ""  # `og:type`, trimmed and in lower case
    ld_types: tuple[str, ...] = ()  # every `@type` of the page's JSON-LD (top level, `@graph`, `mainEntity`)


@dataclass(frozen=True, slots=True)
class _MetaTags:
    """The page's <meta> tags, read in one pass: a query over the whole page costs as much as this."""

    values: dict[str, str]  # property, name or itemprop (trimmed, lower case) -> content; the first of each
    # (attribute, exact value) -> attributes of the first <meta> with it: what `meta[attribute="value"]` finds
    first: dict[tuple[str, str | None], dict[str, str | None]]


def read_metadata(tree: LexborHTMLParser, capture_url: str | None) -> Metadata:
    elements: dict[str, list[LexborNode]] = {}
    for node in tree.css(_ELEMENTS):
        elements.setdefault(node.tag, []).append(node)
    documents = _json_ld_documents(elements.get("script", []))
    ld = _json_ld_article(documents)
    tags = _meta_tags(elements.get("meta", []))
    meta = tags.values
    language = _declared_language(tree, meta)
    site_name = _first(meta.get("og:site_name"), _name_of(ld.get("publisher")), meta.get("application-name"))
    canonical = canonical_url(tree, capture_url)
    og_type = tags.first.get(("property", "og:type"))
    return Metadata(
        title=_title(elements, ld, meta, site_name),
        published_at=_published(tree, elements.get("time", []), ld, tags, language, canonical or capture_url),
        authors=_authors(tree, ld, tags),
        site_name=site_name,
        canonical_url=canonical,
        language=language,
        description=_first(meta.get("og:description"), meta.get("description")),
        og_type=(og_type.get("content") or "").strip().lower() if og_type else "",
        ld_types=tuple(_json_ld_types(documents)),
    )


def _first(*values: str | None) -> str | None:
    for value in values:
        # Declared values are often still entity-encoded (`&#8216;`).
        text = clean_text(html.unescape(value)) if isinstance(value, str) else ""
        if text:
            return text
    return None


def _meta_tags(nodes: list[LexborNode]) -> _MetaTags:
    values: dict[str, str] = {}
    first: dict[tuple[str, str | None], dict[str, str | None]] = {}
    for node in nodes:
        attrs = node.attributes
        for name in _META_KEYS:
            if name in attrs:
                first.setdefault((name, attrs[name]), attrs)
        if "content" in attrs:
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
            if key and key not in values:
                values[key] = attrs.get("content") or ""
    return _MetaTags(values, first)


# A JSON escape of a UTF-16 surrogate (`\ud83d`): alone, it decodes to half a character.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _json_ld_documents(scripts: list[LexborNode]) -> list[object]:
    documents = []
    for script in scripts:
        text = script.text(deep=True) or "null"
        try:
            document = json.loads(text, strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; the meta tags still speak
        if _SURROGATE_ESCAPE.search(text):  # rare: a lone half becomes U+FFFD, not text no one can write
            document = json.loads(without_lone_surrogates(json.dumps(document, ensure_ascii=False)))
        documents.append(document)
    return documents


def _json_ld_objects(documents: list[object]) -> Iterator[dict]:
    for data in documents:
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity", "mainEntityOfPage"))


def _json_ld_types(documents: list[object]) -> list[str]:
    types: list[str] = []
    for data in documents:
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kind = item.get("@type")
                types.extend(k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str))
                stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity"))
    return types


def _json_ld_article(documents: list[object]) -> dict:
    """The page's article object in JSON-LD (NewsArticle, BlogPosting, ...), else {}."""
    fallback: dict = {}
    for item in _json_ld_objects(documents):
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
            return item
        if not fallback and ("datePublished" in item or "headline" in item):
            fallback = item
    return fallback


def _name_of(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) else None


def _declared_language(tree: LexborHTMLParser, meta: dict[str, str]) -> str | None:
    html = tree.css_first("html")
    code = (html.attributes.get("lang") if html else None) or meta.get("og:locale") or meta.get("content-language")
    code = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return code if len(code) == 2 and code.isalpha() else None


def _title(elements: dict[str, list[LexborNode]], ld: dict, meta: dict[str, str], site_name: str | None) -> str | None:
    h1 = elements.get("h1")
    h1_text = clean_text(h1[0].text()) if h1 else ""
    declared = _first(ld.get("headline") if isinstance(ld.get("headline"), str) else None, meta.get("og:title"))
    if declared and h1_text and h1_text.casefold() in declared.casefold():
        return h1_text  # the declared title often carries the site's name; the h1 is the bare one
    if declared:
        return _without_site_name(declared, site_name)
    if h1_text:
        return h1_text
    title = elements.get("title")
    return _without_site_name(clean_text(title[0].text()), site_name) if title else None


def _without_site_name(title: str, site_name: str | None) -> str | None:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1 and site_name and site_name.casefold() in parts[-1].casefold():
        title = title[: title.rfind(parts[-1])].rstrip(" |–—·•:-")
    return title or None


def _published(
    tree: LexborHTMLParser, times: list[LexborNode], ld: dict, tags: _MetaTags, language: str | None, url: str | None
) -> date | None:
    """`times`: the page's `time[datetime]` elements."""
    in_url = parse_url_date(urlsplit(url).path if is_web_url(url) else None)
    declared = _declared_date(times, ld, tags, language)
    if declared and in_url and (declared - in_url).days == 1:
        # Stamps are often in UTC: an evening story in the Americas is stamped the next day, while
        # the URL carries the publisher's own calendar day.
        return in_url
    if declared or in_url:
        return declared or in_url
    body = tree.body
    for node in body.css(_DATE_HOLDERS) if body else ():
        text = node.text(deep=True)
        if 6 <= len(text) <= 200 and (found := parse_date(text, language)):
            return found
    return None


def _declared_date(times: list[LexborNode], ld: dict, tags: _MetaTags, language: str | None) -> date | None:
    found = parse_iso_date(ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None)
    if found:
        return found
    for key in _PUBLISHED_META:
        attrs = tags.first.get(key)
        value = attrs.get("content") if attrs else None
        if found := parse_iso_date(value) or parse_date(value, language):
            return found
    for node in times:
        if found := parse_iso_date(node.attributes.get("datetime")):
            return found
    return None


def _authors(tree: LexborHTMLParser, ld: dict, tags: _MetaTags) -> tuple[str, ...]:
    names: list[str] = []
    declared = ld.get("author")
    for item in declared if isinstance(declared, list) else [declared]:
        name = _name_of(item)
        if name:
            names.append(name)
    if not names:
        for key in _AUTHOR_META:
            attrs = tags.first.get(key)
            value = (attrs.get("content") or "") if attrs else ""
            if value and not is_web_url(value.strip()):
                names.extend(re.split(r"\s*(?:,|\band\b|\bet\b|\by\b|&)\s*", value))
                break
    if not names and tree.body:
        names.extend(n.text(deep=True) for n in tree.body.css(_AUTHOR_MARKUP)[:3])
    cleaned = (_BY.sub("", clean_text(n)) for n in names)
    return tuple(dict.fromkeys(n for n in cleaned if n and len(n) <= 80 and not is_web_url(n)))
