"""Reading one raw file into Snapshot records (or SnapshotFailure records saying why not)."""

from __future__ import annotations

import errno
import io
import logging
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from dagster_project.ingest import capture_time
from dagster_project.ingest.decode import NotTextError, decode
from dagster_project.ingest.discover import format_of
from dagster_project.ingest.records import Snapshot, SnapshotFailure, sha256_hex, snapshot_id_of

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_HTML_TYPES = ("text/html", "application/xhtml+xml")

Record = Snapshot | SnapshotFailure
log = logging.getLogger(__name__)


def read_file(
    root: Path, rel_path: str, *, max_bytes: int = DEFAULT_MAX_BYTES, confined: bool = False
) -> Iterator[Record]:
    """Yield the snapshots held by `root / rel_path`; never raises for bad content.

    `confined`: refuse a path that resolves outside `root` (a link changed since discovery).
    """
    path = Path(root) / rel_path
    fmt = format_of(path.name) or "unknown"
    captured_at, captured_source = capture_time.for_file(path)

    def failure(reason: str, detail: str, raw: bytes | None = None) -> SnapshotFailure:
        digest = sha256_hex(raw) if raw is not None else None
        return SnapshotFailure(
            path=rel_path,
            format=fmt,
            reason=reason,
            detail=detail,
            snapshot_id=snapshot_id_of(digest or sha256_hex(f"path:{rel_path}".encode())),
            sha256=digest,
            n_bytes=len(raw) if raw is not None else 0,
            captured_at=captured_at,
            captured_at_source=captured_source,
        )

    if confined and not _inside(path, root):
        yield failure("outside_raw_folder", f"{rel_path} resolves to {os.path.realpath(path)}, outside {root}")
        return
    try:
        fh = _open_regular(path)
    except OSError as exc:
        yield failure("unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")
        return
    with fh:
        if fmt.startswith("warc"):
            if os.fstat(fh.fileno()).st_size == 0:
                yield failure("empty", "no content")
            else:
                yield from _read_warc(fh, rel_path, fmt, max_bytes)
            return
        limit = max_bytes * 2
        try:
            raw = fh.read(limit + 1)
        except OSError as exc:
            yield failure("unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")
            return
    if len(raw) > limit:
        yield failure("too_large", f"file is larger than {limit} bytes")
        return
    payload = raw
    if fmt.endswith(".gz") and raw:
        try:
            payload = _gunzip(raw, max_bytes)
        except _TooLarge:
            yield failure("too_large", f"decompressed payload exceeds {max_bytes} bytes", raw)
            return
        except (OSError, EOFError, zlib.error) as exc:
            yield failure("corrupt_gzip", f"{type(exc).__name__}: {exc}", raw)
            return
    yield _snapshot(
        payload,
        path=rel_path,
        fmt=fmt,
        html=fmt.startswith("html"),
        declared=None,
        captured_at=captured_at,
        captured_source=captured_source,
        max_bytes=max_bytes,
        raw=raw,
    )


def _inside(path: Path, root: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


class NotARegularFileError(OSError):
    """A FIFO, socket, device or folder where a snapshot file was expected."""


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _open_regular(path: Path) -> io.BufferedReader:
    """Open a regular file for reading. Anything else is refused before it can block the run:
    opening a FIFO waits for a writer that may never come, and reading a device may never end."""
    mode = os.stat(path).st_mode
    _require_regular(mode)
    # O_NONBLOCK: should the path have become a FIFO since the stat, opening still returns at once.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        _require_regular(os.fstat(fd).st_mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _require_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file")
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise NotARegularFileError(f"not a regular file but {kind}")


class _TooLarge(Exception):
    pass


def _gunzip(raw: bytes, max_bytes: int) -> bytes:
    # Decompress in bounded steps so that a gzip bomb cannot exhaust memory.
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    data = raw
    while data:
        out += inflater.decompress(data, max_bytes + 1 - len(out))
        if len(out) > max_bytes:
            raise _TooLarge
        data = inflater.unconsumed_tail
        if inflater.eof:
            # Concatenated gzip members are legal: continue with the next one.
            data = inflater.unused_data
            if not data.strip(b"\0"):  # zero padding after the last member, as gzip tolerates
                break
            inflater = zlib.decompressobj(wbits=31)
    if not inflater.eof:
        raise EOFError("compressed file ended before the end-of-stream marker was reached")
    return bytes(out)


def _snapshot(
    payload: bytes,
    *,
    path: str,
    fmt: str,
    html: bool,
    declared: str | None,
    captured_at,
    captured_source: str | None,
    max_bytes: int,
    raw: bytes | None = None,
    url: str | None = None,
    warc_record_id: str | None = None,
) -> Record:
    digest = sha256_hex(payload)
    common = dict(
        path=path,
        format=fmt,
        snapshot_id=snapshot_id_of(digest),
        sha256=digest,
        n_bytes=len(payload),
        captured_at=captured_at,
        captured_at_source=captured_source,
        url=url,
        warc_record_id=warc_record_id,
    )
    if not payload.strip():
        # Blank payloads all look alike: keyed by where they were found, each empty file is
        # reported as empty rather than as a duplicate of the first one.
        where = f"empty:{path}:{warc_record_id or ''}".encode()
        return SnapshotFailure(
            reason="empty", detail="no content", **{**common, "snapshot_id": snapshot_id_of(sha256_hex(where))}
        )
    if len(payload) > max_bytes:
        return SnapshotFailure(reason="too_large", detail=f"payload exceeds {max_bytes} bytes", **common)
    try:
        text, encoding = decode(payload, declared=declared, html=html)
    except NotTextError as exc:
        return SnapshotFailure(reason="not_text", detail=str(exc), **common)
    if not text.strip():  # a byte-order mark, or white space in a multi-byte encoding
        return SnapshotFailure(reason="empty", detail=f"no content once decoded as {encoding}", **common)
    return Snapshot(media_type="text/html" if html else "text/plain", text=text, encoding=encoding, **common)


# What warcio raises on damaged input: its own error, I/O and inflate errors, and, on records
# missing headers it relies on, plain Python errors from inside its parser.
_WARC_DAMAGE = (
    ArchiveLoadFailed,
    OSError,
    EOFError,
    zlib.error,
    ValueError,
    AttributeError,
    TypeError,
    KeyError,
    IndexError,
)
# Headers without which a record cannot be read as one (ISO 28500 also requires WARC-Date, but a
# capture time can come from elsewhere).
_MANDATORY = ("WARC-Type", "WARC-Record-ID", "Content-Length")


@dataclass(frozen=True)
class _WarcRecord:
    """What the reader takes from one WARC record: everything warcio is asked for, in one place."""

    complete: bool  # the mandatory headers are there
    page: bool = False  # an HTML response with a 2xx status (or an HTML resource): read as a snapshot
    rec_type: str | None = None
    content_type: str = ""
    status: str | None = None  # HTTP status code, when the record holds an HTTP response
    url: str | None = None
    record_id: str | None = None
    payload: bytes = b""
    missing: int = 0  # bytes the record declares beyond where its data ends
    digest_problems: tuple[str, ...] | None = None  # None when the digests check out or are absent
    warc_date: str | None = None
    http_date: str | None = None


def _take(record, max_bytes: int) -> _WarcRecord:
    """Read one record through warcio (which raises plain Python errors on damaged records)."""
    if not all(record.rec_headers.get_header(h) for h in _MANDATORY):
        return _WarcRecord(complete=False)
    if record.rec_type not in ("response", "resource"):
        return _WarcRecord(complete=True, rec_type=record.rec_type)
    headers = record.http_headers
    content_type = (
        (headers.get_header("Content-Type") if headers is not None else None)
        or record.rec_headers.get_header("Content-Type")
        or ""
    )
    kept = content_type.lower().split(";")[0].strip() in _HTML_TYPES
    status = headers.get_statuscode() if headers is not None else None
    if not kept or (status is not None and not status.startswith("2")):
        return _WarcRecord(complete=True, rec_type=record.rec_type, content_type=content_type, status=status)
    payload = record.content_stream().read(max_bytes + 1)
    return _WarcRecord(
        complete=True,
        page=True,
        rec_type=record.rec_type,
        content_type=content_type,
        status=status,
        url=record.rec_headers.get_header("WARC-Target-URI"),
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
        payload=payload,
        # warcio ends a record quietly where the data ends or stops inflating: check both the
        # declared length and the digests, so that a cut payload is never taken for a page.
        missing=record.raw_stream.limit if len(payload) <= max_bytes else 0,
        digest_problems=tuple(record.digest_checker.problems) if record.digest_checker.passed is False else None,
        warc_date=record.rec_headers.get_header("WARC-Date"),
        http_date=headers.get_header("Date") if headers is not None else None,
    )


def _read_warc(fh: io.BufferedReader, rel_path: str, fmt: str, max_bytes: int) -> Iterator[Record]:
    size = os.fstat(fh.fileno()).st_size

    def damaged(detail: str, n_records: int, **where: str | None) -> SnapshotFailure:
        return SnapshotFailure(
            path=rel_path,
            format=fmt,
            reason="corrupt_warc",
            detail=detail,
            snapshot_id=snapshot_id_of(sha256_hex(f"warc:{rel_path}:{n_records}".encode())),
            **where,
        )

    n_records = 0
    n_yielded = 0
    kinds: dict[str, int] = {}  # record types and content types of the records that held no page
    records = iter(ArchiveIterator(fh, arc2warc=True, check_digests=True))
    while True:
        # Only warcio's own work is guarded: an error of this module's code is a bug, not damage.
        try:
            record = next(records, None)
            if record is None:
                break
            n_records += 1
            taken = _take(record, max_bytes)
        except _WARC_DAMAGE as exc:
            detail = f"after {n_records} records: {type(exc).__name__}: {exc}"
            log.warning("%s: the rest of the WARC file is skipped, %s", rel_path, detail)
            yield damaged(detail, n_records)
            return
        if not taken.complete:
            yield damaged(f"record {n_records} lacks one of the headers {', '.join(_MANDATORY)}", n_records)
            return
        if not taken.page:
            kind = f"{taken.rec_type} {taken.content_type.split(';')[0].strip() or '(no type)'}"
            kinds[kind] = kinds.get(kind, 0) + 1
            continue
        n_yielded += 1
        where = {"url": taken.url, "warc_record_id": taken.record_id}
        if taken.missing:
            yield damaged(f"record {n_records} is cut short ({taken.missing} bytes missing)", n_records, **where)
            continue
        if taken.digest_problems is not None:
            yield damaged(f"record {n_records}: {'; '.join(taken.digest_problems)}", n_records, **where)
            continue
        when = capture_time.from_http_date(taken.warc_date)
        source = "warc-date" if when else None
        if when is None:
            when = capture_time.from_http_date(taken.http_date)
            source = "http-date" if when else None
        yield _snapshot(
            taken.payload,
            path=rel_path,
            fmt=fmt,
            html=True,
            declared=_charset_of(taken.content_type),
            captured_at=when,
            captured_source=source,
            max_bytes=max_bytes,
            **where,
        )
    if n_records == 0:
        yield damaged(f"no WARC record found in {size} bytes", n_records)
    elif fh.tell() < size:
        yield damaged(f"reading stopped at byte {fh.tell()} of {size}, after {n_records} records", n_records)
    elif n_yielded == 0:  # read whole, yet nothing to show for it: say so, so the file is accounted for
        found = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        yield SnapshotFailure(
            path=rel_path,
            format=fmt,
            reason="no_pages",
            detail=f"{n_records} records, none an HTML page with a 2xx status: {found}"[:500],
            snapshot_id=snapshot_id_of(sha256_hex(f"warc:{rel_path}:no_pages".encode())),
        )


def _charset_of(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None
