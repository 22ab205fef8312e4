"""Batch runners at scale: ir-news articles through ``rokhdad batch`` on each engine.

    python benchmarks/scale.py [--limit 2000] [--no-spark] [--skip-one] [--conflict]

Same run, same articles (a JSONL file of the first N ir-news-2020 articles):
(1) the local runner in this process (1 worker), the baseline; (2) the local runner with
2 worker processes: articles/s and the scaling ratio against (1); (3) Spark ``local[2]``
(needs ``pip install '.[spark]'`` and Java 17+): the start-up (session, then a first
run of 8 articles that starts the Python workers) and the fixed cost of each further run
(8 articles on the warm session) measured apart from the full run, so the rate of an
archive is the marginal one. Each run writes all four tables and merges incidents; the
merge time is shown apart. Memory: peak RSS of a local worker started fresh (spawn: a
forked worker shares its parent's pages, so its RSS says little), of each Spark Python
worker (VmHWM), and of the Spark JVM. Times are wall-clock (parallel speed-up is a
wall-clock figure) beside the CPU seconds the local runs used, and the load average is
printed because the machine may be shared: on a busy machine the speed-up shows the free
cores, the CPU time per article does not move.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from _common import IR_NEWS, load_articles

TINY = 8  # articles in the run that measures Spark's fixed cost per batch


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} (1/5 min, 2 cores)"


def children_peak_mb() -> float:
    """Largest peak RSS of any finished child process (the local runner's workers)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the local runner's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def process_peaks(marker: str) -> list[tuple[int, float]]:
    """(pid, peak RSS MB) of live processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if marker not in command:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    found.append((int(entry.name), int(line.split()[1]) / 1024))
        except OSError:
            continue
    return found


def report(name: str, summary, n: int, seconds: float, baseline: float | None = None,
           cpu: float | None = None) -> None:
    rate = n / seconds
    extra = f"  x{baseline / seconds:.2f} vs 1 worker" if baseline else ""
    if cpu is not None:
        extra += f"; CPU {cpu:.1f} s = {cpu * 1000 / n:.1f} ms/article"
    print(f"{name:<34} {rate:>8.1f} articles/s  ({seconds:6.1f} s for {n}; extract {summary.extract_seconds:5.1f} s, "
          f"merge {summary.merge_seconds:4.1f} s; {summary.mentions} mentions, {summary.incidents} incidents, "
          f"{summary.failures} failures){extra}   [{load()}]")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark runs")
    parser.add_argument("--skip-one", action="store_true", help="skip the 1-worker baseline (slow)")
    parser.add_argument("--conflict", action="store_true",
                        help="only the conflict subset (392 articles, longer and denser in incidents)")
    args = parser.parse_args()
    logging.getLogger("rokhdad").addHandler(logging.NullHandler())

    from rokhdad.batch.job import run_batch

    if args.conflict:
        wanted = set((IR_NEWS.parent / "conflict_subset_ids.txt").read_text().split())
        rows = [r for r in load_articles(limit=10**9) if r["id"] in wanted][: args.limit]
    else:
        rows = load_articles(limit=args.limit)
    n = len(rows)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "articles.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        tiny = work / "tiny.jsonl"
        tiny.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[:TINY]), encoding="utf-8")
        chars = sum(len(r["text"]) for r in rows)
        print(f"{n} ir-news-2020 articles{' (conflict subset)' if args.conflict else ''}, {chars:,} chars; "
              f"{os.cpu_count()} cores; wall-clock times; {load()}")

        # first, while no other child has run: the memory of a worker that loads everything itself
        from rokhdad.batch.runner import LocalRunner
        from rokhdad.reader import article_from_json

        sample = [article_from_json(r, "ir-news") for r in rows[:200]]
        for _ in LocalRunner(2, start_method="spawn").run(sample):
            pass
        print(f"peak RSS of a local worker process started fresh (spawn), after 100 articles: "
              f"{children_peak_mb():.0f} MB")

        baseline = None
        if not args.skip_one:
            cpu, started = cpu_seconds(), time.perf_counter()
            one = run_batch(str(source), str(work / "one"), "local", workers=1)
            baseline = time.perf_counter() - started
            report("local, 1 worker (in-process)", one, n, baseline, cpu=cpu_seconds() - cpu)
            print(f"  peak RSS of this process (extractor + reading + writing + merge): "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

        cpu, started = cpu_seconds(), time.perf_counter()
        two = run_batch(str(source), str(work / "two"), "local", workers=2)
        seconds = time.perf_counter() - started
        report("local, 2 worker processes", two, n, seconds, baseline, cpu=cpu_seconds() - cpu)
        if baseline:
            same = (one.mentions, one.incidents) == (two.mentions, two.incidents)
            print(f"  same mentions and incidents as 1 worker: {same}")
        sizes = {table.name: sum(f.stat().st_size for f in table.rglob("*.parquet"))
                 for table in sorted((work / "two").iterdir())}
        print("  output (Parquet, zstd): " + ", ".join(f"{name} {size / 1024:,.0f} KiB" for name, size in sizes.items())
              + f" = {sum(sizes.values()) / n * 1000 / 2**20:.2f} MiB per 1,000 articles")

        if args.no_spark:
            return
        try:
            from rokhdad.batch.spark import SparkRunner
            from pyspark.sql import SparkSession
        except Exception as error:  # noqa: BLE001 - the extra is optional
            print(f"Spark skipped: {error}")
            return
        started = time.perf_counter()
        spark = (SparkSession.builder.master("local[2]").appName("rokhdad scale")
                 .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                 .config("spark.sql.shuffle.partitions", "8").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        session = time.perf_counter() - started
        runner = SparkRunner(spark=spark)
        started = time.perf_counter()
        runner.run_batch(str(tiny), str(work / "spark-first"))
        first = time.perf_counter() - started
        started = time.perf_counter()
        runner.run_batch(str(tiny), str(work / "spark-tiny"))
        fixed = time.perf_counter() - started
        print(f"Spark local[2] start-up: session {session:.1f} s; first run of {TINY} articles {first:.1f} s "
              f"(Python workers start and load the extractor, the JVM warms up); every further run "
              f"costs {fixed:.1f} s fixed (a run of {TINY} articles on the warm session)")
        started = time.perf_counter()
        full = runner.run_batch(str(source), str(work / "spark"))
        seconds = time.perf_counter() - started
        report("Spark local[2], whole run", full, n, seconds, baseline)
        marginal = (n - TINY) / max(seconds - fixed, 1e-9)
        print(f"  marginal rate (run minus the fixed cost of a run): {marginal:.1f} articles/s")
        same = (full.mentions, full.incidents) == (two.mentions, two.incidents)
        print(f"  same mentions and incidents as the local runner: {same}")
        workers = process_peaks("pyspark.daemon")
        jvm = process_peaks("org.apache.spark.deploy.SparkSubmit")
        if workers:
            print(f"  peak RSS per Python worker: {', '.join(f'{mb:.0f}' for _, mb in sorted(workers))} MB "
                  "(the first is the daemon that forks them)")
        if jvm:
            print(f"  peak RSS of the Spark JVM (driver + executor in local mode): {jvm[0][1]:.0f} MB")
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
