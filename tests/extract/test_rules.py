"""Rule files: the shipped ones load, and bad ones fail with file and line."""

from __future__ import annotations

import pytest

from rokhdad.errors import RuleError
from rokhdad.extract.rules import expand, load_rules, parse_text

ZWNJ = "\u200c"


def test_shipped_rules_load() -> None:
    rules = load_rules()
    assert len(rules.triggers) >= 30
    assert {t.type.value for t in rules.triggers} == {"ASSAULT", "PROTEST", "COERCE", "MOBILIZE"}
    assert rules.weapons and rules.cues and rules.grammar.heads
    ids = [t.id for t in rules.triggers] + [w.id for w in rules.weapons] + [c.id for c in rules.cues]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("می~گوید", f"می{ZWNJ}گوید", True),
        ("می~گوید", "می گوید", True),
        ("می~گوید", "میگوید", True),
        ("هدف قرار", f"هدف{ZWNJ}قرار", True),
        ("هدف قرار", "هدف  قرار", True),
        ("هدف قرار", "هدفقرار", False),
    ],
)
def test_pattern_conveniences(pattern: str, text: str, matches: bool) -> None:
    import re

    assert bool(re.fullmatch(expand(pattern, {}), text)) is matches


def test_trigger_word_boundaries() -> None:
    rules = load_rules()
    attack = next(t for t in rules.triggers if t.id == "assault.attack.noun")
    assert attack.regex.search("یک حمله شد")
    assert not attack.regex.search("حمله\u200cور")  # ZWNJ is inside a word
    assert not attack.regex.search("حملهور")


BAD = [
    ("triggers.yaml", "triggers:\n  - id: a\n    pattern: x\n    type: ATTACK\n    voice: active\n    strength: strong\n",
     "line 2: unknown type 'ATTACK'"),
    ("triggers.yaml", "triggers:\n  - id: a\n    pattern: x\n    type: ASSAULT\n    mode: bombs\n    voice: active\n    strength: strong\n",
     "line 2: mode 'bombs' is not a mode of ASSAULT"),
    ("triggers.yaml", "triggers:\n  - id: a\n    pattern: '(x'\n    type: ASSAULT\n    voice: active\n    strength: strong\n",
     "line 2: pattern does not compile"),
    ("triggers.yaml", "triggers:\n  - id: a\n    pattern: '{NOPE}'\n    type: ASSAULT\n    voice: active\n    strength: strong\n",
     "line 2: unknown macro {NOPE}"),
    ("triggers.yaml", "triggers:\n  - id: a\n    patern: x\n    type: ASSAULT\n    voice: active\n    strength: strong\n",
     "line 2: unknown key 'patern'"),
    ("weapons.yaml", "weapons:\n  - {id: w, pattern: x, weapon: rocket}\n", "line 2: missing 'mode'"),
    ("cues.yaml", "cues:\n  - {id: c, pattern: x, kind: maybe}\n", "line 2: unknown kind 'maybe'"),
    ("cues.yaml", "cues:\n  - {id: c, pattern: x, kind: claim}\n", "line 2: kind 'claim' needs who"),
    ("cues.yaml", "cues:\n  - {id: c, pattern: 'a ?b', kind: block}\n", "line 2: a space followed by a quantifier"),
    ("cues.yaml", "cues:\n  - {id: c, pattern: x, kind: block}\n  - {id: c, pattern: y, kind: block}\n",
     "line 3: duplicate id 'c'"),
    ("cues.yaml", "cues: [\n", "line"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD)
def test_bad_rules_name_file_and_line(name: str, text: str, message: str) -> None:
    with pytest.raises(RuleError) as info:
        parse_text(name, text)
    assert f"rules/{name}" in str(info.value)
    assert message in str(info.value)


def test_lexicon_loads_and_names_missing_ids() -> None:
    from rokhdad.errors import RuleError
    from rokhdad.extract import lexicon

    assert lexicon.pattern("reference").search("به تلافی حمله موشکی")
    assert "های" in lexicon.words("not_place_names")
    with pytest.raises(RuleError, match="lexicon.yaml"):
        lexicon.pattern("no_such_pattern")
