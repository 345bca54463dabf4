from dagster_project.extract.scoring import score_page, shingles, summarise


def test_identical_texts_score_one():
    s = score_page("one two three four five", "one two three four five")
    assert (s.tp, s.fp, s.fn, s.exact) == (1.0, 0.0, 0.0, True)
    assert summarise([s]).f1 == 1.0


def test_short_text_is_one_shingle_and_surplus_counts_as_false_positive():
    assert shingles("a b") == {("a", "b"): 1}
    s = score_page("a b c d extra words here", "a b c d")
    assert s.tp > 0 and s.fp > 0 and s.fn == 0
    summary = summarise([s])
    assert summary.recall == 1.0 and summary.precision < 1.0 and summary.accuracy == 0.0
