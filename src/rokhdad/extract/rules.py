"""Rule files (YAML under data/rules/) to typed, compiled rules, validated with file:line errors.

Patterns are regexes over the normalised text with three conveniences (data/rules/README.md):
``~`` is an optional joiner, a space is any run of spaces/ZWNJ, ``{NAME}`` a macro.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from rokhdad.errors import RuleError
from rokhdad.model import EventType
from rokhdad.text.chars import ZWNJ

RULES_DIR = "data/rules"
MODES = {
    EventType.ASSAULT: {"firearms", "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons",
                        "abduct", "targeted", "beat", "destroy", "other"},
    EventType.PROTEST: {"demo", "riot", "strike", "other"},
    EventType.COERCE: {"arrest", "seize", "restrict", "other"},
    EventType.MOBILIZE: {"troops", "weapons", "other"},
}
ALL_MODES = set().union(*MODES.values())
CUE_KINDS = {"block", "nonconflict", "background", "rumour", "no_casualties", "unknown_casualties",
             "killed", "injured", "killed_or_injured", "source_before", "source_after", "claim",
             "claim_negated", "blame", "denial", "anaphora", "allege", "related", "retaliation"}
LEFT = rf"(?<![\w{ZWNJ}])"   # a match never starts inside a word (ZWNJ is part of a word)
RIGHT = rf"(?![\w{ZWNJ}])"


@dataclass(frozen=True, slots=True)
class Trigger:
    id: str
    regex: re.Pattern[str]
    type: EventType
    mode: str | None
    weapon: str | None
    voice: str          # active | passive | noun
    strong: bool


@dataclass(frozen=True, slots=True)
class Weapon:
    id: str
    regex: re.Pattern[str]
    weapon: str
    mode: str


@dataclass(frozen=True, slots=True)
class ModeCue:
    id: str
    regex: re.Pattern[str]
    mode: str


@dataclass(frozen=True, slots=True)
class Cue:
    id: str
    regex: re.Pattern[str]
    kind: str
    who: str | None     # before | after, for claims, blame and denials


@dataclass(frozen=True, slots=True)
class Link:
    word: str
    after: re.Pattern[str] | None
    before: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class Head:
    id: str
    regex: re.Pattern[str]
    kind: str


@dataclass(frozen=True, slots=True)
class PhraseGrammar:
    heads: tuple[Head, ...]
    determiners: re.Pattern[str]
    stops: frozenset[str]
    links: tuple[Link, ...]


class _Source:
    """One YAML file: its name and the line of every mapping, for error messages."""

    def __init__(self, name: str, text: str):
        self.name = name
        try:
            self.node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else "?"
            raise RuleError(f"rules/{name} line {line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
        if not isinstance(self.node, yaml.MappingNode):
            raise RuleError(f"rules/{name} line 1: expected a mapping at the top level")

    def section(self, key: str, required: bool = True) -> yaml.Node | None:
        for k, v in self.node.value:
            if k.value == key:
                return v
        if required:
            raise RuleError(f"rules/{self.name} line 1: missing section '{key}'")
        return None

    def error(self, node: yaml.Node, problem: str) -> RuleError:
        return RuleError(f"rules/{self.name} line {node.start_mark.line + 1}: {problem}")

    def entries(self, key: str, fields: dict[str, bool]) -> list[tuple[yaml.Node, dict[str, Any]]]:
        """Each mapping of list ``key``, checked against ``fields`` (name -> required)."""
        section = self.section(key)
        if not isinstance(section, yaml.SequenceNode):
            raise self.error(section, f"'{key}' must be a list")
        out = []
        for item in section.value:
            if not isinstance(item, yaml.MappingNode):
                raise self.error(item, f"each entry of '{key}' must be a mapping")
            data = _plain(item)
            unknown = set(data) - set(fields)
            if unknown:
                raise self.error(item, f"unknown key '{sorted(unknown)[0]}' (expected: {', '.join(fields)})")
            missing = [f for f, req in fields.items() if req and data.get(f) in (None, "")]
            if missing:
                raise self.error(item, f"missing '{missing[0]}'")
            out.append((item, data))
        return out


def substitute(pattern: str, macros: dict[str, str]) -> str:
    """Replace ``{NAME}`` by its macro (raises KeyError for an unknown one)."""
    def macro(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise KeyError(name)
        return macros[name]
    return re.sub(r"\{([A-Z_][A-Z0-9_]*)\}", macro, pattern)


def _plain(node: yaml.Node) -> Any:
    """A composed YAML node as plain Python (strings stay strings; null is None)."""
    if isinstance(node, yaml.MappingNode):
        return {k.value: _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    if node.tag.endswith(":null") or (node.value in ("null", "~", "") and node.style is None):
        return None
    return node.value


def expand(pattern: str, macros: dict[str, str]) -> str:
    """Apply the pattern conveniences: macros, then spaces, then ``~``."""
    pattern = re.sub(r"(?<!\\) ", f"[ {ZWNJ}]+", substitute(pattern, macros))
    return pattern.replace("~", f"[{ZWNJ} ]?")


def compile_pattern(source: _Source, node: yaml.Node, pattern: Any, macros: dict[str, str],
                    bounded: bool = True) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise source.error(node, "pattern must be a non-empty string")
    if re.search(r"(?<!\\) (?:[?*+]|\{\d)", pattern):
        raise source.error(node, "a space followed by a quantifier: write ~ for an optional joiner")
    if re.search(r"\[[^\]]* [^\]]*\]", pattern):
        raise source.error(node, "a space inside [...]: write \\s (a plain space means a run of spaces or ZWNJ)")
    try:
        body = expand(pattern, macros)
    except KeyError as exc:
        raise source.error(node, f"unknown macro {{{exc.args[0]}}}") from None
    try:
        # the left boundary is checked by the caller (Extractor._hits_bounded): a leading
        # lookbehind would stop the regex engine from skipping ahead on the first literal
        return re.compile(f"(?:{body}){RIGHT}" if bounded else f"(?:{body})")
    except re.error as exc:
        raise source.error(node, f"pattern does not compile: {exc}") from None


def _macros(source: _Source) -> dict[str, str]:
    node = source.section("macros", required=False)
    macros: dict[str, str] = {}
    if node is None:
        return macros
    if not isinstance(node, yaml.MappingNode):
        raise source.error(node, "'macros' must be a mapping")
    for key, value in node.value:
        if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", key.value):
            raise source.error(key, f"macro name '{key.value}' must be UPPER_CASE")
        try:
            macros[key.value] = substitute(value.value, macros)
        except KeyError as exc:
            raise source.error(key, f"unknown macro {{{exc.args[0]}}}") from None
    return macros


def _read(name: str) -> _Source:
    path = resources.files("rokhdad").joinpath(f"{RULES_DIR}/{name}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"rules/{name}: cannot read: {exc}") from exc
    return _Source(name, text)


def _check_ids(source: _Source, entries: list[tuple[yaml.Node, dict[str, Any]]]) -> None:
    seen: set[str] = set()
    for node, data in entries:
        if data["id"] in seen:
            raise source.error(node, f"duplicate id '{data['id']}'")
        seen.add(data["id"])


def parse_triggers(source: _Source) -> tuple[Trigger, ...]:
    macros = _macros(source)
    fields = {"id": True, "pattern": True, "type": True, "mode": False, "weapon": False,
              "voice": True, "strength": True}
    entries = source.entries("triggers", fields)
    _check_ids(source, entries)
    out = []
    for node, d in entries:
        try:
            event_type = EventType(d["type"])
        except ValueError:
            raise source.error(node, f"unknown type '{d['type']}' (expected: "
                               f"{', '.join(t.value for t in EventType)})") from None
        mode = d.get("mode")
        if mode is not None and mode not in MODES[event_type]:
            raise source.error(node, f"mode '{mode}' is not a mode of {event_type.value} "
                               f"(expected: {', '.join(sorted(MODES[event_type]))})")
        if d["voice"] not in ("active", "passive", "noun"):
            raise source.error(node, f"voice '{d['voice']}' (expected: active, passive, noun)")
        if d["strength"] not in ("strong", "weak"):
            raise source.error(node, f"strength '{d['strength']}' (expected: strong, weak)")
        out.append(Trigger(d["id"], compile_pattern(source, node, d["pattern"], macros), event_type,
                           mode, d.get("weapon"), d["voice"], d["strength"] == "strong"))
    return tuple(out)


def parse_weapons(source: _Source) -> tuple[Weapon, ...]:
    macros = _macros(source)
    entries = source.entries("weapons", {"id": True, "pattern": True, "weapon": True, "mode": True})
    _check_ids(source, entries)
    out = []
    for node, d in entries:
        if d["mode"] not in MODES[EventType.ASSAULT]:
            raise source.error(node, f"mode '{d['mode']}' is not an ASSAULT mode")
        out.append(Weapon(d["id"], compile_pattern(source, node, d["pattern"], macros), d["weapon"], d["mode"]))
    return tuple(out)


def parse_modes(source: _Source) -> tuple[ModeCue, ...]:
    macros = _macros(source)
    if source.section("modes", required=False) is None:
        return ()
    entries = source.entries("modes", {"id": True, "pattern": True, "mode": True})
    _check_ids(source, entries)
    out = []
    for node, d in entries:
        if d["mode"] not in MODES[EventType.ASSAULT]:
            raise source.error(node, f"mode '{d['mode']}' is not an ASSAULT mode")
        out.append(ModeCue(d["id"], compile_pattern(source, node, d["pattern"], macros), d["mode"]))
    return tuple(out)


def parse_cues(source: _Source) -> tuple[Cue, ...]:
    macros = _macros(source)
    entries = source.entries("cues", {"id": True, "pattern": True, "kind": True, "who": False})
    _check_ids(source, entries)
    out = []
    for node, d in entries:
        if d["kind"] not in CUE_KINDS:
            raise source.error(node, f"unknown kind '{d['kind']}' (expected: {', '.join(sorted(CUE_KINDS))})")
        who = d.get("who")
        if d["kind"] in ("claim", "blame", "denial") and who not in ("before", "after"):
            raise source.error(node, f"kind '{d['kind']}' needs who: before or after")
        out.append(Cue(d["id"], compile_pattern(source, node, d["pattern"], macros), d["kind"], who))
    return tuple(out)


def parse_grammar(source: _Source) -> PhraseGrammar:
    macros = _macros(source)
    heads = []
    for node, d in source.entries("heads", {"id": True, "pattern": True, "kind": True}):
        heads.append(Head(d["id"], compile_pattern(source, node, d["pattern"], macros), d["kind"]))
    det_node = source.section("determiners")
    determiners = compile_pattern(source, det_node, det_node.value, macros)
    stop_node = source.section("stops")
    if not isinstance(stop_node, yaml.ScalarNode):
        raise source.error(stop_node, "'stops' must be one string of words separated by |")
    stops = frozenset(w.replace("~", ZWNJ) for w in stop_node.value.split("|")) | frozenset(
        w.replace("~", "") for w in stop_node.value.split("|"))
    links = []
    for node, d in source.entries("links", {"word": True, "after": False, "before": False}):
        if not d.get("after") and not d.get("before"):
            raise source.error(node, "a link needs 'after' or 'before'")
        links.append(Link(
            d["word"],
            compile_pattern(source, node, d["after"], macros, bounded=False) if d.get("after") else None,
            compile_pattern(source, node, d["before"], macros, bounded=False) if d.get("before") else None,
        ))
    return PhraseGrammar(tuple(heads), determiners, stops, tuple(links))


@dataclass(frozen=True, slots=True)
class RuleSet:
    triggers: tuple[Trigger, ...]
    weapons: tuple[Weapon, ...]
    cues: tuple[Cue, ...]
    grammar: PhraseGrammar
    modes: tuple[ModeCue, ...] = ()

    def cues_of(self, *kinds: str) -> tuple[Cue, ...]:
        by_kinds = _CUES_BY_KINDS.setdefault(id(self.cues), {})
        found = by_kinds.get(kinds)
        if found is None:
            found = by_kinds[kinds] = tuple(c for c in self.cues if c.kind in kinds)
        return found


_CUES_BY_KINDS: dict[int, dict[tuple[str, ...], tuple[Cue, ...]]] = {}  # RuleSet is frozen: cache outside


def bounded_spans(text: str, regex: re.Pattern[str]) -> list[tuple[int, int]]:
    """Matches of a pattern compiled without its left word boundary (see compile_pattern),
    the boundary checked here: this lets the regex engine skip ahead on a literal prefix."""
    spans = []
    pos = 0
    search = regex.search
    while True:
        m = search(text, pos)
        if m is None:
            return spans
        start = m.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in "\u200c_"):
            pos = start + 1  # started inside a word: look again just after
            continue
        spans.append(m.span())
        pos = m.end() if m.end() > start else start + 1


@functools.lru_cache(maxsize=1)
def load_rules() -> RuleSet:
    """Load and validate every rule file shipped with the package (cached)."""
    weapons_file = _read("weapons.yaml")
    return RuleSet(
        triggers=parse_triggers(_read("triggers.yaml")),
        weapons=parse_weapons(weapons_file),
        modes=parse_modes(weapons_file),
        cues=parse_cues(_read("cues.yaml")),
        grammar=parse_grammar(_read("participants.yaml")),
    )


def parse_text(name: str, text: str) -> Any:
    """Parse rule text as file ``name`` would be (for tests and rule authors)."""
    source = _Source(name, text)
    parser = {"triggers.yaml": parse_triggers, "weapons.yaml": parse_weapons,
              "cues.yaml": parse_cues, "participants.yaml": parse_grammar}.get(name)
    if parser is None:
        raise RuleError(f"rules/{name}: unknown rule file")
    return parser(source)
