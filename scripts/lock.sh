#!/usr/bin/env bash
# Regenerate the lock files from pyproject.toml (run it after changing a dependency, then commit):
#   requirements/main.txt  the quick start: the package's dependencies with the `ui` and `notebooks` extras
#   requirements/dev.txt   the tests and CI: every extra (`ui`, `notebooks`, `dask`, `dev`)
# Both pin every package with its hashes, for Python 3.11 on any platform (uv's universal resolution).
# Install from them with:  pip install --require-hashes -r requirements/<file> && pip install --no-deps -e .
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION="0.13.9"
uv=$(command -v uv || true)
if [[ -z "$uv" ]]; then  # a throwaway environment holds uv, so nothing is added to .venv
    tools=$(mktemp -d)
    trap 'rm -rf "$tools"' EXIT
    python3 -m venv "$tools" && "$tools/bin/pip" install -q "uv==$UV_VERSION"
    uv="$tools/bin/uv"
fi

compile() {
    local out=$1; shift
    "$uv" pip compile pyproject.toml "$@" --universal --python-version 3.11 --generate-hashes \
        --no-header --quiet -o "$out"
    echo "wrote $out"
}
compile requirements/main.txt --extra ui --extra notebooks
compile requirements/dev.txt --all-extras
