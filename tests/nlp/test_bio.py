"""The tag decoder shared by training (scripts/train_ner.py) and scoring (bench/ner.py)."""

from dagster_project.nlp.bio import bio_spans


def test_iob2_tags_give_one_span_per_begin() -> None:
    tags = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"]
    assert bio_spans(tags) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 6, "LOC")]


def test_iob1_and_io_tags_open_a_span_on_inside_after_outside_or_another_type() -> None:
    # CoNLL-2003 writes I- for a name's first token; B- only between two names of one type.
    tags = ["I-ORG", "I-ORG", "I-PER", "O", "I-LOC", "B-LOC"]
    assert bio_spans(tags) == [(0, 2, "ORG"), (2, 3, "PER"), (4, 5, "LOC"), (5, 6, "LOC")]


def test_no_names() -> None:
    assert bio_spans(["O", "O"]) == []
    assert bio_spans([]) == []
