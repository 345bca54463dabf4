"""Write the hostile-input corpus: broken, oddly encoded and adversarial snapshots.

    python scripts/make_hostile_corpus.py [DEST]    (default tests/fixtures/hostile)

Every fixture is built from the real seed article (data/raw/aggregator/000_...txt), so a page that
should parse has real text to find. The output is deterministic: no clock, no random state
without a seed. `manifest.json` beside the files states what the pipeline must make of each one.

Fixtures that are big (a 30 MB page, 100,000 links) or that git cannot hold (a link out of the
raw folder, a FIFO, a socket, a folder named like a page) are made by `add_runtime_fixtures` in a
test's temporary folder instead of being committed.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import socket
import struct
import sys
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "raw" / "aggregator" / "000_b4627224569639d2.txt"
DEFAULT_DEST = REPO / "tests" / "fixtures" / "hostile"
MANIFEST = "manifest.json"


def seed_paragraphs() -> list[str]:
    """The ten body paragraphs of the seed article (lines 17-20 and 23-28 of the capture)."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [lines[i - 1].strip() for i in (17, 18, 19, 20, 23, 24, 25, 26, 27, 28)]


PARAS = seed_paragraphs()
# Arabic text about the same event, for the Arabic code page fixtures.
ARABIC = [
    "قدم المغرب يوم الجمعة في كيتو الخطوط العريضة لخطته الوطنية لتنفيذ الميثاق العالمي من أجل الهجرة"
    " الآمنة والمنظمة والنظامية، وذلك خلال جلسة نظمت على هامش المنتدى العالمي للهجرة والتنمية.",
    "وأوضح ممثل المغرب أن المملكة شرعت منذ بداية سنة ألفين وتسعة عشر في تنفيذ خطة عمل وطنية تشمل"
    " حماية المهاجرين وإدماجهم في المجتمع وتعزيز التعاون مع البلدان الإفريقية الشقيقة.",
    "وأشار إلى أن المهاجرين يستفيدون من المساعدة الإنسانية والاجتماعية على قدم المساواة مع المواطنين"
    " بغض النظر عن وضعيتهم القانونية، وأن المرصد الإفريقي للهجرة سيساهم في توفير معطيات موثوقة.",
    "وكان المغرب ممثلا في منتدى كيتو بوفد رسمي، باعتباره عضوا في الترويكا المشرفة على المنتدى العالمي.",
]
TITLE = "Quito : le Maroc présente son plan national pour les migrations"


def page(
    title: str,
    paragraphs: list[str],
    *,
    charset: str | None = "utf-8",
    lang: str = "fr",
    head: str = "",
    before: str = "",
    after: str = "",
    doctype: str = "<!DOCTYPE html>",
) -> str:
    """A plain news article page: what generic extraction is made for."""
    meta = f'<meta charset="{charset}">\n' if charset else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'{doctype}\n<html lang="{lang}">\n<head>\n{meta}<title>{title}</title>\n{head}</head>\n<body>\n'
        f"{before}<article>\n<h1>{title}</h1>\n{body}\n</article>\n{after}</body>\n</html>\n"
    )


def article(
    title: str, *body_has: str, language: str | None = "fr", encoding: str | None = None, body_lacks: tuple = ()
) -> dict:
    out: dict = {"kind": "article", "title": title, "body_has": list(body_has)}
    if body_lacks:
        out["body_lacks"] = list(body_lacks)
    if language:
        out["language"] = language
    if encoding:
        out["encoding"] = encoding
    return out


def quarantined(stage: str, reason: str) -> dict:
    return {"kind": "quarantine", "stage": stage, "reason": reason}


def typed(page_type: str) -> dict:
    """A readable page that gives no article and no headline: kept in `pages` with its type."""
    return {"kind": "page", "page_type": page_type}


def ignored(why: str) -> dict:
    return {"kind": "ignored", "why": why}


# --- builders ------------------------------------------------------------------------------------


def html_bytes(title: str, paragraphs: list[str] | None = None, **kwargs) -> bytes:
    return page(title, PARAS[:4] if paragraphs is None else paragraphs, **kwargs).encode("utf-8")


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def flipped_crc(data: bytes) -> bytes:
    packed = bytearray(gz(data))
    packed[-8] ^= 0xFF  # the CRC-32 in the trailer
    return bytes(packed)


def gzip_bomb() -> bytes:
    # 80 MiB of zeros compress to about 80 KiB: far over the 64 MiB payload limit once inflated.
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    return b"".join(squeeze.compress(chunk) for _ in range(80)) + squeeze.flush()


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = bytes.fromhex("78da6360000000020001")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def warc(pages: list[tuple[str, bytes]], *, compress: bool = True) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress, warc_version=RecordBuilder.WARC_1_1)
    for i, (uri, payload) in enumerate(pages):
        http = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(payload)))],
            protocol="HTTP/1.1",
        )
        headers = {
            "WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri)}>",
            "WARC-Date": f"2026-03-16T10:0{i}:00Z",
        }
        record = writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(payload),
            length=len(payload),
            http_headers=http,
            warc_headers_dict=headers,
        )
        writer.write_record(record)
    return buffer.getvalue()


def warc_pair() -> list[tuple[str, bytes]]:
    return [
        ("https://news.example/quito-1", html_bytes("WARC premier : le plan marocain présenté à Quito", PARAS[:3])),
        ("https://news.example/quito-2", html_bytes("WARC second : la politique migratoire du Maroc", PARAS[6:9])),
    ]


def truncated_warc() -> bytes:
    data = warc(warc_pair())
    # Cut in the middle of the second record's gzip member: the first record stays whole.
    inflater = zlib.decompressobj(wbits=31)
    inflater.decompress(data)
    first_end = len(data) - len(inflater.unused_data)
    return data[: first_end + (len(data) - first_end) // 2]


def corrupt_digest_warc() -> bytes:
    data = bytearray(warc(warc_pair(), compress=False))
    at = data.index(b"plan marocain")  # inside the first payload: its digest no longer matches
    data[at : at + 4] = b"PLAN"
    return bytes(data)


def latin1_page() -> bytes:
    # No charset anywhere; only the paragraphs that latin-1 can hold (no "œ").
    fits = [p for p in PARAS if all(ord(c) < 256 for c in p)][:4]
    text = page("Latin-1 : la délégation marocaine à Quito", fits, charset=None)
    return text.encode("latin-1")


def arabic_page(declared: bool) -> bytes:
    title = "المغرب يقدم في كيتو خطته الوطنية للهجرة" + ("" if declared else " (بدون ترميز)")
    return page(title, ARABIC, charset="windows-1256" if declared else None, lang="ar").encode("cp1256")


def wrong_charset_page() -> bytes:
    # Declares windows-1251 (Cyrillic) in <meta> but the bytes are UTF-8, as after a CMS migration.
    return page("Charset erroné : le Maroc et le pacte mondial", PARAS[:4], charset="windows-1251").encode("utf-8")


def mixed_encoding_page() -> bytes:
    # A UTF-8 page into which one paragraph was pasted as windows-1252 bytes.
    head, tail = page("Encodages mélangés : l'assistance aux migrants", [PARAS[4], "@@CP1252@@", PARAS[6]]).split(
        "@@CP1252@@"
    )
    return head.encode("utf-8") + PARAS[5].encode("cp1252") + tail.encode("utf-8")


def utf16_page() -> bytes:
    return page("UTF-16 : la troïka du forum mondial", PARAS[7:10], charset="utf-8").encode("utf-16")


def deep_nesting(depth: int = 10_000) -> bytes:
    inner = "\n".join(f"<p>{p}</p>" for p in PARAS[:3])
    body = "<div>" * depth + inner + "</div>" * depth
    return page("Imbrication profonde : dix mille niveaux", [], before=body).encode("utf-8")


def hidden_text_page(where: str) -> bytes:
    paragraphs = " ".join(PARAS[:3]).replace('"', "&quot;")
    holders = {
        "script": f'<script>var article = "{paragraphs.replace("&quot;", "")}";</script>',
        "noscript": f"<noscript><p>{paragraphs}</p></noscript>",
        "template": f"<template><article><p>{paragraphs}</p></article></template>",
    }
    return (
        f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Texte caché ({where})</title>'
        f"</head>\n<body>\n{holders[where]}\n</body></html>\n"
    ).encode()


def all_hidden_page() -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Texte dans script, noscript et template'
        f"</title></head>\n<body>\n<script>document.write({json.dumps(PARAS[0])});</script>\n"
        f"<noscript>{PARAS[1]}</noscript>\n<template><p>{PARAS[2]}</p></template>\n</body></html>\n"
    ).encode()


LAUGHS = (
    '<!DOCTYPE html [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + "]>"
)


def billion_laughs(xhtml: bool) -> bytes:
    paragraphs = [*PARAS[:3], "&lol9;"]
    doctype = ('<?xml version="1.0" encoding="utf-8"?>\n' if xhtml else "") + LAUGHS
    title = "Entités XML : " + ("XHTML" if xhtml else "HTML") + " et le milliard de rires"
    return page(title, paragraphs, doctype=doctype).encode("utf-8")


def external_entity_page(secret: Path) -> bytes:
    doctype = (
        f'<!DOCTYPE html [\n<!ENTITY xxe SYSTEM "file://{secret}">\n<!ENTITY net SYSTEM "http://203.0.113.9/x">\n]>'
    )
    return page("Entité externe : le forum de Quito", [*PARAS[:3], "&xxe; &net;"], doctype=doctype).encode()


EXTERNAL_HEAD = (
    '<link rel="stylesheet" href="http://203.0.113.9/style.css">\n'
    '<script src="https://203.0.113.9/app.js"></script>\n'
    '<meta http-equiv="refresh" content="30; url=http://203.0.113.9/next">\n'
    '<link rel="canonical" href="https://news.example/quito-ressources">\n'
)


def external_resources_page() -> bytes:
    body = '<img src="http://203.0.113.9/photo.jpg"><iframe src="http://203.0.113.9/embed"></iframe>\n'
    return page("Ressources externes : le Maroc à Quito", PARAS[:4], head=EXTERNAL_HEAD, before=body).encode()


def redirect_only() -> bytes:
    return (
        b'<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0; url=https://news.example/ailleurs">'
        b"<title>Redirection</title></head><body></body></html>\n"
    )


def truncated_html() -> bytes:
    data = html_bytes("HTML tronqué : la coopération avec l'Union africaine", PARAS[6:10])
    return data[: data.index(PARAS[9][:30].encode()) + 10]


def nul_bytes_page() -> bytes:
    return html_bytes("Octets nuls : la libre circulation en Afrique", PARAS[7:9]).replace(b"</h1>", b"</h1>\0\0\0")


def bad_char_refs() -> bytes:
    refs = "&#xD800; &#0; &#x110000; &bogus; &#99999999999; &#x80;"
    return html_bytes("Références invalides : données sur les migrations", [*PARAS[2:4], refs])


def noncharacter_ref() -> bytes:
    return html_bytes("Non-caractère dans le texte", [*PARAS[3:5], "fin &#xFFFF; du texte"])


def unclosed_comment() -> bytes:
    return html_bytes("Commentaire ouvert", PARAS[:2]).replace(b"<article>", b"<!-- <article>")


def binary_junk() -> bytes:
    return random.Random(7).randbytes(20_000)


def control_chars_page() -> bytes:
    # Text-like, but a control byte every few characters: a binary format, not a page.
    return bytes(b if i % 4 else 0x01 for i, b in enumerate(html_bytes("x")))


def unknown_text() -> bytes:
    return ("Compte rendu\n\n" + "\n".join(PARAS[:3]) + "\n").encode("utf-8")


def long_lines_page() -> bytes:
    attr = "x" * 2_000_000
    return html_bytes(
        "Attribut géant : deux millions de caractères", PARAS[4:6], head=f'<meta name="a" content="{attr}">\n'
    )


def headlines_only() -> bytes:
    links = "\n".join(
        f'<li><a href="https://news.example/article/{i}">{p.split(",")[0][:120]}</a></li>'
        for i, p in enumerate(PARAS[:6], start=1)
    )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Une</title></head>\n'
        f'<body><ul class="une">\n{links}\n</ul></body></html>\n'
    ).encode()


# --- the table: name -> (builder, expected outcome) -----------------------------------------------


@dataclass(frozen=True)
class Fixture:
    name: str
    build: Callable[[], bytes]
    expect: dict | list[dict]
    what: str


DUPLICATE = html_bytes("Doublon : une même page enregistrée deux fois", PARAS[1:4])

FIXTURES: list[Fixture] = [
    Fixture(
        "gzip-truncated.html.gz",
        lambda: gz(html_bytes("x"))[:300],
        quarantined("ingest", "corrupt_gzip"),
        "gzip stream cut in the middle",
    ),
    Fixture(
        "gzip-bad-crc.html.gz",
        lambda: flipped_crc(html_bytes("CRC")),
        quarantined("ingest", "corrupt_gzip"),
        "gzip whose CRC-32 does not match the data",
    ),
    Fixture(
        "gzip-not-gzip.html.gz",
        lambda: html_bytes("Pas du gzip"),
        quarantined("ingest", "corrupt_gzip"),
        "plain HTML named .html.gz",
    ),
    Fixture(
        "gzip-trailing-garbage.txt.gz",
        lambda: gz(unknown_text()) + b"GARBAGE!" * 4,
        quarantined("ingest", "corrupt_gzip"),
        "a whole gzip member followed by bytes that are not gzip",
    ),
    Fixture("gzip-bomb.html.gz", gzip_bomb, quarantined("ingest", "too_large"), "80 KiB that inflate to 80 MiB"),
    Fixture(
        "warc-truncated.warc.gz",
        truncated_warc,
        [
            article("WARC premier : le plan marocain présenté à Quito", PARAS[0][:60]),
            quarantined("ingest", "corrupt_warc"),
        ],
        "two responses, cut in the middle of the second",
    ),
    Fixture(
        "warc-bad-digest.warc",
        corrupt_digest_warc,
        [
            quarantined("ingest", "corrupt_warc"),
            article("WARC second : la politique migratoire du Maroc", PARAS[6][:60]),
        ],
        "uncompressed WARC whose first payload no longer matches its digest",
    ),
    Fixture("empty.html", lambda: b"", quarantined("ingest", "empty"), "zero bytes"),
    Fixture("blank.txt", lambda: b" \n\t\r\n   \n", quarantined("ingest", "empty"), "white space only"),
    Fixture("empty.warc.gz", lambda: b"", quarantined("ingest", "empty"), "zero-byte WARC"),
    Fixture("empty-member.html.gz", lambda: gz(b""), quarantined("ingest", "empty"), "gzip of nothing"),
    Fixture("binary-junk.html", binary_junk, quarantined("ingest", "not_text"), "20 kB of random bytes"),
    Fixture("image.html", tiny_png, quarantined("ingest", "not_text"), "a PNG image named .html"),
    Fixture(
        "control-chars.html",
        control_chars_page,
        quarantined("ingest", "not_text"),
        "a page with a control byte every fourth byte",
    ),
    Fixture(
        "utf16-bom.html",
        utf16_page,
        article("UTF-16 : la troïka du forum mondial", "troïka du GFMD", encoding="utf-16"),
        "UTF-16 (little-endian, BOM) whose <meta> wrongly says utf-8",
    ),
    Fixture(
        "latin1-no-charset.html",
        latin1_page,
        article("Latin-1 : la délégation marocaine à Quito", "bénéficient", encoding="cp1252"),
        "latin-1 bytes, no charset declared anywhere",
    ),
    Fixture(
        "arabic-windows-1256.html",
        lambda: arabic_page(True),
        article("المغرب يقدم في كيتو خطته الوطنية للهجرة", "الميثاق العالمي", language="ar", encoding="cp1256"),
        "Arabic in windows-1256, declared in <meta>",
    ),
    Fixture(
        "arabic-undeclared.html",
        lambda: arabic_page(False),
        article(
            "المغرب يقدم في كيتو خطته الوطنية للهجرة (بدون ترميز)", "المرصد الإفريقي", language="ar", encoding="cp1256"
        ),
        "Arabic in windows-1256 with no charset: detection",
    ),
    Fixture(
        "wrong-charset.html",
        wrong_charset_page,
        article("Charset erroné : le Maroc et le pacte mondial", "mise en œuvre du Pacte", encoding="utf-8"),
        "UTF-8 bytes under <meta charset=windows-1251>",
    ),
    Fixture(
        "mixed-encodings.html",
        mixed_encoding_page,
        article(
            "Encodages mélangés : l'assistance aux migrants",
            PARAS[4][:50],
            PARAS[5][:50],
            PARAS[6][:50],
            encoding="utf-8",
        ),
        "UTF-8 page with one paragraph in windows-1252",
    ),
    Fixture(
        "deep-nesting.html",
        deep_nesting,
        article("Imbrication profonde : dix mille niveaux", PARAS[0][:60]),
        "the article inside 10,000 nested <div>",
    ),
    Fixture(
        "hidden-in-script.html",
        lambda: hidden_text_page("script"),
        typed("other"),
        "the article text only inside <script>",
    ),
    # What a reader can be shown counts (<noscript> without scripts, <template> stamped by them);
    # script source never does.
    Fixture(
        "hidden-in-template.html",
        lambda: hidden_text_page("template"),
        article("Texte caché (template)", PARAS[0][:60]),
        "the article text only inside <template>",
    ),
    Fixture(
        "hidden-in-noscript.html",
        lambda: hidden_text_page("noscript"),
        article("Texte caché (noscript)", PARAS[0][:60]),
        "the article text only inside <noscript>",
    ),
    Fixture(
        "hidden-everywhere.html",
        all_hidden_page,
        article("Texte dans script, noscript et template", PARAS[2][:60], body_lacks=(PARAS[0][:60],)),
        "one paragraph in each of <script>, <noscript>, <template>",
    ),
    Fixture(
        "billion-laughs.html",
        lambda: billion_laughs(False),
        article("Entités XML : HTML et le milliard de rires", PARAS[0][:60]),
        "nested entity definitions in the DOCTYPE (10^9 'lol' if expanded)",
    ),
    Fixture(
        "billion-laughs.xhtml",
        lambda: billion_laughs(True),
        article("Entités XML : XHTML et le milliard de rires", PARAS[0][:60]),
        "the same with an XML declaration",
    ),
    Fixture(
        "external-resources.html",
        external_resources_page,
        article("Ressources externes : le Maroc à Quito", PARAS[0][:60]),
        "img, script src, stylesheet, iframe and meta refresh to outside addresses",
    ),
    Fixture("redirect-only.html", redirect_only, typed("other"), "nothing but a meta refresh"),
    Fixture(
        "duplicate-a.html",
        lambda: DUPLICATE,
        article("Doublon : une même page enregistrée deux fois", PARAS[1][:60]),
        "a page",
    ),
    Fixture(
        "duplicate-b copy.html",
        lambda: DUPLICATE,
        quarantined("ingest", "duplicate_snapshot"),
        "the same bytes under another name",
    ),
    Fixture(
        "nested/duplicate-c.html",
        lambda: DUPLICATE,
        quarantined("ingest", "duplicate_snapshot"),
        "the same bytes in a sub-folder",
    ),
    Fixture(
        "name with spaces.html",
        lambda: html_bytes("Espaces dans le nom du fichier", PARAS[2:5]),
        article("Espaces dans le nom du fichier", PARAS[2][:60]),
        "spaces in the file name",
    ),
    Fixture(
        "été_رمضان_日本.html",
        lambda: html_bytes("Nom de fichier en Unicode", PARAS[3:6]),
        article("Nom de fichier en Unicode", PARAS[3][:60]),
        "non-ASCII file name",
    ),
    Fixture(
        "-leading-dash.html",
        lambda: html_bytes("Tiret en tête du nom", PARAS[4:7]),
        article("Tiret en tête du nom", PARAS[4][:60]),
        "file name starting with a dash",
    ),
    Fixture(
        "truncated.html",
        truncated_html,
        article("HTML tronqué : la coopération avec l'Union africaine", PARAS[6][:60]),
        "a page cut in the middle of its last paragraph",
    ),
    Fixture(
        "nul-bytes.html",
        nul_bytes_page,
        article("Octets nuls : la libre circulation en Afrique", PARAS[7][:60]),
        "three NUL bytes in the markup",
    ),
    Fixture(
        "bad-char-refs.html",
        bad_char_refs,
        article("Références invalides : données sur les migrations", PARAS[2][:60]),
        "character references to surrogates, NUL and beyond U+10FFFF",
    ),
    Fixture(
        "noncharacter-ref.html",
        noncharacter_ref,
        article("Non-caractère dans le texte", PARAS[3][:60]),
        "a character reference to the noncharacter U+FFFF",
    ),
    Fixture(
        "unclosed-comment.html",
        unclosed_comment,
        typed("other"),
        "a comment opened before the article and never closed",
    ),
    Fixture(
        "giant-attribute.html",
        long_lines_page,
        article("Attribut géant : deux millions de caractères", PARAS[4][:60]),
        "a 2 MB attribute value",
    ),
    Fixture(
        "headlines-only.html",
        headlines_only,
        {"kind": "headlines", "min": 3},
        "a front page: a list of links and no article",
    ),
    Fixture(
        "notes.txt",
        unknown_text,
        quarantined("extract", "unknown_text_layout"),
        "a plain-text file no site profile knows",
    ),
]


# --- made at test time ---------------------------------------------------------------------------

BIG_TITLE = "Page géante : trente mégaoctets"
LINKS_TITLE = "Cent mille liens"


def big_page(size: int = 30 * 1024 * 1024) -> bytes:
    """A page of about `size` bytes: the article, then a huge comment-free block of teasers."""
    head = page(BIG_TITLE, PARAS[:4]).encode()
    filler_row = "<li>Archives : " + PARAS[9][:80] + "</li>\n"
    n = (size - len(head)) // len(filler_row.encode())
    filler = ("<aside><ul>\n" + filler_row * n + "</ul></aside>\n").encode()
    return head.replace(b"</body>", filler + b"</body>")


def many_links(n: int = 100_000) -> bytes:
    links = "".join(f'<a href="/archive/{i}">{i}</a> ' for i in range(n))
    return page(LINKS_TITLE, PARAS[:3], after=f"<footer>{links}</footer>\n").encode()


SECRET = "SECRET-OUTSIDE-THE-RAW-FOLDER"
RUNTIME: dict[str, dict] = {
    "big-30mb.html": article(BIG_TITLE, PARAS[0][:60]),
    "links-100000.html": article(LINKS_TITLE, PARAS[0][:60]),
    "link-outside.html": ignored("link pointing outside the raw folder"),
    "fifo.html": quarantined("ingest", "unreadable"),
    "socket.html": quarantined("ingest", "unreadable"),
    "external-entity.html": article("Entité externe : le forum de Quito", PARAS[0][:60], body_lacks=(SECRET,)),
}


def add_runtime_fixtures(raw: Path, outside: Path, *, big: bool = True) -> dict[str, dict]:
    """Make the fixtures git cannot hold (or should not) inside `raw`; `outside` is another folder.

    Returns the expected outcome of each, as in the manifest.
    """
    outside.mkdir(parents=True, exist_ok=True)
    secret = outside / "secret.html"
    secret.write_bytes(html_bytes(SECRET, [SECRET]))
    made = dict(RUNTIME)
    (raw / "link-outside.html").symlink_to(secret)
    (raw / "external-entity.html").write_bytes(external_entity_page(secret))
    os.mkfifo(raw / "fifo.html")  # nobody ever writes: opening it for reading would block forever
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(raw / "socket.html"))
    finally:
        sock.close()
    (raw / "folder.html").mkdir()
    (raw / "folder.html" / "index.htm").write_bytes(html_bytes("Index dans un dossier nommé .html", PARAS[5:8]))
    made["folder.html/index.htm"] = article("Index dans un dossier nommé .html", PARAS[5][:60])
    if big:
        (raw / "big-30mb.html").write_bytes(big_page())
        (raw / "links-100000.html").write_bytes(many_links())
    else:
        del made["big-30mb.html"], made["links-100000.html"]
    return made


def write_corpus(dest: Path) -> dict[str, dict | list[dict]]:
    dest.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict | list[dict]] = {}
    for fixture in FIXTURES:
        target = dest / fixture.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(fixture.build())
        expect = fixture.expect if isinstance(fixture.expect, list) else [fixture.expect]
        manifest[fixture.name] = {"what": fixture.what, "expect": expect}
    (dest / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str]) -> None:
    dest = Path(argv[0]) if argv else DEFAULT_DEST
    manifest = write_corpus(dest)
    print(f"{len(manifest)} fixtures written to {dest}")


if __name__ == "__main__":
    main(sys.argv[1:])
