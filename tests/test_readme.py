"""Every command of the README, tried on a fresh clone of the repository as a newcomer would.

The clone is not installed again: the commands' `.venv/bin/...` are this environment's, and the
clone's own package is what they import (run from the clone's root, with it on PYTHONPATH). The
install steps are checked for what they need (the lock files, pinned with hashes); commands that
serve or run for long (`ui`, `reports`, Jupyter, the test suite, the notebooks) are started with
`--help`; the rest run for real, in the README's order: `run` builds the clone's warehouse, which
the Python example then reads.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

BIN = Path(sys.executable).parent
# Commands that serve until stopped or take minutes: only shown to start (`--help`).
LONG_RUNNING = {"ui", "reports", "--reports", "lab", "pytest"}


def readme_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced code block."""
    return re.findall(r"^```(\w*)\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def shell_commands(body: str) -> list[str]:
    """One string per command: continuation lines joined, comments and blank lines dropped."""
    joined = body.replace("\\\n", " ")
    return [line.split("  #")[0].strip() for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def check_install(tokens: list[str], clone: Path) -> None:
    """`pip install ...` is not run again: its lock file must exist and pin every package by hash."""
    if "-r" in tokens:
        lock = clone / tokens[tokens.index("-r") + 1]
        # One entry per package: `name==version [; marker] \` then its `--hash=sha256:...` lines.
        entries = re.split(r"\n(?=\S)", lock.read_text(encoding="utf-8").strip())
        packages = [e for e in entries if not e.startswith("#")]
        assert packages, lock
        for entry in packages:
            assert re.match(r"[\w.-]+==\S+", entry) and "--hash=sha256:" in entry, f"{lock}: {entry[:80]}"
    if "-e" in tokens:
        assert (clone / tokens[tokens.index("-e") + 1] / "pyproject.toml").is_file()


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """The committed repository, cloned: what a newcomer gets (uncommitted changes are not in it)."""
    target = tmp_path_factory.mktemp("clone") / "news-lake"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True)
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(REPO), str(target)], check=True)
    subprocess.run(["git", "checkout", "-q", head.stdout.strip()], cwd=target, check=True)
    return target


def test_every_readme_command_starts_on_a_fresh_clone(clone):
    text = (clone / "README.md").read_text(encoding="utf-8")
    blocks = readme_blocks(text)
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME" and not k.startswith("NEWS_")}
    env["PYTHONPATH"] = str(clone)
    tried: list[str] = []
    for language, body in blocks:
        if language == "python":
            done = subprocess.run(
                [sys.executable, "-c", body], cwd=clone, env=env, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, f"README Python example failed:\n{done.stderr[-3000:]}"
            tried.append("python example")
            continue
        if language != "sh":
            continue  # diagrams and the layout
        for command in shell_commands(body):
            for step in command.split(" && "):
                tokens = shlex.split(step)
                if tokens[:3] == ["python3", "-m", "venv"]:
                    continue  # this environment stands in for the new .venv
                assert tokens[0].startswith(".venv/bin/"), f"not run from .venv: {step}"
                name = tokens[0].removeprefix(".venv/bin/")
                if name == "pip":
                    check_install(tokens, clone)
                    continue
                for token in tokens[1:]:  # files and folders named must exist in the clone
                    if "/" in token and not token.startswith(("-", "http")):
                        assert (clone / token).exists(), f"{step}: {token} is not in the repository"
                argv = [sys.executable if name == "python" else str(BIN / name), *tokens[1:]]
                if LONG_RUNNING & set(tokens) and "--help" not in tokens:
                    argv.append("--help")
                done = subprocess.run(argv, cwd=clone, env=env, capture_output=True, text=True, timeout=900)
                assert done.returncode == 0, f"{step} failed:\n{done.stdout[-1500:]}\n{done.stderr[-3000:]}"
                tried.append(" ".join(argv[1:]))
    # The quick start's two commands ran (the pipeline for real), and the warehouse they build is there.
    assert sum(t == "-m dagster_project run" for t in tried) == 1, tried
    assert "-m pytest --help" in tried, tried
    assert "python example" in tried
    assert (clone / "data" / "warehouse" / "articles").is_dir()


def test_the_readme_is_short_and_has_two_set_up_commands():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 210
    setups = [c for lang, body in readme_blocks(text) if lang == "sh" for c in shell_commands(body) if "-m venv" in c]
    assert len(setups) == 2
    assert setups[0].endswith(".venv/bin/python -m dagster_project run")
    assert setups[1].endswith(".venv/bin/python -m pytest")
