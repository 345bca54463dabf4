"""Headline links of a front page, in page order, with the section they are listed under."""

from selectolax.lexbor import LexborHTMLParser

from dagster_project.extract import extract
from dagster_project.extract.generic.headlines import headline_links

FRONT_PAGE = """<html lang="fr"><body>
<header><nav><a href="/politique">Politique et institutions du royaume chérifien</a></nav></header>
<main>
  <h2>Politique</h2>
  <article><h3><a href="/a1">Le gouvernement présente son plan pour les migrations</a></h3>
    <p>Un chapeau avec <a href="/ref">un lien cité dans le texte courant</a>, qui n'est pas un titre.</p></article>
  <article><h3><a href="/a2">Le parlement adopte la loi de finances rectificative</a></h3></article>
  <h2>Sports</h2>
  <ul><li><a href="/s1">Le Wydad remporte le derby de Casablanca face au Raja</a></li>
      <li><a href="/s2">Court</a></li></ul>
  <section aria-label="Économie"><a href="/e1">La banque centrale maintient son taux directeur inchangé</a></section>
</main>
<footer><a href="/about">À propos de ce site et de son équipe éditoriale</a></footer>
</body></html>"""


def test_headlines_in_page_order_with_their_sections():
    found = headline_links(LexborHTMLParser(FRONT_PAGE), "https://news.example/", set())
    assert [(h.position, h.url, h.section) for h in found] == [
        (1, "https://news.example/a1", "Politique"),
        (2, "https://news.example/a2", "Politique"),
        (3, "https://news.example/s1", "Sports"),
        (4, "https://news.example/e1", "Économie"),
    ]
    assert found[0].text == "Le gouvernement présente son plan pour les migrations"


def test_a_front_page_gives_headlines_and_their_language():
    content = extract(FRONT_PAGE, "text/html", "https://news.example/")
    assert [h.section for h in content.headlines] == ["Politique", "Politique", "Sports", "Économie"]
    assert {h.language for h in content.headlines} == {"fr"}
