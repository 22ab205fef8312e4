"""Shared helpers for the benchmark scripts: corpus loading, timing, memory."""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
IR_NEWS = SHARED / "data" / "ir-news-2020" / "articles.jsonl"


def load_articles(path: Path = IR_NEWS, limit: int = 2000) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
            if len(rows) >= limit:
                break
    return rows


def clock() -> float:
    """CPU seconds of this process: one core's work, robust to other load on the machine
    (wall time on a shared 2-core box swings by 3x); set BENCH_WALL=1 for wall time."""
    return time.perf_counter() if os.environ.get("BENCH_WALL") else time.process_time()


def timed(fn: Callable[[str], object], texts: Iterable[str], repeat: int = 1) -> float:
    """Best time (s, see ``clock``) of ``repeat`` passes of ``fn`` over ``texts``."""
    texts = list(texts)
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        for t in texts:
            fn(t)
        best = min(best, clock() - start)
    return best


def current_rss_mb() -> float:
    """Resident memory now (Linux /proc; 0 where it is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(name: str, seconds: float, n_articles: int, n_chars: int) -> str:
    return (f"{name:<44} {n_articles / seconds:>10.0f} articles/s {n_chars / seconds / 1e6:>8.2f} Mchars/s"
            f" {seconds * 1000 / n_articles:>8.2f} ms/article")
