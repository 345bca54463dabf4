"""Imported once by the process pool's fork server: every worker forked from it starts with the
parsers imported and the language models loaded, shared copy-on-write rather than loaded by each
worker. Whoever starts the server early stops it when the pools are done (see `parallel`), so the
models do not stay in memory through later stages.

Lingua's parallel calls use a thread pool of their own; each worker keeps to one thread (the
pool's processes are the parallelism; more threads per process would only compete for the cores).
"""

import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")

from dagster_project.extract import language, stage  # noqa: F401

language.load_models()
