"""The lock files cover pyproject.toml: a dependency added there without `scripts/lock.sh` fails here."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO


def pinned(lock: str) -> dict[str, str]:
    text = (REPO / "requirements" / lock).read_text(encoding="utf-8")
    return {canonicalize_name(n): v for n, v in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.MULTILINE)}


def requirements(*extras: str) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *(r for e in extras for r in project["optional-dependencies"][e])]
    return [r for r in map(Requirement, wanted) if canonicalize_name(r.name) != canonicalize_name(project["name"])]


def test_every_dependency_is_locked_at_a_version_pyproject_allows():
    for lock, extras in (("main.txt", ("ui", "notebooks")), ("dev.txt", ("ui", "notebooks", "dask", "dev"))):
        versions = pinned(lock)
        for requirement in requirements(*extras):
            name = canonicalize_name(requirement.name)
            assert name in versions, f"{requirement} is not in requirements/{lock}: run scripts/lock.sh"
            assert requirement.specifier.contains(versions[name], prereleases=True), (lock, str(requirement))
