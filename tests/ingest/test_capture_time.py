"""Capture times from file names, HTTP/WARC dates and file metadata."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dagster_project.ingest import capture_time


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2026-03-14T0900_aggregator-quito.html", datetime(2026, 3, 14, 9, 0)),
        ("20260314T0900.html", datetime(2026, 3, 14, 9, 0)),
        ("2026-03-14_09-00-30.html", datetime(2026, 3, 14, 9, 0, 30)),
        ("capture 2026-03-14 0915.txt", datetime(2026, 3, 14, 9, 15)),
        ("2026-03-15_dev-pages.warc.gz", datetime(2026, 3, 15)),
        ("front-2019-12-31.html.gz", datetime(2019, 12, 31)),
        ("v20260314x.html", datetime(2026, 3, 14)),
    ],
)
def test_from_filename_reads_dates_and_optional_times(name, expected):
    assert capture_time.from_filename(name) == expected.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "name",
    [
        "000_b4627224569639d2.txt",
        "front-page.html",
        "2026-02-30.html",  # no such day
        "2026-13-01.html",  # no such month
        "1899-01-01.html",  # outside the centuries looked for
        "120260314.html",  # part of a longer number
        "202603141.html",
    ],
)
def test_from_filename_without_a_date(name):
    assert capture_time.from_filename(name) is None


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 15 Mar 2026 10:00:00 GMT",
        "Sun, 15 Mar 2026 11:00:00 +0100",
        "2026-03-15T10:00:00Z",
        "2026-03-15T11:00:00+01:00",
        "2026-03-15T10:00:00",
        "  2026-03-15T10:00:00Z  ",
    ],
)
def test_from_http_date_normalises_to_utc(value):
    parsed = capture_time.from_http_date(value)
    assert parsed == datetime(2026, 3, 15, 10, 0, tzinfo=UTC)
    assert parsed.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("value", [None, "", "   ", "yesterday", "Sun, 99 Foo 2026"])
def test_from_http_date_gives_none_for_unusable_values(value):
    assert capture_time.from_http_date(value) is None


def test_for_file_prefers_the_name_over_the_modification_time(tmp_path):
    path = tmp_path / "2026-03-14T0900_x.html"
    path.write_text("<p>x</p>")
    os.utime(path, (0, 0))
    assert capture_time.for_file(path) == (datetime(2026, 3, 14, 9, 0, tzinfo=UTC), "filename")


def test_for_file_uses_the_modification_time(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<p>x</p>")
    when = datetime(2024, 2, 29, 23, 59, 58, tzinfo=UTC)
    os.utime(path, (when.timestamp(), when.timestamp()))
    assert capture_time.for_file(path) == (when, "mtime")


def test_for_file_of_a_missing_file(tmp_path):
    assert capture_time.for_file(tmp_path / "gone.html") == (None, None)
    # A dated name needs no access to the file.
    assert capture_time.for_file(Path(tmp_path / "2026-01-02_gone.html"))[1] == "filename"
