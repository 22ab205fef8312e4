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
        # GUIDELINES.md knows day, month, year and unknown: a week ("هفته گذشته") is not a day
        "date": None if event.date_precision.value == "week" else event.date,
        "date_precision": "unknown" if event.date_precision.value == "week" else event.date_precision.value,
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
        "acled": ({"disorder_type": event.classification.disorder_type,
                   "event_type": event.classification.event_type,
                   "sub_event_type": event.classification.sub_event_type,
                   "cameo_root": event.classification.cameo_root} if event.classification else None),
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


def _names(people) -> str:
    return ", ".join(p.text for p in people) or "-"


def text_lines(article: Article, events: tuple[Event, ...]) -> list[str]:
    """A readable summary for a terminal: one block per incident, evidence quoted."""
    lines = [f"{article.id}  ({article.published or 'no date'})  {len(events)} incident(s)"]
    for n, e in enumerate(events, 1):
        where = "-"
        if e.place is not None:
            p = e.place.place
            where = e.place.text + (f" [{p.admin1_en or '?'}, {p.country or '?'}; {p.lat:.3f},{p.lon:.3f}]"
                                    if p is not None and p.lat is not None else "")
        weapon = e.weapon or "-"
        if e.weapon_count is not None:
            qual = "" if e.weapon_count_qualifier is None or e.weapon_count_qualifier.value == "exact" \
                else f"{e.weapon_count_qualifier.value.replace('_', ' ')} "
            weapon = f"{qual}{e.weapon_count} x {weapon}"
        flags = " (optional: background)" if e.optional else ""
        lines.append(f"  [{n}] {e.type.value}/{e.mode}  {e.date or 'date unknown'} ({e.date_precision.value})"
                     f"  {where}{flags}")
        if e.classification is not None:
            c = e.classification
            lines.append(f"      ACLED {c.disorder_type} / {c.event_type} / {c.sub_event_type}; CAMEO {c.cameo_root}")
        lines.append(f"      weapon {weapon}; killed {_v(e.fatalities)}; injured {_v(e.injured)};"
                     f" modality {e.modality.value}; confidence {e.confidence}")
        lines.append(f"      actors {_names(e.actors)}; targets {_names(e.targets)}")
        if e.sources:
            lines.append(f"      according to {_names(e.sources)}")
        for label, items in (("blamed", e.attributed_to), ("claimed", e.claimed_by), ("denied", e.denied_by)):
            for a in items:
                by = f" (by {_names(a.by)})" if a.by else ""
                lines.append(f"      {label}: {_names(a.who)}{by}")
        for span in e.evidence:
            lines.append(f"      « {article.text[span.start:span.end]} »  [{span.start}:{span.end}]")
    return lines


def _v(value: int | None) -> str:
    return "?" if value is None else str(value)
