"""Text layer speed: normalise + ZWNJ repair + segmentation vs hazm, same run, same articles.

    python benchmarks/text.py [--limit 2000] [--repeat 3]

hazm is a benchmark-only dependency (`pip install hazm`; it pins an old numpy, so use a
separate venv: `python -m venv --system-site-packages .venv-bench && .venv-bench/bin/pip
install hazm`); without it the baseline rows are skipped with a note.
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import load_articles, peak_rss_mb, row, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    texts = [a["text"] for a in load_articles(limit=args.limit)]
    n, chars = len(texts), sum(map(len, texts))
    print(f"{n} ir-news-2020 articles, {chars:,} chars; best of {args.repeat} passes, one core")

    from rokhdad.text import zwnj
    from rokhdad.text.normalize import normalize
    from rokhdad.text.segment import segment

    start = time.perf_counter()
    zwnj.repair("می گوید", __import__("rokhdad.model", fromlist=["OffsetMap"]).OffsetMap.identity(7))
    print(f"ZWNJ lexicon load: {time.perf_counter() - start:.3f} s")

    print(row("rokhdad normalize (no ZWNJ repair)", timed(lambda t: normalize(t, repair_zwnj=False), texts, args.repeat), n, chars))
    print(row("rokhdad normalize + ZWNJ repair", timed(normalize, texts, args.repeat), n, chars))
    print(row("rokhdad normalize + ZWNJ + segment", timed(segment, texts, args.repeat), n, chars))

    try:
        from hazm import Normalizer, sent_tokenize, word_tokenize
    except ImportError:
        print("hazm not installed: baseline skipped (see this script's docstring)")
    else:
        normalizer = Normalizer()

        def hazm_all(text: str) -> None:
            for sentence in sent_tokenize(normalizer.normalize(text)):
                word_tokenize(sentence)

        print(row("hazm Normalizer", timed(normalizer.normalize, texts, args.repeat), n, chars))
        print(row("hazm Normalizer + sent_ + word_tokenize", timed(hazm_all, texts, args.repeat), n, chars))
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
