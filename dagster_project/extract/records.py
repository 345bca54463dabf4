"""What extraction produces from one page."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

_NON_WORD = re.compile(r"\W+")
WORD = re.compile(r"\w+")


# Reason codes of the extract stage; the README's quarantine section explains each.
REASONS = {
    "unknown_text_layout": "a plain-text rendering that no site profile recognises",
    "no_article": "a profiled page without the article block its profile expects",
    "empty_article": "an article block with a title but no body text",
    "empty_page": "the decoded page holds only white space",
    "unsupported_media_type": "a page that is neither HTML nor plain text",
    "extractor_crash": "the extractor failed unexpectedly on this page (a bug to report)",
}


class ExtractionError(ValueError):
    """A page could not be turned into records; `reason` is a short code for the quarantine table."""

    def __init__(self, reason: str, detail: str) -> None:
        if reason not in REASONS:
            raise ValueError(f"undocumented extraction reason {reason!r}")
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class RelatedLink:
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Headline:
    position: int  # 1-based, page order
    text: str
    url: str | None = None
    language: str | None = None
    section: str | None = None  # the page section the headline is listed under, when shown
    kicker: str | None = None  # the teaser's line above the title (German "Dachzeile"), when shown
    lede: str | None = None  # the teaser's text under the title, when shown

    @property
    def headline_id(self) -> str:
        return headline_id(self.text)

    def fields(self) -> dict[str, object]:
        """The headline's columns of the `headlines` table."""
        return {
            "position": self.position,
            "headline_id": self.headline_id,
            "text": self.text,
            "url": self.url,
            "language": self.language,
            "section": self.section,
            "kicker": self.kicker,
            "lede": self.lede,
        }


@dataclass(frozen=True, slots=True)
class Article:
    title: str | None
    paragraphs: tuple[str, ...]
    extractor: str
    outlet: str | None = None
    published_at: date | None = None
    related: tuple[RelatedLink, ...] = ()
    url: str | None = None
    source_url: str | None = None
    language: str | None = None
    authors: tuple[str, ...] = ()
    site_name: str | None = None  # the site the page is on (an aggregator's own name, not its source's)
    canonical_url: str | None = None  # as the page declares it (link rel=canonical, og:url)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def n_words(self) -> int:
        return len(WORD.findall(self.body))

    @property
    def article_id(self) -> str:
        """Stable across snapshots: the same story seen twice (as text or HTML) gets the same id.

        A page that declares its own canonical address (one below the site's root: a site-wide one
        names no page) is identified by it, since a blog's posts may share a title (the blog's name),
        an outlet and a day. Otherwise the id is built from what every rendering of a page shows
        (title, outlet, publication date), with the page's host when the outlet or the date is
        missing, so that two sites' pages titled alike stay two articles (the start of the body
        instead when the page has no address of its own). A title that is only the site's name
        identifies no page: such pages, and pages without a title, fall back to their address, then
        to the start of their body.
        """
        url = self.canonical_url or self.url
        title = self.title if self.title and not self._title_is_site_name() else None
        if _below_root(self.canonical_url):
            parts = [self.canonical_url]
        elif title:
            parts = [title, self.outlet or "", self.published_at.isoformat() if self.published_at else ""]
            if not (self.outlet and self.published_at):
                # The host tells two sites apart; with no address of the page's own, its text does.
                parts.append(_host(url) if _below_root(url) else self.body[:2000])
        elif _below_root(url):
            parts = [url]
        else:
            parts = [self.body[:2000]]
        key = "|".join(normalise_key(p) for p in parts)
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def _title_is_site_name(self) -> bool:
        title = normalise_key(self.title or "")
        return any(title == normalise_key(name) for name in (self.site_name, self.outlet) if name)


def _below_root(url: str | None) -> bool:
    """A web address with a path beyond the site's root (a site-wide canonical names no page)."""
    try:
        parts = urlsplit(url) if url else None
    except ValueError:
        return False
    return bool(parts and parts.hostname and (parts.path.strip("/") or parts.query))


def _host(url: str | None) -> str:
    """The URL's host without `www.`; the whole URL when it has no readable host; '' without one."""
    if not url:
        return ""
    try:
        host = urlsplit(url).hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        host = None
    return host.removeprefix("www.") if host else url


@dataclass(frozen=True, slots=True)
class PageContent:
    """Everything extracted from one page: at most one article, and its list of headlines."""

    extractor: str
    article: Article | None = None
    headlines: tuple[Headline, ...] = field(default_factory=tuple)
    page_type: str | None = None  # `article`, `front` or `other` (see extract.page_type)
    page_type_reason: str | None = None


def headline_id(text: str) -> str:
    """Shared by every capture of the same headline text (exact text: entity offsets index it)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def normalise_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", text).strip()


def without_lone_surrogates(text: str) -> str:
    """`text` with each lone UTF-16 surrogate (half of a character pair, which no encoding can write)
    replaced by U+FFFD, as a decoder replaces what it cannot read; a pair written as two halves
    becomes its character."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clean_text(text: str) -> str:
    """Collapse runs of white space (non-breaking ones included) to one space."""
    return " ".join(text.split())
