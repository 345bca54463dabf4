"""The peer of bench/pipeline.py's real-page figures: the plain script a researcher would write.

    python bench/script_peer.py RAW_FOLDER OUT.parquet [--workers 2]

For each `.html`/`.html.gz` file of the folder (`.txt`/`.txt.gz` taken as text): trafilatura.extract,
lingua's language of the text (the same candidate languages as the pipeline), spaCy's named
entities with the pipeline for that language where there is one (the same models the pipeline
loads, each on first use), one row per page; all rows written to one Parquet file at the end.
`--workers N` spreads the files over N processes (multiprocessing.Pool, each loading its own
models). Prints one JSON line when done.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
from pathlib import Path

_MODELS: dict = {}


def _setup() -> None:
    import spacy
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    from dagster_project.extract.language import DEFAULT_LANGUAGES
    from dagster_project.nlp.entities import PIPELINES

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in DEFAULT_LANGUAGES]
    _MODELS["lingua"] = LanguageDetectorBuilder.from_languages(*languages).build()
    _MODELS["spacy"] = {}
    _MODELS["load"] = lambda code: spacy.load(PIPELINES[code]) if code in PIPELINES else None


def one_file(path: str) -> dict:
    import trafilatura

    raw = Path(path).read_bytes()
    try:
        if path.endswith(".gz"):
            raw = gzip.decompress(raw)
        page = raw.decode("utf-8", errors="replace")
        text = page if ".txt" in path else trafilatura.extract(page) or ""
    except (OSError, EOFError, ValueError):  # a broken file is skipped, as a script would
        text = ""
    found = _MODELS["lingua"].detect_language_of(text) if text else None
    code = found.iso_code_639_1.name.lower() if found else None
    if code not in _MODELS["spacy"]:  # a language's pipeline is loaded when a page first needs it
        _MODELS["spacy"][code] = _MODELS["load"](code)
    nlp = _MODELS["spacy"][code]
    entities = [{"text": e.text, "label": e.label_} for e in nlp(text).ents] if nlp and text else []
    return {"file": Path(path).name, "language": code, "text": text, "entities": entities}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    import polars as pl

    files = sorted(str(p) for p in args.raw.iterdir() if p.name.endswith((".html", ".html.gz", ".txt", ".txt.gz")))
    if args.workers > 1:
        with mp.get_context("spawn").Pool(args.workers, initializer=_setup) as pool:
            rows = list(pool.imap(one_file, files, chunksize=4))
    else:
        _setup()
        rows = [one_file(f) for f in files]
    pl.DataFrame(rows).write_parquet(args.out)
    print(json.dumps({"ok": True, "steps": {}, "pages": len(rows)}))


if __name__ == "__main__":
    main()
