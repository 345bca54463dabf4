"""Token tags (`B-`/`I-` prefixed types, or `O`) decoded into spans: the one decoder that training
(scripts/train_ner.py) and scoring (bench/ner.py) share, so that both read a corpus the same way."""

from __future__ import annotations

from collections.abc import Iterable

Span = tuple[int, int, str]  # first token, end token (exclusive), type


def bio_spans(tags: Iterable[str]) -> list[Span]:
    """Spans of `B-X`/`I-X` tags. An `I-` after `O` or after another type opens a span, as in IOB1
    corpora (CoNLL-2003) and IO ones; a `B-` always does."""
    spans: list[Span] = []
    for i, tag in enumerate(tags):
        if tag == "O":
            continue
        prefix, kind = tag.split("-", 1)
        if prefix == "B" or not spans or spans[-1][1] != i or spans[-1][2] != kind:
            spans.append((i, i + 1, kind))
        else:
            spans[-1] = (spans[-1][0], i + 1, kind)
    return spans
