"""Bytes -> text: BOM, declared charset (HTTP header, <meta>), UTF-8, then detection."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# The HTML standard decodes these labels with a superset codec.
_HTML_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252"}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


class NotTextError(ValueError):
    """The bytes do not decode to text."""


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _HTML_ALIASES.get(label, _HTML_ALIASES.get(name, name))


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (<meta charset> or http-equiv)."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "ignore") if match else None


def decode(data: bytes, *, declared: str | None = None, html: bool = True) -> tuple[str, str]:
    """Decode a payload; return (text, encoding). Raise NotTextError for binary data."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(codec, errors="replace"), codec)
    candidates = [_codec(declared)]
    # Bytes that are valid UTF-8 with non-ASCII text in them are UTF-8 whatever a <meta> says:
    # a legacy code page almost never forms valid multi-byte sequences by chance, while pages
    # converted to UTF-8 with their old <meta> left behind are common. The HTTP header still wins.
    if html and not _is_utf8(data):
        candidates.append(_codec(declared_charset(data)))
    candidates.append("utf-8")
    for codec in dict.fromkeys(c for c in candidates if c):
        try:
            return _checked(data.decode(codec), codec)
        except (UnicodeDecodeError, LookupError):
            continue
    if _mostly_utf8(data):
        return _checked(data.decode("utf-8", errors=_CP1252_FALLBACK), "utf-8")
    encoding = _detect(data[:262144])
    if encoding is None:
        raise NotTextError("no text encoding fits the bytes")
    return _checked(data.decode(encoding, errors="replace"), encoding)


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_CP1252_FALLBACK = "news-lake-cp1252-fallback"


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return bad.decode("cp1252", errors="replace"), exc.end


codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few pieces in windows-1252 (text pasted from elsewhere): more valid
    multi-byte sequences than stray high bytes."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    in_sequences = sum(len(m) for m in _UTF8_MULTIBYTE.findall(data))
    return in_sequences > 0 and in_sequences > high - in_sequences


# Undeclared pages of this collection are Western European, Arabic or Cyrillic: on short texts the
# detector cannot tell cp1252 from cp1250/cp1257, so a near-tie goes to the common code page, as
# browsers default to windows-1252.
_PREFERRED = ("cp1252", "cp1256", "cp1251")
_TIE = 0.15


def _detect(data: bytes) -> str | None:
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    best = min(m.chaos for m in matches)
    for preferred in _PREFERRED:
        for m in matches:
            if m.encoding == preferred and m.chaos <= best + _TIE:
                return preferred
    return matches[0].encoding


def _checked(text: str, codec: str) -> tuple[str, str]:
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise NotTextError(f"decoded as {codec} but full of control characters: binary data")
    return text, codec
