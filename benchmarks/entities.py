"""Entity layer speed and memory: table tagging + geocoding + NER over ir-news articles.

    python benchmarks/entities.py [--limit 2000]

Prints load times (gazetteer/automaton, NER model), articles/s for tagging alone and
with the NER model, RSS, and peak RSS; baselines in the same run: the text layer alone, and
find_entities with the NER model decoded by crfsuite instead of the compiled decoder.
Articles are tagged one at a time; peak RSS includes the 2,000 raw texts (~16 MB) and the
crfsuite baseline's feature cache.
Run with ROKHDAD_CACHE_DIR="" to measure a cold start (no matcher cache).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _common import clock, current_rss_mb, load_articles, peak_rss_mb, row, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--model", metavar="DIR", help="an NER model directory built by "
                        "scripts/train_ner.py --out DIR, instead of the shipped one")
    args = parser.parse_args()
    texts = [a["text"] for a in load_articles(limit=args.limit)]
    n, chars = len(texts), sum(map(len, texts))
    print(f"{n} ir-news-2020 articles, {chars:,} chars; one core")

    from rokhdad.text.normalize import normalize

    start = time.perf_counter()
    from rokhdad.entities.match import shipped_matcher

    shipped_matcher()
    print(f"gazetteer + automaton load: {time.perf_counter() - start:.2f} s")
    from rokhdad.entities import _ner_tagger, entities_from, find_entities

    start = time.perf_counter()
    if args.model:  # find_entities takes the shipped model from ner._default
        from rokhdad.entities import ner

        ner._default = ner.load(Path(args.model))
    tagger = _ner_tagger()  # the shipped model, as find_entities loads it
    if tagger is None:
        print("NER model not available (see the log)")
    else:
        fast = "compiled decoder" if tagger.fast is not None else "crfsuite decoder"
        print(f"NER model load: {time.perf_counter() - start:.2f} s ({fast})")
    print(row("text layer: normalise (baseline)", timed(normalize, texts), n, chars))
    print(f"RSS before tagging: {current_rss_mb():.0f} MB")

    matcher = shipped_matcher()

    def per_article(tag) -> tuple[float, int]:
        """CPU seconds of tagging each article alone, as the pipeline does (normalising is
        outside the clock and one article's normalised text is held at a time), and the
        number of entities found."""
        seconds, count = 0.0, 0
        for text in texts:
            norm = normalize(text)
            start = clock()
            count += len(tag(text, norm))
            seconds += clock() - start
        return seconds, count

    seconds, _ = per_article(lambda text, norm: entities_from(matcher, text, norm, ner=None))
    print(row("table tagging + geocoding (normalised input)", seconds, n, chars))
    seconds, count = per_article(lambda text, norm: find_entities(text, normalized=norm))
    print(row("find_entities (tables + geocoding + NER)", seconds, n, chars)
          + f"  {count} entities")
    print(f"RSS after find_entities: {current_rss_mb():.0f} MB")
    if tagger is not None and tagger.fast is not None:
        from rokhdad.entities import ner

        slow = ner.NerTagger(tagger.model_path, tagger.featurizer, fast=False)
        seconds, _ = per_article(lambda text, norm: entities_from(matcher, text, norm, ner=slow))
        print(row("  same, crfsuite decoder (baseline)", seconds, n, chars))
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
