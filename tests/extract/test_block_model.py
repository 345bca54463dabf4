"""The shipped block classifier: it matches the features, and it survives the pool's forks."""

from __future__ import annotations

import multiprocessing

from dagster_project.extract import extract
from dagster_project.extract.generic import block_features, block_model

PROSE = "Le conseil municipal a voté, après un long débat, le budget de la ville pour l'année prochaine. "
PAGE = f"<html><body><ul><li><a href='/a'>Accueil</a></li></ul><p>{PROSE * 3}</p><p>{PROSE * 2}</p></body></html>"


def test_the_model_reads_the_features_the_code_computes():
    booster = block_model.shipped()
    assert booster.num_feature() == len(block_features.NAMES)
    assert booster.feature_name() == list(block_features.NAMES)


def _extract_in_child(queue) -> None:
    queue.put(extract(PAGE).article.paragraphs)


def test_a_process_forked_after_the_model_was_loaded_still_extracts():
    # GNU OpenMP hangs in a forked child that enters a many-thread region its parent used.
    expected = extract(PAGE).article.paragraphs
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_extract_in_child, args=(queue,))
    child.start()
    child.join(timeout=120)
    if child.is_alive():
        child.kill()
    assert child.exitcode == 0
    assert queue.get(timeout=5) == expected
