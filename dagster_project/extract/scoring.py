"""Scoring extracted bodies against ground truth, the article-extraction benchmark's way.

Texts are tokenised with `\\w+`, cut into 4-token shingles and compared as multisets; per page the
true/false positive/negative counts are normalised so that every page weighs the same.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    words = tokens(text)
    if len(words) < n:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


@dataclass(frozen=True)
class PageScore:
    tp: float
    fp: float
    fn: float
    exact: bool


def score_page(predicted: str, expected: str) -> PageScore:
    pred, gold = shingles(predicted), shingles(expected)
    tp = sum((pred & gold).values())
    fp = sum((pred - gold).values())
    fn = sum((gold - pred).values())
    total = tp + fp + fn
    exact = tokens(predicted) == tokens(expected)
    if total == 0:
        return PageScore(1.0, 0.0, 0.0, exact)
    return PageScore(tp / total, fp / total, fn / total, exact)


@dataclass(frozen=True)
class Summary:
    precision: float
    recall: float
    f1: float
    accuracy: float
    n_pages: int


def summarise(scores: Iterable[PageScore]) -> Summary:
    scores = list(scores)

    def mean_ratio(other: str) -> float:
        ratios = []
        for s in scores:
            denominator = s.tp + getattr(s, other)
            if denominator > 0:
                ratios.append(s.tp / denominator)
            elif s.fp == 0 and s.fn == 0:
                ratios.append(1.0)
        return sum(ratios) / len(ratios) if ratios else 0.0

    precision, recall = mean_ratio("fp"), mean_ratio("fn")
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(s.exact for s in scores) / len(scores) if scores else 0.0
    return Summary(precision, recall, f1, accuracy, len(scores))
