"""docs/columns.md, generated: every table's columns (from schemas.py) and the quarantine's reasons.

    .venv/bin/python -m dagster_project schema > docs/columns.md

tests/test_docs.py fails when the committed file differs from what this prints.
"""

from __future__ import annotations

from dagster_project.extract.records import REASONS as EXTRACT_REASONS
from dagster_project.ingest.records import REASONS as INGEST_REASONS
from dagster_project.lake.schemas import markdown_reference

HEADER = """\
# Tables and columns

<!-- Generated from dagster_project/lake/schemas.py: do not edit by hand. Regenerate with
     .venv/bin/python -m dagster_project schema > docs/columns.md -->

Under the warehouse folder (default `data/warehouse/`), one folder per table; a partitioned
table has one sub-folder per partition (`batch=00001/`), readable as Hive partitions. Folders
whose names start with `_` (`_batches`, `_dagster`, ...) are the pipeline's own bookkeeping.
"""


def quarantine_reasons() -> str:
    rows = [f"| `{code}` | ingest | {text} |" for code, text in INGEST_REASONS.items()]
    rows += [f"| `{code}` | extract | {text} |" for code, text in EXTRACT_REASONS.items()]
    return "\n".join(
        [
            "## Quarantine reasons",
            "",
            "The `reason` column of `quarantine` (and `error` of `snapshots`) holds one of these codes.",
            "",
            "| reason | stage | meaning |",
            "|---|---|---|",
            *rows,
        ]
    )


def columns_document() -> str:
    tables = markdown_reference().replace("### `", "## `")
    return f"{HEADER}\n{tables}\n{quarantine_reasons()}\n"
