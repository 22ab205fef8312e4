"""Persian numbers: number words, digit groups and hedged counts, found in text and parsed.

Entry points: ``find_quantities`` (spans into the original text) and ``parse_number``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rokhdad.model import Qualifier, Quantity
from rokhdad.text import chars
from rokhdad.text.normalize import Normalized, normalize

ZWNJ = chars.ZWNJ

# In the tables below a space inside a key means "a space, a ZWNJ or nothing" in text
# (see ``phrase_pattern``), so "ده ها" also finds "ده\u200cها" and "دهها".
UNITS = {
    "صفر": 0, "یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5,
    "شش": 6, "شیش": 6, "هفت": 7, "هشت": 8, "نه": 9,
}
TEENS = {
    "ده": 10, "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14,
    "پانزده": 15, "پونزده": 15, "شانزده": 16, "شونزده": 16, "هفده": 17,
    "هجده": 18, "هیجده": 18, "هژده": 18, "نوزده": 19,
}
TENS = {
    "بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60,
    "هفتاد": 70, "هشتاد": 80, "نود": 90,
}
HUNDREDS = {
    "صد": 100, "یکصد": 100, "دویست": 200, "سیصد": 300, "چهارصد": 400,
    "پانصد": 500, "پونصد": 500, "ششصد": 600, "هفتصد": 700, "هشتصد": 800, "نهصد": 900,
}
SCALES = {
    "هزار": 1_000, "یکهزار": 1_000, "میلیون": 1_000_000, "میلیارد": 1_000_000_000,
    "بیلیون": 1_000_000_000, "تریلیون": 1_000_000_000_000,
}
HALF = {"نیم": 0.5}
# Vague counts: a count is meant, but no number ("ده\u200cها کشته"): value None, vague=True.
VAGUE = (
    "ده ها", "صد ها", "هزار ها", "هزاران", "میلیون ها", "میلیونها", "میلیارد ها",
    "چندین", "چند", "تعدادی", "شماری", "عده ای", "عده ی",
)
# After "و" these turn an exact number into a lower bound: "بیست و اندی" (twenty-odd).
SOME = ("اندی", "خرده ای", "چند")
# Ordinals the suffix rule below does not cover (سه -> سوم, not سهم).
IRREGULAR_ORDINALS = {"سوم": 3, "سومین": 3, "اول": 1, "اولین": 1, "نخست": 1, "نخستین": 1}
ORDINAL_SUFFIX = "(?:\u200c?(?:امین|ام)|مین|م)"  # پنجم، پنجمین، سی\u200cام، سی\u200cامین

# Words that are numbers only inside a longer number: alone, "نه" is mostly "no".
NOT_ALONE = frozenset({"نه"})

QUALIFIERS = {
    "حداقل": Qualifier.AT_LEAST, "حد اقل": Qualifier.AT_LEAST, "دست کم": Qualifier.AT_LEAST,
    "بیش از": Qualifier.AT_LEAST, "بیشتر از": Qualifier.AT_LEAST, "بالغ بر": Qualifier.AT_LEAST,
    "افزون بر": Qualifier.AT_LEAST, "متجاوز از": Qualifier.AT_LEAST, "بالای": Qualifier.AT_LEAST,
    "حدود": Qualifier.ABOUT, "حدودا": Qualifier.ABOUT, "در حدود": Qualifier.ABOUT,
    "نزدیک به": Qualifier.ABOUT, "نزدیک": Qualifier.ABOUT, "قریب به": Qualifier.ABOUT,
    "قریب": Qualifier.ABOUT, "تقریبا": Qualifier.ABOUT, "چیزی حدود": Qualifier.ABOUT,
    "تا": Qualifier.AT_MOST, "حداکثر": Qualifier.AT_MOST, "حد اکثر": Qualifier.AT_MOST,
    "کمتر از": Qualifier.AT_MOST, "کم تر از": Qualifier.AT_MOST, "زیر": Qualifier.AT_MOST,
}
MAX_DIGITS = 40  # a longer digit run is an id or garbage, and int() refuses > 4300 digits
QUALIFIER_WINDOW = 24  # chars before a number searched for a qualifier; the longest is 10


def _atoms(phrase: str) -> list[str]:
    """A table phrase as regex atoms: one per letter, one per gap between words.

    A gap may be a space, a ZWNJ or nothing; after a word ending in ه it may also
    hold the ezafe ی ("هفته\u200cی گذشته", "هفته ی گذشته").
    """
    words = phrase.split(" ")
    atoms = [re.escape(c) for c in words[0]]
    for previous, word in zip(words, words[1:]):
        # an ezafe is always followed by a gap, so that ``squash`` can tell it from a letter
        atoms.append(f"(?:[ {ZWNJ}]?ی[ {ZWNJ}]|[ {ZWNJ}]?)" if previous.endswith("ه")
                     else f"[ {ZWNJ}]?")
        atoms.extend(re.escape(c) for c in word)
    return atoms


def phrase_pattern(phrase: str) -> str:
    r"""Regex for one table phrase: each space may be a space, a ZWNJ or nothing.

    >>> bool(re.fullmatch(phrase_pattern("دی ماه"), "دی\u200cماه"))
    True
    """
    return "".join(_atoms(phrase))


def alternation(phrases: Iterable[str]) -> str:
    """One regex for many table phrases, as a trie: a longer phrase wins over its prefix.

    A trie ("سی(?:صد)?") rather than "سیصد|سی": the regex engine then tries a few
    first letters at each position instead of every phrase.

    >>> alternation(["سی", "سیصد"])
    'سی(?:صد)?'
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for atom in _atoms(phrase):
            node = node.setdefault(atom, {})
        node[""] = {}  # a phrase ends here
    return _trie_pattern(trie)


def _trie_pattern(node: dict[str, dict]) -> str:
    branches = [atom + _trie_pattern(child) for atom, child in node.items() if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" not in node:
        return body
    return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"


_EZAFE = re.compile(f"(?<=ه)[ {ZWNJ}]?ی(?=[ {ZWNJ}]|$)")


def squash(phrase: str) -> str:
    r"""The lookup key of a table phrase or of its match: no spaces, ZWNJ or ezafe.

    >>> squash("هفته\u200cی گذشته") == squash("هفته گذشته") == "هفتهگذشته"
    True
    """
    return _EZAFE.sub("", phrase).replace(" ", "").replace(ZWNJ, "")


WORD_VALUES = {squash(w): v for table in (UNITS, TEENS, TENS, HUNDREDS, SCALES, HALF)
               for w, v in table.items()}
WORD_KINDS = {squash(w): kind for kind, table in (
    ("unit", UNITS), ("teen", TEENS), ("ten", TENS), ("hundred", HUNDREDS),
    ("scale", SCALES), ("half", HALF)) for w in table}
VAGUE_KEYS = frozenset(squash(w) for w in VAGUE)
SOME_KEYS = frozenset(squash(w) for w in SOME)

# Ordinal days 1-31 in words, for dates ("پانزدهم دی", "بیست و دوم بهمن", "اول بهمن").
_UNIT_ORDINALS = {1: "یکم", 2: "دوم", 3: "سوم", 4: "چهارم", 5: "پنجم", 6: "ششم",
                  7: "هفتم", 8: "هشتم", 9: "نهم"}
_TEEN_ORDINALS = {10: "دهم", 11: "یازدهم", 12: "دوازدهم", 13: "سیزدهم", 14: "چهاردهم",
                  15: "پانزدهم", 16: "شانزدهم", 17: "هفدهم", 18: "هجدهم", 19: "نوزدهم"}
DAY_ORDINALS: dict[str, int] = {
    "اول": 1, "هیجدهم": 18, "هژدهم": 18, "پونزدهم": 15, "بیستم": 20, "سی ام": 30,
    **{word: n for n, word in (_UNIT_ORDINALS | _TEEN_ORDINALS).items()},
    **{f"{tens} و {word}": n + value for tens, n in (("بیست", 20), ("سی", 30))
       for value, word in _UNIT_ORDINALS.items() if n + value <= 31},
}

_SCALE = alternation(SCALES)
# Not after a letter (digits may touch a word: "۲۰هزار"), nor after a ZWNJ unless the
# ZWNJ follows "و" ("بیست\u200cو\u200cپنج") or a scale comes next ("یک\u200cهزار").
_LETTER_BEFORE = f"(?<![^\\W\\d])(?:(?<!{ZWNJ})|(?<=و{ZWNJ})|(?={_SCALE}))"
_TOKEN = re.compile(
    _LETTER_BEFORE
    + r"(?:(?<![\d\-.,\u066c/:])(?P<digits>\d+(?:[.,\u066c/:\-]\d+)*)"
    + f"(?P<digit_ord>{ORDINAL_SUFFIX}(?!\\w))?"
    + f"|(?P<vague>{alternation(VAGUE)})(?![\\w{ZWNJ}])"
    + f"|(?P<some>{alternation(SOME)})(?![\\w{ZWNJ}])"
    + f"|(?P<irregular>{alternation(IRREGULAR_ORDINALS)})(?![\\w{ZWNJ}])"
    + f"|(?P<word>{alternation(WORD_VALUES)})(?P<word_ord>{ORDINAL_SUFFIX}(?![\\w{ZWNJ}]))?"
    # a ZWNJ after a number word makes a compound (سه\u200cشنبه، ده\u200cها) unless "و"
    # or a scale follows; "سه شنبه" with a space is Tuesday too
    + f"(?![\\w])(?!{ZWNJ}(?!و[ {ZWNJ}]|{_SCALE}))(?![ {ZWNJ}]*شنبه))"
)
_SPACE_GAP = re.compile(f"[ {ZWNJ}]*")
_AND_GAP = re.compile(f"[ {ZWNJ}]+و[ {ZWNJ}]+")
_GROUPED = re.compile(r"\d{1,3}(?:[,\u066c]\d{3})+(?:\.\d+)?")
_QUALIFIER = re.compile(f"(?<![\\w{ZWNJ}])(?P<q>{alternation(QUALIFIERS)})[ {ZWNJ}]+$")
QUALIFIER_KEYS = {squash(q): v for q, v in QUALIFIERS.items()}


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    kind: str  # digits, unit, teen, ten, hundred, scale, half, vague, some
    value: int | float
    key: str
    ordinal: bool = False


def digits_value(chunk: str) -> int | float | None:
    """Value of a digit chunk in the working copy: "1,200", "1.5", "3/5" (a Persian decimal).

    None for chunks that are not one number: times ("10:30"), dates ("1400/10/15").

    >>> digits_value("1٬200"), digits_value("3/5"), digits_value("10:30")
    (1200, 3.5, None)
    """
    if len(chunk) > MAX_DIGITS:
        return None
    if chunk.isdigit():
        return int(chunk)
    if _GROUPED.fullmatch(chunk):
        return _number(float(chunk.replace(",", "").replace("\u066c", "")))
    if ":" in chunk or "," in chunk or "\u066c" in chunk:
        return None
    whole, sep, fraction = chunk.replace("/", ".").partition(".")
    # "1400/10" is a year and month, not a decimal: a Persian decimal slash has a short whole part
    if sep and whole.isdigit() and fraction.isdigit() and ("/" not in chunk or len(whole) <= 3):
        return _number(float(f"{whole}.{fraction}"))
    return None


def _number(value: int | float) -> int | float:
    if isinstance(value, int):
        return value
    return int(value) if value.is_integer() else value


def _tokens(text: str) -> Iterator[_Token]:
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if match["digits"] is not None:
            chunk = match["digits"]
            parts = chunk.split("-")
            if len(parts) == 2 and all(parts):  # a range "۱۰-۱۵": two numbers
                offset = start
                for part in parts:
                    value = digits_value(part)
                    if value is not None:
                        yield _Token(offset, offset + len(part), "digits", value, part)
                    offset += len(part) + 1
                continue
            value = digits_value(chunk) if len(parts) == 1 else None
            if value is not None:
                yield _Token(start, end, "digits", value, chunk, match["digit_ord"] is not None)
        elif match["vague"] is not None:
            yield _Token(start, end, "vague", 0, squash(match["vague"]))
        elif match["some"] is not None:
            key = squash(match["some"])
            yield _Token(start, end, "vague" if key in VAGUE_KEYS else "some", 0, key)
        elif match["irregular"] is not None:
            key = squash(match["irregular"])
            yield _Token(start, end, "unit", IRREGULAR_ORDINALS.get(key, 0), key, True)
        elif (key := squash(match["word"])) in WORD_KINDS:
            yield _Token(start, end, WORD_KINDS[key], WORD_VALUES[key], key,
                         match["word_ord"] is not None)


def _gap(text: str, left: _Token, right: _Token) -> str | None:
    gap = text[left.end : right.start]
    if _SPACE_GAP.fullmatch(gap):
        return "space"
    if _AND_GAP.fullmatch(gap):
        return "and"
    return None


@dataclass(frozen=True, slots=True)
class _Reading:
    """The longest number read from a run of tokens: ``tokens[first:last]``."""

    first: int
    last: int
    value: int | float | None
    vague: bool
    ordinal: bool
    some: bool  # "و اندی": a lower bound


def _read(tokens: list[_Token], gaps: list[str | None], first: int) -> _Reading | None:
    """Read the longest well-formed number starting at ``tokens[first]``.

    Persian numbers are groups below a thousand (hundreds و tens و units), each
    followed by a smaller scale than the one before: "دو میلیون و سیصد هزار".
    ``gaps[i]`` is what joins ``tokens[i - 1]`` and ``tokens[i]``.
    """
    head = tokens[first]
    if head.kind == "some":
        return None
    total: int | float = 0  # ints stay exact; "نیم" and decimals make floats
    group: int | float = 0
    slot = head.kind  # what the last token was, as the grammar sees it
    smallest_scale = None
    vague = head.kind == "vague"
    if head.kind == "scale":
        total, smallest_scale, slot = head.value, head.value, "scale"
    elif not vague:
        group = head.value
    best = _Reading(first, first + 1, None if vague else _number(total + group),
                    vague, head.ordinal, False)
    if head.ordinal:
        return best
    i = first + 1
    while i < len(tokens):
        token, gap = tokens[i], gaps[i]
        kind = token.kind
        if gap is None:
            break
        if vague:
            # "صدها هزار", "چند صد", "چند ده هزار": still vague
            if gap == "space" and (kind == "scale" or token.key in ("صد", "ده")):
                best = _Reading(first, i + 1, None, True, token.ordinal, False)
                i += 1
                continue
            break
        if gap == "and" and kind in ("some", "vague") and token.key in SOME_KEYS:
            best = _Reading(first, i + 1, best.value, False, False, True)
            break
        if kind == "scale" and gap == "space" and slot != "scale":
            if smallest_scale is not None and token.value >= smallest_scale:
                break
            total += (group or 1) * token.value
            group, smallest_scale, slot = 0, token.value, "scale"
        elif kind == "scale" and gap == "space" and slot == "scale" and token.value > total:
            total *= token.value  # "هزار میلیارد": a thousand billion
            smallest_scale = token.value
        elif kind == "hundred" and token.key == "صد" and gap == "space" and slot == "unit":
            group *= 100  # "یک صد", "دو صد"
            slot = "hundred"
        elif gap == "and" and slot == "scale" and kind in GROUP_STARTS:
            group, slot = token.value, kind  # a new group after a scale
        elif gap == "and" and kind in ("ten", "teen", "unit") and _follows(slot, token):
            group += token.value
            slot = kind
        elif gap == "and" and kind == "half" and slot in GROUP_STARTS:
            group += 0.5
            slot = "half"
        elif gap == "and" and kind == "half" and slot == "scale":
            total += smallest_scale // 2  # "یک میلیون و نیم"
            best = _Reading(first, i + 1, _number(total), False, False, False)
            break
        else:
            break
        best = _Reading(first, i + 1, _number(total + group), False, token.ordinal, False)
        if token.ordinal:
            break
        i += 1
    return best


GROUP_STARTS = frozenset({"digits", "unit", "teen", "ten", "hundred"})  # kinds a group opens with


def _follows(slot: str, token: _Token) -> bool:
    """Whether ``token`` may follow ``slot`` with "و" inside one group below a thousand."""
    if token.value == 0:
        return False
    return slot == "hundred" or (slot == "ten" and token.kind == "unit")


def _qualifier(text: str, start: int) -> tuple[int, Qualifier]:
    """Where the qualifier right before ``start`` begins, and which it is (EXACT if none)."""
    match = _QUALIFIER.search(text, max(0, start - QUALIFIER_WINDOW), start)
    if match is None:
        return start, Qualifier.EXACT
    return match.start(), QUALIFIER_KEYS[squash(match["q"])]


def find_quantities(text: str, *, normalized: Normalized | None = None) -> tuple[Quantity, ...]:
    r"""Every number and count in ``text``, with its qualifier; spans into ``text``.

    Ordinals ("پنجم", "۱۵ام") are not counts and are skipped; vague counts ("ده\u200cها")
    have ``value`` None and ``vague`` True.

    >>> found = find_quantities("دست\u200cکم ۱۲ کشته و ده\u200cها زخمی")
    >>> [(q.text, q.value, q.qualifier.name, q.vague) for q in found]
    [('دست\u200cکم ۱۲', 12, 'AT_LEAST', False), ('ده\u200cها', None, 'EXACT', True)]
    """
    work = normalized if normalized is not None else normalize(text)
    _check(work, text)
    source = work.text
    tokens = list(_tokens(source))
    gaps: list[str | None] = [None] + [_gap(source, a, b) for a, b in zip(tokens, tokens[1:])]
    found: list[Quantity] = []
    i = 0
    while i < len(tokens):
        reading = _read(tokens, gaps, i)
        if reading is None:
            i += 1
            continue
        i = reading.last
        if reading.ordinal:
            continue
        head, tail = tokens[reading.first], tokens[reading.last - 1]
        if reading.last - reading.first == 1 and head.key in NOT_ALONE:
            continue
        start, qualifier = _qualifier(source, head.start)
        if qualifier is Qualifier.EXACT and reading.some:
            qualifier = Qualifier.AT_LEAST
        begin, end = work.to_original(start, tail.end)
        found.append(Quantity(begin, end, text[begin:end], reading.value, qualifier, reading.vague))
    return tuple(found)


def parse_number(words: str) -> int | float | None:
    r"""The value of a number written in digits, words or both; None if it is not one number.

    >>> parse_number("بیست و پنج"), parse_number("یک و نیم"), parse_number("۱٬۲۰۰")
    (25, 1.5, 1200)
    >>> parse_number("ده\u200cها") is None, parse_number("پنجم") is None
    (True, True)
    """
    source = " ".join(words.translate(chars.ONE_TO_ONE).split())
    tokens = list(_tokens(source))
    if not tokens or tokens[0].start != 0 or tokens[-1].end != len(source):
        return None
    gaps: list[str | None] = [None] + [_gap(source, a, b) for a, b in zip(tokens, tokens[1:])]
    if any(gap is None for gap in gaps[1:]):
        return None
    reading = _read(tokens, gaps, 0)
    if reading is None or reading.last != len(tokens) or reading.ordinal or reading.some:
        return None
    return reading.value


def _check(work: Normalized, text: str) -> None:
    if work.original != text:
        raise ValueError("normalized= was made from a different text than the one given")
