"""Which article a sighting is, when captures under one article id show different texts.

A page's `article_id` comes from what names it (its address, else its title, outlet and date), so
a re-capture of a story with a corrected line keeps its id. But an address can name a page whose
story changes: a blog's home page declares the blog's address and shows its latest post. Captures
under one id whose bodies share little text are therefore articles of their own: the first text
seen keeps the id, a later text with little in common with every text already kept under that id
gets an id derived from the id and its own text.

Texts are compared by their word 3-grams: the share of the shorter body's 3-grams that the other
body also has. An edited paragraph or an appended update keeps most of them; another post keeps
almost none (on the extraction suites' article pages: 0.002 for two captures of one blog's home
page; the ids with a single text are not compared at all).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from dagster_project.extract.records import WORD, normalise_key

# Bodies sharing at least this share of the shorter one's word 3-grams are one article.
SAME_ARTICLE = 0.5
# What the articles table calls the id its sightings carry.
SIGHTING_ID = "sighting_article_id"


def shingles(body: str) -> frozenset[tuple[str, ...]]:
    """The body's word 3-grams (lower case); a body of fewer than three words is its one gram."""
    words = [w.lower() for w in WORD.findall(body)]
    if len(words) < 3:
        return frozenset([tuple(words)])
    return frozenset(zip(words, words[1:], words[2:], strict=False))


def shared(a: frozenset, b: frozenset) -> float:
    """The share of the smaller set that the other holds (1.0 when one contains the other)."""
    return len(a & b) / min(len(a), len(b))


def derived_id(article_id: str, body: str) -> str:
    """The id of an article found under another's id with a text of its own."""
    key = f"{article_id}|{normalise_key(body[:2000])}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass
class _Kept:
    """An article kept under one sighting id, and the sighting its fields come from."""

    article_id: str
    order: tuple  # (capture time missing, capture time, snapshot id) of its earliest sighting
    grams: frozenset


def _order(captured_at: datetime | None, snapshot_id: str) -> tuple:
    # As the articles table picks an article's earliest sighting: by capture time (nulls last), then id.
    return (captured_at is None, captured_at or datetime.min, snapshot_id)


def assign_articles(sightings: pl.LazyFrame, previous: pl.DataFrame | None = None) -> pl.LazyFrame:
    """`sightings` (with their `batch`) with `article_id` made the article each one is, and the id
    they carry kept as `sighting_article_id`.

    `previous`: the articles table the sightings are folded into (its rows' bodies are what new
    texts are compared with). Batches are taken in order and each one is compared with the articles
    as they stood after the batches before it, so folding batches one at a time into the table and
    building it from every batch at once give the same articles.
    """
    sightings = sightings.with_columns(pl.col("article_id").alias(SIGHTING_ID))
    known = pl.LazyFrame(schema={SIGHTING_ID: pl.String, "body": pl.String})
    if previous is not None and previous.height:
        known = previous.lazy().select(pl.coalesce(SIGHTING_ID, "article_id").alias(SIGHTING_ID), "body")
    # Only ids under which more than one text was seen need comparing: in practice a handful.
    several = (
        pl.concat([known, sightings.select(SIGHTING_ID, "body")])
        .group_by(SIGHTING_ID)
        .agg(pl.col("body").n_unique().alias("n"))
        .filter(pl.col("n") > 1)
        .select(SIGHTING_ID)
    )
    candidates = (
        sightings.join(several, on=SIGHTING_ID, how="semi")
        .select("batch", SIGHTING_ID, "snapshot_id", "captured_at", "body")
        .sort("batch", "captured_at", "snapshot_id", nulls_last=True)
        .collect()
    )
    if not candidates.height:
        return sightings
    kept: dict[str, list[_Kept]] = defaultdict(list)
    if previous is not None and previous.height:
        ids = set(candidates[SIGHTING_ID])
        earlier = previous.with_columns(pl.coalesce(SIGHTING_ID, "article_id").alias(SIGHTING_ID))
        for row in earlier.filter(pl.col(SIGHTING_ID).is_in(ids)).iter_rows(named=True):
            order = _order(row["first_seen"], row["snapshot_id"])
            kept[row[SIGHTING_ID]].append(_Kept(row["article_id"], order, shingles(row["body"])))
    grams: dict[str, frozenset] = {}
    assigned: list[tuple[str, str, str, str]] = []
    for (batch_key,), batch in candidates.group_by("batch", maintain_order=True):
        earliest: dict[str, tuple[tuple, frozenset]] = {}  # article -> its earliest sighting in this batch
        for sid, snapshot_id, captured_at, body in batch.select(
            SIGHTING_ID, "snapshot_id", "captured_at", "body"
        ).iter_rows():
            mine = grams.setdefault(body, shingles(body))
            order = _order(captured_at, snapshot_id)
            scored = [(shared(mine, k.grams), k) for k in kept[sid]]
            best = max(scored, key=lambda s: s[0], default=(0.0, None))
            if best[0] >= SAME_ARTICLE:
                article = best[1]
            else:
                article = _Kept(derived_id(sid, body) if kept[sid] else sid, order, mine)
                kept[sid].append(article)
            if article.article_id not in earliest or order < earliest[article.article_id][0]:
                earliest[article.article_id] = (order, mine)
            assigned.append((batch_key, sid, snapshot_id, article.article_id))
        # After the batch an article is compared by its earliest sighting, as the table keeps it.
        for articles in kept.values():
            for k in articles:
                if k.article_id in earliest and earliest[k.article_id][0] < k.order:
                    k.order, k.grams = earliest[k.article_id]
    mapping = pl.LazyFrame(
        assigned,
        schema={"batch": pl.String, SIGHTING_ID: pl.String, "snapshot_id": pl.String, "assigned": pl.String},
        orient="row",
    )
    return (
        sightings.join(mapping, on=["batch", SIGHTING_ID, "snapshot_id"], how="left", coalesce=True)
        .with_columns(pl.coalesce("assigned", "article_id").alias("article_id"))
        .drop("assigned")
    )
