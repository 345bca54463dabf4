"""Full runs of two versions of the pipeline, alternating, on one corpus: the peer of a speed claim.

    git archive <commit> | tar -x -C /tmp/old
    python bench/compare.py --other /tmp/old [--size 10000] [--rounds 2] [--workers 2] [--work-dir DIR]

Each run is `bench/pipeline.py`'s own measurement (one child process on a fresh warehouse: wall
time, seconds per Dagster step, peak PSS of the process tree), taken with each tree's own copy of
that script. The order alternates from round to round (this, other; other, this; ...), so that a
change in the machine's load falls on both. One JSON line per run, then the means.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def bench_module(tree: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, tree / "bench" / "pipeline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True, help="the other version's tree")
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/news-lake-compare"))
    args = parser.parse_args()
    trees = {"this": bench_module(REPO, "bench_this"), "other": bench_module(args.other.resolve(), "bench_other")}
    corpus = sorted(trees["this"].generate(args.work_dir, args.size).glob("synthetic_*"))
    walls: dict[str, list[float]] = {"this": [], "other": []}
    for i in range(args.rounds):
        for name in ("this", "other") if i % 2 == 0 else ("other", "this"):
            module = trees[name]
            run_dir = args.work_dir / name
            shutil.rmtree(run_dir, ignore_errors=True)
            raw = module.link(corpus, run_dir / "raw")
            load = os.getloadavg()[0]
            result = module.measure("full", raw, run_dir / "warehouse", args.workers)
            walls[name].append(result["wall"])
            line = {
                "round": i + 1,
                "version": name,
                "wall": round(result["wall"], 1),
                "steps": {k: round(v, 1) for k, v in result["steps"].items()},
                "peak_tree_mb": round(result["peak_tree_mb"]),
                "load": round(load, 1),
            }
            print(json.dumps(line), flush=True)
    this, other = statistics.mean(walls["this"]), statistics.mean(walls["other"])
    print(f"mean wall: this {this:.1f} s, other {other:.1f} s, this / other {this / other:.2f}")


if __name__ == "__main__":
    main()
