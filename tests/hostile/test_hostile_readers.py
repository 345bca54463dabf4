"""The readers and the decoder on the hostile cases the corpus found: files that are not files,
blank payloads, malformed WARC records, wrong or mixed charsets."""

from __future__ import annotations

import os
import signal
import socket

import pytest

from dagster_project.ingest.decode import decode
from dagster_project.ingest.discover import discover
from dagster_project.ingest.readers import read_file
from dagster_project.ingest.records import SnapshotFailure
from dagster_project.ingest.stage import ingest
from tests.conftest import SEED


@pytest.fixture
def alarm():
    """Fail instead of hanging if a read blocks."""

    def timeout(*_):
        raise TimeoutError("the read blocked")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def only_failure(root, rel) -> SnapshotFailure:
    (record,) = list(read_file(root, rel))
    assert isinstance(record, SnapshotFailure), record
    return record


@pytest.mark.parametrize("name", ["stuck.html", "stuck.warc.gz"])
def test_a_fifo_without_writer_is_unreadable_and_does_not_block(tmp_path, alarm, name):
    os.mkfifo(tmp_path / name)
    record = only_failure(tmp_path, name)
    assert (record.reason, record.detail) == ("unreadable", "NotARegularFileError: not a regular file but a FIFO")


def test_a_unix_socket_named_like_a_page_is_unreadable(tmp_path, alarm):
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "sock.html"))
        record = only_failure(tmp_path, "sock.html")
    assert record.reason == "unreadable" and "a socket" in record.detail


def test_a_character_device_is_unreadable(tmp_path, alarm):
    (tmp_path / "zero.html").symlink_to("/dev/zero")  # reading it would never end
    record = only_failure(tmp_path, "zero.html")
    assert record.reason == "unreadable" and "a character device" in record.detail


def test_a_run_goes_on_past_a_fifo(tmp_path, alarm):
    os.mkfifo(tmp_path / "a-stuck.html")
    (tmp_path / "seed.txt").write_bytes(SEED.read_bytes())
    result = ingest(tmp_path, ["a-stuck.html", "seed.txt"])
    assert result.pages["path"].to_list() == ["seed.txt"]
    assert result.quarantine.select("path", "reason").rows() == [("a-stuck.html", "unreadable")]


@pytest.mark.parametrize("content", [b"\xef\xbb\xbf", b"\xff\xfe \x00\n\x00", b"\xef\xbb\xbf  \n"])
def test_a_byte_order_mark_and_white_space_is_empty(tmp_path, content):
    (tmp_path / "bom.html").write_bytes(content)
    assert only_failure(tmp_path, "bom.html").reason == "empty"


def test_empty_files_are_each_empty_not_duplicates_of_each_other(tmp_path):
    for name in ("a.html", "b.txt", "c.html"):
        (tmp_path / name).write_bytes(b"" if name != "b.txt" else b"  \n")
    result = ingest(tmp_path, ["a.html", "b.txt", "c.html"])
    assert sorted(result.quarantine.select("path", "reason").rows()) == [
        ("a.html", "empty"),
        ("b.txt", "empty"),
        ("c.html", "empty"),
    ]
    assert result.snapshots["snapshot_id"].n_unique() == 3


@pytest.mark.parametrize(
    "data",
    [
        b"WARC/1.0\r\nWARC-Type: response\r\n",  # warcio itself fails on a response without a target URI
        b"\x1f\x8b\x08\x00",
        b"WARC/1.1\r\n\r\n",
        b"\0" * 64,
    ],
)
def test_a_warc_file_without_a_readable_record_is_corrupt(tmp_path, data):
    (tmp_path / "bad.warc").write_bytes(data)
    assert only_failure(tmp_path, "bad.warc").reason == "corrupt_warc"


def test_valid_utf8_beats_a_wrong_meta_charset():
    page = '<meta charset="windows-1251"><p>Le Maroc a présenté à Quito</p>'
    assert decode(page.encode()) == (page, "utf-8")


def test_a_meta_charset_still_decides_for_bytes_that_are_not_utf8():
    page = '<meta charset="windows-1251"><p>Москва</p>'
    assert decode(page.encode("cp1251")) == (page, "cp1251")


def test_the_http_charset_still_wins_over_valid_utf8():
    assert decode("<p>café</p>".encode(), declared="windows-1252")[1] == "cp1252"


def test_utf8_page_with_a_pasted_windows_1252_paragraph_decodes_both():
    utf8 = "<p>Le Maroc a présenté, vendredi à Quito, les grandes lignes de son plan</p>"
    pasted = "<p>Abstraction faite de leur situation, les migrants bénéficient de l'assistance</p>"
    text, codec = decode(utf8.encode() + pasted.encode("cp1252") + utf8.encode())
    assert (text, codec) == (utf8 + pasted + utf8, "utf-8")


def test_undeclared_windows_1252_is_not_mistaken_for_mixed_utf8():
    text = "<p>Abstraction faite de leur situation, les migrants bénéficient d'une aide égale</p>"
    decoded, codec = decode(text.encode("cp1252"))
    assert decoded == text and codec != "utf-8"


def test_a_link_swapped_to_outside_after_registration_is_not_read(tmp_path):
    raw, outside = tmp_path / "raw", tmp_path / "outside"
    raw.mkdir()
    outside.mkdir()
    (raw / "real.html").write_text("<p>Le Maroc a présenté son plan</p>", encoding="utf-8")
    (outside / "secret.html").write_text("<p>SECRET</p>", encoding="utf-8")
    (raw / "alias.html").symlink_to(raw / "real.html")
    files = discover(raw).files
    assert files == ["alias.html", "real.html"]
    (raw / "alias.html").unlink()
    (raw / "alias.html").symlink_to(outside / "secret.html")  # swapped between registration and reading

    result = ingest(raw, [*files, "../outside/secret.html"])

    assert result.pages["path"].to_list() == ["real.html"]
    assert sorted(result.quarantine.select("path", "reason").rows()) == [
        ("../outside/secret.html", "outside_raw_folder"),
        ("alias.html", "outside_raw_folder"),
    ]
