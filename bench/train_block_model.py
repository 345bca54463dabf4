"""Train the block classifier of generic extraction on the development suites; write the shipped model.

    PYTHONPATH=. OMP_NUM_THREADS=1 .venv/bin/python bench/train_block_model.py [--eval-dir ../shared/eval]
        [--validate-rounds [--param NAME=VALUE ...]]

Every page of the four development suites (`bench/suites.py`) is parsed as `generic.parse` does;
each text block gets its features (`extract.generic.block_features`) and a label: article text when
at least half of its 4-token shingles (the scorer's `\\w+` tokens) are in the page's gold text, or,
for the trafilatura suite (snippets only), when it holds a must-have snippet (content) or a
must-not snippet (not content); its other blocks are not used. A block restating the title is
not content (the title is the article's own field). Blocks weigh by their share of the
page's tokens, so that every page counts about the same, as in the scorer. The model trained on all
pages is written to `dagster_project/extract/generic/block_model.txt`. `bench/extraction.py` uses
`folds` and `train` here for its out-of-fold figures. `--validate-rounds` writes nothing: it reports
how many trees early stopping chooses when each outer fold is left out, and the validation loss
there (`validated_rounds`); `--param` changes a LightGBM setting for that comparison
(`--param learning_rate=0.2 --param num_leaves=15`).
"""

from __future__ import annotations

import argparse
import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

import lightgbm
import numpy as np
from selectolax.lexbor import LexborHTMLParser

from bench.suites import EVAL, Page, load_all
from dagster_project.extract.generic import block_features
from dagster_project.extract.generic.block_model import MODEL_FILE
from dagster_project.extract.generic.cleaning import boilerplate
from dagster_project.extract.generic.content import text_blocks
from dagster_project.extract.generic.metadata import read_metadata
from dagster_project.extract.scoring import tokens

K = 5
SEED = 17
PARAMS = {
    "objective": "binary",
    "learning_rate": 0.1,
    "num_leaves": 31,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_threads": 1,
    "deterministic": True,
    "force_row_wise": True,
    "seed": SEED,
    "verbose": -1,
}
ROUNDS = 150
_SPACES = re.compile(r"\s+")
# News pages, what the project reads, count more: the 61 real news pages of the article set and the
# trafilatura set's 2019-2021 pages; Dragnet and CleanEval (older, more varied pages) weigh 1.
SUITE_WEIGHTS = {"article-dev": 10.0, "trafilatura": 4.0}
MODEL_PATH = Path(__file__).resolve().parents[1] / "dagster_project/extract/generic" / MODEL_FILE


@dataclass(slots=True)
class PageBlocks:
    features: np.ndarray  # one row per block
    labels: np.ndarray  # 1 content, 0 not, -1 unknown
    weights: np.ndarray


def folds(suites: dict[str, list[Page]], k: int = K) -> dict[tuple[str, str], int]:
    """Each page's fold: pages of each suite, sorted by id, dealt round-robin (stratified by suite)."""
    return {
        (suite, page.id): i % k
        for suite, pages in suites.items()
        for i, page in enumerate(sorted(pages, key=lambda p: p.id))
    }


def _shingle_set(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 1))}


def _labels(page: Page, texts: list[str]) -> np.ndarray:
    if page.suite == "trafilatura":
        labels = []
        for text in texts:
            flat = _SPACES.sub(" ", text)
            if any(_SPACES.sub(" ", s).strip() in flat for s in page.with_):
                labels.append(1)
            elif any(_SPACES.sub(" ", s).strip() in flat for s in page.without):
                labels.append(0)
            else:
                labels.append(-1)
        return np.asarray(labels)
    gold_words = tokens(page.gold)
    gold = _shingle_set(gold_words)
    gold_joined = f" {' '.join(gold_words)} "
    labels = []
    for text in texts:
        words = tokens(text)
        if not words:
            labels.append(0)
        elif len(words) < 4:
            labels.append(int(f" {' '.join(words)} " in gold_joined))
        else:
            shingles = _shingle_set(words)
            labels.append(int(len(shingles & gold) >= 0.5 * len(shingles)))
    return np.asarray(labels)


def page_blocks(page: Page) -> PageBlocks | None:
    """Features, labels and weights of a page's blocks, as `generic.parse` sees them."""
    tree = LexborHTMLParser(page.html)
    meta = read_metadata(tree, page.url)
    skipped = boilerplate(tree)
    if tree.body is None:
        return None
    walked = text_blocks(tree.body, skipped)
    blocks = walked.blocks
    if not blocks:
        return None
    counts = np.asarray([len(tokens(b.text)) for b in blocks], dtype=np.float64)
    labels = _labels(page, [b.text for b in blocks])
    # The title is the article's `title`, not part of its body, whatever a suite's gold says.
    title_words = block_features.title_words_of(meta.title)
    labels[[block_features.is_title(b.text, title_words) for b in blocks]] = 0
    return PageBlocks(
        block_features.features(walked, meta.title),
        labels,
        100.0 * SUITE_WEIGHTS.get(page.suite, 1.0) * (counts + 1) / (counts.sum() + len(blocks)),
    )


def collect(pages: list[Page]) -> list[PageBlocks | None]:
    return [page_blocks(page) for page in pages]


def _dataset(data: list[PageBlocks | None], reference: lightgbm.Dataset | None = None) -> lightgbm.Dataset:
    rows = [d for d in data if d is not None]
    x = np.concatenate([d.features for d in rows])
    y = np.concatenate([d.labels for d in rows])
    w = np.concatenate([d.weights for d in rows])
    known = y >= 0
    return lightgbm.Dataset(
        x[known],
        y[known],
        weight=w[known],
        feature_name=list(block_features.NAMES),
        categorical_feature=list(block_features.CATEGORICAL),
        reference=reference,
        free_raw_data=reference is None,
    )


def train(data: list[PageBlocks | None]) -> lightgbm.Booster:
    return lightgbm.train(PARAMS, _dataset(data), num_boost_round=ROUNDS)


def validated_rounds(
    suites: dict[str, list[Page]], params: dict | None = None, patience: int = 40, most: int = 400
) -> list[tuple[int, float]]:
    """How many trees the data support, chosen without the pages of each outer fold, and the loss
    there: per fold k, a model trained on three of the other folds stops early on the fourth
    (weighted log loss). `params` override `PARAMS`."""
    fold_of = folds(suites)
    data = {suite: collect(pages) for suite, pages in suites.items()}
    chosen = []
    for k in range(K):
        held = (k + 1) % K
        part = {
            side: [d for suite, pages in suites.items() for p, d in zip(pages, data[suite], strict=True)
                   if (fold_of[suite, p.id] == held) == side and fold_of[suite, p.id] != k]
            for side in (False, True)
        }  # fmt: skip
        training = _dataset(part[False])
        booster = lightgbm.train(
            {**PARAMS, **(params or {})},
            training,
            num_boost_round=most,
            valid_sets=[_dataset(part[True], training)],
            callbacks=[lightgbm.early_stopping(patience, verbose=False)],
        )
        loss = booster.best_score["valid_0"]["binary_logloss"]
        chosen.append((booster.best_iteration, loss))
        print(
            f"  outer fold {k + 1}/{K}: validated on fold {held + 1}, {booster.best_iteration} trees, loss {loss:.5f}",
            flush=True,
        )
    return chosen


def _setting(text: str) -> tuple[str, int | float | str]:
    """`NAME=VALUE` of `--param`, the value read as a number where it is one."""
    name, sep, value = text.partition("=")
    if not sep or name not in PARAMS:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE with NAME one of {', '.join(PARAMS)}: {text!r}")
    for kind in (int, float):
        with contextlib.suppress(ValueError):
            return name, kind(value)
    return name, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=EVAL)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument(
        "--validate-rounds",
        action="store_true",
        help="only report the tree counts early stopping chooses per fold, and the validation loss there",
    )
    parser.add_argument(
        "--param",
        type=_setting,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="with --validate-rounds: a LightGBM setting other than the shipped one (repeatable)",
    )
    args = parser.parse_args()
    if args.param and not args.validate_rounds:
        parser.error("--param only applies to --validate-rounds: the shipped model is trained with PARAMS")
    suites = load_all(args.eval_dir)
    if args.validate_rounds:
        chosen = validated_rounds(suites, dict(args.param))
        trees = [n for n, _ in chosen]
        mean_loss = sum(loss for _, loss in chosen) / len(chosen)
        print(f"trees chosen per fold: {trees} (shipped: {ROUNDS}); mean validation loss {mean_loss:.5f}")
        return
    data = [d for pages in suites.values() for d in collect(pages)]
    model = train(data)
    args.out.write_text(model.model_to_string(), encoding="utf-8")
    print(f"wrote {args.out} ({sum(d is not None for d in data)} pages)")


if __name__ == "__main__":
    main()
