"""The aggregator's page, as its real plain-text capture and as the HTML reconstruction."""

from __future__ import annotations

from datetime import date

import pytest

from dagster_project.extract import extract
from dagster_project.ingest import read_file
from tests.conftest import RECONSTRUCTION, SEED

TITLE = "Quito: Le Maroc présente son plan national pour la mise en œuvre du Pacte mondial pour les migrations"
TEASERS = [
    "Clôture à Quito des travaux de la 12e édition du Forum mondial sur la migration et le développement",
    "Quito: Examen des moyens de renforcer la coopération parlementaire entre le Maroc et l'Equateur",
]
NOT_BODY = ["Merci d'avoir signalé", "Cette image sera", "Cliquez ici", "Clôture à Quito des travaux", "* "]


def _content(path):
    (snapshot,) = list(read_file(path.parent, path.name))
    return extract(snapshot.text, snapshot.media_type, snapshot.url)


@pytest.fixture(scope="module")
def from_text():
    return _content(SEED)


@pytest.fixture(scope="module")
def from_html():
    return _content(RECONSTRUCTION)


def test_ticker_headlines_in_page_order_with_languages(from_text):
    headlines = from_text.headlines
    assert len(headlines) == 48
    assert [h.position for h in headlines] == list(range(1, 49))
    assert headlines[0].text == (
        "Le Sénat américain s'empare du dossier du polisario et envisage sa désignation comme organisation terroriste"
    )
    assert headlines[-1].text == "Genève : Le Polisario pointé lors d'une conférence sur les enfants soldats"
    not_french = {h.text: h.language for h in headlines if h.language != "fr"}
    assert not_french == {
        "En Marsella, Samia Chabani pone rostros a la migración de mujeres": "es",
        "Morocco to host 9th Joint Ministerial Meeting with Gulf Cooperation Council": "en",
        "Marruecos acogerá la 9a Reunión Ministerial Conjunta con los Estados del CCG": "es",
    }
    assert all("\u00a0" not in h.text and h.text == h.text.strip() for h in headlines)


def test_article_fields(from_text):
    a = from_text.article
    assert a.title == TITLE
    assert a.outlet == "2M"
    assert a.published_at == date(2020, 1, 25)
    assert a.language == "fr"
    assert a.extractor == "profile:ma_aggregator"
    assert len(a.paragraphs) == 10
    assert a.paragraphs[0].startswith("Le Maroc a présenté, vendredi 24 janvier à Quito")
    assert a.paragraphs[-1].endswith("de la société civile.")
    assert [r.title for r in a.related] == TEASERS
    for fragment in NOT_BODY:
        assert fragment not in a.body
    assert a.body == "\n\n".join(a.paragraphs)


def test_html_reconstruction_gives_the_same_article_plus_urls(from_text, from_html):
    t, h = from_text.article, from_html.article
    for field in ("title", "outlet", "published_at", "language", "paragraphs", "article_id"):
        assert getattr(h, field) == getattr(t, field), field
    assert [r.title for r in h.related] == TEASERS
    assert all(r.url and r.url.startswith("https://www.aggregator.example/article/") for r in h.related)
    assert h.source_url.startswith("https://www.2m.ma/fr/news/quito-le-maroc-presente")
    assert h.url.startswith("https://www.aggregator.example/article/1258431-")
    assert t.url is None and t.source_url is None


def test_html_reconstruction_gives_the_same_headlines_with_links(from_text, from_html):
    assert [(x.text, x.language) for x in from_html.headlines] == [(x.text, x.language) for x in from_text.headlines]
    assert all(x.url and x.url.startswith("https://www.aggregator.example/article/") for x in from_html.headlines)
    assert len({x.url for x in from_html.headlines}) == 48


def test_text_without_a_known_layout_is_refused():
    from dagster_project.extract import ExtractionError

    with pytest.raises(ExtractionError) as err:
        extract("Just a note.\nNothing here looks like a news page.", "text/plain")
    assert err.value.reason == "unknown_text_layout"
