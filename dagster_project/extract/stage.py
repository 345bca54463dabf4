"""The extract stage over one batch: `pages` -> `article_sightings`, `headlines`, quarantine rows."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dagster_project.extract.dispatch import extract
from dagster_project.extract.records import ExtractionError
from dagster_project.lake.schemas import ARTICLE_SIGHTINGS, ARTICLES, HEADLINES, QUARANTINE, conform
from dagster_project.progress import Progress


@dataclass
class ExtractResult:
    sightings: pl.DataFrame
    headlines: pl.DataFrame
    quarantine: pl.DataFrame


def extract_pages(pages: pl.DataFrame, *, progress: Progress | None = None) -> ExtractResult:
    """Extract every page of a batch; a page that fails becomes a quarantine row."""
    sightings: list[dict] = []
    headlines: list[dict] = []
    quarantine: list[dict] = []
    total = pages.height
    for done, page in enumerate(pages.iter_rows(named=True), start=1):
        try:
            content = extract(page["text"], page["media_type"], page["url"])
        except ExtractionError as exc:
            quarantine.append(_quarantine(page, exc.reason, exc.detail))
            continue
        except Exception as exc:  # a parser bug on one page must not stop the batch
            quarantine.append(_quarantine(page, "extractor_crash", f"{type(exc).__name__}: {exc}"))
            continue
        for h in content.headlines:
            headlines.append(
                {
                    "snapshot_id": page["snapshot_id"],
                    "captured_at": page["captured_at"],
                    "position": h.position,
                    "text": h.text,
                    "url": h.url,
                    "language": h.language,
                    "section": h.section,
                }
            )
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
        if progress:
            progress(done, total)
    return ExtractResult(
        sightings=conform(ARTICLE_SIGHTINGS, pl.DataFrame(sightings, schema=ARTICLE_SIGHTINGS.schema)),
        headlines=conform(HEADLINES, pl.DataFrame(headlines, schema=HEADLINES.schema)),
        quarantine=conform(QUARANTINE, pl.DataFrame(quarantine, schema=QUARANTINE.schema)),
    )


def _quarantine(page: dict, reason: str, detail: str) -> dict:
    return {"path": page["path"], "snapshot_id": page["snapshot_id"], "reason": reason, "detail": detail}


def consolidate_articles(sightings: pl.LazyFrame) -> pl.DataFrame:
    """One row per article: fields of its earliest sighting, URLs from any sighting, seen range.

    The earliest sighting is kept (not the latest) so that a row does not change when later
    batches see the article again; ties break on snapshot_id for determinism.
    """
    ordered = sightings.sort("captured_at", "snapshot_id", nulls_last=True)
    per_article = ordered.group_by("article_id").agg(
        pl.all().exclude("captured_at", "url", "source_url").first(),
        pl.col("url").drop_nulls().first(),
        pl.col("source_url").drop_nulls().first(),
        pl.col("captured_at").min().alias("first_seen"),
        pl.col("captured_at").max().alias("last_seen"),
        pl.col("snapshot_id").n_unique().cast(pl.Int32).alias("n_snapshots"),
    )
    return conform(ARTICLES, per_article.sort("first_seen", "article_id", nulls_last=True).collect())
