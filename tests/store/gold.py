"""The cluster gold (``cluster_gold.json``): hand-coded events from ir-news-2020 articles,
each labelled with the incident it reports, and pairwise precision/recall of a clustering.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rokhdad.model import (
    Article, Attribution, EntityKind, Event, EventPlace, EventType, Modality, Participant, Place,
    Precision, Provenance, Qualifier, Span,
)
from rokhdad.reader import article_from_json

from fakes import event_id

GOLD = Path(__file__).with_name("cluster_gold.json")
SHARED = Path(__file__).resolve().parents[3] / "shared"


def load() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def articles(gold: dict) -> dict[str, Article]:
    """The gold's articles from ../shared (None when the shared data is not there)."""
    path = SHARED / "data" / "ir-news-2020" / "articles.jsonl"
    wanted = {m["article"] for m in gold["mentions"]}
    found = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            obj = json.loads(line)
            if obj["id"] in wanted:
                found[obj["id"]] = article_from_json(obj, str(path))
    return found


def _participant(gold: dict, key: str, text: str, evidence: Span) -> Participant:
    actor = gold["actors"][key]
    start = text.find(actor["text"], evidence.start, evidence.end)
    span = Span(start, start + len(actor["text"])) if start >= 0 else evidence
    kind = EntityKind(actor["kind"]) if actor.get("kind") else None
    return Participant(actor["text"], (span,), actor["name_en"], f"gold:{key}", kind, actor.get("inter"),
                       (actor["name_en"],), "gold")


def event(gold: dict, index: int, mention: dict, article: Article) -> Event:
    """The hand-coded event for one gold mention, with spans into the article text."""
    start = article.text.index(mention["evidence"])
    evidence = Span(start, start + len(mention["evidence"]))

    def people(name: str) -> tuple[Participant, ...]:
        return tuple(_participant(gold, k, article.text, evidence) for k in mention.get(name, ()))

    def attributed(name: str) -> tuple[Attribution, ...]:
        who = people(name)
        return (Attribution(who, people(name + "_by"), evidence, "gold"),) if who else ()

    place = None
    if mention.get("place"):
        p = gold["places"][mention["place"]]
        record = Place(p["entry_id"], p["name_fa"], p["name_en"], p["kind"], p["lat"], p["lon"], None,
                       p["admin1_en"], p["country"])
        precision = 3 if p["kind"] in ("country", "admin1") else 1
        place = EventPlace(p["name_fa"], (evidence,), record, precision, "gold")
    date = mention.get("date")
    precision = {10: Precision.DAY, 7: Precision.MONTH, 4: Precision.YEAR}.get(len(date or ""), Precision.UNKNOWN)
    rule = f"gold.{index}"
    return Event(
        id=event_id(article.id, rule, (evidence,)), article_id=article.id, type=EventType(mention["type"]),
        mode=mention.get("mode"), date=date, date_precision=precision, place=place,
        actors=people("actors"), targets=people("targets"), attributed_to=attributed("attributed"),
        claimed_by=attributed("claimed"), denied_by=(), weapon=mention.get("weapon"),
        weapon_count=mention.get("count"), weapon_count_qualifier=Qualifier.EXACT if mention.get("count") else None,
        fatalities=mention.get("fatalities"), injured=mention.get("injured"), sources=people("sources"),
        modality=Modality(mention.get("modality", "asserted")), evidence=(evidence,),
        optional=bool(mention.get("optional")), confidence=1.0, provenance=(Provenance("type", (evidence,), rule, 1.0),),
    )


@dataclass(frozen=True)
class GoldSet:
    articles: dict[str, Article]
    events: dict[str, tuple[Event, ...]]     # by article
    labels: dict[str, str]                   # event id -> gold incident


def build(gold: dict | None = None) -> GoldSet:
    gold = gold or load()
    found = articles(gold)
    events: dict[str, list[Event]] = defaultdict(list)
    labels = {}
    for index, mention in enumerate(gold["mentions"]):
        e = event(gold, index, mention, found[mention["article"]])
        events[mention["article"]].append(e)
        labels[e.id] = mention["incident"]
    return GoldSet(found, {k: tuple(v) for k, v in events.items()}, labels)


def pairwise(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, int, int, int]:
    """Pairwise precision and recall of a clustering over the items both know.

    Returns (precision, recall, true pairs, predicted pairs, gold pairs).
    """
    items = sorted(set(predicted) & set(gold))
    same_pred = {(a, b) for a, b in itertools.combinations(items, 2) if predicted[a] == predicted[b]}
    same_gold = {(a, b) for a, b in itertools.combinations(items, 2) if gold[a] == gold[b]}
    true = len(same_pred & same_gold)
    precision = true / len(same_pred) if same_pred else 1.0
    recall = true / len(same_gold) if same_gold else 1.0
    return precision, recall, true, len(same_pred), len(same_gold)
