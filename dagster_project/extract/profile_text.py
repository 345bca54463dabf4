"""Plain-text renderings of a profiled site: ticker line, title, byline, paragraphs, teasers."""

from __future__ import annotations

from dagster_project.extract.dates import parse_numeric_date
from dagster_project.extract.profiles import Profile
from dagster_project.extract.records import (
    Article,
    ExtractionError,
    Headline,
    PageContent,
    RelatedLink,
    clean_text,
)


def matches(profile: Profile, text: str) -> bool:
    return profile.text is not None and profile.byline.search(text) is not None


def parse(profile: Profile, text: str) -> PageContent:
    assert profile.text is not None
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip()]
    if not starts:
        raise ExtractionError("empty_page", "the text has no content")
    headlines: tuple[Headline, ...] = ()
    body_from = starts[0]
    first = lines[starts[0]]
    if profile.text.ticker_separator.search(first):
        items = [clean_text(t) for t in profile.text.ticker_separator.split(first)]
        headlines = tuple(Headline(i, t) for i, t in enumerate((t for t in items if t), start=1))
        body_from += 1

    byline_at = next((i for i in range(body_from, len(lines)) if profile.byline.match(lines[i].strip())), None)
    if byline_at is None:
        if headlines:
            return PageContent(extractor=f"profile:{profile.name}", headlines=headlines)
        raise ExtractionError("no_article", f"no byline matching the {profile.name} profile")
    byline = profile.byline.match(lines[byline_at].strip())
    assert byline is not None
    title = next(
        (
            clean_text(lines[i])
            for i in range(byline_at - 1, body_from - 1, -1)
            if lines[i].strip() and not profile.is_furniture(lines[i].strip())
        ),
        None,
    )
    paragraphs: list[str] = []
    related: list[RelatedLink] = []
    for raw in lines[byline_at + 1 :]:
        line = raw.strip()
        if not line or profile.is_furniture(line):
            continue
        if line.startswith(profile.text.related_prefix):
            related.append(RelatedLink(clean_text(line[len(profile.text.related_prefix) :])))
        else:
            paragraphs.append(clean_text(line))
    article = Article(
        title=title,
        paragraphs=tuple(paragraphs),
        extractor=f"profile:{profile.name}",
        outlet=clean_text(byline["outlet"]),
        published_at=parse_numeric_date(byline["date"], profile.date_order),
        related=tuple(related),
    )
    return PageContent(extractor=article.extractor, article=article, headlines=headlines)
