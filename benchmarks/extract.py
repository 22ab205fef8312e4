"""Whole-pipeline speed: articles/s on one core for rokhdad.process over ir-news articles.

    python benchmarks/extract.py [--limit 2000]

Baselines in the same run: rokhdad's text layer alone (normalise + ZWNJ + segment) and,
when installed, hazm's Normalizer + sent_tokenize + word_tokenize (see benchmarks/text.py
for installing hazm beside rokhdad).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from _common import clock, load_articles, peak_rss_mb, row, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=2000)
    args = parser.parse_args()

    rows = load_articles(limit=args.limit)
    texts = [r["text"] for r in rows]
    n, chars = len(texts), sum(map(len, texts))
    print(f"{n} ir-news-2020 articles, {chars:,} chars; one pass each, one core")

    from rokhdad.model import Article

    start = time.perf_counter()
    from rokhdad.entities import find_entities
    from rokhdad.extract.rules import load_rules
    from rokhdad.pipeline import process

    find_entities("بغداد")
    load_rules()
    print(f"load (rules, gazetteers, models): {time.perf_counter() - start:.2f} s")

    from rokhdad.text.segment import segment

    print(row("text layer (normalise + ZWNJ + segment)", timed(segment, texts), n, chars))
    articles = [Article(r["id"], r["text"], dt.date.fromisoformat(r["date"]), r.get("source")) for r in rows]
    events = 0
    start = clock()
    for a in articles:
        events += len(process(a))
    seconds = clock() - start
    print(row("rokhdad.process (whole pipeline)", seconds, n, chars) + f"  {events} events")
    try:
        from hazm import Normalizer, sent_tokenize, word_tokenize
    except ImportError:
        print("hazm not installed: baseline skipped")
    else:
        normalizer = Normalizer()

        def hazm_all(text: str) -> None:
            for sentence in sent_tokenize(normalizer.normalize(text)):
                word_tokenize(sentence)

        print(row("hazm Normalizer + sent_ + word_tokenize", timed(hazm_all, texts), n, chars))
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
