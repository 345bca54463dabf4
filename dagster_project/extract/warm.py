"""The start of an extraction worker (`parallel.ordered_map`'s initializer): the language models
and the block classifier are loaded once per worker, before its first page.

Lingua's parallel calls use a thread pool of their own; each worker keeps to one thread (the
pool's processes are the parallelism; more threads per process would only compete for the cores).
"""

import gc
import os


def start_worker() -> None:
    os.environ.setdefault("RAYON_NUM_THREADS", "1")  # read when lingua first starts its threads
    from dagster_project.extract import language
    from dagster_project.extract.generic import block_model

    language.warm()
    block_model.shipped()
    # What is loaded now lives as long as the worker: out of the garbage collector's way (documented
    # use of gc.freeze, in the worker's own main thread), so collections walk only each chunk's objects.
    gc.freeze()
    # A page's extraction holds thousands of objects at a time and frees nearly all by reference
    # counting: at the default threshold (700) a young collection ran about once a page, walked them
    # all (0.2 ms) and found about four objects of garbage; at 10,000, once in a hundred pages.
    gc.set_threshold(10_000)
