"""Imported once by the process pool's fork server: every worker forked from it starts with the
parsers imported. The language models are not loaded here: the fork server outlives the pool, and
would keep them in memory through the later stages. Each worker loads them on first use.

Lingua's parallel calls use a thread pool of their own; each worker keeps to one thread (the
pool's processes are the parallelism; more threads per process would only compete for the cores).
"""

import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")

from dagster_project.extract import language, stage  # noqa: F401
