"""read_file over every supported format, charsets, and damaged or hostile inputs."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import random
import shutil
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dagster_project.ingest.readers import read_file
from dagster_project.ingest.records import Snapshot, SnapshotFailure

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
TXT = "aggregator/000_b4627224569639d2.txt"
HTML = "aggregator/2026-03-14T0900_aggregator-quito.html"
WARC = "warc/2026-03-15_dev-pages.warc.gz"
PAGES_GZ = sorted(p.relative_to(RAW).as_posix() for p in (RAW / "pages").glob("*.html.gz"))
WARC_URLS = [
    "https://kabarislamia.com/2015/10/27/sejarah-pecahnya-islam-jadi-sunni-dan-syiah/",
    "https://www.expapp.com/blog/introducing-junior-gaspard-new-ceo-experience/",
    "https://www.albawaba.com/news/sweden-drops-its-investigation-rape-allegation-against-julian-assange-1322369",
]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_all(root: Path, rel: str, **kwargs) -> list[Snapshot | SnapshotFailure]:
    return list(read_file(root, rel, **kwargs))


def read_one(root: Path, rel: str, **kwargs) -> Snapshot | SnapshotFailure:
    records = read_all(root, rel, **kwargs)
    assert len(records) == 1, records
    return records[0]


def html_responses(path: Path) -> list[tuple[str, bytes]]:
    """(url, payload) of the HTML responses of a WARC file, read with warcio directly."""
    out = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                continue
            if record.http_headers.get_header("Content-Type", "").startswith("text/html"):
                out.append((record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read()))
    return out


def gzip_members(data: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of each gzip member of a .warc.gz (one member per record)."""
    bounds = []
    start = 0
    while start < len(data):
        inflater = zlib.decompressobj(wbits=31)
        inflater.decompress(data[start:])
        end = len(data) - len(inflater.unused_data)
        bounds.append((start, end))
        start = end
    return bounds


def aggregator_page() -> str:
    return (RAW / HTML).read_text(encoding="utf-8")


# --- the bundled samples -------------------------------------------------------------------------


def test_plain_text_capture_reads_as_text_plain_with_mtime():
    record = read_one(RAW, TXT)
    raw = (RAW / TXT).read_bytes()
    assert isinstance(record, Snapshot)
    assert record.format == "txt"
    assert record.media_type == "text/plain"
    assert record.text == raw.decode("utf-8")
    assert record.encoding == "utf-8"
    assert record.n_bytes == len(raw)
    assert record.sha256 == sha(raw)
    assert record.snapshot_id == sha(raw)[:16]
    assert record.url is None and record.warc_record_id is None
    # No date in "000_b4627224569639d2": the modification time is used.
    assert record.captured_at_source == "mtime"
    assert record.captured_at == datetime.fromtimestamp((RAW / TXT).stat().st_mtime, tz=UTC)


def test_html_sample_reads_with_capture_time_from_file_name():
    record = read_one(RAW, HTML)
    raw = (RAW / HTML).read_bytes()
    assert isinstance(record, Snapshot)
    assert record.format == "html"
    assert record.media_type == "text/html"
    assert record.text == raw.decode("utf-8")
    assert record.snapshot_id == sha(raw)[:16]
    assert record.captured_at == datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
    assert record.captured_at_source == "filename"


@pytest.mark.parametrize("rel", PAGES_GZ)
def test_gzipped_pages_are_identified_by_their_decompressed_payload(rel):
    record = read_one(RAW, rel)
    payload = gzip.decompress((RAW / rel).read_bytes())
    assert isinstance(record, Snapshot)
    assert record.format == "html.gz"
    assert record.media_type == "text/html"
    assert record.n_bytes == len(payload)
    assert record.sha256 == sha(payload)
    assert record.snapshot_id == sha(payload)[:16]
    assert record.text == payload.decode("utf-8")


def test_sample_pages_folder_holds_three_pages():
    assert len(PAGES_GZ) == 3


def test_warc_sample_yields_the_three_html_responses_and_skips_the_image():
    records = read_all(RAW, WARC)
    expected = html_responses(RAW / WARC)
    assert len(records) == 3
    assert all(isinstance(r, Snapshot) for r in records)
    assert [r.url for r in records] == WARC_URLS == [url for url, _ in expected]
    assert [r.captured_at for r in records] == [datetime(2026, 3, 15, 10, minute, tzinfo=UTC) for minute in range(3)]
    assert {r.captured_at_source for r in records} == {"warc-date"}
    assert {r.format for r in records} == {"warc.gz"}
    assert {r.path for r in records} == {WARC}
    for record, (_, payload) in zip(records, expected, strict=True):
        assert record.snapshot_id == sha(payload)[:16]
        assert record.n_bytes == len(payload)
        assert record.text == payload.decode("utf-8")
        assert record.encoding == "utf-8"
        assert record.warc_record_id.startswith("<urn:uuid:")
    assert len({r.warc_record_id for r in records}) == 3
    assert not any(r.url.endswith(".png") for r in records)


def test_uncompressed_warc_reads_like_the_gzipped_one(tmp_path):
    (tmp_path / "dev.warc").write_bytes(gzip.decompress((RAW / WARC).read_bytes()))
    plain = read_all(tmp_path, "dev.warc")
    gz = read_all(RAW, WARC)
    assert [r.snapshot_id for r in plain] == [r.snapshot_id for r in gz]
    assert {r.format for r in plain} == {"warc"}
    # The capture time comes from the records, not from the (undated) file name.
    assert [r.captured_at for r in plain] == [r.captured_at for r in gz]


# --- capture time --------------------------------------------------------------------------------


def test_date_in_file_name_gives_the_capture_time(tmp_path):
    shutil.copy(RAW / HTML, tmp_path / "2026-03-14T0900_x.html")
    record = read_one(tmp_path, "2026-03-14T0900_x.html")
    assert record.captured_at == datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
    assert record.captured_at_source == "filename"


def test_without_a_date_in_the_name_the_modification_time_is_used(tmp_path):
    path = tmp_path / "front-page.html"
    shutil.copy(RAW / HTML, path)
    when = datetime(2025, 7, 1, 6, 30, 15, tzinfo=UTC)
    os.utime(path, (when.timestamp(), when.timestamp()))
    record = read_one(tmp_path, "front-page.html")
    assert record.captured_at == when
    assert record.captured_at_source == "mtime"


def test_gzipped_file_takes_its_date_from_the_name(tmp_path):
    (tmp_path / "20260314T0930-page.html.gz").write_bytes(gzip.compress((RAW / HTML).read_bytes(), mtime=0))
    record = read_one(tmp_path, "20260314T0930-page.html.gz")
    assert record.captured_at == datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    assert record.captured_at_source == "filename"


def _raw_warc_response(uri: str, body: bytes, *, http_date: str | None = None, warc_date: str | None = None) -> bytes:
    # Written by hand: warcio's writer always adds a WARC-Date.
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    if http_date:
        http += f"Date: {http_date}\r\n".encode()
    http += b"Content-Length: %d\r\n\r\n" % len(body) + body
    record_id = f"<urn:uuid:{sha(uri.encode())[:8]}-0000-0000-0000-000000000000>"
    head = f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: {record_id}\r\n"
    if warc_date:
        head += f"WARC-Date: {warc_date}\r\n"
    head += f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n"
    head += f"Content-Length: {len(http)}\r\n\r\n"
    return head.encode() + http + b"\r\n\r\n"


def test_warc_record_without_warc_date_falls_back_to_the_http_date(tmp_path):
    data = (
        _raw_warc_response("https://news.example/1", "<p>été</p>".encode(), http_date="Sun, 15 Mar 2026 08:30:00 GMT")
        + _raw_warc_response("https://news.example/2", b"<p>two</p>")
        + _raw_warc_response("https://news.example/3", b"<p>three</p>", http_date="x", warc_date="not a date")
        + _raw_warc_response(
            "https://news.example/4",
            b"<p>four</p>",
            http_date="Sun, 15 Mar 2026 08:30:00 GMT",
            warc_date="2026-03-15T09:00:00Z",
        )
    )
    (tmp_path / "handmade.warc").write_bytes(data)
    records = read_all(tmp_path, "handmade.warc")
    assert [r.url for r in records] == [f"https://news.example/{i}" for i in range(1, 5)]
    assert all(isinstance(r, Snapshot) for r in records)
    assert records[0].text == "<p>été</p>"
    assert (records[0].captured_at, records[0].captured_at_source) == (
        datetime(2026, 3, 15, 8, 30, tzinfo=UTC),
        "http-date",
    )
    # No usable date at all: unknown, rather than a made-up time.
    assert (records[1].captured_at, records[1].captured_at_source) == (None, None)
    assert (records[2].captured_at, records[2].captured_at_source) == (None, None)
    # WARC-Date wins over the HTTP Date.
    assert (records[3].captured_at, records[3].captured_at_source) == (
        datetime(2026, 3, 15, 9, 0, tzinfo=UTC),
        "warc-date",
    )


# --- WARC records selection ----------------------------------------------------------------------


def _write_warc(path: Path, records: list[dict]) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        for spec in records:
            warc_headers = {"WARC-Date": spec.get("date", "2026-03-15T10:00:00Z")}
            if spec.get("type", "response") == "resource":
                record = writer.create_warc_record(
                    spec["uri"],
                    "resource",
                    payload=io.BytesIO(spec["body"]),
                    warc_content_type=spec["content_type"],
                    warc_headers_dict=warc_headers,
                )
            else:
                http_headers = StatusAndHeaders(
                    spec.get("status", "200 OK"), [("Content-Type", spec["content_type"])], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    spec["uri"],
                    "response",
                    payload=io.BytesIO(spec["body"]),
                    http_headers=http_headers,
                    warc_headers_dict=warc_headers,
                )
            writer.write_record(record)


ARABIC = (
    '<html lang="ar" dir="rtl"><head><title>أخبار اليوم</title></head>'
    "<body><h1>الحكومة تعلن عن خطة جديدة للنقل العام</h1>"
    "<p>أعلنت الحكومة اليوم عن خطة جديدة لتطوير شبكة النقل العام في المدن الكبرى، تشمل خطوط حافلات وقطارات.</p>"
    "</body></html>"
)


def test_warc_keeps_html_responses_only_and_uses_the_http_charset(tmp_path):
    _write_warc(
        tmp_path / "mixed.warc.gz",
        [
            {
                "uri": "https://a.example/ar",
                "body": ARABIC.encode("cp1256"),
                "content_type": "text/html; charset=windows-1256",
            },
            {
                "uri": "https://a.example/missing",
                "body": b"<html>gone</html>",
                "content_type": "text/html",
                "status": "404 Not Found",
            },
            {"uri": "https://a.example/data.json", "body": b'{"a": 1}', "content_type": "application/json"},
            {"uri": "https://a.example/x", "body": b"<html><p>x</p></html>", "content_type": "application/xhtml+xml"},
            {"uri": "https://a.example/upper", "body": b"<p>upper</p>", "content_type": "TEXT/HTML; Charset=UTF-8"},
            {
                "uri": "https://a.example/res",
                "body": b"<p>resource</p>",
                "content_type": "text/html",
                "type": "resource",
            },
            {"uri": "https://a.example/blank", "body": b"  \n ", "content_type": "text/html"},
        ],
    )
    records = read_all(tmp_path, "mixed.warc.gz")
    by_url = {r.url: r for r in records}
    assert list(by_url) == [
        "https://a.example/ar",
        "https://a.example/x",
        "https://a.example/upper",
        "https://a.example/res",
        "https://a.example/blank",
    ]
    arabic = by_url["https://a.example/ar"]
    assert isinstance(arabic, Snapshot)
    assert arabic.text == ARABIC
    assert arabic.encoding == "cp1256"
    assert arabic.snapshot_id == sha(ARABIC.encode("cp1256"))[:16]
    assert isinstance(by_url["https://a.example/res"], Snapshot)
    blank = by_url["https://a.example/blank"]
    assert isinstance(blank, SnapshotFailure) and blank.reason == "empty"
    assert blank.warc_record_id is not None


def test_warc_response_larger_than_the_limit_is_too_large(tmp_path):
    sizes = [len(payload) for _, payload in html_responses(RAW / WARC)]
    limit = sorted(sizes)[1]  # the largest page exceeds it, the middle-sized one fits exactly
    records = read_all(RAW, WARC, max_bytes=limit)
    assert len(records) == 3
    assert sum(isinstance(r, SnapshotFailure) for r in records) == 1
    for record, size in zip(records, sizes, strict=True):
        if size > limit:
            assert isinstance(record, SnapshotFailure) and record.reason == "too_large"
            assert record.url is not None
        else:
            assert isinstance(record, Snapshot)


# --- charsets ------------------------------------------------------------------------------------


def test_utf16_with_bom_ignores_the_meta_charset(tmp_path):
    page = aggregator_page()
    (tmp_path / "utf16.html").write_bytes(page.encode("utf-16"))  # BOM + UTF-16; the page still says utf-8
    record = read_one(tmp_path, "utf16.html")
    assert isinstance(record, Snapshot)
    assert record.text == page
    assert record.encoding == "utf-16"


def test_utf8_bom_is_stripped(tmp_path):
    page = aggregator_page()
    (tmp_path / "bom.html").write_bytes(page.encode("utf-8-sig"))
    record = read_one(tmp_path, "bom.html")
    assert record.text == page


def test_latin1_page_without_any_declared_charset(tmp_path):
    page = aggregator_page().replace('<meta charset="utf-8">', "").replace("œ", "oe")
    assert "charset" not in page
    (tmp_path / "latin1.html").write_bytes(page.encode("latin-1"))
    record = read_one(tmp_path, "latin1.html")
    assert isinstance(record, Snapshot)
    assert "Le Maroc présente son plan national" in record.text
    assert record.text == page
    assert "\ufffd" not in record.text


def test_latin1_plain_text_capture(tmp_path):
    text = (RAW / TXT).read_text(encoding="utf-8").replace("œ", "oe")
    (tmp_path / "capture.txt").write_bytes(text.encode("latin-1"))
    record = read_one(tmp_path, "capture.txt")
    assert isinstance(record, Snapshot)
    assert record.media_type == "text/plain"
    assert record.text == text


def test_page_declaring_utf8_but_holding_latin1_bytes_falls_back(tmp_path):
    page = aggregator_page().replace("œ", "oe")
    assert '<meta charset="utf-8">' in page
    raw = page.encode("latin-1")
    (tmp_path / "liar.html").write_bytes(raw)
    record = read_one(tmp_path, "liar.html")
    assert isinstance(record, Snapshot)
    assert record.encoding != "utf-8"
    assert record.text == page
    assert "é" in record.text
    # The id is still the hash of the bytes as stored.
    assert record.snapshot_id == sha(raw)[:16]


def test_windows_1256_arabic_with_meta_charset(tmp_path):
    page = ARABIC.replace("<head>", '<head><meta charset="windows-1256">')
    (tmp_path / "ar.html").write_bytes(page.encode("cp1256"))
    record = read_one(tmp_path, "ar.html")
    assert isinstance(record, Snapshot)
    assert record.encoding == "cp1256"
    assert record.text == page


def test_http_equiv_content_type_is_honoured(tmp_path):
    page = ARABIC.replace("<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">')
    (tmp_path / "ar.htm").write_bytes(page.encode("cp1256"))
    record = read_one(tmp_path, "ar.htm")
    assert record.text == page


# --- damaged and hostile inputs ------------------------------------------------------------------


def test_truncated_html_gz_is_corrupt_gzip(tmp_path):
    raw = (RAW / PAGES_GZ[0]).read_bytes()
    (tmp_path / "cut.html.gz").write_bytes(raw[: len(raw) // 2])
    record = read_one(tmp_path, "cut.html.gz")
    assert isinstance(record, SnapshotFailure)
    assert record.reason == "corrupt_gzip"
    assert record.format == "html.gz"
    # The failure is identified by the bytes on disk.
    assert record.sha256 == sha(raw[: len(raw) // 2])
    assert record.snapshot_id == record.sha256[:16]


def test_plain_html_named_gz_is_corrupt_gzip(tmp_path):
    shutil.copy(RAW / HTML, tmp_path / "not-compressed.html.gz")
    record = read_one(tmp_path, "not-compressed.html.gz")
    assert isinstance(record, SnapshotFailure) and record.reason == "corrupt_gzip"


def test_concatenated_gzip_members_are_read_whole(tmp_path):
    first, second = b"<html><body><p>one</p>", b"<p>two</p></body></html>"
    (tmp_path / "two.html.gz").write_bytes(gzip.compress(first, mtime=0) + gzip.compress(second, mtime=0))
    record = read_one(tmp_path, "two.html.gz")
    assert isinstance(record, Snapshot)
    assert record.text == (first + second).decode()
    assert record.snapshot_id == sha(first + second)[:16]


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n"])
@pytest.mark.parametrize("name", ["empty.html", "empty.txt"])
def test_empty_or_blank_file_is_empty(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    record = read_one(tmp_path, name)
    assert isinstance(record, SnapshotFailure)
    assert record.reason == "empty"


def test_gzip_of_nothing_is_empty(tmp_path):
    (tmp_path / "nothing.html.gz").write_bytes(gzip.compress(b"", mtime=0))
    record = read_one(tmp_path, "nothing.html.gz")
    assert isinstance(record, SnapshotFailure) and record.reason == "empty"


@pytest.mark.parametrize("seed", range(5))
def test_random_binary_named_html_is_not_text(tmp_path, seed):
    (tmp_path / "noise.html").write_bytes(random.Random(seed).randbytes(8192))
    record = read_one(tmp_path, "noise.html")
    assert isinstance(record, SnapshotFailure)
    assert record.reason == "not_text"


def test_png_image_named_html_is_not_text(tmp_path):
    with open(RAW / WARC, "rb") as fh:
        png = next(
            r.content_stream().read()
            for r in ArchiveIterator(fh)
            if r.rec_type == "response" and r.http_headers.get_header("Content-Type") == "image/png"
        )
    assert png.startswith(b"\x89PNG")
    (tmp_path / "logo.html").write_bytes(png)
    record = read_one(tmp_path, "logo.html")
    assert isinstance(record, SnapshotFailure) and record.reason == "not_text"


def test_gzip_bomb_is_too_large_without_being_inflated(tmp_path):
    bomb = gzip.compress(b"<html><body>" + b" " * (16 * 1024 * 1024), mtime=0)
    (tmp_path / "bomb.html.gz").write_bytes(bomb)
    assert len(bomb) < 64 * 1024
    record = read_one(tmp_path, "bomb.html.gz", max_bytes=64 * 1024)
    assert isinstance(record, SnapshotFailure)
    assert record.reason == "too_large"
    assert record.n_bytes == len(bomb)


@pytest.mark.parametrize("size", [150, 250])
def test_plain_file_over_the_limit_is_too_large(tmp_path, size):
    (tmp_path / "big.html").write_bytes(b"<p>" + b"x" * (size - 7) + b"</p>")
    record = read_one(tmp_path, "big.html", max_bytes=100)
    assert isinstance(record, SnapshotFailure) and record.reason == "too_large"


def test_file_at_the_limit_is_read(tmp_path):
    data = b"<p>" + b"x" * 93 + b"</p>"
    assert len(data) == 100
    (tmp_path / "fits.html").write_bytes(data)
    assert isinstance(read_one(tmp_path, "fits.html", max_bytes=100), Snapshot)


def test_chmod_000_file_is_unreadable(tmp_path):
    path = tmp_path / "locked.html"
    shutil.copy(RAW / HTML, path)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that read chmod 000 files")
        record = read_one(tmp_path, "locked.html")
    finally:
        path.chmod(0o644)
    assert isinstance(record, SnapshotFailure)
    assert record.reason == "unreadable"


def test_directory_named_like_a_page_is_unreadable(tmp_path):
    (tmp_path / "x.html").mkdir()
    record = read_one(tmp_path, "x.html")
    assert isinstance(record, SnapshotFailure)
    assert record.reason == "unreadable"
    assert "IsADirectoryError" in record.detail
    assert record.sha256 is None and record.n_bytes == 0
    # The id is derived from the path so the failure can still be keyed.
    assert record.snapshot_id == sha(b"path:x.html")[:16]


@pytest.mark.parametrize("name", ["dangling.html", "dangling.warc.gz"])
def test_dangling_symlink_is_unreadable_without_capture_time(tmp_path, name):
    (tmp_path / name).symlink_to(tmp_path / "gone")
    record = read_one(tmp_path, name)
    assert isinstance(record, SnapshotFailure)
    assert record.reason == "unreadable"
    assert "FileNotFoundError" in record.detail
    assert (record.captured_at, record.captured_at_source) == (None, None)


def test_missing_file_is_unreadable(tmp_path):
    record = read_one(tmp_path, "vanished.txt")
    assert isinstance(record, SnapshotFailure) and record.reason == "unreadable"


# --- damaged WARC files --------------------------------------------------------------------------


def intact_warc_ids() -> list[str]:
    return [r.sha256 for r in read_all(RAW, WARC)]


def test_damaged_warc_never_raises(tmp_path):
    data = (RAW / WARC).read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    variants = {
        "half.warc.gz": data[: len(data) // 2],
        "flipped.warc.gz": bytes(flipped),
        "head.warc.gz": data[:10],
        "noise.warc.gz": random.Random(0).randbytes(4096),
        "half.warc": gzip.decompress(data)[: len(gzip.decompress(data)) // 2],
    }
    for name, content in variants.items():
        (tmp_path / name).write_bytes(content)
        records = read_all(tmp_path, name)
        assert all(isinstance(r, Snapshot | SnapshotFailure) for r in records), name


@pytest.mark.parametrize("tail", [bytes(512), b"<html><body>stray page</body></html>\r\n\r\n"])
def test_junk_after_the_last_record_keeps_the_records_before_it(tmp_path, tail):
    (tmp_path / "tail.warc.gz").write_bytes((RAW / WARC).read_bytes() + tail)
    records = read_all(tmp_path, "tail.warc.gz")
    assert [r.sha256 for r in records[:3]] == intact_warc_ids()
    assert all(isinstance(r, Snapshot) for r in records[:3])
    assert len(records) == 4
    failure = records[3]
    assert isinstance(failure, SnapshotFailure)
    assert failure.reason == "corrupt_warc"
    assert failure.path == "tail.warc.gz"
    assert failure.format == "warc.gz"


def test_corrupt_deflate_data_in_second_response_keeps_the_first_record(tmp_path):
    data = bytearray((RAW / WARC).read_bytes())
    start, end = gzip_members(bytes(data))[3]  # the second page's response record
    middle = (start + end) // 2
    data[middle : middle + 32] = bytes(32)
    (tmp_path / "zeroed.warc.gz").write_bytes(bytes(data))
    records = read_all(tmp_path, "zeroed.warc.gz")
    assert [type(r) for r in records] == [Snapshot, SnapshotFailure]
    assert records[0].sha256 == intact_warc_ids()[0]
    assert records[1].reason == "corrupt_warc"


def test_gzip_of_something_else_named_warc_gz_is_corrupt_warc(tmp_path):
    (tmp_path / "page.warc.gz").write_bytes(gzip.compress((RAW / HTML).read_bytes(), mtime=0))
    record = read_one(tmp_path, "page.warc.gz")
    assert isinstance(record, SnapshotFailure) and record.reason == "corrupt_warc"


def test_warc_cut_at_a_record_boundary_reads_as_a_shorter_warc(tmp_path):
    data = (RAW / WARC).read_bytes()
    members = gzip_members(data)
    assert len(members) == 7  # request + response per page, then the image
    (tmp_path / "short.warc.gz").write_bytes(data[: members[3][1]])
    records = read_all(tmp_path, "short.warc.gz")
    assert [r.sha256 for r in records] == intact_warc_ids()[:2]


def test_warc_gz_cut_in_half_reports_corrupt_warc(tmp_path):
    data = (RAW / WARC).read_bytes()
    (tmp_path / "half.warc.gz").write_bytes(data[: len(data) // 2])
    records = read_all(tmp_path, "half.warc.gz")
    intact = set(intact_warc_ids())
    # No snapshot may hold a cut payload: every one must be a complete record of the original.
    assert all(r.sha256 in intact for r in records if isinstance(r, Snapshot))
    failures = [r for r in records if isinstance(r, SnapshotFailure)]
    assert [f.reason for f in failures] == ["corrupt_warc"]


@pytest.mark.parametrize("damage", ["cut_in_second_response", "interrupted_append"])
def test_record_cut_short_is_reported_and_earlier_records_kept(tmp_path, damage):
    data = (RAW / WARC).read_bytes()
    members = gzip_members(data)
    intact = intact_warc_ids()
    if damage == "cut_in_second_response":
        start, end = members[3]
        damaged, kept = data[: (start + end) // 2], intact[:1]
    else:
        # A fourth page whose write stopped halfway: the first page's response again, cut short.
        start, end = members[1]
        damaged, kept = data + data[start : (start + end) // 2], intact
    (tmp_path / "damaged.warc.gz").write_bytes(damaged)
    records = read_all(tmp_path, "damaged.warc.gz")
    assert [r.sha256 for r in records if isinstance(r, Snapshot)] == kept
    assert [r.reason for r in records if isinstance(r, SnapshotFailure)] == ["corrupt_warc"]


def test_flipped_byte_in_first_response_is_reported(tmp_path):
    data = bytearray((RAW / WARC).read_bytes())
    start, end = gzip_members(bytes(data))[1]
    data[(start + end) // 2] ^= 0xFF
    (tmp_path / "flipped.warc.gz").write_bytes(bytes(data))
    records = read_all(tmp_path, "flipped.warc.gz")
    intact = set(intact_warc_ids())
    assert all(r.sha256 in intact for r in records if isinstance(r, Snapshot))
    assert [r.reason for r in records if isinstance(r, SnapshotFailure)] == ["corrupt_warc"]


@pytest.mark.parametrize("name", ["zero.warc", "zero.warc.gz"])
def test_zero_byte_warc_is_reported(tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    records = read_all(tmp_path, name)
    assert len(records) == 1
    assert isinstance(records[0], SnapshotFailure)
    assert records[0].reason in ("empty", "corrupt_warc")


def test_zero_padding_after_a_gzip_member_is_tolerated(tmp_path):
    page = b"<html><body><p>Un article.</p></body></html>"
    (tmp_path / "padded.html.gz").write_bytes(gzip.compress(page) + b"\0" * 512)
    (snapshot,) = read_all(tmp_path, "padded.html.gz")
    assert isinstance(snapshot, Snapshot) and snapshot.n_bytes == len(page)


def test_zero_byte_gzip_is_empty(tmp_path):
    (tmp_path / "zero.html.gz").write_bytes(b"")
    (failure,) = read_all(tmp_path, "zero.html.gz")
    assert failure.reason == "empty"


@pytest.mark.parametrize("error", [TypeError, KeyError, AttributeError, IndexError])
def test_an_error_of_our_own_code_in_the_warc_reader_is_raised_not_counted_as_a_corrupt_file(monkeypatch, error):
    """Only warcio's work is guarded: a bug in what we do with a record surfaces."""
    from dagster_project.ingest import capture_time

    def broken(_value):
        raise error("a bug of ours")

    monkeypatch.setattr(capture_time, "from_http_date", broken)
    with pytest.raises(error, match="a bug of ours"):
        read_all(RAW, WARC)


def test_damage_warcio_raises_on_is_logged_with_what_was_skipped(tmp_path, caplog):
    (tmp_path / "bad.warc.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 200)  # a gzip header, then noise
    with caplog.at_level("WARNING"):
        records = read_all(tmp_path, "bad.warc.gz")
    (failure,) = [r for r in records if isinstance(r, SnapshotFailure)]
    assert failure.reason == "corrupt_warc" and failure.detail.startswith("after ")  # warcio raised
    assert [m for m in caplog.messages if "bad.warc.gz" in m and "skipped" in m and failure.detail in m]


def test_a_warc_file_read_to_its_end_without_any_page_is_accounted_for(tmp_path):
    """Lines warcio reads as (ARC) records of no HTML page: one row says so, rather than none."""
    (tmp_path / "lines.warc").write_bytes(b"this is not a WARC record\r\n" * 10)
    (failure,) = read_all(tmp_path, "lines.warc")
    assert failure.reason == "no_pages"
    assert failure.detail.startswith("5 records, none an HTML page with a 2xx status")
