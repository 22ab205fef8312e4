"""Rebuild the bundled sample articles (src/rokhdad/data/samples/articles.jsonl).

    python scripts/build_samples.py [--shared ../shared]

The seed article plus a few dozen real articles from ../shared/data/ir-news-2020 chosen
by rule (never by hand-picking sentences): the reports of three incident clusters that
cross-article merging should join (the IRGC strike on Ain al-Asad, 2020-01-08; the Camp
Taji rocket attacks, March 2020; the US strikes of 2020-03-13), plus the first articles
of the conflict subset that mention an attack, for variety. Articles of the evaluation set
(../shared/eval/dev) are never included. Each row keeps its provenance.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "rokhdad" / "data" / "samples" / "articles.jsonl"
SEED_DATE = "2022-01-05"
CLUSTERS = (  # (label, first day, last day, words the title or text must contain, how many)
    ("ain-al-asad", "2020-01-08", "2020-01-09", ("عین الاسد", "عین\u200cالاسد"), 10),
    ("taji", "2020-03-11", "2020-03-15", ("تاجی",), 10),
    ("us-strikes-2020-03-13", "2020-03-13", "2020-03-14", ("حشد",), 8),
)
VARIETY = 19
MAX_CHARS = 4000  # samples stay readable and the package small


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    shared = args.shared
    excluded = {json.loads(line)["id"] for line in (shared / "eval/dev/articles.jsonl").open(encoding="utf-8")}
    news = [json.loads(line) for line in (shared / "data/ir-news-2020/articles.jsonl").open(encoding="utf-8")]
    subset = set((shared / "data/ir-news-2020/conflict_subset_ids.txt").read_text(encoding="utf-8").split())
    seed_text = (shared / "seed/000_5efb378a2e205048.txt").read_text(encoding="utf-8")

    rows = [{"id": "seed-000", "text": seed_text, "published": SEED_DATE, "source": None, "title": None,
             "url": None, "provenance": "shared/seed/000_5efb378a2e205048.txt (project seed article)"}]
    chosen: set[str] = set()

    def add(article: dict, why: str) -> None:
        chosen.add(article["id"])
        rows.append({"id": article["id"], "text": (f"{article['title']}\n" if article.get("title") else "")
                     + article["text"], "published": article["date"], "source": article["source"],
                     "title": article.get("title"), "url": article.get("url"),
                     "provenance": f"shared/data/ir-news-2020 ({why}); GPL-3.0 dataset of the outlets' "
                                   f"journalism, research use, see data/samples/README.md"})

    for label, first, last, words, count in CLUSTERS:
        taken = 0
        for a in news:
            if taken >= count:
                break
            if a["id"] in excluded or a["id"] in chosen or not (first <= a["date"] <= last):
                continue
            if len(a["text"]) > MAX_CHARS or not any(w in (a.get("title") or "") + a["text"] for w in words):
                continue
            add(a, f"cluster {label}")
            taken += 1
    taken = 0
    for a in news:
        if taken >= VARIETY:
            break
        if a["id"] in subset and a["id"] not in excluded and a["id"] not in chosen \
                and len(a["text"]) <= MAX_CHARS and "حمله" in (a.get("title") or ""):
            add(a, "conflict subset, variety")
            taken += 1
    with OUT.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} sample articles -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
