"""discover(): which files under the raw folder are snapshots, and why the others are not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dagster_project.ingest.discover import discover, format_of

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
NOT_A_FORMAT = "not a snapshot format (.html, .html.gz, .txt, .warc, .warc.gz)"


def touch(path: Path, content: bytes = b"<p>x</p>") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.html", "html"),
        ("a.htm", "html"),
        ("a.xhtml", "html"),
        ("A.HTML", "html"),
        ("a.html.gz", "html.gz"),
        ("a.htm.gz", "html.gz"),
        ("a.txt", "txt"),
        ("a.txt.gz", "txt.gz"),
        ("a.warc", "warc"),
        ("a.warc.gz", "warc.gz"),
        ("a.WARC.GZ", "warc.gz"),
        ("a.gz", None),
        ("a.json", None),
        ("a.html.bak", None),
        ("a.tar.gz", None),
        ("html", None),
    ],
)
def test_format_of(name, fmt):
    assert format_of(name) == fmt


def test_bundled_sample_is_discovered():
    found = discover(RAW)
    assert found.files == [
        "aggregator/000_b4627224569639d2.txt",
        "aggregator/2026-03-14T0900_aggregator-quito.html",
        *sorted(f"pages/{p.name}" for p in (RAW / "pages").glob("*.html.gz")),
        *sorted(f"synthetic/{p.name}" for p in (RAW / "synthetic").glob("synthetic_*")),
        "warc/2026-03-15_dev-pages.warc.gz",
    ]
    assert len(found.files) == 6 + 28
    # The synthetic series' manifest is a hidden file: skipped without being listed.
    assert found.ignored == {"README.md": NOT_A_FORMAT, "pages/LICENSE": NOT_A_FORMAT}


def test_suffix_filter_nested_folders_and_sorted_output(tmp_path):
    raw = tmp_path / "raw"
    for rel in [
        "z.html",
        "b/page.htm",
        "b/a/deeper/n.html.gz",
        "a.txt",
        "A.HTML",
        "c/archive.warc.gz",
        "c/archive.warc",
        "c/notes.txt.gz",
        "x.xhtml",
        "notes.md",
        "b/data.json",
        "b/archive.gz",
        "b/a/deeper/image.png",
    ]:
        touch(raw / rel)
    found = discover(raw)
    assert found.files == sorted(found.files)
    assert found.files == [
        "A.HTML",
        "a.txt",
        "b/a/deeper/n.html.gz",
        "b/page.htm",
        "c/archive.warc",
        "c/archive.warc.gz",
        "c/notes.txt.gz",
        "x.xhtml",
        "z.html",
    ]
    assert found.ignored == {
        "notes.md": NOT_A_FORMAT,
        "b/data.json": NOT_A_FORMAT,
        "b/archive.gz": NOT_A_FORMAT,
        "b/a/deeper/image.png": NOT_A_FORMAT,
    }


def test_hidden_files_and_folders_are_skipped_silently(tmp_path):
    touch(tmp_path / "visible.html")
    touch(tmp_path / ".hidden.html")
    touch(tmp_path / ".DS_Store")
    touch(tmp_path / ".cache" / "page.html")
    touch(tmp_path / "sub" / ".git" / "page.html")
    touch(tmp_path / "sub" / ".page.html.gz")
    found = discover(tmp_path)
    assert found.files == ["visible.html"]
    assert found.ignored == {}


def test_symlink_inside_the_root_is_kept(tmp_path):
    touch(tmp_path / "pages" / "real.html")
    (tmp_path / "alias.html").symlink_to(tmp_path / "pages" / "real.html")
    (tmp_path / "relative.html").symlink_to(Path("pages") / "real.html")
    found = discover(tmp_path)
    assert found.files == ["alias.html", "pages/real.html", "relative.html"]
    assert found.ignored == {}


def test_symlink_pointing_outside_the_root_is_ignored_with_reason(tmp_path):
    raw = tmp_path / "raw"
    outside = touch(tmp_path / "elsewhere" / "secret.html")
    touch(raw / "ok.html")
    (raw / "leak.html").symlink_to(outside)
    (raw / "escape.html").symlink_to(Path("..") / "elsewhere" / "secret.html")
    # Through a link inside the root that itself points outside.
    (raw / "hop.html").symlink_to(raw / "leak.html")
    found = discover(raw)
    assert found.files == ["ok.html"]
    assert found.ignored == {
        "leak.html": "link pointing outside the raw folder",
        "escape.html": "link pointing outside the raw folder",
        "hop.html": "link pointing outside the raw folder",
    }


def test_linked_folder_pointing_outside_is_not_walked(tmp_path):
    raw = tmp_path / "raw"
    touch(tmp_path / "elsewhere" / "secret.html")
    touch(raw / "ok.html")
    (raw / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    found = discover(raw)
    assert found.files == ["ok.html"]
    assert not any(rel.startswith("linked/") for rel in found.files)


def test_dangling_symlink_and_link_to_a_folder_are_ignored(tmp_path):
    touch(tmp_path / "ok.html")
    (tmp_path / "folder.html").mkdir()
    (tmp_path / "dangling.html").symlink_to(tmp_path / "missing.html")
    (tmp_path / "to-folder.html.gz").symlink_to(tmp_path / "folder.html", target_is_directory=True)
    found = discover(tmp_path)
    assert found.files == ["ok.html"]
    assert found.ignored["dangling.html"] == "link to something that is not a file"
    # A real folder named like a page is walked into (it is a folder), never listed as a file.
    assert "folder.html" not in found.files and "folder.html" not in found.ignored


def test_empty_or_missing_root(tmp_path):
    assert discover(tmp_path).files == []
    missing = discover(tmp_path / "nope")
    assert (missing.files, missing.ignored) == ([], {})


def test_paths_are_relative_posix_strings(tmp_path):
    shutil.copytree(RAW, tmp_path / "copy")
    found = discover(tmp_path / "copy")
    assert found.files == discover(RAW).files
    assert all(not Path(rel).is_absolute() and "\\" not in rel for rel in found.files)
