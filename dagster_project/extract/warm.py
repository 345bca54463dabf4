"""Imported once by the process pool's fork server: every worker forked from it starts with the
parsers imported and the language and block models loaded, shared with the server rather than copied (the
server loads them while the orchestrator opens its storage, instead of each worker on its first
page). The runner stops the server once extraction is done, so the models do not stay in memory
through the entity stage (`parallel.stop_server`).

Lingua's parallel calls use a thread pool of their own; each worker keeps to one thread (the
pool's processes are the parallelism; more threads per process would only compete for the cores).
"""

import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")

from dagster_project.extract import language, stage  # noqa: F401
from dagster_project.extract.generic import block_model

language.warm()
block_model.shipped()  # the block classifier, read once and shared with the workers
