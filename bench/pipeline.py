"""The whole pipeline on real and generated corpora: snapshots/s per stage, peak memory, 1 vs 2 workers, a script.

    python bench/pipeline.py [--frontpages 1000] [--no-articles] [--script-workers 2] [--no-script]
                             [--sizes 1000 10000] [--extract-size 100000] [--workers 1 2]
                             [--work-dir /tmp/news-lake-bench] [--increment 0.01] [--partitions]

Real corpora first (`shared/eval` beside the checkout): `--frontpages N` captures of the 60 real
German front pages of `frontpages-dev` (each repeat dated a day later, with a comment of its own at
the end, so that every capture is a snapshot of its own), and the article pages of the extraction
suites (Dragnet, trafilatura's half, article-dev). Each is run through the full pipeline and through
`bench/script_peer.py` (trafilatura + lingua + spaCy, the plain script a researcher would write) for
each worker count, alternating which goes first; then the pipeline / script ratios, 2 vs 1 workers,
and for the article pages the distinct article bodies extracted against those in `articles`.

Generated corpora come from bench/generate.py (SYNTHETIC aggregator snapshots, seed 1, one week per 1,000
snapshots); generation is not timed. For each size N the corpus has N + 1% snapshots in capture
order: the first N are the initial folder, the rest "today's" files. Each measurement is one child
process running the pipeline through Dagster (`run_pipeline`, in-process executor) on a fresh
warehouse:

- full run with each worker count: wall time, seconds and snapshot files/s of each Dagster step
  (ingest, extract, articles, entities), the pages they held (files less broken ones and repeated
  payloads, quarantined as duplicates), peak memory of the process tree, overall and while each
  step ran;
- with the largest worker count, the 1% increment added afterwards: its wall time against the
  full run's (the named peer of that ratio), overall and per stage, then a run with nothing new
  (the fixed cost every run pays: interpreter, imports, Dagster's run bookkeeping), and the
  least a run costs in a process that stays up between runs (imports done, storage open): the
  catalogue job with nothing new, and a Dagster job of one asset that does nothing, each the
  median of 3 runs after a first one;
- `--extract-size`: the extraction stages alone (the `process_batch` job: ingest + extract) on a
  corpus that size, largest worker count, for memory flatness;
- `--partitions`: the other way to use two cores, for the largest size: the corpus as two
  batches whose `process_batch` runs go side by side, one process each, against one batch on a
  pool of two (the per-batch jobs only).

The machine's own two-core ceiling is measured first, in the same run: a pure-Python loop in one
process, then in two processes side by side (virtual cores that share a physical one, or a busy
host, give less than 2x; the pipeline cannot scale better than that).

Peak memory: the sum over the child's process tree of each process's proportional resident set
(PSS: pages shared between processes are split among them, so the sum is the tree's real
footprint), sampled every 0.2 s; per stage the tree's peak and the run's own process's; and each
process's own peak ("main" the run's process, "worker" every process it started). The machine's
load is printed with each figure: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
GENERATE = REPO / "bench" / "generate.py"
STEP_NAMES = {"ingest_batch": "ingest", "extract_batch": "extract", "articles": "articles"}


# ---------------------------------------------------------------- child side: one measured run


def child(mode: str, raw: Path, warehouse: Path, workers: int, key: str | None) -> None:
    """Runs in its own process; prints one JSON line: Dagster step timings of this child's runs.
    Dagster is imported by the pipeline itself, as in the command line (see defs/launch.py)."""
    from dagster_project.defs.launch import Execution, execute, open_instance, run_pipeline
    from dagster_project.settings import Settings

    settings = Settings(raw_dir=raw, warehouse_dir=warehouse)
    execution = Execution(executor="in_process", workers=workers)
    started = datetime.now(UTC)
    if mode == "full":
        outcome = run_pipeline(settings, log=lambda _: None, execution=execution)
        ok = outcome.success
    elif mode == "warm":
        print(json.dumps({"ok": True, "steps": {}, "warm": warm_runs(settings, execution)}))
        return
    else:  # one job: process_batch (of `key`, or of the single registered batch), or build_catalog
        from dagster_project.ingest.batches import list_batches, register_new_files

        if mode == "batch" and key is None:
            new, _ = register_new_files(raw, warehouse)
            key = new.key if new else list_batches(warehouse)[-1]
        with open_instance(settings) as instance:
            if key is not None and not instance.has_dynamic_partition("batches", key):
                instance.add_dynamic_partitions("batches", [key])
            job = "process_batch" if mode == "batch" else "build_catalog"
            ok = execute(settings, execution, instance, job, partition_key=key).success
    print(json.dumps({"ok": ok, "steps": step_seconds(settings, started)}))


def warm_runs(settings, execution, repeats: int = 3) -> dict[str, float]:
    """Seconds per run, median of `repeats` after a first one, in this process once it is warm."""
    import statistics

    import dagster as dg

    from dagster_project.defs.launch import execute, open_instance

    @dg.asset
    def nothing() -> None:
        return None

    one_asset = dg.Definitions(assets=[nothing], jobs=[dg.define_asset_job("one_asset", [nothing])])
    runs = {
        "catalogue job, nothing new": lambda instance: execute(settings, execution, instance, "build_catalog"),
        "one-asset job": lambda instance: one_asset.resolve_job_def("one_asset").execute_in_process(instance=instance),
    }
    out = {}
    with open_instance(settings) as instance:
        for name, run in runs.items():
            seconds = []
            for _ in range(repeats + 1):
                started = time.perf_counter()
                if not run(instance).success:
                    raise SystemExit(f"{name}: the run failed")
                seconds.append(time.perf_counter() - started)
            out[name] = statistics.median(seconds[1:])
    return out


def step_seconds(settings, started: datetime) -> dict[str, list[list[float]]]:
    """Each stage's (start, end) times (epoch seconds) in this child's runs."""
    import dagster as dg

    from dagster_project.defs.launch import open_instance

    out: dict[str, list[list[float]]] = {}
    with open_instance(settings) as instance:
        # Not the runs of an earlier measurement on the same warehouse.
        for run in instance.get_runs(filters=dg.RunsFilter(created_after=started)):
            starts = {}
            for entry in instance.all_logs(
                run.run_id, of_type={dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS}
            ):
                step = entry.dagster_event.step_key
                if entry.dagster_event.event_type == dg.DagsterEventType.STEP_START:
                    starts[step] = entry.timestamp
                elif step in starts:
                    name = STEP_NAMES.get(step, "entities" if "entit" in step else step)
                    out.setdefault(name, []).append([starts[step], entry.timestamp])
    return out


# ---------------------------------------------------------------- parent side: corpora, runs, report


def _spin(seconds: float) -> int:
    """Pure-Python work for `seconds` of wall time; returns the iterations done."""
    end, n, x = time.perf_counter() + seconds, 0, 0
    while time.perf_counter() < end:
        for i in range(10_000):
            x = (x * 31 + i) % 1_000_003
        n += 1
    return n


def machine_scaling(seconds: float = 2.0, rounds: int = 3) -> float:
    """Throughput of two processes of the same CPU-bound loop against one: the ceiling for 2 workers.
    Rounds alternate one and two processes; the best of each counts (the machine's other load moves both)."""
    from concurrent.futures import ProcessPoolExecutor

    one = two = 0
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [0.2, 0.2]))  # start both workers before timing
        for _ in range(rounds):
            one = max(one, pool.submit(_spin, seconds).result())
            two = max(two, sum(pool.map(_spin, [seconds, seconds])))
    return two / one


# A constant crawl cadence (1,000 snapshots a week, one every ~10 minutes) whatever the size: a
# bigger corpus is a longer crawl, not the same week sampled more densely (where most snapshots
# would repeat the previous payload and be set aside as duplicates).
DAYS_PER_1000 = 7.0


def generate(work: Path, n: int) -> Path:
    days = DAYS_PER_1000 * n / 1000
    corpus = work / f"corpus-{n}-{days:g}d"
    if not (corpus / ".synthetic-manifest.json").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        subprocess.run(
            [sys.executable, str(GENERATE), str(corpus), "--snapshots", str(n), "--seed", "1", "--days", f"{days:g}"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return corpus


def frontpages(work: Path, n: int) -> list[Path]:
    """`n` captures of the real front pages of `shared/eval/frontpages-dev`, the 60 files over and over:
    repeat r of a file is captured r days later (its name says so) and carries a comment of its
    own at the end, so every capture is a snapshot of its own (a repeated payload would be set
    aside as a duplicate), with the bytes and layout of a real page."""
    import gzip
    from datetime import timedelta

    from bench.suites import EVAL
    from dagster_project.ingest.capture_time import from_filename

    sources = sorted((EVAL / "frontpages-dev" / "pages").glob("*.html.gz"))
    corpus = work / f"frontpages-{n}"
    if len(list(corpus.glob("*.html.gz"))) != n:
        shutil.rmtree(corpus, ignore_errors=True)
        corpus.mkdir(parents=True)
        for k in range(n):
            source, r = sources[k % len(sources)], k // len(sources)
            stamp = re.search(r"\d{4}-\d\d-\d\dT\d{6}", source.name).group(0)
            when = from_filename(source.name) + timedelta(days=r)
            name = source.name.replace(stamp, when.strftime("%Y-%m-%dT%H%M%S"))
            html = gzip.decompress(source.read_bytes()) + f"\n<!-- capture {r} -->\n".encode()
            (corpus / name).write_bytes(gzip.compress(html, compresslevel=1))
    return sorted(corpus.glob("*.html.gz"))


def article_pages(work: Path) -> list[Path]:
    """The article pages of the extraction suites (Dragnet, trafilatura's eval half, article-dev: news
    and blog articles; CleanEval's general web pages left out), one UTF-8 `.html` file each."""
    from bench.suites import EVAL, load_article_dev, load_dragnet, load_trafilatura

    corpus = work / "article-pages"
    if not (corpus / ".done").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        corpus.mkdir(parents=True)
        suites = EVAL / "extraction-suites-dev"
        pages = [
            *load_dragnet(suites / "dragnet.tar.gz"),
            *load_trafilatura(suites / "trafilatura-eval.tar.gz"),
            *load_article_dev(EVAL / "article-extraction-dev"),
        ]
        for i, page in enumerate(pages):
            (corpus / f"{page.suite}-{i:05d}.html").write_text(page.html, encoding="utf-8")
        (corpus / ".done").touch()
    return sorted(corpus.glob("*.html"))


def link(files: list[Path], folder: Path) -> Path:
    """Hard links (same bytes, no copy; ingestion skips symlinks leaving the raw folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        target = folder / f.name
        if not target.exists():
            os.link(f, target)
    return folder


def measure(mode: str, raw: Path, warehouse: Path, workers: int, key: str | None = None) -> dict:
    """Run a child and sample its process tree's memory; returns its timings and peaks."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--raw",
        str(raw),
        "--warehouse",
        str(warehouse),
        "--child-workers",
        str(workers),
    ] + (["--key", key] if key else [])
    env = {**os.environ, "DAGSTER_HOME": str(warehouse / "_dagster"), "PYTHONPATH": str(REPO)}
    return _collect(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=_log(warehouse), env=env, text=True))


def _log(warehouse: Path):
    """Dagster's log of a child run goes to a file beside its warehouse, not to the report."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return open(warehouse.parent / f"{warehouse.name}.log", "a", encoding="utf-8")


def _proportional_rss(process: psutil.Process) -> int:
    """Resident memory with pages shared between processes split among them (PSS) where available."""
    try:
        return process.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return process.memory_info().rss


def _collect(*procs: subprocess.Popen) -> dict:
    """Wait for child processes, sampling the summed RSS of all their trees."""
    start, peak, largest = time.perf_counter(), 0, 0
    samples: list[tuple[float, int, int]] = []  # (epoch seconds, tree total, the main processes' part)
    handles = [psutil.Process(p.pid) for p in procs]
    own: dict[int, tuple[str, int]] = {}  # pid -> (main or worker, its largest PSS)
    while any(p.poll() is None for p in procs):
        total = mains = 0
        for h in handles:
            try:
                tree = [h, *h.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for q in tree:
                try:
                    rss = _proportional_rss(q)
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                total += rss
                largest = max(largest, rss)
                role = "main" if q.pid == h.pid else "worker"
                mains += rss if role == "main" else 0
                own[q.pid] = (role, max(rss, own.get(q.pid, (role, 0))[1]))
        peak = max(peak, total)
        samples.append((time.time(), total, mains))
        time.sleep(0.2)
    wall = time.perf_counter() - start
    results = [json.loads(p.stdout.read().strip().splitlines()[-1]) for p in procs]
    if not all(r["ok"] for r in results):
        raise SystemExit(f"a benchmark run failed: {results}")
    steps: dict[str, float] = {}
    stage_peak: dict[str, float] = {}
    stage_main: dict[str, float] = {}
    for r in results:
        for k, spans in r["steps"].items():
            seconds = sum(end - begin for begin, end in spans)
            steps[k] = max(steps.get(k, 0.0), seconds)  # side-by-side runs: the slower one bounds the stage
            inside = [(total, main) for t, total, main in samples if any(begin <= t <= end for begin, end in spans)]
            stage_peak[k] = max([stage_peak.get(k, 0.0), *(v / 2**20 for v, _ in inside)])
            stage_main[k] = max([stage_main.get(k, 0.0), *(v / 2**20 for _, v in inside)])
    return {
        "wall": wall,
        "warm": results[0].get("warm", {}),
        "steps": steps,
        "stage_peak_mb": stage_peak,
        "stage_main_mb": stage_main,
        "peak_tree_mb": peak / 2**20,
        "max_process_mb": largest / 2**20,
        # Each process's own peak (its PSS at the sample where it was largest), main processes first.
        "process_peaks_mb": sorted(
            ((r, v / 2**20) for r, v in own.values() if v > 20 * 2**20), key=lambda x: x[0] != "main"
        ),
        "load": os.getloadavg()[0],
    }


def pages_in(warehouse: Path) -> int:
    """Pages the runs extracted (snapshot files less unreadable ones and repeated payloads)."""
    from dagster_project.lake import store
    from dagster_project.lake.schemas import PAGES

    return store.scan(warehouse, PAGES).select("snapshot_id").collect().height


def report(label: str, n: int, m: dict, pages: int | None = None) -> None:
    stages = "  ".join(f"{k} {v:6.1f}s {n / v:7.0f}/s" for k, v in m["steps"].items() if v > 0)
    distinct = f" ({pages} pages)" if pages is not None else ""
    by_stage = ", ".join(
        f"{k} {v:.0f} (main {m['stage_main_mb'][k]:.0f})" for k, v in m["stage_peak_mb"].items() if v > 0
    )
    print(
        f"{label:<34} {n:>7} snapshots{distinct}  wall {m['wall']:7.1f}s ({n / m['wall']:6.0f}/s)  {stages}  "
        f"peak tree {m['peak_tree_mb']:6.0f} MB ({by_stage})  largest process {m['max_process_mb']:6.0f} MB "
        f"({', '.join(f'{r} {v:.0f}' for r, v in m['process_peaks_mb'])})  "
        f"load {m['load']:.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--extract-size", type=int, default=100000, help="0 to skip")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--increment", type=float, default=0.01)
    parser.add_argument("--partitions", action="store_true", help="also time two batches side by side")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/news-lake-bench"))
    parser.add_argument("--frontpages", type=int, default=1000, help="real front pages: captures (0 to skip)")
    parser.add_argument(
        "--articles", action=argparse.BooleanOptionalAction, default=True, help="real article pages of the suites"
    )
    parser.add_argument(
        "--script", action=argparse.BooleanOptionalAction, default=True, help="the script peer on the synthetic corpora"
    )
    parser.add_argument(
        "--script-workers", type=int, nargs="+", help="the script's worker counts (default: --workers; 0: no script)"
    )
    parser.add_argument("--child", choices=["full", "batch", "catalog", "warm"], help=argparse.SUPPRESS)
    parser.add_argument("--raw", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.raw, args.warehouse, args.child_workers, args.key)
        return

    work = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    most = max(args.workers)
    print(f"{psutil.cpu_count()} cores; logs in {work}", flush=True)
    if len(args.workers) > 1:
        print(f"machine ceiling: 2 processes of a pure-Python loop do {machine_scaling():.2f}x one", flush=True)
    if args.frontpages:
        files = frontpages(work, args.frontpages)
        versus_script(work, f"REAL front pages x{len(files)}", "front", files, args.workers, args.script_workers)
    if args.articles:
        files = article_pages(work)
        versus_script(
            work, f"REAL article pages ({len(files)})", "article", files, args.workers, args.script_workers, bodies=True
        )
    if args.sizes:
        print("SYNTHETIC corpora from bench/generate.py", flush=True)
    for n in args.sizes:
        extra = max(1, round(n * args.increment))
        files = sorted(generate(work, n + extra).glob("synthetic_*"))
        base, today = files[:n], files[n:]
        full: dict[int, dict] = {}
        for w in args.workers:
            run_dir = work / f"run-{n}-w{w}"
            shutil.rmtree(run_dir, ignore_errors=True)
            raw = link(base, run_dir / "raw")
            full[w] = measure("full", raw, run_dir / "warehouse", w)
            report(f"full run, {w} worker(s)", n, full[w], pages_in(run_dir / "warehouse"))
        if args.script:
            script = measure_script(link(base, work / f"run-{n}-w{most}" / "raw"), work / f"script-{n}.parquet", most)
            report(f"script, {most} worker(s)", n, script)
            print(f"{'':<34} pipeline / script speed, {most} worker(s): {script['wall'] / full[most]['wall']:.2f}x")
        if 1 in full and most > 1:
            print(
                f"{'':<34} {most} workers vs 1, end to end: {full[1]['wall'] / full[most]['wall']:.2f}x; "
                + ", ".join(f"{k} {full[1]['steps'][k] / v:.2f}x" for k, v in full[most]["steps"].items() if v),
                flush=True,
            )
        run_dir = work / f"run-{n}-w{most}"
        link(today, run_dir / "raw")
        inc = measure("full", run_dir / "raw", run_dir / "warehouse", most)
        report(f"+{len(today)} new ({args.increment:.0%}), {most} worker(s)", len(today), inc)
        print(f"{'':<34} increment / full run wall time: {inc['wall'] / full[most]['wall']:.1%}", flush=True)
        print(
            f"{'':<34} per stage, increment / full run: "
            + ", ".join(f"{k} {inc['steps'].get(k, 0.0) / v:.1%}" for k, v in full[most]["steps"].items() if v > 0),
            flush=True,
        )
        idle = measure("full", run_dir / "raw", run_dir / "warehouse", most)
        report("nothing new (fixed cost of a run)", 1, idle)
        print(
            f"{'':<34} increment beyond a run's fixed cost / full run: "
            f"{max(inc['wall'] - idle['wall'], 0.0) / full[most]['wall']:.1%}",
            flush=True,
        )
        warm = measure("warm", run_dir / "raw", run_dir / "warehouse", most)["warm"]
        print(
            f"{'a process that stays up, per run':<34} "
            + ", ".join(f"{k} {v:.2f}s ({v / full[most]['wall']:.1%} of the full run)" for k, v in warm.items()),
            flush=True,
        )
        if args.partitions and n == max(args.sizes):
            partitions(work, n, base, most)
    if args.extract_size:
        n = args.extract_size
        files = sorted(generate(work, n).glob("synthetic_*"))
        run_dir = work / f"extract-{n}-w{most}"
        shutil.rmtree(run_dir, ignore_errors=True)
        m = measure("batch", link(files, run_dir / "raw"), run_dir / "warehouse", most)
        report(f"ingest + extract only, {most} worker(s)", n, m, pages_in(run_dir / "warehouse"))
        shutil.rmtree(run_dir, ignore_errors=True)


def measure_script(raw: Path, out: Path, workers: int) -> dict:
    """bench/script_peer.py over `raw`, its process tree sampled as the pipeline's is."""
    cmd = [sys.executable, str(REPO / "bench" / "script_peer.py"), str(raw), str(out), "--workers", str(workers)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return _collect(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=_log(out), env=env, text=True))


def versus_script(
    work: Path,
    label: str,
    key: str,
    files: list[Path],
    workers: list[int],
    script_workers: list[int] | None = None,
    bodies: bool = False,
) -> None:
    """Full pipeline runs and script runs on the same files, for each worker count (the script's
    own, `script_workers`, a subset), alternating which goes first; then the speed-ups, and
    (`bodies`) the distinct article bodies kept."""
    print(label, flush=True)
    script_workers = workers if script_workers is None else script_workers
    runs: dict[tuple[str, int], dict] = {}
    for i, w in enumerate(sorted(workers, reverse=True)):
        both = ("pipeline", "script") if i % 2 == 0 else ("script", "pipeline")
        for who in (x for x in both if x == "pipeline" or w in script_workers):
            run_dir = work / f"{key}-{who}-w{w}"
            shutil.rmtree(run_dir, ignore_errors=True)
            raw = link(files, run_dir / "raw")
            if who == "pipeline":
                runs[who, w] = measure("full", raw, run_dir / "warehouse", w)
                report(f"pipeline, {w} worker(s)", len(files), runs[who, w], pages_in(run_dir / "warehouse"))
            else:
                runs[who, w] = measure_script(raw, run_dir / "script.parquet", w)
                report(f"script, {w} worker(s)", len(files), runs[who, w])
    for w in workers:
        if ("script", w) in runs:
            ratio = runs["script", w]["wall"] / runs["pipeline", w]["wall"]
            print(f"{'':<34} pipeline / script speed, {w} worker(s): {ratio:.2f}x", flush=True)
    if len(workers) > 1:
        low, high = min(workers), max(workers)
        for who in ("pipeline", "script"):
            if (who, low) not in runs or (who, high) not in runs:
                continue
            speedup = runs[who, low]["wall"] / runs[who, high]["wall"]
            steps = ", ".join(
                f"{k} {runs[who, low]['steps'][k] / v:.2f}x" for k, v in runs[who, high]["steps"].items() if v
            )
            print(f"{'':<34} {who}: {high} workers vs {low}: {speedup:.2f}x" + (f" ({steps})" if steps else ""))
    if bodies:
        extracted, kept, lost = distinct_bodies(work / f"{key}-pipeline-w{max(workers)}" / "warehouse")
        print(
            f"{'':<34} distinct article bodies: {extracted} extracted (article_sightings), {kept} in articles, "
            f"{lost} never reach articles",
            flush=True,
        )


def distinct_bodies(warehouse: Path) -> tuple[int, int, int]:
    """Distinct bodies among the sightings, among the articles, and sightings' bodies no article has."""
    from dagster_project.lake import store
    from dagster_project.lake.schemas import ARTICLE_SIGHTINGS, ARTICLES

    seen = store.scan(warehouse, ARTICLE_SIGHTINGS).select("body").unique()
    kept = store.scan(warehouse, ARTICLES).select("body").unique()
    lost = seen.join(kept, on="body", how="anti").collect().height
    return seen.collect().height, kept.collect().height, lost


def partitions(work: Path, n: int, files: list[Path], workers: int) -> None:
    """Two batches side by side, one process each, against one batch over a pool of `workers`."""
    from dagster_project.ingest.batches import register_new_files

    for label, halves in (
        ("one batch, pool", [files]),
        ("two batches side by side", [files[: n // 2], files[n // 2 :]]),
    ):
        run_dir = work / f"partitions-{n}-{len(halves)}"
        shutil.rmtree(run_dir, ignore_errors=True)
        keys = []
        for half in halves:
            new, _ = register_new_files(link(half, run_dir / "raw"), run_dir / "warehouse")
            keys.append(new.key)
        pool = workers if len(halves) == 1 else 1
        procs = []
        for key in keys:
            cmd = [
                sys.executable,
                __file__,
                "--child",
                "batch",
                "--raw",
                str(run_dir / "raw"),
                "--warehouse",
                str(run_dir / "warehouse"),
                "--child-workers",
                str(pool),
                "--key",
                key,
            ]
            env = {
                **os.environ,
                "DAGSTER_HOME": str(run_dir / "warehouse" / f"_dagster-{key}"),
                "PYTHONPATH": str(REPO),
            }
            procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=_log(run_dir / key), env=env, text=True))
        report(f"ingest + extract, {label}", n, _collect(*procs))


if __name__ == "__main__":
    main()
