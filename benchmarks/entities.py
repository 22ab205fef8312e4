"""Entity layer speed and memory: table tagging + geocoding + NER over ir-news articles.

    python benchmarks/entities.py [--limit 2000]

Prints load times (gazetteer/automaton, NER model), articles/s for tagging alone and
with the NER model, and peak RSS; the text layer alone is the baseline in the same run.
Run with ROKHDAD_CACHE_DIR="" to measure a cold start (no matcher cache).
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import clock, load_articles, peak_rss_mb, row, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=2000)
    args = parser.parse_args()
    texts = [a["text"] for a in load_articles(limit=args.limit)]
    n, chars = len(texts), sum(map(len, texts))
    print(f"{n} ir-news-2020 articles, {chars:,} chars; one core")

    from rokhdad.text.normalize import normalize

    start = time.perf_counter()
    from rokhdad.entities.match import shipped_matcher

    shipped_matcher()
    print(f"gazetteer + automaton load: {time.perf_counter() - start:.2f} s")
    from rokhdad.entities import ner

    start = time.perf_counter()
    try:
        tagger = ner.load()
        print(f"NER model load: {time.perf_counter() - start:.2f} s")
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
        tagger = None
        print(f"NER model not available: {exc}")

    normalized = [normalize(t) for t in texts]
    print(row("text layer: normalise (baseline)", timed(normalize, texts), n, chars))

    from rokhdad.entities import entities_from, find_entities

    matcher = shipped_matcher()
    pairs = list(zip(texts, normalized))
    start = clock()
    for text, norm in pairs:
        entities_from(matcher, text, norm, ner=None)
    print(row("table tagging + geocoding (normalised input)", clock() - start, n, chars))
    start = clock()
    count = 0
    for text, norm in pairs:
        count += len(find_entities(text, normalized=norm))
    print(row("find_entities (tables + geocoding + NER)", clock() - start, n, chars)
          + f"  {count} entities")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
