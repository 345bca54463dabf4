"""The extract stage over one batch: `pages` -> `article_sightings`, `headlines`, quarantine rows;
and the cross-batch `articles` table, kept up to date by folding in new batches only.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from dagster_project.extract.dispatch import extract
from dagster_project.extract.identity import assign_articles
from dagster_project.extract.records import ExtractionError
from dagster_project.extract.warm import start_worker
from dagster_project.lake import store
from dagster_project.lake.schemas import (
    ARTICLE_SIGHTINGS,
    ARTICLES,
    HEADLINES,
    PAGE_TYPES,
    PAGES,
    QUARANTINE,
    conform,
    empty,
)
from dagster_project.parallel import ordered_map
from dagster_project.progress import Progress

# Page text per piece of work handed to a process: the pages file's row groups (one per ingest
# piece, see ingest.stage.CHUNK_BYTES) are put together up to this size. Pieces of about equal text
# keep every worker busy to the end of the batch, and what a piece holds does not grow with the batch.
CHUNK_BYTES = 16 * 2**20


@dataclass
class ExtractResult:
    sightings: pl.DataFrame
    headlines: pl.DataFrame
    quarantine: pl.DataFrame
    page_types: pl.DataFrame = field(default_factory=lambda: empty(PAGE_TYPES))
    n_pages: int = 0


@dataclass(frozen=True)
class PageSlice:
    """Row groups of a stored pages file: what a worker reads for itself, so that page text never
    passes through the run's process."""

    path: str
    row_groups: tuple[int, ...]
    n_pages: int

    def read(self) -> pl.DataFrame:
        with pq.ParquetFile(self.path) as parquet:
            # The declared columns only: files of earlier versions also hold the page type.
            groups = parquet.read_row_groups(list(self.row_groups), columns=PAGES.column_names)
            return conform(PAGES, pl.from_arrow(groups))


def page_slices(path: Path, max_bytes: int | None = None) -> list[PageSlice]:
    """The row groups of a pages file (or of each file of a partition's folder), consecutive ones
    of one file together up to `max_bytes` (uncompressed)."""
    max_bytes = CHUNK_BYTES if max_bytes is None else max_bytes
    out: list[PageSlice] = []
    for file in store.data_files(path):
        groups: list[int] = []
        rows = size = 0
        with pq.ParquetFile(file) as parquet:
            meta = parquet.metadata
            for i in range(meta.num_row_groups):
                group = meta.row_group(i)
                if groups and size + group.total_byte_size > max_bytes:
                    out.append(PageSlice(str(file), tuple(groups), rows))
                    groups, rows, size = [], 0, 0
                groups.append(i)
                rows += group.num_rows
                size += group.total_byte_size
        if groups:
            out.append(PageSlice(str(file), tuple(groups), rows))
    return out


def extract_pages(pages: pl.DataFrame, *, progress: Progress | None = None) -> ExtractResult:
    """Extract every page of a batch; a page that fails becomes a quarantine row."""
    parts = list(iter_extract([pages], progress=progress, total=pages.height))
    return ExtractResult(
        sightings=pl.concat([empty(ARTICLE_SIGHTINGS), *(p.sightings for p in parts)]),
        headlines=pl.concat([empty(HEADLINES), *(p.headlines for p in parts)]),
        quarantine=pl.concat([empty(QUARANTINE), *(p.quarantine for p in parts)]),
        page_types=pl.concat([empty(PAGE_TYPES), *(p.page_types for p in parts)]),
        n_pages=pages.height,
    )


def iter_extract(
    pieces: Iterable[pl.DataFrame | PageSlice],
    *,
    workers: int = 1,
    total: int | None = None,
    progress: Progress | None = None,
) -> Iterator[ExtractResult]:
    """Extract pages arriving in pieces (frames, or slices of a pages file that the worker reads),
    over `workers` processes; one result per piece, in order.

    Each process keeps its own cache of headline languages, which lives as long as the pool
    (the whole batch), so a ticker headline is identified at most once per process.
    """
    done = 0
    for result in ordered_map(_extract_chunk, pieces, workers, initializer=start_worker):
        done += result.n_pages
        if progress and total:
            progress(done, total)
        yield result


def _extract_chunk(pages: pl.DataFrame | PageSlice) -> ExtractResult:
    if isinstance(pages, PageSlice):
        pages = pages.read()
    sightings: list[dict] = []
    headlines: list[dict] = []
    quarantine: list[dict] = []
    types: list[dict] = []
    # One page's Python strings at a time (the whole piece's would double what the worker holds).
    for page in pages.iter_rows(named=True, buffer_size=1):
        try:
            content = extract(page["text"], page["media_type"], page["url"])
        except ExtractionError as exc:
            quarantine.append(_quarantine(page, exc.reason, exc.detail))
            continue
        except Exception as exc:  # a parser bug on one page must not stop the batch
            quarantine.append(_quarantine(page, "extractor_crash", f"{type(exc).__name__}: {exc}"))
            continue
        types.append(
            {
                "snapshot_id": page["snapshot_id"],
                "page_type": content.page_type,
                "page_type_reason": content.page_type_reason,
            }
        )
        for h in content.headlines:
            headlines.append({"snapshot_id": page["snapshot_id"], "captured_at": page["captured_at"], **h.fields()})
        a = content.article
        if a is not None:
            sightings.append(
                {
                    "article_id": a.article_id,
                    "snapshot_id": page["snapshot_id"],
                    "url": a.url or page["url"],
                    "source_url": a.source_url,
                    "outlet": a.outlet,
                    "title": a.title,
                    "published_at": a.published_at,
                    "language": a.language,
                    "body": a.body,
                    "n_paragraphs": len(a.paragraphs),
                    "n_words": a.n_words,
                    "related": [{"title": r.title, "url": r.url} for r in a.related],
                    "extractor": a.extractor,
                    "authors": list(a.authors),
                    "site_name": a.site_name,
                    "canonical_url": a.canonical_url,
                    "captured_at": page["captured_at"],
                }
            )
    return ExtractResult(
        sightings=conform(ARTICLE_SIGHTINGS, pl.DataFrame(sightings, schema=ARTICLE_SIGHTINGS.schema)),
        headlines=conform(HEADLINES, pl.DataFrame(headlines, schema=HEADLINES.schema)),
        quarantine=conform(QUARANTINE, pl.DataFrame(quarantine, schema=QUARANTINE.schema)),
        page_types=conform(PAGE_TYPES, pl.DataFrame(types, schema=PAGE_TYPES.schema)),
        n_pages=pages.height,
    )


def _quarantine(page: dict, reason: str, detail: str) -> dict:
    return {"path": page["path"], "snapshot_id": page["snapshot_id"], "reason": reason, "detail": detail}


# Key of the articles file's metadata listing the sightings partitions it was built from.
COVERS_KEY = "news_lake.covers"


def consolidate_articles(sightings: pl.LazyFrame) -> pl.DataFrame:
    """One row per article from sightings (with their `batch` column, or all as one batch).

    Fields come from the earliest sighting (by capture time, then snapshot id): a row does not
    change when later batches see the article again. `url` and `source_url` come from the earliest
    capture that has them, whatever batch it came in. Built as per-batch aggregates folded together, the
    same operation `fold_articles` applies to new batches, so both give identical tables. Sightings
    under one id whose texts share little are articles of their own (see extract.identity).
    """
    if "batch" not in sightings.collect_schema().names():
        sightings = sightings.with_columns(batch=pl.lit(""))
    return _combine(_per_batch(assign_articles(sightings)))


def fold_articles(previous: pl.DataFrame, new_sightings: pl.LazyFrame) -> pl.DataFrame:
    """`previous` articles updated with sightings of batches that all come after those it covers."""
    earlier = previous.lazy().with_columns(batch=pl.lit(""))  # sorts before any batch key
    new = _per_batch(assign_articles(new_sightings, previous))
    return _combine(pl.concat([earlier, new], how="diagonal_relaxed"))


def _with_url_times(aggregates: pl.LazyFrame) -> pl.LazyFrame:
    """When each row's URLs were captured: an articles table folded in as one row has only its
    first capture to go by."""
    names = aggregates.collect_schema().names()
    return aggregates.with_columns(
        (pl.coalesce(c, "first_seen") if c in names else pl.col("first_seen")).alias(c)
        for c in ("url_seen", "source_url_seen")
    )


def _per_batch(sightings: pl.LazyFrame) -> pl.LazyFrame:
    ordered = sightings.sort("captured_at", "snapshot_id", nulls_last=True)
    return ordered.group_by("batch", "article_id").agg(
        pl.all().exclude("captured_at", "url", "source_url").first(),
        pl.col("url").drop_nulls().first(),
        pl.col("source_url").drop_nulls().first(),
        # When the URLs above were captured, so that batches fold by capture time, not batch order.
        pl.col("captured_at").filter(pl.col("url").is_not_null()).first().alias("url_seen"),
        pl.col("captured_at").filter(pl.col("source_url").is_not_null()).first().alias("source_url_seen"),
        pl.col("captured_at").min().alias("first_seen"),
        pl.col("captured_at").max().alias("last_seen"),
        pl.col("snapshot_id").n_unique().cast(pl.Int32).alias("n_snapshots"),
    )


def _combine(aggregates: pl.LazyFrame) -> pl.DataFrame:
    """Fold per-batch article aggregates: earliest row wins, URLs from the earliest capture that has
    them, counts add up."""
    seen = ("url", "source_url", "url_seen", "source_url_seen", "first_seen", "last_seen", "n_snapshots", "batch")
    aggregates = _with_url_times(aggregates)
    earliest = (
        aggregates.sort("first_seen", "snapshot_id", nulls_last=True)
        .group_by("article_id")
        .agg(pl.all().exclude(*seen).first())
    )
    spans = aggregates.group_by("article_id").agg(
        pl.col("url").sort_by("url_seen", "batch", nulls_last=True).drop_nulls().first(),
        pl.col("source_url").sort_by("source_url_seen", "batch", nulls_last=True).drop_nulls().first(),
        pl.col("first_seen").min(),
        pl.col("last_seen").max(),
        pl.col("n_snapshots").sum().cast(pl.Int32),
    )
    frame = earliest.join(spans, on="article_id").sort("first_seen", "article_id", nulls_last=True)
    return conform(ARTICLES, frame.collect())


@dataclass
class ArticlesUpdate:
    articles: pl.DataFrame
    covers: dict[str, str]  # sightings partition -> fingerprint of the file the table was built from
    read: list[str] = field(default_factory=list)  # partitions whose sightings this update read
    rebuilt: bool = False  # True when every partition was read again

    @property
    def changed(self) -> bool:
        return bool(self.read) or self.rebuilt

    @property
    def metadata(self) -> dict[str, str]:
        return {COVERS_KEY: json.dumps(self.covers, sort_keys=True)}


def _current(warehouse: Path, batches: Collection[str] | None) -> dict[str, str | None]:
    keys = store.partitions(warehouse, ARTICLE_SIGHTINGS)
    if batches is not None:
        keys = [k for k in keys if k in set(batches)]
    return {key: store.fingerprint(warehouse, ARTICLE_SIGHTINGS, {"batch": key}) for key in keys}


def articles_up_to_date(warehouse: Path, batches: Collection[str] | None = None) -> bool:
    """True when the stored articles table was built from exactly these sightings partitions, as
    they are now (`update_articles` would change nothing); nothing but file metadata is read."""
    return covered_partitions(warehouse) == _current(warehouse, batches)


def update_articles(warehouse: Path, batches: Collection[str] | None = None) -> ArticlesUpdate:
    """The articles table after the sightings partitions written since it was last built.

    Reads only the new partitions when the table covers all older ones unchanged. A partition
    rewritten since, removed, or older than the newest covered one means a rebuild from every
    sightings partition (Parquet, never the raw pages). `batches`: the batches to read (the done
    ones; see defs/registrar.py), else every stored partition.
    """
    current = _current(warehouse, batches)
    covered = covered_partitions(warehouse)
    new = sorted(set(current) - set(covered or {}))
    incremental = (
        covered is not None
        and all(current.get(key) == fp for key, fp in covered.items())
        and (not covered or not new or min(new) > max(covered))
    )
    if incremental and not new:
        return ArticlesUpdate(store.read_partition(warehouse, ARTICLES), dict(current))
    if incremental:
        previous = store.read_partition(warehouse, ARTICLES)
        sightings = pl.concat(
            [
                store.read_partition(warehouse, ARTICLE_SIGHTINGS, {"batch": key}).with_columns(batch=pl.lit(key))
                for key in new
            ]
        )
        return ArticlesUpdate(fold_articles(previous, sightings.lazy()), dict(current), read=new)
    sightings = store.scan(warehouse, ARTICLE_SIGHTINGS).filter(pl.col("batch").is_in(sorted(current)))
    return ArticlesUpdate(
        consolidate_articles(sightings),
        dict(current),
        read=sorted(current),
        rebuilt=True,
    )


def covered_partitions(warehouse: Path) -> dict[str, str] | None:
    """Which sightings partitions the stored articles table was built from; None if unknown, or if
    the table lacks a column of today's (written by an earlier version: it is built again)."""
    if not store.has_partition(warehouse, ARTICLES):
        return None
    stored = pq.read_schema(store.partition_dir(warehouse, ARTICLES) / store.PART_FILE).names
    if set(ARTICLES.column_names) - set(stored):
        return None
    raw = store.read_metadata(warehouse, ARTICLES).get(COVERS_KEY)
    return json.loads(raw) if raw else None
