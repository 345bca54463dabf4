"""The build: pyproject.toml declares the package; this file adds its compiled modules.

The three modules that run for every node, block and link of a page (the page walk, the block
features and the headline search) are compiled to C with mypyc from their own typed Python: the
same source, less time per page (docs/extraction.md, "Eleventh round"). With
NEWS_LAKE_PURE_PYTHON=1 the install skips the compiler and runs the modules as Python.
"""

import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

COMPILED = [
    "dagster_project/extract/generic/content.py",
    "dagster_project/extract/generic/block_features.py",
    "dagster_project/extract/generic/headlines.py",
]


class MypycBuildExt(build_ext):
    """Translates the modules to C when the extensions are built, not each time the installer
    asks for the package's metadata (mypy's analysis takes minutes)."""

    def finalize_options(self) -> None:
        from mypyc.build import mypycify

        # Only the compiled modules are analysed: what they import is typed `Any` (analysing
        # their imports, numpy and dagster among them, would take minutes).
        self.distribution.ext_modules = mypycify(["--follow-imports=skip", *COMPILED])
        super().finalize_options()


if os.environ.get("NEWS_LAKE_PURE_PYTHON") == "1":
    setup()
else:
    # The placeholder marks the package as compiled; `MypycBuildExt` puts mypyc's modules in its place.
    setup(ext_modules=[Extension("mypyc_modules", [])], cmdclass={"build_ext": MypycBuildExt})
