"""Generic extraction on real pages of the article-extraction dev set: body, dates and metadata."""

from __future__ import annotations

import gzip
import json

import pytest

from dagster_project.extract import extract
from dagster_project.extract.scoring import score_page
from tests.conftest import FIXTURES

PAGES = FIXTURES / "article_pages"
TRUTH = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))


def _extract(prefix: str):
    page_id = next(k for k in TRUTH if k.startswith(prefix))
    html = gzip.decompress((PAGES / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
    return extract(html, "text/html", TRUTH[page_id]["url"]), TRUTH[page_id]


@pytest.mark.parametrize("prefix", sorted(k[:8] for k in TRUTH))
def test_body_is_the_article_and_nothing_else(prefix):
    content, truth = _extract(prefix)
    article = content.article
    score = score_page(article.body, truth["articleBody"])
    assert score.tp >= 0.9, score
    assert article.extractor == "generic:lexbor"
    # Paragraphs are kept apart, and none is page furniture.
    assert len(article.paragraphs) >= 3
    assert not any(p.lower() in {"advertisement", "share", "comments"} for p in article.paragraphs)


def test_wsj_page_metadata():
    content, _ = _extract("042bb7b5")
    article = content.article
    assert article.title == "Google Stadia, Microsoft xCloud, Apple Arcade: So Many Ways to Play…and Pay"
    assert article.published_at.isoformat() == "2019-11-19"
    assert article.authors == ("Sarah E. Needleman",)
    assert article.site_name == "WSJ" and article.outlet == "WSJ"
    assert article.canonical_url.startswith("https://www.wsj.com/articles/google-stadia-")
    assert article.language == "en"
    assert article.body.startswith("Gaming used to be so simple.")


def test_cnn_page_metadata_and_headlines():
    content, _ = _extract("d605bdef")
    article = content.article
    assert article.title == "Investors don't seem to know what to make of the US-China trade war"
    # Stamped 2019-11-19T02:34:30Z, an evening story of the 18th in New York, as its URL says.
    assert article.published_at.isoformat() == "2019-11-18"
    assert "Jill Disis" in article.authors
    assert article.canonical_url == "https://www.cnn.com/2019/11/18/investing/asian-market-latest/index.html"
    assert article.body.endswith("which is now set to expire in February.")
    assert content.headlines, "the page lists other stories"
    assert all(4 <= len(h.text.split()) <= 40 and h.url.startswith("http") for h in content.headlines)
    assert article.title not in {h.text for h in content.headlines}


def test_blog_page_keeps_lists_that_are_content():
    content, _ = _extract("5f03fc17")
    body = content.article.body
    assert "Portion Fix Containers" in body
    assert content.article.published_at.isoformat() == "2018-10-07"
    assert content.article.authors == ("Beachbody",)
