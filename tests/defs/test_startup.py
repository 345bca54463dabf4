"""What loading the definitions costs: spaCy is imported only when a pipeline loads."""

from __future__ import annotations

import subprocess
import sys


def test_loading_the_definitions_does_not_import_spacy():
    code = "import sys, dagster_project.definitions; print(sorted(m for m in sys.modules if m.startswith('spacy')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
