"""The entity stage: articles -> `entities` and `entity_coverage`, redoing only what changed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from dagster_project.lake.schemas import ENTITIES, ENTITY_COVERAGE, conform
from dagster_project.nlp.entities import EntityRecognizer
from dagster_project.progress import Progress


@dataclass
class EntityResult:
    entities: pl.DataFrame
    coverage: pl.DataFrame
    n_processed: int  # article bodies that went through recognition in this call
    n_kept: int  # article bodies whose earlier results were kept
    skipped: dict[str, int]  # reason -> bodies of this call that no pipeline could process


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def recognise_articles(
    articles: pl.DataFrame,
    recognizer: EntityRecognizer,
    *,
    previous_entities: pl.DataFrame | None = None,
    previous_coverage: pl.DataFrame | None = None,
    progress: Progress | None = None,
) -> EntityResult:
    """Entities of every article. Results are kept for bodies already processed with the pipeline
    their language gets today; new or changed bodies, and languages whose pipeline changed, are redone."""
    current = articles.select("article_id", "body", "language").with_columns(
        pl.col("body").map_elements(body_hash, return_dtype=pl.String).alias("body_sha256"),
        pl.col("language").map_elements(recognizer.model_for, return_dtype=pl.String).alias("model"),
    )
    prev_cov = previous_coverage if previous_coverage is not None else pl.DataFrame(schema=ENTITY_COVERAGE.schema)
    prev_ent = previous_entities if previous_entities is not None else pl.DataFrame(schema=ENTITIES.schema)
    kept_cov = prev_cov.join(
        current.select("article_id", "body_sha256", "model"),
        on=["article_id", "body_sha256", "model"],
        how="semi",
        nulls_equal=True,
    )
    kept_ent = prev_ent.join(kept_cov.select("article_id"), on="article_id", how="semi")
    todo = current.join(kept_cov.select("article_id"), on="article_id", how="anti")

    entity_rows: list[dict] = []
    coverage_rows: list[dict] = []
    done = 0
    for (language,), group in todo.group_by(["language"], maintain_order=True):
        model = recognizer.model_for(language)
        if model is None:
            reason = recognizer.skip_reason(language)
            for row in group.iter_rows(named=True):
                coverage_rows.append(_coverage(row, None, 0, reason))
            done += group.height
            continue
        rows = group.to_dicts()
        for row, mentions in zip(rows, recognizer.recognise((r["body"] for r in rows), language), strict=True):
            entity_rows += [
                {
                    "article_id": row["article_id"],
                    "text": m.text,
                    "label": m.label,
                    "start": m.start,
                    "end": m.end,
                    "model": model,
                }
                for m in mentions
            ]
            coverage_rows.append(_coverage(row, model, len(mentions), None))
            done += 1
            if progress and done % 50 == 0:
                progress(done, todo.height)
    new_ent = pl.DataFrame(entity_rows, schema=ENTITIES.schema)
    new_cov = pl.DataFrame(coverage_rows, schema=ENTITY_COVERAGE.schema)
    return EntityResult(
        entities=conform(ENTITIES, pl.concat([kept_ent, new_ent]).sort("article_id", "start", "end")),
        coverage=conform(ENTITY_COVERAGE, pl.concat([kept_cov, new_cov]).sort("article_id")),
        n_processed=todo.height,
        n_kept=kept_cov.height,
        skipped=dict(new_cov.filter(pl.col("skipped_reason").is_not_null()).group_by("skipped_reason").len().rows()),
    )


def _coverage(row: dict, model: str | None, n: int, reason: str | None) -> dict:
    return {
        "article_id": row["article_id"],
        "body_sha256": row["body_sha256"],
        "language": row["language"],
        "model": model,
        "n_entities": n,
        "skipped_reason": reason,
    }
