"""Events as the gold schema of GUIDELINES.md §3 (``--format eval``) and as full records."""

from __future__ import annotations

from typing import Any

from rokhdad.model import Article, Attribution, Event, Participant
from rokhdad.serialize import to_dict


def _entity(p: Participant) -> list[str]:
    names = [p.text, *p.aliases]
    if p.name_en:
        names.append(p.name_en)
    return list(dict.fromkeys(n for n in names if n))


def _attributions(items: tuple[Attribution, ...]) -> list[dict[str, Any]]:
    return [{"who": [_entity(p) for p in a.who], "by": [_entity(p) for p in a.by]} for a in items]


def event_to_eval(event: Event, article: Article) -> dict[str, Any]:
    """One event in the gold schema; evidence as offsets with the quoted text."""
    place = None
    if event.place is not None:
        p = event.place.place
        admin1 = [x for x in ((p.admin1_en, p.admin1_fa) if p else ()) if x]
        place = {"names": list(event.place.aliases) or [event.place.text],
                 "name_en": p.name_en if p else None, "admin1": admin1,
                 "country": p.country if p else None}
    return {
        "id": event.id, "type": event.type.value, "mode": event.mode,
        "date": event.date, "date_precision": event.date_precision.value,
        "place": place,
        "actors": [_entity(p) for p in event.actors],
        "targets": [_entity(p) for p in event.targets],
        "attributed_to": _attributions(event.attributed_to),
        "claimed_by": _attributions(event.claimed_by),
        "denied_by": _attributions(event.denied_by),
        "weapon": event.weapon, "weapon_count": event.weapon_count,
        "weapon_count_qualifier": event.weapon_count_qualifier.value if event.weapon_count_qualifier else None,
        "fatalities": event.fatalities, "injured": event.injured,
        "sources": [_entity(p) for p in event.sources],
        "modality": event.modality.value,
        "evidence": [{"start": s.start, "end": s.end, "text": article.text[s.start:s.end]} for s in event.evidence],
        "optional": event.optional,
        "confidence": event.confidence,
    }


def eval_line(article: Article, events: tuple[Event, ...]) -> dict[str, Any]:
    return {"doc_id": article.id, "published": article.published.isoformat() if article.published else None,
            "events": [event_to_eval(e, article) for e in events]}


def json_line(article: Article, events: tuple[Event, ...]) -> dict[str, Any]:
    """Full records: every span, provenance and confidence, plus quoted evidence."""
    rows = []
    for e in events:
        row = to_dict(e)
        row["evidence_text"] = [article.text[s.start:s.end] for s in e.evidence]
        rows.append(row)
    return {"article_id": article.id, "published": article.published.isoformat() if article.published else None,
            "events": rows}
