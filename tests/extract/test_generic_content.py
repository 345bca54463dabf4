"""Main-content rules of generic extraction, each on a small page that isolates it."""

from dagster_project.extract import extract

PROSE = "Le conseil municipal a voté, après un long débat, le budget de la ville pour l'année prochaine. "


def _page(main: str, around: str = "") -> str:
    return f"<html><head><title>T</title></head><body>{around}<div id='main'>{main}</div>{around}</body></html>"


def test_furniture_inside_the_article_is_left_out():
    main = f"""
      <div class="share-bar"><a href="/fb">Partager sur Facebook</a> <a href="/x">Partager sur X</a></div>
      <p>{PROSE * 2}</p>
      <figure><img src="a.jpg"><figcaption>{PROSE}</figcaption></figure>
      <div>Publicité</div>
      <h2>Les investissements</h2>
      <p>{PROSE * 2}</p>
      <div class="newsletter-box"><p>{PROSE}</p></div>
      <ul><li>Premier point de la liste du budget</li><li>Second point de la liste du budget</li></ul>
      <section id="comments"><p>{PROSE * 2}</p></section>
      <div class="relatedArticles"><a href="/r1">Un autre article sur le même sujet municipal</a></div>
    """
    body = extract(_page(main)).article.body
    assert body.split("\n\n") == [
        PROSE.strip() + " " + PROSE.strip(),
        "Les investissements",
        PROSE.strip() + " " + PROSE.strip(),
        "Premier point de la liste du budget",
        "Second point de la liste du budget",
    ]


def test_the_best_container_wins_over_navigation_and_teasers():
    teasers = "".join(f"<li><a href='/t{i}'>Titre d'un autre article numéro {i} du jour</a></li>" for i in range(20))
    page = _page(f"<p>{PROSE * 3}</p><p>{PROSE * 2}</p>", around=f"<ul class='list'>{teasers}</ul>")
    content = extract(page, "text/html", "https://news.example/une")
    assert content.article.paragraphs == ((PROSE * 3).strip(), (PROSE * 2).strip())
    assert [h.url for h in content.headlines] == [f"https://news.example/t{i}" for i in range(20)]


def test_a_furniture_word_on_the_article_wrapper_does_not_cost_the_article():
    page = f"<html><body><div class='elementor-widget'><p>{PROSE * 3}</p><p>{PROSE * 3}</p></div></body></html>"
    assert len(extract(page).article.paragraphs) == 2


def test_an_article_split_over_sibling_containers_is_whole():
    part = "".join(f"<p>{PROSE * 2}</p>" for _ in range(6))
    page = _page(
        f"<div><div class='a'>{part}</div></div><aside>x</aside><div><div><div class='b'>{part}</div></div></div>"
    )
    assert len(extract(page).article.paragraphs) == 12


def test_paragraphs_under_body_and_deeply_nested_pages():
    assert extract(f"<html><body><p>{PROSE * 2}</p></body></html>").article.body == (PROSE * 2).strip()
    deep = "<html><body>" + "<font>" * 5000 + f"<p>{PROSE * 2}</p></body></html>"
    assert extract(deep).article.body == (PROSE * 2).strip()


def test_line_breaks_two_in_a_row_separate_paragraphs():
    first, second = (PROSE * 2).strip(), PROSE.strip()
    page = _page(f"<div>{first}<br>\n<br>{second}<br>suite de la ligne</div>")
    assert extract(page).article.paragraphs == (first, f"{second} suite de la ligne")


def test_soft_hyphens_and_ruby_annotations_are_not_body_text():
    # A soft hyphen is a hyphenation hint and <rt> a reading aid printed over a character: neither
    # is a letter of the text, and left in they cut the words they sit in.
    hyphenated = PROSE.replace("municipal", "mu\xadni\xadci\xadpal").replace("budget", "bud\u200bget")
    ruby = "<p>" + "子<rp>(</rp><rt>こ</rt><rp>)</rp>どもへの虐待をなくすための法律ができました。" * 4 + "</p>"
    body = extract(_page(f"<p>{hyphenated * 3}</p>{ruby}")).article.body
    assert body.split("\n\n") == [(PROSE * 3).strip(), "子どもへの虐待をなくすための法律ができました。" * 4]
