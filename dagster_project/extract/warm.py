"""Imported once by the process pool's fork server: every worker forked from it starts with the
parsers imported and the language models loaded (shared, not loaded again per worker).

Lingua's parallel calls use a thread pool; threads do not survive a fork, so the warm-up uses a
single-text call only, and each worker keeps to one thread (the pool's processes are the
parallelism; more threads per process would only compete for the same cores).
"""

import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")

from dagster_project.extract import language, stage  # noqa: F401

language.detect("Le Maroc présente son plan national à Quito, devant les délégations réunies.")
