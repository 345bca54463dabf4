"""The shipped block classifier: a LightGBM model in its text format, read once per process.

`block_model.txt` is written by `bench/train_block_model.py` from the development suites in
`../shared/eval`; rerunning that script reproduces it. Prediction is one batched call per page.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import lightgbm
import numpy as np

MODEL_FILE = "block_model.txt"
THRESHOLD = 0.5  # probability from which a block is article text
# A prose block next to a kept block needs less: the article runs on (a short page's last paragraph).
NEIGHBOUR_THRESHOLD = 0.4
FALLBACK_FLOOR, FALLBACK_SHARE = 0.1, 0.7


@lru_cache(maxsize=1)
def shipped() -> lightgbm.Booster:
    text = files("dagster_project.extract.generic").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    booster = lightgbm.Booster(model_str=text)
    # Reading the model runs an OpenMP region on every core; a one-thread prediction sets LightGBM's
    # OpenMP threads back to one, so that a process forked from this one (the pool's workers) never
    # enters a many-thread region: GNU OpenMP hangs there after a fork.
    booster.predict(np.zeros((1, booster.num_feature())), num_threads=1)
    return booster


def probabilities(features: np.ndarray, model: lightgbm.Booster | None = None) -> np.ndarray:
    """Probability that each row's block is article text."""
    booster = model if model is not None else shipped()
    return booster.predict(features, num_threads=1)


def predict(features: np.ndarray, prose: np.ndarray, model: lightgbm.Booster | None = None) -> np.ndarray:
    """Whether each row's block is article text; `prose` marks the blocks that read as prose."""
    p = probabilities(features, model)
    kept = p >= THRESHOLD
    if not kept.any() and len(p) and p.max() >= FALLBACK_FLOOR:
        # No block is clearly the article (a photo post with a caption-length text, say): the
        # likeliest blocks are, rather than an empty body.
        kept = p >= FALLBACK_SHARE * p.max()
    beside_kept = np.concatenate(([False], kept[:-1])) | np.concatenate((kept[1:], [False]))
    return kept | ((p >= NEIGHBOUR_THRESHOLD) & prose & beside_kept)
