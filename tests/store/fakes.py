"""Small fake extractors for the store tests: hand-made ``Event`` records, no pipeline.

An article's text carries its events as lines of ``key=value`` words after ``@``:

    گزارش خبری. @ type=ASSAULT date=2020-03-11 place=taji actor=kh target=us fatalities=3

Each such line becomes one event whose evidence is the line itself, so spans are real
offsets into the text. ``process_slow`` sleeps a little per article (SIGKILL tests run it
through ``rokhdad ingest --processor fakes:process_slow``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import time

from rokhdad.errors import ArticleError
from rokhdad.model import (
    Article, Attribution, EntityKind, Event, EventPlace, EventType, Modality, Participant, Place,
    Precision, Provenance, Qualifier, Span,
)

PLACES = {
    # id: (name_fa, name_en, kind, lat, lon, admin1_en, country)
    "ain": ("عین الاسد", "Ain al-Asad Air Base", "military_base", 33.8000, 42.4412, "Al Anbar", "IRQ"),
    "erbil": ("فرودگاه اربیل", "Erbil air base", "military_base", 36.2376, 43.9632, "Erbil", "IRQ"),
    "taji": ("التاجی", "Camp Taji", "military_base", 33.5286, 44.2447, "Baghdad", "IRQ"),
    "taji-town": ("تاجی", "Taji", "populated_place", 33.5500, 44.2700, "Baghdad", "IRQ"),
    "baghdad": ("بغداد", "Baghdad", "populated_place", 33.3406, 44.4009, "Baghdad", "IRQ"),
    "bagairport": ("فرودگاه بغداد", "Baghdad International Airport", "airport", 33.2625, 44.2346, "Baghdad", "IRQ"),
    "karbala-airport": ("فرودگاه کربلا", "Karbala airport", "airport", 32.5000, 44.1700, "Karbala", "IRQ"),
    "jurf": ("جرف الصخر", "Jurf al-Sakhar", "populated_place", 32.8896, 44.1213, "Babylon", "IRQ"),
    "babil": ("استان بابل", "Babylon", "admin1", 32.4700, 44.4200, "Babylon", "IRQ"),
    "bukamal": ("البوکمال", "Abu Kamal", "populated_place", 34.4537, 40.9180, "Deir ez-Zor", "SYR"),
    "deirezzor": ("دیرالزور", "Deir ez-Zor", "admin1", 35.3359, 40.1408, "Deir ez-Zor", "SYR"),
    "iraq": ("عراق", "Iraq", "country", 33.0, 44.0, None, "IRQ"),
    "syria": ("سوریه", "Syria", "country", 35.0, 38.0, None, "SYR"),
    "tehran": ("تهران", "Tehran", "populated_place", 35.6944, 51.4215, "Tehran", "IRN"),
}

ACTORS = {
    # id: (text, name_en, kind, inter)
    "us": ("نیروهای آمریکایی", "United States forces", EntityKind.STATE_FORCE, 8),
    "uk": ("نیروهای انگلیسی", "British forces", EntityKind.STATE_FORCE, 8),
    "coalition": ("ائتلاف بین\u200cالمللی", "International coalition", EntityKind.COALITION, 8),
    "irgc": ("سپاه پاسداران", "Islamic Revolutionary Guard Corps", EntityKind.STATE_FORCE, 1),
    "iran": ("ایران", "Iran", EntityKind.GOVERNMENT, 1),
    "kh": ("کتائب حزب\u200cالله", "Kataib Hezbollah", EntityKind.ARMED_GROUP, 3),
    "pmf": ("حشد شعبی", "Popular Mobilization Forces", EntityKind.ARMED_GROUP, 3),
    "militias": ("شبه\u200cنظامیان تحت حمایت ایران", "Iran-backed militias", EntityKind.ARMED_GROUP, 3),
    "iraqi-army": ("ارتش عراق", "Iraqi army", EntityKind.STATE_FORCE, 1),
    "iraqi-police": ("پلیس بابل", "Babil police", EntityKind.STATE_FORCE, 1),
    "civilians": ("غیرنظامیان", "Civilians", None, 7),
    "workers": ("کارگران", "Civilians (workers)", None, 7),
    "pentagon": ("پنتاگون", "US Department of Defense", EntityKind.GOVERNMENT, None),
    "joc": ("فرماندهی عملیات مشترک عراق", "Iraqi Joint Operations Command", EntityKind.STATE_FORCE, None),
    "unknown": ("افراد ناشناس", "Unidentified armed group", EntityKind.ARMED_GROUP, 3),
}


def event_id(article_id: str, rule: str, spans: tuple[Span, ...]) -> str:
    key = "|".join([article_id, rule, *(f"{s.start}-{s.end}" for s in spans)])
    return "E" + hashlib.sha256(key.encode()).hexdigest()[:15]


def participant(key: str, text: str, span: Span) -> Participant:
    name, name_en, kind, inter = ACTORS[key]
    return Participant(text=name, spans=(span,), name_en=name_en, entry_id=f"actor:{key}", kind=kind,
                       inter=inter, aliases=(name_en,), rule="fake")


def place(key: str, span: Span, precision: int | None = None) -> EventPlace:
    name_fa, name_en, kind, lat, lon, admin1, country = PLACES[key]
    record = Place(f"place:{key}", name_fa, name_en, kind, lat, lon, None, admin1, country)
    if precision is None:
        precision = 3 if kind in ("country", "admin1") else 1
    return EventPlace(name_fa, (span,), record, precision, reason="fake")


def make_event(article: Article, span: Span, fields: dict[str, str]) -> Event:
    """One event from ``key=value`` fields; lists are comma-separated actor keys."""
    def people(name: str) -> tuple[Participant, ...]:
        return tuple(participant(k, article.text, span) for k in fields.get(name, "").split(",") if k)

    def attributions(name: str) -> tuple[Attribution, ...]:
        who = people(name)
        by = people(name + "_by")
        return (Attribution(who, by, span, "fake"),) if who else ()

    def number(name: str) -> int | None:
        value = fields.get(name)
        return int(value) if value not in (None, "") else None

    date = fields.get("date") or None
    precision = Precision(fields.get("precision", "day" if date and len(date) == 10 else
                                     "month" if date and len(date) == 7 else
                                     "year" if date else "unknown"))
    spans = (span,)
    rule = fields.get("rule", "fake.rule")
    return Event(
        id=event_id(article.id, rule, spans), article_id=article.id, type=EventType(fields.get("type", "ASSAULT")),
        mode=fields.get("mode"), date=date, date_precision=precision,
        place=place(fields["place"], span) if fields.get("place") else None,
        actors=people("actor"), targets=people("target"),
        attributed_to=attributions("attributed"), claimed_by=attributions("claimed"),
        denied_by=attributions("denied"),
        weapon=fields.get("weapon"), weapon_count=number("count"),
        weapon_count_qualifier=Qualifier.EXACT if fields.get("count") else None,
        fatalities=number("fatalities"), injured=number("injured"), sources=people("source"),
        modality=Modality(fields.get("modality", "asserted")), evidence=spans,
        optional=fields.get("optional") == "true", confidence=0.9,
        provenance=(Provenance("type", spans, rule, 0.9),),
    )


def process(article: Article) -> tuple[Event, ...]:
    """Events from the article's ``@ key=value …`` lines; ``@ fail`` raises ArticleError."""
    events = []
    offset = 0
    for line in article.text.split("\n"):
        marker = line.find("@")
        if marker >= 0:
            body = line[marker + 1:].strip()
            if body.startswith("fail"):
                raise ArticleError(f"{article.id}: the fake extractor was told to fail")
            if body.startswith("crash"):
                raise RuntimeError("fake extractor crashed")
            fields = dict(word.split("=", 1) for word in body.split() if "=" in word)
            events.append(make_event(article, Span(offset + marker, offset + len(line)), fields))
        offset += len(line) + 1
    return tuple(events)


def process_slow(article: Article) -> tuple[Event, ...]:
    """``process`` plus a pause, so a SIGKILL lands mid-run."""
    time.sleep(float(os.environ.get("FAKE_DELAY", "0.005")))
    return process(article)


PLACE_KEYS = ["taji", "taji-town", "ain", "erbil", "bagairport", "babil", "iraq", "jurf", "karbala-airport", ""]
ACTOR_KEYS = ["us", "kh", "irgc", "pmf", "unknown", "iraqi-army"]


def synthetic(seed: int, n: int = 40, failures: float = 0.0) -> list[Article]:
    """Random articles with 1-3 event lines each, over two weeks of March 2020 (seeded)."""
    rng = random.Random(seed)
    start = dt.date(2020, 3, 1)
    out = []
    for i in range(n):
        lines = []
        published = start + dt.timedelta(days=rng.randrange(12))
        for _ in range(rng.randint(1, 3)):
            fields = [f"type={rng.choice(['ASSAULT', 'ASSAULT', 'ASSAULT', 'PROTEST'])}"]
            if rng.random() < 0.8:
                fields.append(f"date={published - dt.timedelta(days=rng.randrange(3))}")
            place = rng.choice(PLACE_KEYS)
            if place:
                fields.append(f"place={place}")
            doer, victim = rng.sample(ACTOR_KEYS, 2)
            if rng.random() < 0.6:
                fields.append(f"actor={doer}")
            if rng.random() < 0.7:
                fields.append(f"target={victim}")
            if rng.random() < 0.4:
                fields.append(f"fatalities={rng.randrange(6)}")
            lines.append("@ " + " ".join(fields))
        if rng.random() < failures:
            lines = ["@ fail"]
        out.append(Article(f"s{seed}-{i}", "\n".join(["متن", *lines]), published,
                           rng.choice(["tabnak", "roozno", "asriran"])))
    return out
