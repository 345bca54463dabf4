"""Pages that broke the older rules: malformed links, page-wide forms, blog widgets, short bodies."""

from __future__ import annotations

import json

from dagster_project.extract import extract
from tests.conftest import SEED
from tests.test_cli import cli

PROSE = "Le conseil municipal a voté, après un long débat, le budget de la ville pour l'année prochaine. "
NAV = "".join(f"<li><a href='/s{i}'>Rubrique {i}</a></li>" for i in range(12))


def test_a_malformed_link_is_skipped_not_fatal():
    page = (
        "<html><head><link rel='canonical' href='http://[ccpa-preferences]'></head><body>"
        f"<ul><li><a href='http://[ccpa-preferences]'>Do Not Sell My Personal Information</a></li>{NAV}</ul>"
        f"<article><h1>Le budget voté</h1><p>{PROSE * 3}</p><p>{PROSE * 2}</p></article></body></html>"
    )
    content = extract(page, "text/html", "http://[bad-capture-url]/x")
    assert content.article.paragraphs == ((PROSE * 3).strip(), (PROSE * 2).strip())
    assert content.article.canonical_url is None


def test_a_link_with_a_tab_in_its_scheme_is_no_headline():
    # urljoin leaves `http:\t//x` as it is: no host, so no story address, and not a crash.
    hrefs = ["http:\t//x"] + [f"https://ville.example/ville/budget-{year}" for year in (2026, 2027, 2028)]
    teasers = "".join(
        f"<li><h2><a href='{href}'>Le conseil municipal vote le budget de la ville {i}</a></h2></li>"
        for i, href in enumerate(hrefs)
    )
    for url in (None, "https://ville.example/"):
        content = extract(f"<html><body><main><ul>{teasers}</ul></main></body></html>", "text/html", url)
        assert [h.url for h in content.headlines] == hrefs[1:]


def test_a_malformed_link_beside_a_teaser_keeps_the_teaser():
    # Telling a teaser's own texts from its neighbours' counts the container's link addresses: a
    # malformed one (`http://[x#comments`, found by mutating suite pages) counts, and raises nothing.
    hrefs = [f"https://ville.example/ville/budget-{year}" for year in (2026, 2027, 2028)]
    lede = "Le vote a eu lieu à l'aube après un long débat."
    teasers = "".join(
        f"<li><h2><a href='{href}'>Le conseil municipal vote le budget de la ville {i}</a></h2>"
        f"<p>{lede}</p><a href='http://[x#comments'>12 commentaires</a></li>"
        for i, href in enumerate(hrefs)
    )
    content = extract(
        f"<html><body><main><ul>{teasers}</ul></main></body></html>", "text/html", "https://ville.example/"
    )
    assert [(h.url, h.lede) for h in content.headlines] == [(href, lede) for href in hrefs]


def test_half_a_character_pair_in_json_ld_is_replaced_not_fatal():
    # JSON may escape half of a UTF-16 pair (`\ud800`): no encoding can write it, and the language
    # identifier and the Parquet writer would both fail on it. A whole pair is one character.
    cases = [("Le budget \\ud800 vot\\u00e9", "Le budget \ufffd voté"), ("Le budget \\ud83d\\udcf0", "Le budget 📰")]
    for escaped, title in cases:
        ld = json.dumps({"@type": "NewsArticle", "headline": escaped}).replace("\\\\", "\\")
        page = (
            f"<html><head><script type='application/ld+json'>{ld}</script></head>"
            f"<body><article><p>{PROSE * 3}</p></article></body></html>"
        )
        article = extract(page, "text/html", "https://ville.example/ville/budget").article
        assert (article.title, article.language) == (title, "fr")
        article.title.encode("utf-8")


def test_half_a_character_pair_in_a_plain_text_page_is_replaced_not_fatal():
    # Found by mutating the sample's text: a caller's string, not a decoded file, can hold one.
    lines = SEED.read_text(encoding="utf-8").splitlines()
    clean = extract("\n".join(lines), "text/plain")
    lines[16] = lines[16][:20] + "\ud800" + lines[16][20:]
    damaged = extract("\n".join(lines), "text/plain")
    assert len(damaged.headlines) == len(clean.headlines)
    changed = [d.text for c, d in zip(clean.headlines, damaged.headlines, strict=True) if c.text != d.text]
    assert all("\ufffd" in text for text in changed)
    assert changed or "\ufffd" in damaged.article.body  # the damaged line was read
    assert damaged.article.body.replace("\ufffd", "") == clean.article.body


def test_the_extract_command_prints_a_page_with_a_malformed_link(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><body><a href='http://[ccpa-preferences]'>Privacy</a><p>{PROSE * 3}</p></body></html>",
        encoding="utf-8",
    )
    done = cli("extract", str(page))
    assert done.returncode == 0, done.stderr
    (record,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert record["body"] == (PROSE * 3).strip()


def test_a_page_wrapped_in_one_form_keeps_its_article():
    # ASP.NET pages put the whole page in one <form runat="server">.
    page = (
        "<html><body><form id='aspnetForm' method='post' action='./story.aspx'>"
        f"<div id='nav'><ul>{NAV}</ul></div>"
        f"<div id='story'><h1>Le budget voté</h1><p>{PROSE * 3}</p><p>{PROSE * 2}</p></div>"
        "</form></body></html>"
    )
    assert extract(page).article.paragraphs == ((PROSE * 3).strip(), (PROSE * 2).strip())


def test_a_blogger_post_in_a_widget_is_the_article():
    page = (
        "<html><head><meta property='og:title' content='Le budget voté'></head>"
        "<body><div class='header section'><div class='widget Header'><h1>Mon blog</h1>"
        "<p>Notes de la ville</p></div></div>"
        "<div class='main section'><div class='widget Blog' id='Blog1'><div class='post hentry'>"
        f"<h3 class='post-title'>Le budget voté</h3><div class='post-body'><p>{PROSE * 3}</p><p>{PROSE * 2}</p></div>"
        "</div></div></div>"
        f"<div class='sidebar section'><div class='widget BlogArchive'><ul>{NAV}</ul></div></div></body></html>"
    )
    assert extract(page).article.paragraphs == ((PROSE * 3).strip(), (PROSE * 2).strip())


def test_a_post_drawn_by_a_script_is_read_from_its_noscript_copy():
    # A blog whose post is drawn by a script from a template, with a <noscript> copy: without it the
    # page shows its date line alone.
    post = f"<p>{PROSE * 3}</p><p>{PROSE * 2}</p>"
    page = (
        "<html><head><meta property='og:title' content='Le budget voté'></head><body>"
        "<div class='header'><h2>Notes de la ville</h2></div>"
        "<div class='widget Blog'><div class='post' itemscope itemtype='http://schema.org/BlogPosting'>"
        "<h2 class='title'><a href='/2020/05/budget.html'>Le budget voté</a></h2>"
        "<div class='post-header'><div class='published'><span itemprop='datePublished'>19 mai 2020</span></div></div>"
        "<div class='post-body'><div class='post-content' itemprop='articleBody'>"
        f"<script type='text/template'>&lt;p&gt;...&lt;/p&gt;</script><noscript>{post}</noscript></div></div>"
        "<div class='post-footer'><a href='#comments'>Aucun commentaire :</a></div></div></div>"
        f"<div class='sidebar'><h3>Archives</h3><ul>{NAV}</ul></div></body></html>"
    )
    assert extract(page.replace(post, "")).article.paragraphs == ("19 mai 2020",)
    assert extract(page).article.paragraphs == ((PROSE * 3).strip(), (PROSE * 2).strip())
    # A page with running text of its own keeps it: what its <noscript> holds is not read.
    shown = page.replace("<noscript>", f"<p>{PROSE * 2}</p><noscript>")
    assert extract(shown).article.paragraphs == ((PROSE * 2).strip(),)


def test_meta_tags_are_read_as_css_selectors_find_them():
    """Each declared value comes from the first <meta> whose attribute has exactly that value (case
    included), content or not, as `meta[name="author"]` finds it."""
    from datetime import date

    from selectolax.lexbor import LexborHTMLParser

    from dagster_project.extract.generic.metadata import read_metadata

    page = """<html><head>
    <meta name="Author" content="Not Me"><meta name="author">
    <meta property="article:author" content="Ana Ruiz">
    <meta property="og:type"><meta property="og:type" content="article">
    <meta name="date" content="2020-01-02"><meta name="dc.date.issued" content="2021-03-04">
    <script type="application/ld+json">{"@type": "WebPage", "mainEntity": {"@type": "NewsArticle"}}</script>
    </head><body><h1>Un titre</h1><p>Du texte.</p></body></html>"""
    meta = read_metadata(LexborHTMLParser(page), None)
    assert meta.authors == ("Ana Ruiz",)
    assert meta.og_type == ""
    assert meta.published_at == date(2021, 3, 4)
    assert meta.ld_types == ("WebPage", "NewsArticle")
