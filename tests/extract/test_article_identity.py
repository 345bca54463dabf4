"""Distinct posts of one blog stay distinct articles, whatever title the page gives them."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from dagster_project.extract.stage import consolidate_articles, extract_pages
from dagster_project.lake.schemas import PAGES

TOPICS = (
    ("habits", "Small habits change a life when they are kept every single morning without fail"),
    ("fitness", "A walk after dinner does more for the heart than an hour at the gym once a week"),
    ("money", "Spending less than you earn is the whole secret, and the hard part is the first month"),
    ("focus", "Closing every tab but one is how a long piece of writing finally gets finished"),
)


def post(topic: str, lede: str, *, site: str, canonical: str | None, date: str | None, edit: str = "") -> str:
    """A blog post page whose <title> and top heading are the blog's name, as many blogs print them."""
    paragraphs = "".join(
        f"<p>{lede} ({topic}, part {i}). {edit}Readers wrote in about the {topic} post, and this paragraph "
        f"answers them in some detail, with examples from the week and a note on what comes next.</p>"
        for i in range(1, 9)
    )
    head = f"<title>{site}</title>" + (f'<link rel="canonical" href="{canonical}">' if canonical else "")
    when = f'<time datetime="{date}">{date}</time>' if date else ""
    return (
        f"<html><head>{head}</head><body><header><h1><a href='/'>{site}</a></h1></header>"
        f"<main><article><h2>{site}</h2>{when}{paragraphs}</article></main>"
        "<footer><a href='/about'>About</a> <a href='/archive'>Archive</a></footer></body></html>"
    )


def pages(htmls: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "snapshot_id": [f"{i:016x}" for i in range(len(htmls))],
            "path": [f"post-{i}.html" for i in range(len(htmls))],
            "url": [None] * len(htmls),
            "captured_at": [datetime(2026, 3, 14, i, tzinfo=UTC) for i in range(len(htmls))],
            "media_type": ["text/html"] * len(htmls),
            "text": htmls,
        },
        schema=PAGES.schema,
    )


def articles_of(htmls: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    result = extract_pages(pages(htmls))
    assert result.quarantine.height == 0, result.quarantine.to_dicts()
    return result.sightings, consolidate_articles(result.sightings.lazy())


def test_posts_of_a_blog_titled_with_its_name_each_reach_articles():
    blogs = [
        # Each post declares its own address.
        [post(t, lede, site="zenhabits", canonical=f"https://zenhabits.example/{t}/", date=None) for t, lede in TOPICS],
        # No address at all (a saved file), one day for every post.
        [post(t, lede, site="The Blog of Legal Times", canonical=None, date="2012-11-06") for t, lede in TOPICS],
        # The same canonical for the whole site: it names no post.
        [
            post(t, lede, site="Virtual Geek", canonical="https://geek.example/", date="2012-11-01")
            for t, lede in TOPICS
        ],
    ]
    # The title is the declared site name, and the only address the site's root.
    blogs.append(
        [html.replace("<head>", '<head><meta property="og:site_name" content="Virtual Geek">') for html in blogs[2]]
    )
    for htmls in blogs:
        sightings, articles = articles_of(htmls)
        assert sightings.height == len(TOPICS)
        bodies = set(sightings["body"])
        assert len(bodies) == len(TOPICS)
        assert set(articles["body"]) == bodies


def test_a_post_captured_twice_is_still_one_article():
    topic, lede = TOPICS[0]
    first = post(topic, lede, site="zenhabits", canonical="https://zenhabits.example/habits/", date=None)
    again = post(
        topic, lede, site="zenhabits", canonical="https://zenhabits.example/habits/", date=None, edit="Updated. "
    )
    sightings, articles = articles_of([first, again])
    assert sightings["body"].n_unique() == 2
    assert articles.height == 1 and articles["n_snapshots"].to_list() == [2]
