"""Choosing the parser for a page, and the finishing touches every parser shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from selectolax.lexbor import LexborHTMLParser

from dagster_project.extract import generic, language, profile_html, profile_text
from dagster_project.extract.generic.metadata import read_metadata
from dagster_project.extract.page_type import (
    ARTICLE,
    OTHER,
    PageType,
    classify,
    decide,
    profile_type,
    read_signals,
    service_reason,
)
from dagster_project.extract.profiles import Profile, load_profiles
from dagster_project.extract.records import ExtractionError, PageContent, without_lone_surrogates

HTML = "text/html"
TEXT = "text/plain"


def extract(
    text: str,
    media_type: str = HTML,
    url: str | None = None,
    profiles: tuple[Profile, ...] | None = None,
    page_type: PageType | None = None,
) -> PageContent:
    """Turn one decoded page into an article (if any) and its headlines. Raise ExtractionError.

    Only a page of type `article` gives an article; front pages give headlines, other pages
    nothing. `page_type` is the one stored with the page, decided here when not given.
    """
    profiles = load_profiles() if profiles is None else profiles
    if media_type == TEXT:
        # Decoded files never hold half a character pair (`ingest.decode` replaces what it cannot
        # read), but a caller's string may; the HTML parser drops such halves itself.
        text = without_lone_surrogates(text)
        page_type = page_type or classify(text, media_type, url, profiles)
        profile = next((p for p in profiles if profile_text.matches(p, text)), None)
        if page_type.kind == OTHER or profile is None:
            raise ExtractionError("unknown_text_layout", "no site profile recognises this plain-text rendering")
        content = profile_text.parse(profile, text)
    elif media_type == HTML:
        # One parse: the page type is decided from the same tree and results as the extraction.
        tree = LexborHTMLParser(text)
        profile = next((p for p in profiles if profile_html.matches(p, tree)), None)
        if profile is not None:
            page_type = page_type or profile_type(profile, tree) or PageType(ARTICLE, f"site profile {profile.name}")
        if page_type is not None and page_type.kind == OTHER:
            return PageContent(extractor="none", page_type=page_type.kind, page_type_reason=page_type.reason)
        if profile is not None:
            content = profile_html.parse(profile, tree, url)
        else:
            meta = read_metadata(tree, url)
            service = service_reason(tree, url, meta) if page_type is None else None
            if service:  # a legal, account or error page: nothing more is read
                return PageContent(extractor="none", page_type=OTHER, page_type_reason=service)
            content, running = generic.read(text, tree, url, meta=meta)
            if page_type is None:
                paragraphs = content.article.paragraphs if content.article else ()
                signals = read_signals(tree, url, running, meta, not_service=True)
                page_type = decide(signals, content.headlines, paragraphs)
                if page_type.kind == OTHER:
                    return PageContent(extractor="none", page_type=page_type.kind, page_type_reason=page_type.reason)
    else:
        raise ExtractionError("unsupported_media_type", f"cannot extract from {media_type}")
    if page_type.kind != ARTICLE:
        content = replace(content, article=None)
    content = replace(content, page_type=page_type.kind, page_type_reason=page_type.reason)
    if content.article is not None and not content.article.paragraphs:
        raise ExtractionError("empty_article", "the article has a title but no body text")
    return _with_languages(content, profile.language if profile else None)


# Enough text to tell a page's language apart among those of the collection; lingua's time grows
# with the length of what it reads.
_SAMPLE = 300


def _with_languages(content: PageContent, fallback: str | None) -> PageContent:
    """One identification for the page (its article, else its headlines together); each headline
    is then checked against the page's language and identified on its own only if it may differ."""
    article = content.article
    texts = [h.text for h in content.headlines]
    if article is not None:
        opening = _opening(article.paragraphs, "\n\n")
        page = language.detect(f"{article.title or ''}\n{opening}"[:_SAMPLE]) or fallback
        article = replace(article, language=page)
    else:
        page = language.detect(_opening(texts, "\n")) if texts else None
    codes = language.detect_expecting(texts, page)
    headlines = tuple(replace(h, language=code) for h, code in zip(content.headlines, codes, strict=True))
    return replace(content, article=article, headlines=headlines)


def _opening(texts: Sequence[str], separator: str) -> str:
    """The first `_SAMPLE` characters of `texts` joined: a long article's paragraphs are not all joined."""
    size = n = 0  # the length of the first n texts joined
    while n < len(texts) and size < _SAMPLE:
        size += len(texts[n]) + (len(separator) if n else 0)
        n += 1
    return separator.join(texts[:n])[:_SAMPLE]
