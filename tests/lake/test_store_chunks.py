"""Partitions written and read piece by piece, and the metadata that travels with a file."""

from __future__ import annotations

import polars as pl
import pyarrow.parquet as pq
import pytest

from dagster_project.lake import store
from dagster_project.lake.schemas import ARTICLE_SIGHTINGS, ARTICLES, SchemaError
from tests.lake.test_store import all_files, sightings

PART = {"batch": "00001"}


def test_chunks_become_row_groups_of_one_file_read_back_in_pieces(tmp_path):
    chunks = [sightings([f"a{i}", f"b{i}"], snapshot_id=f"{i:016x}") for i in range(3)]
    path, rows = store.write_chunks(tmp_path, ARTICLE_SIGHTINGS, [*chunks, sightings([])[:0]], PART)
    assert rows == 6 and store.count_rows(tmp_path, ARTICLE_SIGHTINGS, PART) == 6
    assert all_files(tmp_path) == ["article_sightings/batch=00001/part-0.parquet"]
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert dict(pl.read_parquet_schema(path)) == dict(ARTICLE_SIGHTINGS.schema)
    pieces = list(store.iter_partition(tmp_path, ARTICLE_SIGHTINGS, PART, rows=2))
    assert [p.height for p in pieces] == [2, 2, 2]
    assert pl.concat(pieces).equals(pl.concat(chunks).cast(ARTICLE_SIGHTINGS.schema))
    assert store.scan(tmp_path, ARTICLE_SIGHTINGS).collect().height == 6


def test_a_bad_chunk_leaves_the_previous_partition_and_no_temporary_file(tmp_path):
    good = sightings(["a1"])
    store.write(tmp_path, ARTICLE_SIGHTINGS, good, PART)
    with pytest.raises(SchemaError):
        store.write_chunks(tmp_path, ARTICLE_SIGHTINGS, [sightings(["a2"]), sightings(["a3"]).drop("body")], PART)
    assert all_files(tmp_path) == ["article_sightings/batch=00001/part-0.parquet"]
    assert store.read_partition(tmp_path, ARTICLE_SIGHTINGS, PART).to_dicts() == good.to_dicts()


def test_a_writer_left_without_commit_writes_nothing(tmp_path):
    with store.PartitionWriter(tmp_path, ARTICLE_SIGHTINGS, PART) as writer:
        writer.append(sightings(["a1"]))
    assert not store.has_partition(tmp_path, ARTICLE_SIGHTINGS, PART)
    assert all_files(tmp_path) == []


def test_an_empty_stream_is_an_empty_partition_with_the_schema(tmp_path):
    _, rows = store.write_chunks(tmp_path, ARTICLE_SIGHTINGS, [], PART)
    assert rows == 0 and store.has_partition(tmp_path, ARTICLE_SIGHTINGS, PART)
    assert store.read_partition(tmp_path, ARTICLE_SIGHTINGS, PART).schema == ARTICLE_SIGHTINGS.schema


def test_metadata_is_written_with_the_data_and_fingerprints_follow_rewrites(tmp_path):
    assert store.read_metadata(tmp_path, ARTICLES) == {}
    assert store.fingerprint(tmp_path, ARTICLE_SIGHTINGS, PART) is None
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a1"]), PART)
    first = store.fingerprint(tmp_path, ARTICLE_SIGHTINGS, PART)
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a1", "a2"]), PART)
    assert store.fingerprint(tmp_path, ARTICLE_SIGHTINGS, PART) != first
    store.write(tmp_path, ARTICLE_SIGHTINGS, sightings(["a3"]), {"batch": "00002"})
    assert store.partitions(tmp_path, ARTICLE_SIGHTINGS) == ["00001", "00002"]
    articles = pl.DataFrame(schema=ARTICLES.schema)
    store.write(tmp_path, ARTICLES, articles, metadata={"news_lake.covers": '{"00001": "x"}'})
    assert store.read_metadata(tmp_path, ARTICLES)["news_lake.covers"] == '{"00001": "x"}'
