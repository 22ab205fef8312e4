"""Check rokhdad's output for one golden case against its hand-made expected.json.

Shared by tests/golden/test_golden.py and scripts/golden.py (which prints the table
and rewrites each case's snapshot.json for review).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rokhdad.extract.output import event_to_eval
from rokhdad.model import Article
from rokhdad.pipeline import process

HERE = Path(__file__).resolve().parent
CHECKED = ("mode", "date", "fatalities", "injured", "weapon", "country")


def fold(name: str) -> str:
    """Compare names without spaces, ZWNJ, quotes or Arabic letter variants."""
    name = name.translate(str.maketrans("يكةۀأإ", "یکههاا"))
    return re.sub(r"[\s\u200c«»\"'()،,.\-]", "", name).casefold()


def cases() -> list[Path]:
    return sorted(p for p in HERE.iterdir() if (p / "expected.json").exists())


def load_article(case: Path) -> Article:
    data = json.loads((case / "article.json").read_text(encoding="utf-8"))
    text = data["text"] if not data.get("title") else f"{data['title']}\n{data['text']}"
    return Article(id=data["id"], text=text, published=dt.date.fromisoformat(data["published"]),
                   source=data.get("source"), title=data.get("title"))


@dataclass
class Result:
    case: str
    predicted: list[dict]
    problems: list[str] = field(default_factory=list)
    matched: int = 0
    expected: int = 0


def _overlaps(pred: dict, text: str, gold: dict) -> bool:
    spans = [(e["start"], e["end"]) for e in pred["evidence"]]
    for quote in gold.get("evidence_any", []):
        start = text.find(quote)
        if start >= 0 and any(s < start + len(quote) and start < e for s, e in spans):
            return True
    names = {fold(n) for n in (pred["place"] or {}).get("names", [])}
    return bool(names & {fold(n) for n in gold.get("place_any", [])})


def check(case: Path) -> Result:
    article = load_article(case)
    predicted = [event_to_eval(e, article) for e in process(article)]
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))["events"]
    result = Result(case.name, predicted, expected=sum(1 for g in expected if not g.get("optional")))
    used: set[int] = set()
    for gold in expected:
        match = next((i for i, p in enumerate(predicted) if i not in used and p["type"] == gold["type"]
                      and _overlaps(p, article.text, gold)), None)
        if match is None:
            if not gold.get("optional"):
                result.problems.append(f"missed {gold['type']} {gold.get('place_any', ['?'])[0]}")
            continue
        used.add(match)
        if gold.get("optional"):
            continue
        result.matched += 1
        pred = predicted[match]
        for key in CHECKED:
            want = gold.get(key)
            if want is None:
                continue
            got = (pred.get("place") or {}).get("country") if key == "country" else pred.get(key)
            if key == "weapon" and got and fold(want.split()[-1]) in fold(got):
                continue
            if got != want:
                result.problems.append(f"{gold['type']} {gold.get('place_any', ['?'])[0]}: {key} {got!r} != {want!r}")
    for i, p in enumerate(predicted):
        if i not in used:
            where = (p.get("place") or {}).get("names", ["?"])[0]
            result.problems.append(f"spurious {p['type']} at {where}: {p['evidence'][0]['text'][:60]}")
    return result


def known_failures() -> dict[str, str]:
    """case -> reason, from known_failures.txt (reviewed, dated; shrink it, never grow it blindly)."""
    path = HERE / "known_failures.txt"
    out = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, _, reason = line.partition(":")
                out[name.strip()] = reason.strip()
    return out
