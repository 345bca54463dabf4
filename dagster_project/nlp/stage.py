"""The entity stage: articles and headlines -> `entities`, `entity_coverage` and `entity_catalog`.

Recognition is incremental: a text keeps its earlier mentions when its hash and its language's
pipeline are unchanged. A headline is one text however many captures list it (its `headline_id`
is a hash of the text), so a ticker repeated on every capture costs one recognition and one set
of mentions. Each text's catalogue keys are made once too, and stored with its mentions; the
clusters and the mentions' entity_id are joined again from all stored keys on every run, since one
new text can merge two entities (a vectorised pass over the mentions, a few per distinct text).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dagster_project.extract.records import headline_id
from dagster_project.lake import store
from dagster_project.lake.schemas import (
    ARTICLES,
    ENTITIES,
    ENTITY_CATALOG,
    ENTITY_COVERAGE,
    HEADLINES,
    LINKS,
    Table,
    conform,
    empty,
)
from dagster_project.nlp.catalog import build_catalog, resolve_texts, resolver_version
from dagster_project.nlp.entities import PIPELINES, RULE_LANGUAGES, EntityRecognizer
from dagster_project.nlp.spans import trim
from dagster_project.progress import Progress

# Key of the entity_coverage file's metadata: a digest of what the entity tables were made from.
INPUTS_KEY = "news_lake.entity_inputs"
# And the version of the catalogue rules that gave the stored mentions their keys.
RESOLVER_KEY = "news_lake.entity_resolver"

# Longer texts are recognised up to here (see `_cap`; the cap is recorded in entity_coverage): a
# spaCy pipeline refuses texts beyond its `max_length` (a million characters, error E088) and needs
# about a gigabyte per hundred thousand characters of one text. A news article is far shorter.
MAX_TEXT_CHARS = 200_000


# What recognition finds; the catalogue adds the keys and entity_id.
_FOUND = ("source", "source_id", "field", "text", "label", "start", "end", "model")

_TEXTS_SCHEMA = {
    "source": pl.String,
    "source_id": pl.String,
    "field": pl.String,
    "text": pl.String,
    "language": pl.String,
    "first_seen": pl.Date,
    "last_seen": pl.Date,
}


@dataclass
class EntityResult:
    entities: pl.DataFrame
    coverage: pl.DataFrame
    catalog: pl.DataFrame
    n_processed: int  # articles and headlines that went through recognition in this call
    n_kept: int  # articles and headlines whose earlier results were kept
    skipped: dict[str, int]  # reason -> texts of this call that no pipeline could process


def text_hash(*parts: str | None) -> str:
    return hashlib.sha256("\x00".join(p or "" for p in parts).encode("utf-8")).hexdigest()


# An article's outlet (the `outlet` column) is the organisation that published it: one ORG mention.
OUTLET_FIELD = "outlet"
# The title of an article's n-th related teaser (`related[n].title`) is field `related:<n>`.
RELATED_PREFIX = "related:"


def article_texts(articles: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """One row per article field to recognise (title, body, each related teaser's title, outlet); an
    article is dated by its publication, else its first capture."""
    seen_on = pl.coalesce(pl.col("published_at"), pl.col("first_seen").dt.date())
    lazy = articles.lazy()
    extra = [c for c in ("related", OUTLET_FIELD) if c in lazy.collect_schema().names()]
    base = lazy.select(
        pl.lit("article").alias("source"),
        pl.col("article_id").alias("source_id"),
        "title",
        "body",
        *extra,
        "language",
        seen_on.alias("first_seen"),
        seen_on.alias("last_seen"),
    )
    columns = ("source", "source_id", "field", "text", "language", "first_seen", "last_seen")
    fields = [
        base.select(
            "source",
            "source_id",
            pl.lit(name).alias("field"),
            pl.col(name).alias("text"),
            "language",
            "first_seen",
            "last_seen",
        )
        for name in ("title", "body", *([OUTLET_FIELD] if OUTLET_FIELD in extra else []))
    ]
    if "related" in extra:
        teasers = (
            base.select("source", "source_id", "related", "language", "first_seen", "last_seen")
            .explode("related")
            .with_columns(pl.int_range(pl.len()).over("source_id").alias("n"))  # the teaser's index
            .filter(pl.col("related").is_not_null())
            .select(
                "source",
                "source_id",
                (pl.lit(RELATED_PREFIX) + pl.col("n").cast(pl.String)).alias("field"),
                pl.col("related").struct.field("title").alias("text"),
                "language",
                "first_seen",
                "last_seen",
            )
        )
        fields.append(teasers.select(columns))
    texts = pl.concat(fields).filter(pl.col("text").is_not_null() & (pl.col("text").str.strip_chars() != ""))
    return texts.collect()


def headline_texts(headlines: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """One row per distinct headline text, with the first and last day a capture listed it.

    Grouped by the text itself (not a stored id), so warehouses written before `headline_id`
    existed give the same rows."""
    distinct = _distinct(_spans(headlines.lazy()))
    return _as_texts(distinct.collect(engine="streaming"))  # every capture's headlines, not all held at once


# Each `headlines` partition's distinct texts are kept beside the tables, in this folder, one file
# per partition named by its fingerprint: a run regroups these (a row per distinct text and batch)
# instead of every capture's headlines (48 per snapshot), whose number grows with the whole lake.
DISTINCT_DIR = "_headline_texts"


def _headline_partitions(warehouse: Path, batches: Collection[str] | None) -> list[str]:
    keys = store.partitions(warehouse, HEADLINES)
    return keys if batches is None else [k for k in keys if k in set(batches)]


def stored_headline_texts(warehouse: Path, batches: Collection[str] | None = None) -> pl.DataFrame:
    """`headline_texts` of the whole `headlines` table (of `batches` only, if given), regrouped from
    each partition's distinct texts (made once per version of a partition, then read back)."""
    parts = [_partition_distinct(warehouse, key) for key in _headline_partitions(warehouse, batches)]
    if not parts:
        return headline_texts(empty(HEADLINES))
    return _as_texts(_distinct(pl.concat(parts)).collect())


def _spans(headlines: pl.LazyFrame) -> pl.LazyFrame:
    """Each capture's headline as a span of one instant, so that captures and groups of captures
    regroup alike (first of the firsts, last of the lasts)."""
    return headlines.select(
        "text",
        "language",
        pl.col("captured_at").alias("first_captured"),
        pl.col("captured_at").alias("last_captured"),
    )


def _distinct(spans: pl.LazyFrame) -> pl.LazyFrame:
    return spans.group_by("text").agg(
        pl.col("language").drop_nulls().first(),
        pl.col("first_captured").min(),
        pl.col("last_captured").max(),
    )


def _as_texts(distinct: pl.DataFrame) -> pl.DataFrame:
    distinct = distinct.sort("text")
    ids = pl.Series("source_id", [headline_id(t) for t in distinct.get_column("text")], dtype=pl.String)
    return distinct.select(
        pl.lit("headline").alias("source"),
        ids,
        pl.lit("text").alias("field"),
        "text",
        "language",
        pl.col("first_captured").dt.date().alias("first_seen"),
        pl.col("last_captured").dt.date().alias("last_seen"),
    )


def _partition_distinct(warehouse: Path, key: str) -> pl.LazyFrame:
    """One partition's distinct texts (as `_distinct` gives them), made and kept if not kept yet."""
    partition = {"batch": key}
    folder = warehouse / DISTINCT_DIR
    path = folder / f"batch={key}.{store.fingerprint(warehouse, HEADLINES, partition)}.parquet"
    if not path.exists():
        spans = _spans(store.scan_partition(warehouse, HEADLINES, partition))
        distinct = _distinct(spans).collect(engine="streaming")
        for older in folder.glob(f"batch={key}.*.parquet"):  # of the partition before it was rewritten
            older.unlink(missing_ok=True)
        store.write_file(distinct, path)
    return pl.scan_parquet(path)


def _resolve(kept: pl.DataFrame, recognised: pl.DataFrame, coverage: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Mentions with their catalogue keys: the `kept` ones keep theirs, the `recognised` ones
    (columns `_FOUND`) get theirs, and so do kept ones that have none (tables written before keys were
    stored, or by other rules); `coverage` gets each text's links."""
    units = ["source", "source_id"]
    stale = pl.concat(
        [
            coverage.filter(pl.col("links").is_null()).select(units),
            kept.filter(pl.col("entity_key").is_null() | pl.col("resolution").is_null()).select(units),
        ]
    ).unique()
    todo = pl.concat([kept.join(stale, on=units, how="semi").select(_FOUND), recognised])
    fresh, links = resolve_texts(todo)
    del todo
    fresh = fresh.with_columns(pl.lit(None, dtype=pl.String).alias("entity_id"))  # given by the catalogue
    mentions = pl.concat([kept.join(stale, on=units, how="anti"), fresh.select(ENTITIES.column_names)])
    coverage = (
        coverage.join(links.rename({"links": "_links"}), on=units, how="left")
        .with_columns(
            pl.coalesce("links", "_links", pl.lit([], dtype=LINKS)).alias("links")  # no mentions: no links
        )
        .drop("_links")
    )
    return mentions, coverage


def inputs_digest(warehouse: Path, recognizer: EntityRecognizer, batches: Collection[str] | None = None) -> str:
    """Changes whenever the entity tables could: `articles` or a `headlines` partition (of `batches`,
    if given) rewritten or added, another pipeline version, or other code in this package."""
    tables = [store.fingerprint(warehouse, ARTICLES)] + [
        f"{key}:{store.fingerprint(warehouse, HEADLINES, {'batch': key})}"
        for key in _headline_partitions(warehouse, batches)
    ]
    models = [recognizer.model_for(language) for language in sorted({*PIPELINES, *RULE_LANGUAGES})]
    code = [hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(Path(__file__).parent.glob("*.py"))]
    return hashlib.sha256(json.dumps([tables, models, code]).encode()).hexdigest()


def is_up_to_date(warehouse: Path, digest: str) -> bool:
    """True when the three entity tables were written from inputs with this digest."""
    written = all(store.has_partition(warehouse, t) for t in (ENTITIES, ENTITY_CATALOG, ENTITY_COVERAGE))
    # Coverage is written last and carries the digest: a run that died before it is redone.
    return written and store.read_metadata(warehouse, ENTITY_COVERAGE).get(INPUTS_KEY) == digest


def recognise_texts(
    texts: pl.DataFrame,
    recognizer: EntityRecognizer,
    *,
    previous_entities: pl.DataFrame | None = None,
    previous_coverage: pl.DataFrame | None = None,
    previous_resolver: str | None = None,
    progress: Progress | None = None,
) -> EntityResult:
    """Mentions and catalogue for `texts` (source, source_id, field, text, language, first_seen,
    last_seen; see `article_texts`, `headline_texts`).

    Texts unchanged since `previous_entities` and `previous_coverage` keep their mentions, and their
    catalogue keys too when `previous_resolver` (see `resolver_version`) made them."""
    texts = texts.select(*_TEXTS_SCHEMA).cast(_TEXTS_SCHEMA)
    units = (
        texts.sort("source", "source_id", "field")
        .group_by("source", "source_id", maintain_order=True)
        .agg(pl.col("text"), pl.col("language").first())
        .with_columns(
            pl.col("text").map_elements(lambda t: text_hash(*t), return_dtype=pl.String).alias("text_sha256"),
            pl.col("language").map_elements(recognizer.model_for, return_dtype=pl.String).alias("model"),
        )
        .drop("text")
    )
    prev_cov = empty(ENTITY_COVERAGE) if previous_coverage is None else previous_coverage
    prev_ent = empty(ENTITIES) if previous_entities is None else previous_entities
    prev_cov = _with_columns_of(ENTITY_COVERAGE, prev_cov).cast(ENTITY_COVERAGE.schema)
    prev_ent = prev_ent.select(ENTITIES.column_names).cast(ENTITIES.schema)
    if previous_resolver != resolver_version():  # keys made by other catalogue rules: made again
        prev_cov = prev_cov.with_columns(pl.lit(None, dtype=LINKS).alias("links"))
    kept_cov = prev_cov.join(
        units.select("source", "source_id", "text_sha256", "model"),
        on=["source", "source_id", "text_sha256", "model"],
        how="semi",
        nulls_equal=True,
    )
    kept_ent = prev_ent.join(kept_cov.select("source", "source_id"), on=["source", "source_id"], how="semi")
    todo_units = units.join(kept_cov.select("source", "source_id"), on=["source", "source_id"], how="anti")
    todo = texts.join(todo_units.select("source", "source_id", "model"), on=["source", "source_id"], how="inner")

    entity_rows: list[tuple] = []
    counts: dict[tuple[str, str], int] = {}
    failed: dict[tuple[str, str], str] = {}  # unit -> why recognition failed on one of its texts
    capped: dict[tuple[str, str], int] = {}  # unit -> the cap, when one of its texts was cut to it
    done = 0
    recognised_fields = todo.filter((pl.col("field") != OUTLET_FIELD) & pl.col("model").is_not_null())
    groups = {language: group for (language,), group in recognised_fields.group_by("language", maintain_order=True)}
    # Each distinct text once: the same headline on many captures costs one pass.
    distinct = {
        language: group.get_column("text").unique(maintain_order=True).to_list() for language, group in groups.items()
    }
    capped_texts = {language: [_cap(t) for t in group] for language, group in distinct.items()}
    for language, results in recognizer.recognise_languages(capped_texts):
        found = dict(zip(distinct[language], results, strict=True))
        group = groups[language]
        for row in group.iter_rows(named=True):
            unit = (row["source"], row["source_id"])
            if len(row["text"]) > MAX_TEXT_CHARS:
                capped[unit] = MAX_TEXT_CHARS
            if isinstance(found[row["text"]], str):
                failed[unit] = found[row["text"]]
                continue
            for m in found[row["text"]]:
                # A tuple per mention (a year of texts makes millions): a dict would take several times the memory.
                entity_rows.append(
                    (row["source"], row["source_id"], row["field"], m.text, m.label, m.start, m.end, row["model"])
                )
            counts[unit] = counts.get(unit, 0) + len(found[row["text"]])
        done += group.height
        if progress:
            progress(done, recognised_fields.height)

    for row in todo.filter((pl.col("field") == OUTLET_FIELD) & pl.col("model").is_not_null()).iter_rows(named=True):
        span = trim(row["text"], 0, len(row["text"]), "ORG")
        if span:
            outlet = row["text"][span[0] : span[1]]
            entity_rows.append((row["source"], row["source_id"], row["field"], outlet, "ORG", *span, row["model"]))
            unit = (row["source"], row["source_id"])
            counts[unit] = counts.get(unit, 0) + 1

    new_cov = todo_units.with_columns(
        pl.Series(
            "n_entities",
            [counts.get(u, 0) for u in todo_units.select("source", "source_id").iter_rows()],
            dtype=pl.Int32,
        ),
        pl.col("language").map_elements(recognizer.skip_reason, return_dtype=pl.String).alias("skipped_reason"),
    )
    # A null language never reaches map_elements: say why here.
    new_cov = new_cov.with_columns(
        pl.when(pl.col("model").is_null())
        .then(pl.col("skipped_reason").fill_null(recognizer.skip_reason(None)))
        .alias("skipped_reason")
    )
    # A text the recogniser failed on: no model (so the next run tries it again) and the reason.
    unit_keys = list(todo_units.select("source", "source_id").iter_rows())
    new_cov = new_cov.with_columns(
        pl.Series("_failed", [failed.get(u) for u in unit_keys], dtype=pl.String),
        pl.Series("capped_at", [capped.get(u) for u in unit_keys], dtype=pl.Int64),
        pl.lit(None, dtype=LINKS).alias("links"),
    ).with_columns(
        pl.when(pl.col("_failed").is_not_null()).then(None).otherwise(pl.col("model")).alias("model"),
        pl.coalesce("_failed", "skipped_reason").alias("skipped_reason"),
    )
    recognised_units = set(unit_keys) - set(failed)
    entity_rows = [r for r in entity_rows if (r[0], r[1]) in recognised_units] if failed else entity_rows
    recognised = pl.DataFrame(entity_rows, schema={c: ENTITIES.schema[c] for c in _FOUND}, orient="row")
    del entity_rows
    coverage = pl.concat([kept_cov, new_cov.select(ENTITY_COVERAGE.column_names).cast(ENTITY_COVERAGE.schema)])
    mentions, coverage = _resolve(kept_ent, recognised, coverage)
    seen = texts.group_by("source", "source_id").agg(pl.col("first_seen").min(), pl.col("last_seen").max())
    mentions, catalog = build_catalog(mentions, seen, coverage.select("source", "source_id", "links"))
    return EntityResult(
        entities=conform(ENTITIES, mentions.select(ENTITIES.column_names)).sort(
            "source", "source_id", "field", "start"
        ),
        coverage=conform(ENTITY_COVERAGE, coverage).sort("source", "source_id"),
        catalog=conform(ENTITY_CATALOG, catalog),
        n_processed=todo_units.height,
        n_kept=kept_cov.height,
        skipped=dict(new_cov.filter(pl.col("model").is_null()).group_by("skipped_reason").len().rows()),
    )


def _with_columns_of(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with the table's columns, those declared since it was written as nulls."""
    missing = [pl.lit(None, dtype=table.schema[c]).alias(c) for c in table.column_names if c not in frame.columns]
    return frame.with_columns(missing).select(table.column_names)


def _cap(text: str) -> str:
    """`text`, or its start up to `MAX_TEXT_CHARS` cut at a white space: a prefix, so the mentions'
    offsets hold for the whole text."""
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text.rfind(" ", MAX_TEXT_CHARS // 2, MAX_TEXT_CHARS)
    return text[: cut if cut > 0 else MAX_TEXT_CHARS]
