"""Distinct posts of one blog stay distinct articles, whatever title the page gives them."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from dagster_project.extract.stage import (
    articles_up_to_date,
    consolidate_articles,
    extract_pages,
    fold_articles,
    update_articles,
)
from dagster_project.lake import store
from dagster_project.lake.schemas import ARTICLE_SIGHTINGS, ARTICLES, PAGES

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


HOME = "https://blog.example/blog/tom/"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "article_pages"


def under_one_address(html: str) -> str:
    """The page as a site's home page shows it: its own story, under the home page's address."""
    html = re.sub(r'(<link rel="canonical" href=")[^"]*"', rf'\g<1>{HOME}"', html)
    return re.sub(r'(<meta [^>]*)(content="https?://[^"]*")([^>]*property="og:url")', rf'\1content="{HOME}"\3', html)


def real_pages() -> list[str]:
    """The bundled real article pages (three stories of three sites), each under the same address."""
    return [under_one_address(gzip.decompress(p.read_bytes()).decode()) for p in sorted(FIXTURES.glob("*.html.gz"))]


def test_captures_of_one_address_showing_different_stories_are_different_articles():
    htmls = real_pages()
    # A later capture of the first story with a sentence corrected: the same article.
    first = articles_of(htmls[:1])[0]["body"][0]
    sentence = re.search(r"[^.]{40,}\.", first).group(0)
    htmls.append(htmls[0].replace(sentence.strip(), "A corrected sentence stands here now."))
    sightings, articles = articles_of(htmls)
    assert sightings["article_id"].n_unique() == 1  # the page alone names one article
    assert sightings["body"].n_unique() == 4
    assert articles.height == 3
    assert set(sightings["body"][:3]) == set(articles["body"])  # every story reaches `articles`
    assert articles["sighting_article_id"].unique().to_list() == sightings["article_id"].unique().to_list()
    assert sorted(articles["n_snapshots"]) == [1, 1, 2]
    # The first story keeps the id its sightings carry; the others get ids of their own.
    assert articles.filter(pl.col("body") == first)["article_id"].to_list() == [sightings["article_id"][0]]


def test_folding_captures_one_batch_at_a_time_gives_the_articles_built_at_once():
    htmls = real_pages()
    htmls.insert(1, htmls[0].replace("<body", "<body data-capture='2'", 1))
    sightings = articles_of(htmls)[0].with_columns(batch=pl.Series([f"b{i}" for i in (3, 1, 2, 0)]))
    at_once = consolidate_articles(sightings.lazy())
    folded = consolidate_articles(sightings.filter(pl.col("batch") == "b0").lazy())
    for batch in ("b1", "b2", "b3"):
        folded = fold_articles(folded, sightings.filter(pl.col("batch") == batch).lazy())
    assert at_once.height == 3
    assert_frame_equal(folded, at_once)


def test_an_articles_table_of_an_earlier_version_is_built_again(tmp_path):
    sightings = articles_of(real_pages())[0]
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings, {"batch": "b0"})
    update = update_articles(tmp_path)
    store.write(tmp_path, ARTICLES, update.articles, metadata=update.metadata)
    assert articles_up_to_date(tmp_path) and update.articles.height == 3
    # The same table without the column this version added, as an earlier version wrote it.
    store.write_file(
        update.articles.drop("sighting_article_id"),
        store.partition_dir(tmp_path, ARTICLES) / store.PART_FILE,
        update.metadata,
    )
    assert not articles_up_to_date(tmp_path)
    again = update_articles(tmp_path)
    assert again.rebuilt
    assert_frame_equal(again.articles, update.articles)
