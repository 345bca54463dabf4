"""Pages without a site profile: generic extraction on real pages, scored against ground truth."""

from __future__ import annotations

import json

import pytest

from dagster_project.extract import extract
from dagster_project.extract.scoring import score_page, summarise
from dagster_project.ingest import Snapshot, read_file
from dagster_project.ingest.discover import discover
from tests.conftest import FIXTURES, RAW_SAMPLE

GROUND_TRUTH = json.loads((FIXTURES / "ground_truth_sample.json").read_text(encoding="utf-8"))


def _real_pages() -> list[tuple[str, Snapshot]]:
    pages = []
    for rel in discover(RAW_SAMPLE).files:
        if rel.startswith(("pages/", "warc/")):
            pages += [(rel, s) for s in read_file(RAW_SAMPLE, rel) if isinstance(s, Snapshot)]
    return pages


REAL_PAGES = _real_pages()


def _truth(rel: str, snapshot: Snapshot) -> dict:
    if snapshot.url:
        return next(v for v in GROUND_TRUTH.values() if v["url"] == snapshot.url)
    return GROUND_TRUTH[rel.split("/")[-1].removesuffix(".html.gz")]


def test_sample_holds_six_real_pages():
    assert len(REAL_PAGES) == 6


@pytest.mark.parametrize("rel,snapshot", REAL_PAGES, ids=[f"{r}:{s.snapshot_id}" for r, s in REAL_PAGES])
def test_body_matches_ground_truth(rel, snapshot):
    content = extract(snapshot.text, snapshot.media_type, snapshot.url)
    article = content.article
    assert article is not None and article.extractor == "generic:lexbor"
    score = score_page(article.body, _truth(rel, snapshot)["articleBody"])
    # A page-level floor, far below the average: it catches a broken extractor, not a weak page.
    assert score.tp >= 0.5, score
    assert article.title and article.url and article.url.startswith("http")
    assert article.language in {"en", "de", "pt", "id"}


def test_mean_f1_on_the_sample_pages():
    scores = []
    for rel, snapshot in REAL_PAGES:
        article = extract(snapshot.text, snapshot.media_type, snapshot.url).article
        scores.append(score_page(article.body, _truth(rel, snapshot)["articleBody"]))
    assert summarise(scores).f1 >= 0.85


def test_known_metadata_of_a_real_page():
    snapshot = next(s for r, s in REAL_PAGES if r.startswith("pages/359fee22"))
    article = extract(snapshot.text, snapshot.media_type, snapshot.url).article
    assert article.title == "The First Map of Saturn's Moon Titan Just Revealed Some Tantalising Features"
    assert article.published_at.isoformat() == "2019-11-19"
    assert article.language == "en"
    assert article.url == "https://www.sciencealert.com/we-finally-have-a-global-geological-map-of-saturn-s-moon-titan"


def test_metadata_of_the_warc_pages():
    by_url = {s.url: extract(s.text, s.media_type, s.url).article for r, s in REAL_PAGES if s.url}
    kabar = by_url["https://kabarislamia.com/2015/10/27/sejarah-pecahnya-islam-jadi-sunni-dan-syiah/"]
    assert kabar.published_at.isoformat() == "2015-10-27"
    assert kabar.title == "Sejarah Pecahnya Islam jadi Sunni dan Syi’ah"
    assert kabar.site_name == "Kabar tentang Dunia Islam"
    albawaba = by_url[
        "https://www.albawaba.com/news/sweden-drops-its-investigation-rape-allegation-against-julian-assange-1322369"
    ]
    assert albawaba.published_at.isoformat() == "2019-11-20"
    assert albawaba.site_name == "Al Bawaba"
    assert albawaba.authors == ("Al-Bawaba",)


def test_a_page_without_a_date_gets_none_not_today():
    snapshot = next(s for r, s in REAL_PAGES if r.startswith("pages/57b4dafd"))
    article = extract(snapshot.text, snapshot.media_type, snapshot.url).article
    assert article.published_at is None
    assert article.title.startswith("Die elektronische Patientenakte (ePA)")


def test_two_sites_pages_with_the_same_title_and_no_date_stay_two_articles():
    """No outlet or date to tell them apart: the host is part of the identity."""
    from dagster_project.extract.records import Article

    def page(url: str, outlet: str | None = None) -> Article:
        return Article(title="Éditorial", paragraphs=("Un texte.",), extractor="generic", url=url, outlet=outlet)

    assert page("https://www.un-site.example/edito").article_id != page("https://autre.example/edito").article_id
    # The same page captured twice is still one article.
    assert page("https://un-site.example/edito").article_id == page("https://www.un-site.example/edito?x").article_id


def test_a_title_that_is_the_site_name_does_not_merge_a_sites_posts():
    from dagster_project.extract.records import Article

    def post(url: str, body: str) -> Article:
        return Article(
            title="Le Journal du Soir",
            paragraphs=(body,),
            extractor="generic",
            url=url,
            canonical_url=url,
            site_name="Le Journal du Soir",
            outlet="Le Journal du Soir",
        )

    first = post("https://journal.example/2026/03/14/un", "Premier billet.")
    second = post("https://journal.example/2026/03/15/deux", "Second billet.")
    assert first.article_id != second.article_id
    assert first.article_id == post("https://journal.example/2026/03/14/un", "Premier billet, corrigé.").article_id
