"""Page types and teaser headlines on small pages that isolate each rule."""

from dagster_project.extract import extract
from dagster_project.extract.page_type import classify

PROSE = "Le conseil municipal a voté, après un long débat, le budget de la ville pour l'année prochaine. "
TITLES = [f"Les nouvelles numéro {i} de la journée en ville et ailleurs" for i in range(40)]


def drudge_page() -> str:
    """An aggregator that sets each headline as a link that is the whole of its own paragraph."""
    links = "\n".join(f'<p><a href="https://outlet{i % 7}.example/story/{i}">{t}</a></p>' for i, t in enumerate(TITLES))
    prose = (
        '<p>Read more <a href="https://x.example/ref">in this cited story of the week</a> and elsewhere '
        "in the long running text of a paragraph that is not a headline at all.</p>"
    )
    return f"<html><head><title>Report</title></head><body><div>{links}</div>{prose}</body></html>"


def test_link_per_paragraph_headlines_are_all_found_and_links_in_prose_are_not():
    content = extract(drudge_page(), "text/html", "https://report.example/")
    assert content.page_type == "front"
    assert content.article is None
    assert [h.text for h in content.headlines] == TITLES
    assert [h.position for h in content.headlines] == list(range(1, 41))


TEASERS = "".join(
    f"""<article><a href="/politik/story-{i}.html"><h3><span>Kicker {i}</span><span>: </span>
    <span>Die Schlagzeile Nummer {i} des Tages</span></h3></a><p>Dies ist der kurze Vorspann der Geschichte
    Nummer {i} mit mehr Worten.</p></article>"""
    for i in range(12)
)


def test_kicker_title_and_lede_go_in_their_own_fields():
    page = f"""<html><head><title>Politik</title><link rel="canonical" href="https://news.example/politik/">
    </head><body><header><nav><a href="/a">Startseite der Zeitung mit allen Nachrichten</a></nav></header>
    <main><section><h2>Politik <i class="icon">insert_chart</i></h2>{TEASERS}</section>
    <section><h2>Subscribe</h2><form><a href="/s">Jetzt den Newsletter der Zeitung abonnieren</a></form></section>
    </main></body></html>"""
    content = extract(page, "text/html", None)
    assert content.page_type == "front", content.page_type_reason
    first = content.headlines[0]
    assert (first.kicker, first.text, first.section) == ("Kicker 0", "Die Schlagzeile Nummer 0 des Tages", "Politik")
    assert first.lede.startswith("Dies ist der kurze Vorspann")
    assert first.url == "https://news.example/politik/story-0.html"
    assert len(content.headlines) == 12


def test_an_article_with_teasers_around_it_is_an_article():
    related = "".join(f"<li><a href='/r{i}'>{t}</a></li>" for i, t in enumerate(TITLES[:10]))
    page = f"""<html><head><title>Budget</title><meta property="og:type" content="article"></head><body>
    <article><h1>Le budget</h1><p>{PROSE * 4}</p><p>{PROSE * 4}</p><p>{PROSE * 3}</p></article>
    <aside><ul>{related}</ul></aside></body></html>"""
    kind = classify(page, "text/html", "https://news.example/2024/05/01/le-budget-de-la-ville-vote")
    assert kind.kind == "article" and "story-shaped URL" in kind.reason


def test_legal_and_error_pages_are_other_and_give_nothing():
    legal = f"<html><head><title>Datenschutz</title></head><body><p>{PROSE * 30}</p></body></html>"
    content = extract(legal, "text/html", "https://news.example/services/Datenschutzerklaerung-DIGITAL.html")
    assert (content.page_type, content.article, content.headlines) == ("other", None, ())
    error = "<html><head><title>Fehler 404</title></head><body><p>Seite nicht da.</p></body></html>"
    assert classify(error, "text/html", None).kind == "other"


def test_an_empty_page_is_other_not_quarantined():
    content = extract("<html><head><meta http-equiv='refresh' content='0; url=/x'></head></html>", "text/html")
    assert content.page_type == "other" and content.article is None


def test_paragraphs_that_repeat_a_teaser_are_not_counted_as_article_text():
    """Paragraphs are told from teaser lines by their first words: same count as comparing whole
    normalised texts, on paragraphs that repeat a teaser (case, punctuation), share only its start,
    or are long prose."""
    import random
    import re

    from dagster_project.extract.page_type import PageSignals, decide
    from dagster_project.extract.records import Headline

    words = ["Ünïon", "budget", "ÉTÉ", "İstanbul", "straße", "l'été", "vote", "city", "de", "la"]
    rng = random.Random(7)
    titles = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(30)]
    teasers = [Headline(i + 1, t, f"https://a.example/{i}") for i, t in enumerate(titles)]
    paragraphs = []
    for title in titles:
        paragraphs += [title.upper() + " !", f"« {title} »", title + " " + PROSE, PROSE * rng.randint(1, 3)]
    lines = {" ".join(re.findall(r"\w+", t.casefold())) for t in titles}
    expected = sum(len(p.split()) for p in paragraphs if " ".join(re.findall(r"\w+", p.casefold())) not in lines)
    signals = PageSignals("https://a.example/2024/05/01/une-histoire-de-la-ville", None, (), "", ())
    assert f"{expected} words of article text" in decide(signals, teasers, paragraphs).reason
    assert expected < sum(len(p.split()) for p in paragraphs)  # some paragraphs were teasers
