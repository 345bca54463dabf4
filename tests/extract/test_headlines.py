"""Headline links of a front page, in page order, with the section they are listed under."""

from selectolax.lexbor import LexborHTMLParser

from dagster_project.extract import extract
from dagster_project.extract.generic import headlines
from dagster_project.extract.generic.headlines import headline_links
from dagster_project.ingest.readers import read_file
from dagster_project.ingest.records import Snapshot
from tests.conftest import FIXTURES, RAW_SAMPLE, source_module

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


NESTED_SECTIONS = """<html><body>
<header><a href="/h1">A headline in the page header is chrome, not a teaser</a></header>
<main>
  <div><h2>Outer</h2>
    <div><h2>Inner</h2><a href="/n1">A story listed under the inner section heading</a></div>
    <a href="/n2">A story listed after the inner section has closed</a>
    <article><header><a href="/n3">A teaser with its own header inside an article</a></header></article>
  </div>
  <a href="#comments">A link to the comments further down this very page</a>
  <a href="#top">A link back to the top of this very page again</a>
</main></body></html>"""


def test_the_nearest_section_heading_holds_and_places_on_the_page_lead_to_it():
    base = "https://news.example/2024/story-1.html"
    found = headline_links(LexborHTMLParser(NESTED_SECTIONS), base, set())
    assert [(h.url, h.section) for h in found] == [
        ("https://news.example/n1", "Inner"),
        ("https://news.example/n2", "Outer"),
        ("https://news.example/n3", "Outer"),
        (base, None),  # both `#` links lead to the page itself: the first one is kept
    ]
    assert found[-1].text == "A link to the comments further down this very page"
    assert headline_links(LexborHTMLParser(NESTED_SECTIONS), base, {base})[-1].url == "https://news.example/n3"


# Titles read from text runs: split at elements (`Eins<b>zwei</b>`), with an icon ligature taken
# out of a word (`foo_bar`), with a lone '_' for a word, beside an <svg> icon's title.
TEXT_RUNS = """<html><body><main>
<div><a href="/t1"><span>Eins</span><span>zwei</span><span>drei vier</span><span>fünf sechs</span></a></div>
<div><a href="/t2">Eins-foo_bar-zwei drei vier</a></div>
<div><a href="/t3"><span class="kicker">Vorweg gesagt</span>Eins<b>zwei</b>drei<b>vier fünf</b></a></div>
<div><h3><a href="/t4"><i>Vorweg</i><b>Das</b>Ende</a></h3></div>
<div><a href="/t5">Eins _ zwei drei</a></div>
<div><a href="/t6"><svg><title>Ein Symbol</title></svg>Zwei Worte</a></div>
</main></body></html>"""


def test_links_too_short_for_a_title_are_told_apart_early_without_changing_the_headlines(monkeypatch):
    pages = [FRONT_PAGE, NESTED_SECTIONS, TEXT_RUNS]
    for path in sorted((FIXTURES / "article_pages").glob("*.html.gz")) + sorted(RAW_SAMPLE.rglob("*.html*")):
        pages += [r.text for r in read_file(path.parent, path.name) if isinstance(r, Snapshot)]
    trees = [LexborHTMLParser(page) for page in pages]
    early = [headline_links(tree, "https://news.example/a/b", set()) for tree in trees]
    # The source module, not the installed one: a compiled module's own calls cannot be patched.
    source = source_module(headlines)
    monkeypatch.setattr(source, "_most_words", lambda node: source.MAX_WORDS)  # never early
    assert early == [source.headline_links(tree, "https://news.example/a/b", set()) for tree in trees]
    assert [(h.url, h.text, h.kicker) for h in early[2]] == [
        ("https://news.example/t2", "Eins- -zwei drei vier", None),
        ("https://news.example/t3", "Eins zwei drei vier fünf", "Vorweg gesagt"),
        ("https://news.example/t5", "Eins _ zwei drei", None),
    ]
    assert sum(len(found) for found in early) > 100
