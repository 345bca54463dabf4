"""Rebuild the generated sample snapshots under data/raw/ from the article-extraction dev set.

Writes:
- data/raw/pages/<id>.html.gz (three dev-set pages copied as-is) and data/raw/pages/LICENSE;
- data/raw/warc/2026-03-15_dev-pages.warc.gz (three other dev-set pages as request/response
  pairs, plus one small PNG response);
- data/raw/synthetic/synthetic_*: a small SYNTHETIC series of aggregator snapshots (four a day
  for a week) made by bench/generate.py, so that time series in the notebooks have points.

The output is deterministic: running the script twice gives byte-identical files.

Usage: python scripts/build_sample.py [DEV_SET_DIR] [--synthetic-only]
(default: ../shared/eval/article-extraction-dev, relative to the repository root;
--synthetic-only rewrites the synthetic series alone and needs no dev set)
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import struct
import sys
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEV_SET = Path("../shared/eval/article-extraction-dev")
RAW_DIR = REPO_ROOT / "data" / "raw"
WARC_NAME = "2026-03-15_dev-pages.warc.gz"

# Dev-set pages copied as-is into data/raw/pages/ (ground-truth body >= 1,500 characters).
PAGE_IDS = [
    "57b4dafd18cfd0531b69f81e87158648227c673ef159f8d8c87d34e34bdb21f2",  # de, blog.comwrap.com
    "11ea381ad92b5448cf66eae62f52ac565361a244c8881615fc6a7bb523cc0c32",  # pt, autoracing.com.br
    "359fee228518d55b921194561e9ca88e428df81940246f8fac7a75398377daea",  # en, sciencealert.com
]
# Other dev-set pages stored in the WARC, in this order.
WARC_IDS = [
    "7837c9d66c815b9a21dd669a3dc21677c3f084b1b7dd603d56e87867d8970dd3",  # id, kabarislamia.com
    "4648a420af9984d45b76a4afedf4f74965f8a2e0bf1c69bd3da2dc189020f3c9",  # en, expapp.com
    "dc7ccccc1f34eb2928cb238739aaf18c712d59d8d34b41acfb29178aeba65356",  # en, albawaba.com
]
IMAGE_URI = "https://www.aggregator.example/logo.png"
FIRST_CAPTURE = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)
USER_AGENT = "news-lake-sample/0.1"

# The synthetic series: 28 snapshots, one every six hours for seven days from 2026-03-16T07:00,
# the day after the real captures. About 4% broken on purpose, which here is one truncated gzip.
SYNTHETIC_DIR = RAW_DIR / "synthetic"
SYNTHETIC = {"snapshots": 28, "days": 7, "seed": 1, "broken": 0.04}


def tiny_png() -> bytes:
    """A valid 1x1 grayscale PNG (67 bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = bytes.fromhex("78da6360000000020001")  # zlib stream of one scanline: filter 0, pixel 0
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def record_id(uri: str, record_type: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{uri} {record_type}')}>"


def warc_headers(uri: str, record_type: str, when: datetime) -> dict[str, str]:
    return {
        "WARC-Record-ID": record_id(uri, record_type),
        "WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_exchange(
    writer: WARCWriter, uri: str, payload: bytes, content_type: str, when: datetime, with_request: bool
) -> None:
    if with_request:
        parts = urlsplit(uri)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        request_headers = StatusAndHeaders(
            f"GET {target} HTTP/1.1",
            [
                ("Host", parts.netloc),
                ("User-Agent", USER_AGENT),
                ("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
                ("Accept-Encoding", "identity"),
            ],
            is_http_request=True,
        )
        request_warc_headers = warc_headers(uri, "request", when)
        request_warc_headers["WARC-Concurrent-To"] = record_id(uri, "response")
        writer.write_record(
            writer.create_warc_record(
                uri, "request", http_headers=request_headers, warc_headers_dict=request_warc_headers
            )
        )
    response_headers = StatusAndHeaders(
        "200 OK",
        [
            ("Date", format_datetime(when, usegmt=True)),
            ("Content-Type", content_type),
            ("Content-Length", str(len(payload))),
        ],
        protocol="HTTP/1.1",
    )
    writer.write_record(
        writer.create_warc_record(
            uri,
            "response",
            payload=BytesIO(payload),
            length=len(payload),
            http_headers=response_headers,
            warc_headers_dict=warc_headers(uri, "response", when),
        )
    )


def build(dev_set: Path) -> list[Path]:
    ground_truth: dict[str, dict[str, str]] = json.loads((dev_set / "ground-truth.json").read_text(encoding="utf-8"))
    pages_dir = RAW_DIR / "pages"
    warc_dir = RAW_DIR / "warc"
    pages_dir.mkdir(parents=True, exist_ok=True)
    warc_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    for page_id in PAGE_IDS:
        target = pages_dir / f"{page_id}.html.gz"
        shutil.copyfile(dev_set / "html" / f"{page_id}.html.gz", target)
        written.append(target)
    shutil.copyfile(dev_set / "LICENSE", pages_dir / "LICENSE")
    written.append(pages_dir / "LICENSE")

    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version=RecordBuilder.WARC_1_1)
    for index, page_id in enumerate(WARC_IDS):
        with gzip.open(dev_set / "html" / f"{page_id}.html.gz", "rb") as handle:
            html = handle.read()
        write_exchange(
            writer,
            ground_truth[page_id]["url"],
            html,
            "text/html; charset=utf-8",
            FIRST_CAPTURE + timedelta(minutes=index),
            with_request=True,
        )
    write_exchange(
        writer,
        IMAGE_URI,
        tiny_png(),
        "image/png",
        FIRST_CAPTURE + timedelta(minutes=len(WARC_IDS)),
        with_request=False,
    )
    warc_path = warc_dir / WARC_NAME
    warc_path.write_bytes(buffer.getvalue())
    written.append(warc_path)
    return written


def build_synthetic(folder: Path = SYNTHETIC_DIR) -> list[Path]:
    """Regenerate the synthetic series with the benchmark's generator (stale files removed first)."""
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    import generate  # bench/generate.py; bench/ is not a package

    for old in folder.glob("synthetic_*"):
        old.unlink()
    files = generate.generate(
        folder, SYNTHETIC["snapshots"], days=SYNTHETIC["days"], seed=SYNTHETIC["seed"], broken=SYNTHETIC["broken"]
    )
    return [folder / f.name for f in files] + [folder / generate.MANIFEST]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dev_set", nargs="?", type=Path, help="article-extraction dev-set directory")
    parser.add_argument("--synthetic-only", action="store_true", help="rewrite only data/raw/synthetic/")
    args = parser.parse_args()
    written = []
    if not args.synthetic_only:
        dev_set: Path = args.dev_set if args.dev_set is not None else REPO_ROOT / DEFAULT_DEV_SET
        written += build(dev_set.resolve())
    written += build_synthetic()
    for path in written:
        print(f"{path.relative_to(REPO_ROOT)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
