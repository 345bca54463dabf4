"""decode(): BOMs, declared charsets, fallbacks and binary detection."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dagster_project.ingest.decode import NotTextError, declared_charset, decode

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
PAGE = (RAW / "aggregator" / "2026-03-14T0900_aggregator-quito.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_byte_order_mark_decides(codec):
    data = PAGE.encode(codec)
    if codec in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + PAGE).encode(codec)
    text, encoding = decode(data)
    assert text == PAGE
    assert encoding in ("utf-8-sig", "utf-16")


def test_utf8_page():
    assert decode(PAGE.encode("utf-8")) == (PAGE, "utf-8")


def test_declared_charset_argument_wins_over_utf8_guess():
    # Valid UTF-8 bytes that the server says are windows-1252.
    data = "<p>café</p>".encode()
    text, encoding = decode(data, declared="windows-1252")
    assert encoding == "cp1252"
    assert text == "<p>cafÃ©</p>"


def test_iso_8859_1_label_is_decoded_as_windows_1252():
    # As in the HTML standard: 0x93/0x94 are curly quotes, not C1 controls.
    text, encoding = decode(b"<p>\x93Bient\xf4t\x94</p>", declared="ISO-8859-1")
    assert encoding == "cp1252"
    assert text == "<p>“Bientôt”</p>"


def test_unknown_declared_label_is_ignored():
    assert decode(PAGE.encode("utf-8"), declared="x-no-such-charset") == (PAGE, "utf-8")


def test_meta_charset_is_read_in_html():
    data = '<meta charset="windows-1256"><p>سلام</p>'.encode("cp1256")
    assert declared_charset(data) == "windows-1256"
    assert decode(data, html=True) == ('<meta charset="windows-1256"><p>سلام</p>', "cp1256")


def test_declared_charset_finds_http_equiv():
    data = b'<head><meta http-equiv="content-type" content="text/html; charset=ISO-8859-15"></head>'
    assert declared_charset(data) == "ISO-8859-15"
    assert declared_charset(b"<html><head></head></html>") is None


def test_a_few_stray_control_bytes_do_not_make_a_page_binary():
    data = PAGE.encode("utf-8").replace(b"</title>", b"\x00\x01</title>", 1)
    text, encoding = decode(data)
    assert encoding == "utf-8"
    assert "\x00\x01</title>" in text


@pytest.mark.parametrize("seed", range(3))
def test_random_bytes_are_not_text(seed):
    with pytest.raises(NotTextError):
        decode(random.Random(seed).randbytes(4096))


def test_nul_heavy_data_decoding_as_utf8_is_not_text():
    # Valid UTF-8, but mostly NUL bytes: binary.
    with pytest.raises(NotTextError):
        decode(b"<html>" + bytes(2000) + b"</html>")


@pytest.mark.parametrize(
    "text,codec",
    [
        ("<html><body><p>Le café est prêt.</p></body></html>", "latin-1"),
        ("<p>Élève à l'école, été déjà passé, où est-il ?</p>", "latin-1"),
        ("<p>Marruecos acogerá la reunión ministerial conjunta en España.</p>", "cp1252"),
        ("<p>المغرب يستضيف الاجتماع الوزاري المشترك مع دول مجلس التعاون الخليجي</p>", "cp1256"),
        ("<p>Марокко примет совместное министерское совещание</p>", "cp1251"),
    ],
)
def test_short_undeclared_texts_decode_right(text, codec):
    decoded, _ = decode(text.encode(codec), html=True)
    assert decoded == text
