"""Train a small spaCy entity recogniser (PER/LOC/ORG) for one language from openly licensed corpora.

    OMP_NUM_THREADS=1 python scripts/train_ner.py en [--corpora data/corpora] [--max-steps 6000]

Reads token-per-line corpora (`TOKEN TAG` or `TOKEN<TAB>TAG`, IOB, BIOES or IO tags, blank line between
sentences) from `<corpora>/<language>/*.{conll,bio,txt}`: the user prepares that folder beforehand
(docs/entities.md says from which public repositories); nothing is fetched here. Tags other than
PER, LOC and ORG (MISC, OTH...) are dropped to O: the project keeps persons, places and organisations;
so are the tags of a lone `@` or `#` (the Broad Twitter Corpus tags the `@` of `@user` as a name).

Every tenth block of each corpus (a document where the corpus marks them, else a run of sentences)
is kept back as the development split: never trained on, nor used to choose the checkpoint; it is
written to `<work>/<language>/dev.bio`, which bench/ner.py scores (and, where a language has several
corpora, each corpus's part to `dev-<corpus>.bio`). Another tenth (`val`) chooses the best checkpoint.
A corpus that comes with its own development file (CoNLL-2002 `esp.testa`) has it named `*.dev.<ext>`:
that file is then the corpus's whole part of the dev split, and its other files give train and val
only (the language's other corpora are split as above). The model is
written to `dagster_project/nlp/models/<language>/` (package data), with only the tokenizer, `tok2vec`
and `ner`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin

from dagster_project.nlp.bio import bio_spans

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "dagster_project" / "nlp" / "models"
TYPES = ("PER", "LOC", "ORG")
ALIASES = {"PERS": "PER", "PERSON": "PER", "GPE": "LOC", "ORGANIZATION": "ORG", "ORGANISATION": "ORG"}
DEV_EVERY = 10
BLOCK_SENTENCES = 20  # sentences per block where a corpus has no document marks
BIOES = {"S": "B", "E": "I"}  # BIOES corpora: a single-token name begins one, an end continues one
SYMBOLS = frozenset({"@", "#"})  # never a name, nor part of one
MAX_SENTENCE = 60  # tokens: corpora without sentence breaks (Europeana) are cut at full stops or here

Sentence = list[tuple[str, str]]


def read_corpus(path: Path) -> list[list[Sentence]]:
    """Blocks (documents, or runs of sentences) of sentences of (token, type-or-O)."""
    docs: list[list[Sentence]] = [[]]
    sentence: Sentence = []
    text = path.read_text(encoding="utf-8", errors="replace")
    breaks = "\n\n" in text or "\n\r\n" in text
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            continue
        token, tag = parts[0], parts[-1]
        if token == "-DOCSTART-":
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            if docs[-1]:
                docs.append([])
            continue
        if len(parts) < 2:
            tag = "O"
        prefix, _, kind = tag.partition("-")
        kind = ALIASES.get(kind.upper(), kind.upper()) if kind else ""
        prefix = BIOES.get(prefix.upper(), prefix.upper())
        label = f"{prefix}-{kind}" if kind in TYPES and prefix in {"B", "I"} else "O"
        if token in SYMBOLS:  # the Broad Twitter Corpus tags the `@` of `@user` as a name of its own
            label = "O"
        sentence.append((token, label))
        if len(sentence) >= MAX_SENTENCE or (not breaks and token in {".", "!", "?"} and len(sentence) > 5):
            docs[-1].append(sentence)
            sentence = []
    if sentence:
        docs[-1].append(sentence)
    docs = [d for d in docs if d]
    if len(docs) == 1:  # no document marks: runs of sentences, shorter in a small file (ten at least)
        only = docs[0]
        size = max(1, min(BLOCK_SENTENCES, len(only) // DEV_EVERY))
        docs = [only[i : i + size] for i in range(0, len(only), size)]
    return docs


def to_doc(nlp, sentence: Sentence) -> Doc:
    doc = Doc(nlp.vocab, words=[t for t, _ in sentence])
    doc.ents = [
        doc.char_span(doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), label=k)
        for s, e, k in bio_spans(label for _, label in sentence)
    ]
    return doc


def corpus_of(path: Path) -> str:
    """The corpus a file belongs to: its name up to the first `_`, `-` or `.` (`btc_a.conll` -> `btc`)."""
    return re.split(r"[_.-]", path.name, maxsplit=1)[0]


def split(corpora: Path, language: str) -> tuple[dict[str, list[Sentence]], list[str]]:
    """train, val (checkpoint choice) and dev (reporting only): blocks 0-7, 8 and 9 of every ten.

    A corpus's own development file, named `*.dev.<ext>` (CoNLL-2002's `esp.testa`), is that corpus's
    dev part whole; its other files then give train and val only (every tenth block to val), while the
    language's other corpora are split as above. The dev and val splits are also given per corpus
    (`dev:<corpus>`, `val:<corpus>`, see `corpus_of`) where a language has several."""
    parts: dict[str, list[Sentence]] = {"train": [], "val": [], "dev": []}
    files = sorted(p for p in (corpora / language).iterdir() if p.suffix in {".conll", ".bio", ".txt", ".tsv"})
    if not files:
        sys.exit(f"no corpus files in {corpora / language}")
    own_dev = {corpus_of(p) for p in files if p.stem.endswith(".dev")}
    for path in files:
        for k, block in enumerate(read_corpus(path)):
            if corpus_of(path) in own_dev:
                slot = "dev" if path.stem.endswith(".dev") else "val" if k % DEV_EVERY == DEV_EVERY - 1 else "train"
            else:
                slot = "dev" if k % DEV_EVERY == DEV_EVERY - 1 else "val" if k % DEV_EVERY == DEV_EVERY - 2 else "train"
            parts[slot].extend(block)
            if slot != "train":
                parts.setdefault(f"{slot}:{corpus_of(path)}", []).extend(block)
    return parts, [p.name for p in files]


def write_bio(path: Path, sentences: Iterator[Sentence] | list[Sentence]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for sentence in sentences:
            f.writelines(f"{t} {label}\n" for t, label in sentence)
            f.write("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("language")
    parser.add_argument("--corpora", type=Path, default=REPO / "data" / "corpora")
    parser.add_argument("--work", type=Path, default=REPO / "data" / "ner-training")
    parser.add_argument("--max-steps", type=int, default=5000)
    parser.add_argument("--minutes", type=float, default=None, help="stop training after this long (wall time)")
    parser.add_argument(
        "--split-only", action="store_true", help="write the splits (dev.bio for bench/ner.py), no training"
    )
    parser.add_argument("--width", type=int, default=96)
    parser.add_argument("--rows", type=int, default=5000, help="hash-embedding rows per attribute")
    parser.add_argument("--dropout", type=float, default=0.1, help="training dropout (spaCy's default 0.1)")
    parser.add_argument(
        "--average", action="store_true", help="evaluate and save the running average of the weights (Adam's averages)"
    )
    parser.add_argument("--version", default="1.0.0", help="the shipped model's version (entities.model shows it)")
    parser.add_argument(
        "--output", type=Path, default=None, help="where the model is written (default: the shipped model's folder)"
    )
    args = parser.parse_args()

    work = args.work / args.language
    work.mkdir(parents=True, exist_ok=True)
    parts, files = split(args.corpora, args.language)
    nlp = spacy.blank(args.language)
    for name in ("train", "val"):
        DocBin(docs=(to_doc(nlp, s) for s in parts[name])).to_disk(work / f"{name}.spacy")
    # val.bio too: rules are chosen on it (`bench/ner.py --split val`), never on dev.
    for name in ("dev", "val"):
        write_bio(work / f"{name}.bio", parts[name])
        by_corpus = [k for k in parts if k.startswith(f"{name}:")]
        for old in work.glob(f"{name}-*.bio"):
            old.unlink()
        if len(by_corpus) > 1:  # bench/ner.py scores each corpus's part of the split too
            for key in by_corpus:
                write_bio(work / f"{name}-{key.removeprefix(f'{name}:')}.bio", parts[key])
    sizes = ", ".join(f"{len(v)} {k}" for k, v in parts.items() if ":" not in k)
    print(f"{args.language}: {sizes} sentences from {', '.join(files)}", flush=True)
    if args.split_only:
        return

    from spacy.cli.init_config import init_config

    config = init_config(lang=args.language, pipeline=["ner"], optimize="efficiency", gpu=False)
    config_path = work / "config.cfg"
    config.to_disk(config_path)
    rows = args.rows
    overrides = {
        "paths.train": str(work / "train.spacy"),
        "paths.dev": str(work / "val.spacy"),
        "components.tok2vec.model.encode.width": args.width,
        "components.tok2vec.model.embed.width": args.width,
        "components.tok2vec.model.embed.rows": [rows, rows // 2, rows // 2, rows // 2],
        "training.max_steps": args.max_steps,
        "training.max_epochs": 0,
        "training.patience": 2000,
        "training.eval_frequency": 500,
        "training.dropout": args.dropout,
        "system.seed": 0,
    }
    if args.average:  # averaged weights: steadier checkpoints than the last step's weights
        overrides["training.optimizer.use_averages"] = True
    command = [sys.executable, "-m", "spacy", "train", str(config_path), "--output", str(work / "out")]
    for key, value in overrides.items():
        command += [f"--{key}", json.dumps(value) if not isinstance(value, str) else value]
    try:
        subprocess.run(command, check=True, timeout=args.minutes * 60 if args.minutes else None)
    except subprocess.TimeoutExpired:  # the time budget: the best checkpoint so far is the model
        print(f"{args.minutes} minutes reached: training stopped, the best checkpoint is kept", flush=True)
    export(work, args.output or MODELS / args.language, files, args.version)


def export(work: Path, target: Path, files: list[str], version: str) -> None:
    """The best checkpoint (chosen on `val`) as the model, written to `target`."""
    best = spacy.load(work / "out" / "model-best")
    best.meta["name"] = "news_ner"
    best.meta["version"] = version
    best.meta["sources"] = [{"name": name} for name in files]
    best.meta["spacy_version"] = ">=3.8.0,<3.9.0"  # the project's spaCy range (pyproject.toml)
    best.meta["description"] = "Trained by scripts/train_ner.py; see docs/entities.md (data card)."
    target.parent.mkdir(parents=True, exist_ok=True)
    best.to_disk(target)
    # The training paths in the saved config are this machine's: not part of the shipped model.
    config = spacy.util.load_config(target / "config.cfg")
    config["paths"].update(train=None, dev=None)
    config.to_disk(target / "config.cfg")
    print(f"model written to {target}", flush=True)


if __name__ == "__main__":
    main()
