"""What the analysis notebooks share: lazy table access, SQL, and a few chart and display helpers.

    from dagster_project.explore import open_lake
    lake = open_lake()                      # NEWS_WAREHOUSE_DIR, else data/warehouse
    articles = lake.scan("articles")        # a polars LazyFrame
    lake.sql("SELECT outlet, count(*) AS n FROM articles GROUP BY outlet")

Plain Python (polars, DuckDB, matplotlib): no Dagster, so it works in any kernel.
"""

from __future__ import annotations

import html
import itertools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

import polars as pl

from dagster_project.lake import store
from dagster_project.lake.schemas import TABLES
from dagster_project.settings import DEFAULT_WAREHOUSE_DIR, WAREHOUSE_DIR_ENV

# Snapshots dated by file modification time carry the date of the checkout or copy, not of the
# capture: time series leave them out (the notebooks say so where it matters).
UNTRUSTED_CAPTURE_SOURCES = ("mtime",)


class TableNotFound(LookupError):
    """The warehouse holds no data for the requested table."""


def find_warehouse(path: str | Path | None = None) -> Path:
    """The warehouse folder: `path`, else NEWS_WAREHOUSE_DIR, else data/warehouse.

    A relative path is looked up from the working directory and then its parents, so a notebook
    opened from `notebooks/` finds the repository's `data/warehouse`.
    """
    chosen = Path(path or os.environ.get(WAREHOUSE_DIR_ENV) or DEFAULT_WAREHOUSE_DIR).expanduser()
    if chosen.is_absolute():
        return chosen
    cwd = Path.cwd()
    for base in (cwd, *cwd.parents):
        if (base / chosen).is_dir():
            return (base / chosen).resolve()
    return (cwd / chosen).resolve()


def open_lake(path: str | Path | None = None) -> Lake:
    """Open the warehouse for reading; fails with a clear message when it has not been built."""
    root = find_warehouse(path)
    if not root.is_dir():
        raise FileNotFoundError(
            f"no warehouse at {root}: build it with `python -m dagster_project run` or point {WAREHOUSE_DIR_ENV} at one"
        )
    return Lake(root)


@dataclass(frozen=True)
class Lake:
    """Read access to one warehouse folder: every table lazily by name, and SQL over all of them."""

    root: Path

    def tables(self) -> list[str]:
        """Names of the tables holding data, including ones this version does not declare."""
        # Folders named `_...` hold the runs' own records and caches, not tables.
        return sorted(
            p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("_") and _parquet_files(p)
        )

    def has(self, name: str) -> bool:
        """True when the table has at least one file (possibly with no rows)."""
        return bool(_parquet_files(self.root / name))

    def scan(self, name: str) -> pl.LazyFrame:
        """A table as a LazyFrame (hive partition columns such as `batch` included).

        Columns are the declared schema (when this version declares the table) plus whatever the
        files hold besides, so a warehouse written by a newer or older version still reads; a
        column missing from some files reads as null there.
        """
        files = _parquet_files(self.root / name)
        if not files:
            if name in TABLES and (self.root / name).is_dir():
                return store.scan(self.root, TABLES[name])  # declared but empty: typed, no rows
            raise TableNotFound(f"no table {name!r} in {self.root} (tables: {', '.join(self.tables())})")
        hive = {
            part.split("=", 1)[0]: pl.String()
            for f in files
            for part in f.relative_to(self.root / name).parts[:-1]
            if "=" in part
        }
        schema = {c: t for c, t in TABLES[name].schema.items()} if name in TABLES else {}
        for f in files:
            for column, dtype in pl.read_parquet_schema(f).items():
                schema.setdefault(column, dtype)
        return pl.scan_parquet(
            files,
            schema=pl.Schema({c: t for c, t in schema.items() if c not in hive}),
            hive_partitioning=bool(hive),
            hive_schema=hive or None,
            missing_columns="insert",
        )

    def columns(self, name: str) -> list[str]:
        return self.scan(name).collect_schema().names()

    def counts(self) -> pl.DataFrame:
        """Rows per table, largest first."""
        rows = [(name, self.scan(name).select(pl.len()).collect().item()) for name in self.tables()]
        return pl.DataFrame(rows, schema={"table": pl.String, "rows": pl.Int64}, orient="row").sort(
            "rows", descending=True
        )

    @cached_property
    def _duckdb(self):  # type: ignore[no-untyped-def]
        import duckdb

        con = duckdb.connect()
        for name in self.tables():
            glob = str(self.root / name / "**" / "*.parquet").replace("'", "''")
            con.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{glob}', hive_partitioning = true)")
        return con

    def sql(self, query: str) -> pl.DataFrame:
        """Run DuckDB SQL where every table is a view of the same name; the result as polars."""
        return self._duckdb.sql(query).pl()


def _parquet_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("**/*.parquet")) if folder.is_dir() else []


# --- snapshots and sites -------------------------------------------------------------------------


def trusted_snapshots(lake: Lake) -> pl.LazyFrame:
    """Readable snapshots whose capture time is known from the capture itself (not the file's mtime)."""
    return lake.scan("snapshots").filter(
        (pl.col("status") == "ok")
        & pl.col("captured_at").is_not_null()
        & ~pl.col("captured_at_source").is_in(UNTRUSTED_CAPTURE_SOURCES)
    )


def snapshot_sites(lake: Lake) -> pl.LazyFrame:
    """Which site each snapshot is a page of: its site profile, else the host of its URL.

    Columns: snapshot_id, site. Pages read generically and without a URL are `unknown`.
    """
    profiled = (
        lake.scan("article_sightings")
        .filter(pl.col("extractor").str.starts_with("profile:"))
        .group_by("snapshot_id")
        .agg(pl.col("extractor").first().str.strip_prefix("profile:").alias("profile"))
    )
    host = pl.col("url").str.extract(r"^[a-z]+://(?:www\.)?([^/:]+)", 1)
    return (
        lake.scan("snapshots")
        .select("snapshot_id", host.alias("host"))
        .join(profiled, on="snapshot_id", how="left")
        .select("snapshot_id", pl.coalesce("profile", "host", pl.lit("unknown")).alias("site"))
    )


# --- entities ------------------------------------------------------------------------------------

CANONICAL_NAME_COLUMNS = ("canonical_name", "canonical", "name")


def has_entity_catalog(lake: Lake) -> bool:
    """True when the canonical catalogue exists and mentions link to it."""
    return lake.has("entity_catalog") and lake.has("entities") and "entity_id" in lake.columns("entities")


def normalise_name(expr: pl.Expr) -> pl.Expr:
    """A fallback identity for mentions without a catalogue: case, accents-as-typed, spacing folded."""
    return expr.str.to_lowercase().str.replace_all(r"[\s\u00a0]+", " ").str.strip_chars(" .,;:'\"-")


def entity_mentions(lake: Lake) -> pl.LazyFrame:
    """Every article entity mention with its canonical entity and the article's context.

    Columns: entity, name, label, article_id, language, outlet, seen_at (the article's first
    capture), published_at, text (as written). `entity` is the catalogue's entity_id when the
    `entity_catalog` table exists; otherwise a key made of the label and the folded mention text,
    and `name` is the most frequent spelling of that key.
    """
    mentions = lake.scan("entities")
    columns = mentions.collect_schema().names()
    if "source" in columns:  # article and headline mentions share the table
        mentions = mentions.filter(pl.col("source") == "article").with_columns(article_id=pl.col("source_id"))
    elif "article_id" in columns:
        mentions = mentions.filter(pl.col("article_id").is_not_null())
    articles = lake.scan("articles").select(
        "article_id", "language", "outlet", pl.col("first_seen").alias("seen_at"), "published_at"
    )
    mentions = mentions.join(articles, on="article_id", how="inner")
    return _with_identity(lake, mentions).select(
        "entity", "name", "label", "article_id", "language", "outlet", "seen_at", "published_at", "text"
    )


def entity_headlines(lake: Lake) -> pl.LazyFrame:
    """Every capture of a headline that mentions an entity: one row per mention and capture.

    Columns: entity, name, label, snapshot_id, captured_at, headline (its text), text (the
    mention as written). Mentions are stored once per distinct headline text (`headline_id`);
    this spreads them back over every capture listing it. Warehouses that keyed headline
    mentions by `<snapshot_id>:<position>` read too.
    """
    mentions = lake.scan("entities")
    if "source" not in mentions.collect_schema().names():
        return pl.LazyFrame(schema=_ENTITY_HEADLINE_SCHEMA)
    mentions = mentions.filter(pl.col("source") == "headline")
    headlines = lake.scan("headlines").select(
        "snapshot_id", "position", "captured_at", pl.col("text").alias("headline"), "headline_id"
    )
    by_text = mentions.join(headlines, left_on="source_id", right_on="headline_id", how="inner")
    by_position = mentions.filter(pl.col("source_id").str.contains(":", literal=True)).join(
        headlines.drop("headline_id"),
        left_on=[
            pl.col("source_id").str.split(":").list.first(),
            pl.col("source_id").str.split(":").list.last().cast(pl.Int32, strict=False),
        ],
        right_on=["snapshot_id", "position"],
        how="inner",
    )
    columns = ["entity", "name", "label", "snapshot_id", "captured_at", "headline", "text"]
    return pl.concat(
        [
            _with_identity(lake, by_text).select(columns),
            _with_identity(
                lake, by_position.with_columns(snapshot_id=pl.col("source_id").str.split(":").list.first())
            ).select(columns),
        ]
    )


_ENTITY_HEADLINE_SCHEMA = {
    "entity": pl.String,
    "name": pl.String,
    "label": pl.String,
    "snapshot_id": pl.String,
    "captured_at": pl.Datetime("us", "UTC"),
    "headline": pl.String,
    "text": pl.String,
}


def _with_identity(lake: Lake, mentions: pl.LazyFrame) -> pl.LazyFrame:
    """`mentions` with `entity` and `name`: from the catalogue when there is one, else a folded key."""
    if has_entity_catalog(lake):
        catalog = lake.scan("entity_catalog")
        names = catalog.collect_schema().names()
        name_col = next((c for c in CANONICAL_NAME_COLUMNS if c in names), "entity_id")
        catalog = catalog.select("entity_id", pl.col(name_col).cast(pl.String).alias("name"))
        return mentions.join(catalog, on="entity_id", how="left").with_columns(
            pl.col("entity_id").alias("entity"), pl.coalesce("name", "text").alias("name")
        )
    keyed = mentions.with_columns(entity=pl.concat_str(pl.col("label"), pl.lit(":"), normalise_name(pl.col("text"))))
    spelling = (
        keyed.group_by("entity", "text")
        .len()
        .sort(["entity", "len", "text"], descending=[False, True, False])
        .group_by("entity", maintain_order=True)
        .agg(pl.col("text").first().alias("name"))
    )
    return keyed.join(spelling, on="entity", how="left")


def cooccurrence(mentions: pl.DataFrame, entities: Sequence[str]) -> pl.DataFrame:
    """Pairs of the given entities mentioned in the same article: entity_a, entity_b, n_articles."""
    present = mentions.filter(pl.col("entity").is_in(list(entities))).select("article_id", "entity").unique()
    pairs = present.join(present, on="article_id", suffix="_b").filter(pl.col("entity") < pl.col("entity_b"))
    return (
        pairs.group_by(pl.col("entity").alias("entity_a"), "entity_b")
        .agg(pl.col("article_id").n_unique().alias("n_articles"))
        .sort("n_articles", "entity_a", "entity_b", descending=[True, False, False])
    )


# --- display -------------------------------------------------------------------------------------


def shorten(text: str | None, width: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class ArticleCard:
    """An article shown as HTML in a notebook; every field is escaped, so page text cannot inject markup."""

    title: str | None
    outlet: str | None
    published_at: object
    body: str
    max_chars: int = 800

    def _repr_html_(self) -> str:
        body = self.body if len(self.body) <= self.max_chars else self.body[: self.max_chars] + " …"
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
        meta = " · ".join(html.escape(str(v)) for v in (self.outlet, self.published_at) if v)
        return (
            '<div style="border:1px solid #ccc;padding:0.5em 1em;max-width:48em">'
            f"<h4>{html.escape(self.title or '(untitled)')}</h4><p><i>{meta}</i></p>{paragraphs}</div>"
        )


# --- charts --------------------------------------------------------------------------------------


def axes(title: str, xlabel: str = "", ylabel: str = "", size: tuple[float, float] = (9, 4)):  # type: ignore[no-untyped-def]
    """A new titled figure; the notebook's inline backend displays it at the end of the cell."""
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size, layout="constrained")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def integer_axis(axis) -> None:  # type: ignore[no-untyped-def]
    """Ticks at whole numbers only, for counts (`ax.xaxis` or `ax.yaxis`)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def time_axis(axis) -> None:  # type: ignore[no-untyped-def]
    """Dates and times on a real time scale, labelled concisely (`2026-03`, `16`, `17`, ...)."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    axis.set_major_locator(locator)
    axis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _all_integers(values: Sequence[float]) -> bool:
    return all(float(v).is_integer() for v in values)


def _is_time(values: Sequence[object]) -> bool:
    return bool(values) and all(isinstance(v, date) for v in values)  # datetime is a date too


def bar_width(times: Sequence[object]) -> float:
    """Width of bars at these dates or times, in days (matplotlib's date unit): four fifths of the
    smallest gap between them, or of a day when there is one."""
    ordered = sorted(set(times))
    gaps = [b - a for a, b in itertools.pairwise(ordered)]  # type: ignore[operator]
    smallest = min(gaps) if gaps else timedelta(days=1)
    return 0.8 * smallest.total_seconds() / 86400


def no_data(ax, message: str = "no data in this warehouse") -> None:  # type: ignore[no-untyped-def]
    """Say so on the chart instead of failing: small warehouses often lack a table or a category."""
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_xticks([])
    ax.set_yticks([])


def barh(labels: Iterable[object], values: Iterable[float], title: str, xlabel: str = "", width: int = 50):  # type: ignore[no-untyped-def]
    """Horizontal bars, first label on top, each bar labelled with its value (whole-number ticks for counts)."""
    labels = [shorten(str(v), width) for v in labels]
    values = list(values)
    ax = axes(title, xlabel, size=(9, max(2.0, 0.35 * len(labels) + 1.2)))
    if not labels:
        no_data(ax)
        return ax
    bars = ax.barh(labels[::-1], values[::-1], color="#4c72b0")
    ax.bar_label(bars, padding=3, fmt="%g")
    ax.margins(x=0.15)
    if _all_integers(values):
        integer_axis(ax.xaxis)
    return ax


def stacked_bars(  # type: ignore[no-untyped-def]
    categories: Sequence[object],
    series: dict[str, Sequence[float]],
    title: str,
    xlabel: str = "",
    ylabel: str = "",
    colors: dict[str, str] | None = None,
):
    """Vertical bars per category, one stacked segment per series (in the dict's order).

    Categories that are all dates or times are placed on a real time axis (gaps show as gaps);
    counts get whole-number ticks. Up to ten series get distinct colours of one palette.
    """
    times = _is_time(list(categories))
    labels = list(categories) if times else [str(c) for c in categories]
    ax = axes(title, xlabel, ylabel, size=(10.0, 4.5) if times else (min(14.0, max(7.0, 0.45 * len(labels) + 3)), 4.5))
    if not labels or not series:
        no_data(ax)
        return ax
    palette = _palette(len(series))
    width = bar_width(labels) if times else 0.8
    bottom = [0.0] * len(labels)
    for i, (name, values) in enumerate(series.items()):
        values = [float(v) for v in values]
        colour = (colors or {}).get(name, palette[i])
        ax.bar(labels, values, bottom=bottom, width=width, label=name, color=colour)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    if all(_all_integers(v) for v in series.values()):
        integer_axis(ax.yaxis)
    if times:
        time_axis(ax.xaxis)
    elif len(labels) > 6:
        ax.tick_params(axis="x", labelrotation=60)
    return ax


def heatmap(  # type: ignore[no-untyped-def]
    rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[float]], title: str, xlabel: str = ""
):
    """A grid of counts, each cell labelled with its number (blank when zero): many series, no legend."""
    ax = axes(title, xlabel, size=(max(6.0, 1.1 * len(columns) + 4), max(2.5, 0.35 * len(rows) + 1.5)))
    if not rows or not columns:
        no_data(ax)
        return ax
    image = ax.imshow(values, aspect="auto", cmap="Blues", vmin=0)
    ax.set_xticks(range(len(columns)), columns)
    ax.set_yticks(range(len(rows)), [shorten(r, 40) for r in rows])
    top = max((max(r) for r in values), default=0) or 1
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            if v:
                ax.text(j, i, f"{v:g}", ha="center", va="center", color="white" if v > top / 2 else "black")
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    ax.spines[:].set_visible(False)
    return ax


def _palette(n: int) -> list:
    """n distinct colours: tab10 up to ten, tab20 up to twenty (beyond that, label directly instead)."""
    import matplotlib

    cmap = matplotlib.colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]
