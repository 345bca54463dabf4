"""The notebooks' helper: lazy tables of any schema version, SQL, entity identities, escaping, charts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import matplotlib
import polars as pl
import pytest

from dagster_project import explore as ex
from dagster_project.lake import store
from dagster_project.lake.schemas import ARTICLES, ENTITIES, HEADLINES, Table

matplotlib.use("Agg")

_DEFAULTS = {pl.String: "", pl.Int32: 0, pl.Int64: 0}


def frame(table: Table, rows: list[dict]) -> pl.DataFrame:
    """Rows with only the columns a test cares about; the others null, or a neutral value where required."""
    data = {
        c.name: [
            r.get(c.name, None if c.nullable else ([] if isinstance(c.dtype, pl.List) else _DEFAULTS[type(c.dtype)]))
            for r in rows
        ]
        for c in table.columns
    }
    return pl.DataFrame(data, schema=table.schema)


def article(article_id: str, language: str, day: int) -> dict:
    seen = datetime(2026, 3, day, 9, tzinfo=UTC)
    return {
        "article_id": article_id,
        "snapshot_id": "s" + article_id,
        "language": language,
        "body": "x",
        "first_seen": seen,
        "last_seen": seen,
        "published_at": date(2026, 3, day),
        "outlet": "2M",
    }


def mention(article_id: str, text: str, label: str = "LOC", start: int = 0) -> dict:
    return {
        "source": "article",
        "source_id": article_id,
        "field": "body",
        "text": text,
        "label": label,
        "start": start,
        "end": start + len(text),
        "model": "test",
    }


@pytest.fixture
def warehouse(tmp_path):
    root = tmp_path / "warehouse"
    store.write(root, ARTICLES, frame(ARTICLES, [article("a1", "fr", 16), article("a2", "es", 17)]))
    store.write(
        root,
        ENTITIES,
        frame(
            ENTITIES,
            [
                mention("a1", "Maroc", start=0),
                mention("a1", "MAROC", start=10),
                mention("a1", "Maroc", start=20),
                mention("a1", "Rabat", start=30),
                mention("a2", "Marruecos", start=0),
                mention("a2", "Rabat", start=12),
                mention("a2", "Ahmed Skim", "PER", start=20),
            ],
        ),
    )
    return root


def test_tables_are_scanned_lazily_whatever_version_wrote_them(tmp_path):
    root = tmp_path / "warehouse"
    when = datetime(2026, 3, 16, 7, tzinfo=UTC)
    rows = [{"snapshot_id": "s1", "captured_at": when, "position": 1, "text": "Un titre"}]
    store.write(root, HEADLINES, frame(HEADLINES, rows), {"batch": "00001"})
    # A later version added a column: its batch has it, the older batch reads it as null.
    newer = frame(HEADLINES, [{**rows[0], "snapshot_id": "s2"}]).with_columns(section=pl.lit("Sport"))
    (root / "headlines" / "batch=00002").mkdir()
    newer.write_parquet(root / "headlines" / "batch=00002" / "part-0.parquet")

    lake = ex.open_lake(root)
    scanned = lake.scan("headlines")
    assert isinstance(scanned, pl.LazyFrame)
    got = scanned.sort("batch").collect()
    assert got.select("snapshot_id", "section", "batch").rows() == [("s1", None, "00001"), ("s2", "Sport", "00002")]
    assert got.schema["captured_at"] == pl.Datetime("us", "UTC")
    assert lake.tables() == ["headlines"] and lake.counts().rows() == [("headlines", 2)]


def test_undeclared_tables_and_sql_over_all_of_them(warehouse):
    (warehouse / "entity_catalog").mkdir()
    pl.DataFrame({"entity_id": ["LOC:ma"], "canonical_name": ["Maroc"]}).write_parquet(
        warehouse / "entity_catalog" / "part-0.parquet"
    )
    # The runs' own folders (here the kept distinct headline texts) are not tables.
    (warehouse / "_headline_texts").mkdir()
    pl.DataFrame({"text": ["Un titre"]}).write_parquet(warehouse / "_headline_texts" / "batch=00001.1-2.parquet")
    lake = ex.open_lake(warehouse)
    assert lake.tables() == ["articles", "entities", "entity_catalog"]
    assert lake.scan("entity_catalog").collect()["canonical_name"].to_list() == ["Maroc"]
    per_language = lake.sql(
        "SELECT a.language, count(*) AS n FROM entities e JOIN articles a ON e.source_id = a.article_id "
        "WHERE e.source = 'article' GROUP BY 1 ORDER BY 1"
    )
    assert per_language.rows() == [("es", 3), ("fr", 4)]


def test_a_missing_warehouse_or_table_is_a_clear_error(tmp_path, warehouse):
    with pytest.raises(FileNotFoundError, match="python -m dagster_project run"):
        ex.open_lake(tmp_path / "nowhere")
    with pytest.raises(ex.TableNotFound, match="headlines"):
        ex.open_lake(warehouse).scan("headlines")


def test_the_warehouse_is_found_from_the_notebooks_folder(tmp_path, monkeypatch):
    (tmp_path / "data" / "warehouse").mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert ex.find_warehouse() == tmp_path / "data" / "warehouse"
    monkeypatch.setenv("NEWS_WAREHOUSE_DIR", str(tmp_path / "elsewhere"))
    assert ex.find_warehouse() == tmp_path / "elsewhere"
    assert ex.find_warehouse("data/warehouse") == tmp_path / "data" / "warehouse"


def test_without_a_catalogue_an_entity_is_its_label_and_folded_spelling(warehouse):
    lake = ex.open_lake(warehouse)
    assert not ex.has_entity_catalog(lake)
    mentions = ex.entity_mentions(lake).collect()
    names = dict(mentions.select("entity", "name").unique().iter_rows())
    assert names == {
        "LOC:maroc": "Maroc",
        "LOC:rabat": "Rabat",
        "LOC:marruecos": "Marruecos",
        "PER:ahmed skim": "Ahmed Skim",
    }
    assert mentions.filter(pl.col("entity") == "LOC:maroc")["text"].sort().to_list() == ["MAROC", "Maroc", "Maroc"]
    assert mentions.filter(pl.col("entity") == "LOC:rabat")["language"].sort().to_list() == ["es", "fr"]
    assert ex.cooccurrence(mentions, ["LOC:maroc", "LOC:rabat", "PER:ahmed skim"]).rows() == [
        ("LOC:maroc", "LOC:rabat", 1),
        ("LOC:rabat", "PER:ahmed skim", 1),
    ]


def test_with_the_catalogue_spellings_in_two_languages_are_one_entity(warehouse):
    entities = pl.read_parquet(warehouse / "entities" / "part-0.parquet").with_columns(
        entity_id=pl.when(pl.col("text").str.to_lowercase().is_in(["maroc", "marruecos"]))
        .then(pl.lit("E1"))
        .otherwise(pl.col("text"))
    )
    entities.write_parquet(warehouse / "entities" / "part-0.parquet")
    (warehouse / "entity_catalog").mkdir()
    pl.DataFrame({"entity_id": ["E1"], "name": ["Maroc"], "label": ["LOC"], "country_code": ["MA"]}).write_parquet(
        warehouse / "entity_catalog" / "part-0.parquet"
    )
    lake = ex.open_lake(warehouse)
    assert ex.has_entity_catalog(lake)
    morocco = ex.entity_mentions(lake).filter(pl.col("entity") == "E1").collect()
    assert morocco["name"].unique().to_list() == ["Maroc"]
    assert sorted(morocco["language"].unique()) == ["es", "fr"]
    assert sorted(morocco["text"]) == ["MAROC", "Maroc", "Maroc", "Marruecos"]


def test_article_cards_escape_page_markup():
    card = ex.ArticleCard(
        '<img src=x onerror="alert(1)">',
        "2M & co",
        date(2020, 1, 25),
        "<script>alert(1)</script>\n\nSecond paragraph",
        max_chars=1000,
    )
    page = card._repr_html_()
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "2M &amp; co" in page
    assert page.count("<p>") == 3  # the meta line and two paragraphs


def test_charts_of_empty_data_say_so_instead_of_failing():
    ax = ex.barh([], [], "Nothing")
    assert [t.get_text() for t in ax.texts] == ["no data in this warehouse"]
    ax = ex.stacked_bars([], {}, "Nothing either")
    assert [t.get_text() for t in ax.texts] == ["no data in this warehouse"]
    ax = ex.stacked_bars(["d1"], {"a": [1], "b": [2]}, "One point")
    assert [round(p.get_height()) for p in ax.patches] == [1, 2]


def test_headline_mentions_spread_over_every_capture_of_the_text(warehouse):
    from dagster_project.extract.records import headline_id

    text, other = "Le Maroc accueille le forum", "Rabat: un titre"
    when = [datetime(2026, 3, d, 9, tzinfo=UTC) for d in (16, 17, 18)]
    rows = [
        {"snapshot_id": "s1", "captured_at": when[0], "position": 1, "text": text, "headline_id": headline_id(text)},
        {"snapshot_id": "s2", "captured_at": when[1], "position": 3, "text": text, "headline_id": headline_id(text)},
        {"snapshot_id": "s3", "captured_at": when[2], "position": 2, "text": other, "headline_id": headline_id(other)},
    ]
    store.write(warehouse, HEADLINES, frame(HEADLINES, rows), {"batch": "00001"})
    stored = store.read_partition(warehouse, ENTITIES)
    headline_rows = [
        {**mention(headline_id(text), "Maroc", start=3), "source": "headline", "field": "text"},
        # as older warehouses keyed them: one capture's snapshot and position
        {**mention("s3:2", "Rabat", start=0), "source": "headline", "field": "text"},
    ]
    store.write(warehouse, ENTITIES, pl.concat([stored, frame(ENTITIES, headline_rows)]))
    got = ex.entity_headlines(ex.open_lake(warehouse)).collect().sort("captured_at")
    assert got.select("snapshot_id", "headline", "text").rows() == [
        ("s1", text, "Maroc"),
        ("s2", text, "Maroc"),
        ("s3", other, "Rabat"),
    ]
    assert got["entity"].to_list() == ["LOC:maroc", "LOC:maroc", "LOC:rabat"]
    assert got["captured_at"].to_list() == when
