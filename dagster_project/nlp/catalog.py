"""The entity catalogue: mentions clustered into canonical entities by explainable rules.

Every mention gets a *key* from the first rule that applies within its text (an article's title and
body together, or one headline):

1. `gazetteer`: the name is a country or city of the gazetteer -> `place:country:MA`, `place:city:<id>`;
2. `kingdom`: a bare `Royaume` / `Reino` / `Kingdom` / `المملكة` -> the country most named in the same text;
3. `acronym`: an acronym defined in the same text as `Long Name (ACR)` -> the long name's key;
4. `surname`: a one-word person name that is the last word of exactly one full name in the same text
   -> that person's key;
5. `normalised form`: label plus the normalised name (case, accents, leading article, hyphens ignored).

Keys are then merged across texts by acronym definitions (`GFMD` anywhere joins the long name it was
defined with somewhere). The cluster's entity_id is a hash of its root key, so it is deterministic.
`explain` prints the rule chain linking two names.
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import polars as pl

from dagster_project.lake import store
from dagster_project.lake.schemas import ENTITIES, ENTITY_COVERAGE, LINKS
from dagster_project.nlp.gazetteer import KINGDOM_WORDS, gazetteer
from dagster_project.nlp.names import ACRONYM, normalise

# The gap between a long name and its acronym in `Long Name (ACR)`.
_DEFINITION_GAP = 2


@dataclass(frozen=True, slots=True)
class Resolution:
    key: str
    rule: str  # the rule that gave the key, with the names involved


@dataclass
class Clustering:
    """The cross-text links between keys, and the resulting clusters."""

    links: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))  # key -> {(key, rule)}
    root: dict[str, str] = field(default_factory=dict)  # key -> cluster root key

    def entity_id(self, key: str) -> str:
        return entity_id(self.root.get(key, key))


@lru_cache(maxsize=1)
def resolver_version() -> str:
    """Changes with whatever decides a text's keys: this module, name normalisation, the gazetteer's
    code and data packages. Keys stored by another version are made again."""
    from dagster_project.nlp.gazetteer import cache_path  # named after the code and data it is built from

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(cache_path().name.encode())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1 << 16)
def entity_id(root_key: str) -> str:
    return hashlib.sha256(root_key.encode("utf-8")).hexdigest()[:16]


def resolve_text(mentions: list[tuple[str, str, str, int, int]]) -> tuple[list[Resolution], list[tuple[str, str, str]]]:
    """Keys for the mentions of one text, given as (field, text, label, start, end) in text order.
    Also returns the acronym links (acronym key, long name key, rule)."""
    places = gazetteer()
    out: list[Resolution | None] = [None] * len(mentions)

    countries: Counter[str] = Counter()
    first_at: dict[str, int] = {}
    for i, (_f, text, _label, _s, _e) in enumerate(mentions):
        place = places.lookup(text) if _label == "LOC" else None
        if place is not None:
            out[i] = _place_resolution(text)
            if place.place_id.startswith("country:"):
                countries[place.place_id] += 1
                first_at.setdefault(place.place_id, i)

    main_country = min(countries, key=lambda c: (-countries[c], first_at[c])) if countries else None
    for i, (_f, text, label, _s, _e) in enumerate(mentions):
        if out[i] is None and label == "LOC" and normalise(text) in KINGDOM_WORDS and main_country:
            name = places.lookup_id(main_country).name
            out[i] = Resolution(
                f"place:{main_country}",
                f"kingdom: bare '{text}' refers to the country most named in the same text ({name})",
            )

    links: list[tuple[str, str, str]] = []
    defined: dict[str, int] = {}
    for i in range(1, len(mentions)):
        field_, text, _label, start, _e = mentions[i]
        prev_field, _pt, _pl, _ps, prev_end = mentions[i - 1]
        same_field = field_ == prev_field
        if same_field and ACRONYM.match(text) and start - prev_end == _DEFINITION_GAP and text not in defined:
            defined[text] = i - 1

    def long_key(j: int) -> str:
        # A long name that is a place (`Émirats arabes unis (EAU)`) keeps its place key.
        resolved = out[j]
        return resolved.key if resolved is not None else _default_key(mentions[j][1], mentions[j][2])

    for i, (_f, text, _label, _s, _e) in enumerate(mentions):
        if out[i] is None and text in defined and defined[text] != i:
            long_text = mentions[defined[text]][1]
            out[i] = Resolution(
                long_key(defined[text]), f"acronym: '{text}' is defined as '{long_text}' in the same text"
            )
    for acronym, j in defined.items():
        _f2, long_text, long_label, *_ = mentions[j]
        rule = f"acronym: '{acronym}' is defined as '{long_text}'"
        links += [(_default_key(acronym, label), long_key(j), rule) for label in sorted({long_label, "ORG"})]

    full_names: dict[str, set[str]] = defaultdict(set)
    for _f, text, label, _s, _e in mentions:
        words = text.split()
        if label == "PER" and len(words) >= 2:
            full_names[normalise(words[-1])].add(text)
    for i, (_f, text, label, _s, _e) in enumerate(mentions):
        if out[i] is None and label == "PER" and len(text.split()) == 1:
            owners = {normalise(n): n for n in full_names.get(normalise(text), ())}
            if len(owners) == 1:
                (full,) = owners.values()
                out[i] = Resolution(
                    _default_key(full, "PER"), f"surname: '{text}' is the last name of '{full}' in the same text"
                )

    for i, (_f, text, label, _s, _e) in enumerate(mentions):
        if out[i] is None:
            out[i] = _plain_resolution(text, label)
    return [r for r in out if r is not None], links


# The two rules that need nothing but the name itself give the same resolution wherever the name
# occurs: made once per spelling (a catalogue of a year of captures resolves millions of mentions).
@lru_cache(maxsize=1 << 16)
def _place_resolution(text: str) -> Resolution:
    place = gazetteer().lookup(text)
    assert place is not None
    return Resolution(f"place:{place.place_id}", f"gazetteer: '{text}' is a name of {place.name} ({place.source})")


@lru_cache(maxsize=1 << 16)
def _plain_resolution(text: str, label: str) -> Resolution:
    return Resolution(_default_key(text, label), f"normalised form: '{text}' -> '{normalise(text)}'")


def _default_key(text: str, label: str) -> str:
    return f"{label}:{normalise(text)}"


def resolve_texts(mentions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Text-local keys: `mentions` (columns source, source_id, field, text, label, start, end; any
    order, other columns kept) with `entity_key` and `resolution` added, and one row per text with
    its acronym links (source, source_id, links). Only what a text holds decides its keys, so they
    are stored with the mentions and a later run resolves new texts only."""
    ordered = (
        mentions.select("source", "source_id", "field", "text", "label", "start", "end")
        .with_row_index("_row")
        .sort("source", "source_id", "field", "start", "end")
        .with_columns(pl.struct("source", "source_id").rle_id().alias("_unit"))
    )
    units = ordered.select("source", "source_id").unique(maintain_order=True)  # in `_unit` order
    # Python objects for every mention: only what the rules read (a unit number, not its two ids).
    rows = ordered.select("_unit", "_row", "field", "text", "label", "start", "end").rows()
    del ordered
    keys: list[str | None] = [None] * mentions.height
    rules: list[str | None] = [None] * mentions.height
    unit_links: list[list[dict[str, str]]] = []
    # Texts with the same mentions (the same headline under two ids) are resolved once.
    resolved: dict[tuple, tuple[list[Resolution], list[dict[str, str]]]] = {}
    for _, group in groupby(rows, key=itemgetter(0)):
        text_rows = list(group)
        spans = tuple(row[2:] for row in text_rows)
        found = resolved.get(spans)
        if found is None:
            resolutions, links = resolve_text(list(spans))
            found = resolved[spans] = (
                resolutions,
                [{"acronym_key": a, "name_key": b, "rule": rule} for a, b, rule in links],
            )
        for row, res in zip(text_rows, found[0], strict=True):
            keys[row[1]] = res.key
            rules[row[1]] = res.rule
        unit_links.append(found[1])
    out = mentions.with_columns(
        pl.Series("entity_key", keys, dtype=pl.String), pl.Series("resolution", rules, dtype=pl.String)
    )
    links = units.with_columns(pl.Series("links", unit_links, dtype=LINKS))
    return out, links


def cluster(keys: Iterable[str], links: pl.DataFrame) -> Clustering:
    """Merge text-local keys across texts by the acronym links (`links`: a `links` column as
    returned by `resolve_texts`)."""
    triples = links.select(pl.col("links").explode()).drop_nulls().unnest("links").rows() if links.height else []
    result = Clustering()
    for a, b, rule in triples:
        result.links[a].add((b, rule))
        result.links[b].add((a, rule))
    result.root = _roots(set(keys), triples)
    return result


def _roots(keys: set[str], links: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    parent = {k: k for k in keys}
    aliases = set()
    links = list(links)
    for a, b, _ in links:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        aliases.add(a)

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b, _ in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = defaultdict(list)
    for k in parent:
        members[find(k)].append(k)
    root = {}
    for group in members.values():
        # The root is a long name rather than an acronym, a place rather than a name; then the smallest key.
        best = min(group, key=lambda k: (not k.startswith("place:"), k in aliases, k))
        for k in group:
            root[k] = best
    return root


def assign_entities(mentions: pl.DataFrame, links: pl.DataFrame | None = None) -> tuple[pl.DataFrame, Clustering]:
    """`mentions` with `entity_key`, `resolution` and `entity_id`, and the clustering that gave them.
    Keys already in `mentions` are used as they are when the texts' `links` are given; without
    them, every text is resolved."""
    if links is None or "entity_key" not in mentions.columns:
        mentions, links = resolve_texts(mentions.drop("entity_key", "resolution", strict=False))
    keys = mentions.get_column("entity_key").unique().to_list()
    clustering = cluster(keys, links)
    ids = [clustering.entity_id(k) for k in keys]
    entity_ids = pl.col("entity_key").replace_strict(keys, ids, return_dtype=pl.String)
    return mentions.with_columns(entity_ids.alias("entity_id")), clustering


def build_catalog(
    mentions: pl.DataFrame, seen: pl.DataFrame, links: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Entities of the mentions and the catalogue. `mentions`: source, source_id, field, text, label,
    start, end (other columns kept), and `entity_key`, `resolution` when the texts' `links` are
    given (see `assign_entities`); `seen`: source, source_id, first_seen, last_seen (Dates).
    Returns (mentions with entity_key, resolution and entity_id, catalogue rows)."""
    assigned, clustering = assign_entities(mentions, links)
    places = gazetteer()
    roots = sorted({clustering.root.get(k, k) for k in assigned["entity_key"].unique().to_list()})
    members: dict[str, set[str]] = defaultdict(set)
    for key, root in clustering.root.items():
        members[root].add(key)
    by_root = pl.DataFrame(
        {
            "_root": roots,
            "entity_id": [entity_id(r) for r in roots],
            "_place_name": [_place(places, r).name if r.startswith("place:") else None for r in roots],
            "country_code": [_place(places, r).country_code if r.startswith("place:") else None for r in roots],
            "_link_rules": [sorted(_link_rules(clustering, members.get(r, {r}))) for r in roots],
        },
        schema={
            "_root": pl.String,
            "entity_id": pl.String,
            "_place_name": pl.String,
            "country_code": pl.String,
            "_link_rules": pl.List(pl.String),
        },
    )
    forms = assigned.select("label", "text").unique()
    forms = forms.with_columns(
        pl.Series("_form", [f"{lab}:{normalise(t)}" for lab, t in forms.iter_rows()], dtype=pl.String)
    )
    # Only the columns the catalogue reads go through the joins (each join copies what it carries).
    frame = (
        assigned.select("source", "source_id", "text", "label", "resolution", "entity_id")
        .join(seen, on=["source", "source_id"], how="left")
        .join(forms, on=["label", "text"], how="left")
        .join(by_root.select("_root", "entity_id"), on="entity_id", how="left")
        .with_columns((pl.col("_form") == pl.col("_root")).alias("_own"))
    )
    # The name: a spelling whose own form is the root key (the long name, not the acronym; the full
    # name, not the surname), else any; the most frequent, then the longest.
    names = (
        frame.group_by("entity_id", "text")
        .agg(pl.len().alias("n"), pl.col("_own").any().alias("own"))
        .sort(
            ["entity_id", "own", "n", pl.col("text").str.len_chars(), "text"],
            descending=[False, True, True, True, False],
        )
        .group_by("entity_id", maintain_order=True)
        .agg(pl.col("text").first().alias("_name"))
    )
    labels = (
        frame.group_by("entity_id", "label")
        .len()
        .sort(["entity_id", "len", "label"], descending=[False, True, False])
        .group_by("entity_id", maintain_order=True)
        .agg(pl.col("label").first().alias("_label"))
    )
    stats = frame.group_by("entity_id").agg(
        pl.col("text").unique().sort().alias("aliases"),
        pl.col("resolution").unique().sort().alias("_rules"),
        pl.len().alias("n_mentions"),
        pl.col("source_id").filter(pl.col("source") == "article").n_unique().alias("n_articles"),
        pl.col("source_id").filter(pl.col("source") == "headline").n_unique().alias("n_headlines"),
        pl.col("first_seen").min(),
        pl.col("last_seen").max(),
    )
    catalog = (
        stats.join(names, on="entity_id")
        .join(labels, on="entity_id")
        .join(by_root, on="entity_id")
        .with_columns(
            pl.coalesce("_place_name", "_name").alias("name"),
            pl.when(pl.col("country_code").is_not_null()).then(pl.lit("LOC")).otherwise("_label").alias("label"),
            pl.concat_list("_rules", "_link_rules").list.unique().list.sort().alias("evidence"),
        )
        .select(*CATALOG_SCHEMA)
        .cast(CATALOG_SCHEMA)
        .sort("entity_id")
    )
    return assigned, catalog


def _place(places, root: str):
    return places.lookup_id(root.removeprefix("place:"))


CATALOG_SCHEMA = {
    "entity_id": pl.String(),
    "name": pl.String(),
    "label": pl.String(),
    "aliases": pl.List(pl.String()),
    "evidence": pl.List(pl.String()),
    "country_code": pl.String(),
    "n_mentions": pl.Int64(),
    "n_articles": pl.Int64(),
    "n_headlines": pl.Int64(),
    "first_seen": pl.Date(),
    "last_seen": pl.Date(),
}


def _link_rules(clustering: Clustering, keys: set[str]) -> set[str]:
    return {rule for k in keys for _, rule in clustering.links.get(k, ())}


def explain(mentions: pl.DataFrame, name_a: str, name_b: str, links: pl.DataFrame | None = None) -> list[str]:
    """Why the mentions named `name_a` and `name_b` are one entity: one line per rule on the way, or
    a line saying they are not. With the texts' `links`, from the keys stored with the mentions;
    without, every text is resolved again."""
    assigned, clustering = assign_entities(mentions, links)
    lines: list[str] = []
    ends = []
    for name in (name_a, name_b):
        hits = assigned.filter(pl.col("text") == name)
        if hits.is_empty():
            return [f"'{name}' is not a mention"]
        counts = hits.group_by("entity_key", "resolution").len()
        key, rule = counts.sort("len", "entity_key", descending=[True, False]).row(0)[:2]
        lines.append(f"'{name}' -> {key}  [{rule}]")
        ends.append(key)
    path = _path(clustering, *ends)
    if path is None:
        return [*lines, f"not the same entity: {clustering.entity_id(ends[0])} vs {clustering.entity_id(ends[1])}"]
    lines += [f"{a} ~ {b}  [{rule}]" for a, b, rule in path]
    return [*lines, f"same entity {clustering.entity_id(ends[0])}"]


def _path(clustering: Clustering, start: str, goal: str) -> list[tuple[str, str, str]] | None:
    if start == goal:
        return []
    seen = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt, rule in sorted(clustering.links.get(node, ())):
            if nxt not in seen:
                seen[nxt] = (node, rule)
                if nxt == goal:
                    steps = []
                    while seen[nxt] is not None:
                        prev, r = seen[nxt]
                        steps.append((prev, nxt, r))
                        nxt = prev
                    return steps[::-1]
                queue.append(nxt)
    return None


def main(argv: list[str] | None = None) -> int:
    """`python -m dagster_project.nlp.catalog WAREHOUSE NAME_A NAME_B`: print why two names are (not) one entity."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print(main.__doc__, file=sys.stderr)
        return 2
    warehouse, a, b = args
    mentions = store.scan(Path(warehouse), ENTITIES).collect()
    links = store.scan(Path(warehouse), ENTITY_COVERAGE).select("source", "source_id", "links").collect()
    # The stored keys, when every text has them (tables written by older versions lack them).
    stored = not (
        mentions["entity_key"].null_count()
        or links["links"].null_count()
        or mentions.join(links, on=["source", "source_id"], how="anti").height
    )
    lines = explain(mentions, a, b, links if stored else None)
    print("\n".join(lines))
    return 0 if lines[-1].startswith("same entity") else 1


if __name__ == "__main__":
    raise SystemExit(main())
