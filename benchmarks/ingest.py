"""Dataset layer speed: ingest of ir-news articles into SQLite against extraction alone.

    python benchmarks/ingest.py [--limit 2000] [--db-url postgresql://…]

Same run, same articles: (1) extract only (``rokhdad.pipeline.process``), the baseline;
(2) ``rokhdad ingest`` as a library call into a fresh SQLite file: extract + store + merge;
(3) store + merge alone, replaying the events from (1). Reports articles/s, what storing
and merging add to extraction (target: at most 30%), the merge's own time, and the
database size per 1,000 articles. ``--db-url`` repeats (3) against another database.
(1) and (2) each take ~1 min and swing with machine load; (3) isolates the store's own
cost, and ``--repeat N`` keeps the best of N passes of (1) and (2).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from _common import load_articles, peak_rss_mb, row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--db-url", help="also time store + merge into this database (e.g. PostgreSQL)")
    parser.add_argument("--repeat", type=int, default=1, help="best of N passes of extract and ingest")
    args = parser.parse_args()
    logging.getLogger("rokhdad").addHandler(logging.NullHandler())  # failures are counted below

    from rokhdad.pipeline import process
    from rokhdad.reader import article_from_json
    from rokhdad.store.database import open_store
    from rokhdad.store.ingest import ingest

    articles = [article_from_json(obj, "ir-news-2020") for obj in load_articles(limit=args.limit)]
    n, chars = len(articles), sum(len(a.text) for a in articles)
    print(f"{n} ir-news-2020 articles, {chars:,} chars; one core")

    start = time.perf_counter()
    process(articles[0])
    print(f"extractor warm-up (rules, gazetteer): {time.perf_counter() - start:.2f} s")

    events = {}
    extract = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        for article in articles:
            try:
                events[article.id] = process(article)
            except Exception:  # noqa: BLE001 - the ingest records these as failures too
                events[article.id] = None
        extract = min(extract, time.perf_counter() - start)
    print(row("extract only (baseline)", extract, n, chars))

    def replay(article):
        found = events[article.id]
        if found is None:
            raise ValueError("extraction failed in the baseline pass")
        return found

    with tempfile.TemporaryDirectory() as folder:
        total = float("inf")
        for attempt in range(args.repeat):
            with open_store(str(Path(folder) / f"bench{attempt}.db")) as store:
                start = time.perf_counter()
                summary = ingest(store, articles, process=process)
                total = min(total, time.perf_counter() - start)
        print(row("ingest: extract + store + merge (SQLite)", total, n, chars))
        print(f"  {summary.mentions:,} mentions, {summary.incidents:,} incidents, {summary.failed} failed; "
              f"merge {summary.merge.seconds:.2f} s")
        print(f"  storing and merging add {100 * (total - extract) / extract:+.1f}% to extraction time (target ≤ 30%)")

        stored = Path(folder) / "stored.db"
        with open_store(str(stored)) as store:
            start = time.perf_counter()
            summary = ingest(store, articles, process=replay)
            alone = time.perf_counter() - start
            raw = store.engine.raw_connection()  # outside any transaction, as checkpoints must be
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            raw.close()
        print(row("store + merge alone (SQLite, events replayed)", alone, n, chars))
        print(f"  = {100 * alone / extract:.1f}% of extraction time; merge {summary.merge.seconds:.2f} s")
        size = sum(p.stat().st_size for p in Path(folder).glob("stored.db*"))
        print(f"database size: {size / 2**20:.1f} MiB for {n} articles = {size / n * 1000 / 2**20:.2f} MiB "
              f"per 1,000 articles ({chars / n * 1000 / 2**20 * 2:.2f} MiB of that is UTF-8 text, roughly)")

        with open_store(str(stored)) as store:
            start = time.perf_counter()
            again = ingest(store, articles, process=replay)
            print(f"re-ingest of the same {n} articles (all unchanged): {time.perf_counter() - start:.2f} s, "
                  f"{again.unchanged} skipped")

    if args.db_url:
        with open_store(args.db_url) as store:
            start = time.perf_counter()
            summary = ingest(store, articles, process=replay)
            print(row("store + merge alone (--db-url)", time.perf_counter() - start, n, chars))
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
