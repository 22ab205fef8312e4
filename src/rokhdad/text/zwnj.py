"""ZWNJ (half-space) repair: restore ZWNJs deleted ("میگوید") or typed as spaces ("می گوید").

Entry point ``repair(text, offsets)``; the lexicon in ``data/zwnj`` is learned from
corpora by ``scripts/build_zwnj.py`` and loaded once, on first use.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from importlib import resources
from itertools import accumulate, compress, repeat
from operator import and_, is_, methodcaller, ne, or_
from typing import NamedTuple

from rokhdad.model import OffsetMap
from rokhdad.text import chars

ZWNJ = chars.ZWNJ
NON_LEFT_JOINING = chars.NON_LEFT_JOINING
LEXICON = ("rokhdad.data", "zwnj/lexicon.txt.gz")

# Inflectional suffixes written after a ZWNJ whatever the stem: plural and comparative.
ANY_SUFFIXES = frozenset({
    "ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان",
    "تر", "ترین",
})
# Suffixes that take a ZWNJ only after a silent final "ه" (کرده\u200cاند، خانه\u200cای، هسته\u200cای).
AFTER_HEH_SUFFIXES = frozenset({"ای", "ام", "ات", "اش", "ایم", "اید", "اند", "ایی"})
# ... and the ones that also take a ZWNJ after a final "ی" (صندلی\u200cام، ایرانی\u200cاند،
# فضایی\u200cای); not "ات" (ادبیات، جزئیات) nor "ایی".
AFTER_YE_SUFFIXES = frozenset({"ای", "ام", "اش", "ایم", "اید", "اند"})
# Plural and comparative suffixes, also after stems the lexicon has never seen
# (ساتراپ\u200cها، دهشت\u200cبارترین), each class where rare words take its ZWNJ often enough.
PLURAL_SUFFIXES = frozenset(s for s in ANY_SUFFIXES if s.startswith("ها"))
NEW_STEM_SUFFIXES = {"plural": PLURAL_SUFFIXES, "comparative": frozenset({"تر", "ترین"})}
MIN_NEW_STEM = 3  # letters in a stem the lexicon has not seen, before such a suffix
# Suffixes that are never words of their own: after a space, the space is a typed
# half-space (خانه ی، شیطان اند). Not "ای", which is also the vocative (ای خدا).
LONE_SUFFIXES = ANY_SUFFIXES | AFTER_HEH_SUFFIXES - {"ای"} | {"ی"}
# Verb prefixes followed by a ZWNJ: (بر|در|...)?(ن)?می + verb.
VERB_PREFIX = re.compile("(?:بر|در|فرو|باز|فرا|وا)?ن?می")
VERB_PREFIXES = frozenset(p + n + "می" for p in ("", "بر", "در", "فرو", "باز", "فرا", "وا")
                          for n in ("", "ن"))
# Personal endings after a verb stem (کن+د، کرد+ند); a bare past stem ends in د or ت.
VERB_ENDINGS = ("", "م", "ی", "د", "یم", "ید", "ند")
VERB_SHAPE = re.compile(r".{2,}(?:[دتمی]|یم|ید|ند)")

MAX_AFFIX = 10  # letters in the longest suffix or prefix looked up
MIN_STEM = 2  # letters; shorter "stems" are mostly accidents (ب+ها)
MIN_STEM_BEFORE = {"تر": 3, "ترین": 3} | dict.fromkeys(AFTER_HEH_SUFFIXES, 3)  # دفتر، رهایم
MIN_HEH_HEAD = 3  # letters in the left part of a compound split after "ه" (not به، که، نه)
MIN_HEH_TAIL = 3  # ... and in the right part (not برنه+یم)
MIN_KNOWN_PREFIX = 4  # a known word this long at the start of "می..." is not a verb prefix
# Person endings of the perfect (رفته\u200cام، رفته\u200cاند) after a past participle (…ده، …ته).
PERFECT_ENDINGS = frozenset({"ام", "ای", "ایم", "اید", "اند"})
_PARTICIPLE = re.compile(r".{2,}[دت]ه")
_PERFECT = re.compile(r".{2,}[دت](ه(?:ام|ای|ایم|اید|اند))")
# "های" is plural + ezafe and needs a word after it; these words cannot be that word.
_PLURAL_EZAFE = ZWNJ + "های"
_ends_plural_ezafe = methodcaller("endswith", "های")
_CLAUSE_END = frozenset(".!?\n؟،؛,;:)»\"")
NO_EZAFE_AFTER = frozenset({"که", "را", "است", "بود", "شد", "و", "از", "به", "با", "در", "تا",
                            "برای", "هم", "نیز", "اما", "یا", "چون", "می", "نمی"})
# Endings written glued to a word, also to a compound with a ZWNJ (غم\u200cانگیز+ی،
# آتش\u200cبیار+ان); longest first.
GLUED_TAILS = ("انی", "یی", "ان", "ی")
NOMINAL_TAILS = frozenset({"ی", "یی", "ان", "ات", "ای", "ها", "های", "هایی", "گان", "ترین", "تر"})
ADOPT_SHARE = 0.5  # an affix rule is applied to unknown words when it holds this often
# A text whose writer already typed this share of the ZWNJs we would add is "aware":
# only STRONG edits are made there, the others (style: سالهای، این گونه) are left alone.
AWARE_SHARE = 0.25
# Edit strengths. STRONG: a slip nobody makes on purpose (میشود، می شود، کتاب ها).
# WEAK: a usual compound or spelling (بین المللی، شبهنظامیان) that some writers join or
# keep apart, and a joined plural or comparative (سالها، مهمترین), which the Academy's
# orthography allows even for words nearly always written with a ZWNJ.
WEAK, STRONG = 1, 2

_WORD = re.compile(r"([^\W\d_]+(?:\u200c[^\W\d_]+)*)")
_CACHE_LIMIT = 200_000  # distinct words remembered between calls


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The shipped tables; ``scripts/build_zwnj.py`` says how each is chosen."""

    joined: dict[str, str]        # plain key -> its spelling with ZWNJ
    standard: frozenset[str]      # keys of joined whose plain spelling is always a slip
    words: frozenset[str]         # words known to be written whole (and stems for rules)
    verbs: frozenset[str]         # verb stems seen after می/نمی
    suffixes: dict[str, float]    # suffix -> share of known stems taking it after a ZWNJ
    prefixes: dict[str, float]    # the same for prefixes (بی، نیمه، ...)
    shares: dict[str, float]      # share for the rule classes "verb" and "heh"
    bound_after: frozenset[str]   # parts that rarely stand alone (سازی، کننده): glue to the left
    bound_before: frozenset[str]  # parts that rarely stand alone (بی): glue to the right
    glue: frozenset[tuple[str, str]]   # word pairs written as one word
    apart: frozenset[tuple[str, str]]  # word pairs kept apart although a rule would glue them
    names: dict[str, str] = field(default_factory=dict)  # plain key -> spelling of a given name
    # Derived: a gap is looked at only when its left word is in heads, its right word in
    # tails or the pair in glue, so most gaps cost three set lookups.
    heads: frozenset[str] = field(init=False)
    tails: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "heads", frozenset(VERB_PREFIXES | self.bound_before))
        object.__setattr__(self, "tails", frozenset(
            VERB_PREFIXES | LONE_SUFFIXES | AFTER_HEH_SUFFIXES | self.bound_after))

    @classmethod
    def empty(cls, **tables) -> Lexicon:
        """A lexicon with only the given tables filled (for tests and the build)."""
        dicts = ("joined", "suffixes", "prefixes", "shares", "names")  # the rest are frozensets
        fields = {name: ({} if name in dicts else frozenset())
                  for name in cls.__dataclass_fields__ if cls.__dataclass_fields__[name].init}
        return cls(**(fields | tables))


class Analysis(NamedTuple):
    """What ``analyse`` found for one word."""

    form: str      # the word with ZWNJs inserted
    share: float   # how often the weakest rule used holds for known words


_lexicon: Lexicon | None = None
_word_cache: dict[str, str] = {}


def canonical(word: str) -> str:
    """Drop ZWNJs that change nothing: after a non-joining letter, doubled, or at the edges.

    >>> canonical("نیرو\u200cهای") == "نیروهای"
    True
    """
    if ZWNJ not in word:
        return word
    out = []
    previous = ""
    for ch in word:
        if ch == ZWNJ and (not previous or previous in NON_LEFT_JOINING or previous == ZWNJ):
            continue
        out.append(ch)
        previous = ch
    return "".join(out).strip(ZWNJ)


def parse_lexicon(text: str) -> Lexicon:
    """Read the sectioned text format written by the build script."""
    sections: dict[str, list[str]] = {}
    for block in text.split("\n["):
        name, _, body = block.partition("]\n")
        if body:
            sections[name] = [line for line in body.split("\n") if line]

    def table(name: str) -> dict[str, float]:  # "key<TAB>number" lines
        pairs = (line.split("\t") for line in sections.get(name, ()))
        return {key: float(value) for key, value in pairs}

    def items(name: str) -> frozenset[str]:
        return frozenset(sections.get(name, ()))

    def pairs(name: str) -> frozenset[tuple[str, str]]:  # "a b" lines
        return frozenset(tuple(line.split(" ", 1)) for line in sections.get(name, ()))

    standard = {form.replace(ZWNJ, ""): form for form in sections.get("standard", ())}
    return Lexicon(
        joined={form.replace(ZWNJ, ""): form for form in sections.get("joined", ())} | standard,
        standard=frozenset(standard),
        words=items("words"),
        verbs=items("verbs"),
        suffixes=table("suffixes"),
        prefixes=table("prefixes"),
        shares=table("shares"),
        bound_after=items("bound_after"),
        bound_before=items("bound_before"),
        glue=pairs("glue"),
        apart=pairs("apart"),
        names={form.replace(ZWNJ, ""): form for form in sections.get("names", ())},
    )


def load_lexicon() -> Lexicon:
    """The shipped lexicon, read once per process."""
    global _lexicon
    if _lexicon is None:
        data = resources.files(LEXICON[0]).joinpath(LEXICON[1]).read_bytes()
        _lexicon = parse_lexicon(gzip.decompress(data).decode("utf-8"))
    return _lexicon


def repair_word(word: str, lexicon: Lexicon) -> str:
    """The spelling of one word typed without ZWNJ: from the lexicon, else by affix rules.

    >>> lex = Lexicon.empty(words=frozenset({"پایگاه"}), verbs=frozenset({"گوی"}),
    ...                     shares={"verb": 0.9}, suffixes={"های": 0.9})
    >>> repair_word("پایگاههای", lex) == "پایگاه\u200cهای"
    True
    >>> repair_word("میگوید", lex) == "می\u200cگوید"
    True
    """
    form = lexicon.joined.get(word)
    if form is not None:
        return form
    if word in lexicon.words:
        return word
    found = analyse(word, lexicon)
    if found is not None and found.share > ADOPT_SHARE:
        return found.form
    return patronymic(word, lexicon) or word


PATRONYMIC_LINKS = ("ابن", "بن")  # "son of" in Arabic names: عبدالله بن زبیر
MIN_NAME_HEAD = 3  # letters in the given name before the link (not ل+بن+ان)


def patronymic(word: str, lexicon: Lexicon) -> str | None:
    r"""A glued Arabic-style name, given name + بن/ابن + name (عبداللهبنزبیر), written with
    ZWNJs (عبدالله\u200cبن\u200cزبیر); None if ``word`` is not one. Chains recurse
    (محمدبناسحاقبنیسار).

    >>> lex = Lexicon.empty(names={"عبدالله": "عبدالله", "زبیر": "زبیر"})
    >>> patronymic("عبداللهبنزبیر", lex) == "عبدالله\u200cبن\u200cزبیر"
    True
    >>> patronymic("لبنان", lex) is None
    True
    """
    for link in PATRONYMIC_LINKS:
        at = word.find(link, MIN_NAME_HEAD)
        while at > 0:
            head = lexicon.names.get(word[:at])
            rest = word[at + len(link):]
            if head is not None and len(rest) >= 2:
                tail = lexicon.names.get(rest) or patronymic(rest, lexicon)
                if tail is not None:
                    return head + _seam(head) + link + ZWNJ + tail
            at = word.find(link, at + 1)
    return None


def _known(word: str, lexicon: Lexicon) -> str | None:
    """The spelling of a known word (with its ZWNJs), or None if unknown."""
    form = lexicon.joined.get(word)
    if form is not None:
        return form
    if word in lexicon.words:
        return word
    return None


def _seam(left: str) -> str:
    return "" if left[-1] in NON_LEFT_JOINING else ZWNJ


def analyse(word: str, lexicon: Lexicon, depth: int = 0) -> Analysis | None:
    """Split a word written without ZWNJ into known parts by affix and compound rules.

    Tries, in order: a verb prefix (می، نمی، برمی ...), a suffix after a known stem,
    a productive prefix before a known word, and two known words joined after a final
    "ه" (واژهنامه). Returns None when no rule applies.
    """
    prefix = VERB_PREFIX.match(word)
    if prefix is not None:
        end = prefix.end()
        body = word[end:]
        if len(body) >= 2 and _looks_verbal(word, body, lexicon):
            inner = _known(body, lexicon) or body
            if inner == body and depth == 0:
                found = analyse(body, lexicon, depth + 1)
                inner = found.form if found is not None and found.share > ADOPT_SHARE else body
            return Analysis(word[:end] + ZWNJ + inner, lexicon.shares.get("verb", 0.0))
    perfect = _PERFECT.fullmatch(word)
    if perfect is not None and _known(word[: perfect.start(1)] + "ه", lexicon) is not None:
        # پاشیدهایم is پاشیده+ایم (perfect), not پاشید+هایم: a known participle wins
        stem = word[: perfect.start(1)] + "ه"
        return Analysis(_known(stem, lexicon) + ZWNJ + perfect.group(1)[1:],
                        lexicon.suffixes.get(perfect.group(1)[1:], 0.0))
    for length in range(min(MAX_AFFIX, len(word) - MIN_STEM), 0, -1):  # longest first
        suffix = word[-length:]
        share = lexicon.suffixes.get(suffix)
        if share is None:
            continue
        stem = word[:-length]
        if len(stem) < MIN_STEM_BEFORE.get(suffix, MIN_STEM):
            continue
        if suffix in AFTER_HEH_SUFFIXES and stem[-1] != "ه":
            if not _after_ye(stem, suffix, lexicon):
                continue
            share = min(share, lexicon.shares.get("ye", 0.0))
        if suffix in PERFECT_ENDINGS and _PARTICIPLE.fullmatch(stem):
            # رنجیدهایم: a past participle + a person ending, even if the participle is new
            return Analysis((_known(stem, lexicon) or stem) + ZWNJ + suffix, share)
        form = _known(stem, lexicon)
        if form is None and depth == 0:
            found = analyse(stem, lexicon, depth + 1)
            if found is not None and found.share > ADOPT_SHARE:
                form, share = found.form, min(share, found.share)
        if form is not None:
            return Analysis(form + _seam(form) + suffix, share)
    found = _suffix_of_new_stem(word, lexicon)
    if found is not None:
        return found
    for tail in GLUED_TAILS:  # غمانگیزی: a known ZWNJ compound with a glued ending
        rest = word[: -len(tail)]
        if word.endswith(tail) and rest[-1:] != "ه" and rest in lexicon.joined:
            return Analysis(lexicon.joined[rest] + tail, lexicon.shares.get("glued_tail", 1.0))
    for length in range(min(MAX_AFFIX, len(word) - MIN_STEM), 1, -1):
        head = word[:length]
        share = lexicon.prefixes.get(head)
        if share is not None:
            rest = word[length:]
            form = _known(rest, lexicon)
            if form is not None:
                return Analysis(head + ZWNJ + form, share)
    start = word.find("ه", MIN_HEH_HEAD - 1)
    while 0 <= start < len(word) - MIN_HEH_TAIL:
        head, rest = word[: start + 1], word[start + 1 :]
        if head in lexicon.words:
            form = _known(rest, lexicon)
            if form is not None:
                return Analysis(head + ZWNJ + form, lexicon.shares.get("heh", 0.0))
        start = word.find("ه", start + 1)
    return None


def _after_ye(stem: str, suffix: str, lexicon: Lexicon) -> bool:
    """Is ``suffix`` an ending after a word in "ی" (صندلی+ام), not a word in "یا" plus
    an ending (دنیا+ی، دریا+م)?"""
    return (suffix in AFTER_YE_SUFFIXES and stem[-1] == "ی"
            and _known(stem, lexicon) is not None and stem + "ا" not in lexicon.words)


def _suffix_of_new_stem(word: str, lexicon: Lexicon) -> Analysis | None:
    """ساتراپها: a plural or comparative suffix after a stem that is no known word, nor
    a known word plus a suffix; how often rare words take the ZWNJ there is the share
    of the suffix class ("plural", "comparative")."""
    for name, suffixes in NEW_STEM_SUFFIXES.items():
        for suffix in suffixes:
            stem = word[: -len(suffix)]
            if (word.endswith(suffix) and len(stem) >= MIN_NEW_STEM
                    and stem[-1] not in NON_LEFT_JOINING and _known(stem, lexicon) is None):
                return Analysis(stem + ZWNJ + suffix, lexicon.shares.get(name, 0.0))
    return None


def _verb_body(body: str, lexicon: Lexicon) -> bool:
    """Can ``body`` follow می: a known verb stem plus ending, or at least shaped like one?"""
    if body in lexicon.verbs:
        return True
    for ending in VERB_ENDINGS[1:]:
        if body.endswith(ending) and body[: -len(ending)] in lexicon.verbs:
            return True
    return VERB_SHAPE.fullmatch(body) is not None


def _looks_verbal(word: str, body: str, lexicon: Lexicon) -> bool:
    """Is ``body`` (after می/نمی) a verb form rather than the rest of a word like میلیارد?"""
    if body in lexicon.verbs:
        return True
    for ending in VERB_ENDINGS[1:]:
        if body.endswith(ending) and body[: -len(ending)] in lexicon.verbs:
            return True
    if VERB_SHAPE.fullmatch(body) is None:
        return False
    for length in range(MIN_KNOWN_PREFIX, len(word)):
        if word[:length] not in lexicon.words:
            continue
        tail = word[length:]
        if tail in NOMINAL_TAILS or (length > MIN_KNOWN_PREFIX and len(tail) > 2
                                     and tail in lexicon.words):
            return False  # میکروبی، میخها، میهماننواز: a word that starts with می, and more
    return True


def glues(a: str, b: str, lexicon: Lexicon) -> bool:
    """Should the space between words ``a`` and ``b`` be a ZWNJ (a half-space typed as space)?

    >>> lex = Lexicon.empty()
    >>> glues("کتاب", "ها", lex), glues("می", "گوید", lex), glues("این", "کتاب", lex)
    (True, True, False)
    """
    return _glue_strength(a, b, lexicon) > 0


def _glue_strength(a: str, b: str, lexicon: Lexicon) -> int:
    """STRONG: an affix nobody writes apart on purpose (می ..., ... ها); WEAK: a usual
    compound or a bound part (بین المللی، ... سازی); 0: two words."""
    if b in VERB_PREFIXES:  # سر می\u200cزند: only a preverb joins می (برمی)
        return WEAK if a + b in VERB_PREFIXES and (a, b) in lexicon.glue else 0
    if a in VERB_PREFIXES:
        if (a, b) in lexicon.apart or not _verb_body(b, lexicon) and b in lexicon.words:
            return 0  # the month می: "ماه می گذشته"
        return STRONG
    if b in LONE_SUFFIXES or (b == "ای" and a[-1] in "هی"):  # خانه ای، فضایی ای
        return 0 if (a, b) in lexicon.apart else STRONG
    if b in lexicon.bound_after or a in lexicon.bound_before:
        return 0 if (a, b) in lexicon.apart else WEAK
    return WEAK if (a, b) in lexicon.glue else 0


def repair(text: str, offsets: OffsetMap) -> tuple[str, OffsetMap]:
    """Insert missing ZWNJs and turn half-spaces typed as spaces into ZWNJs.

    A ZWNJ after a non-joining letter is invisible, so there a typed space is simply
    deleted ("نیرو های" -> "نیروهای"). Words that already hold a ZWNJ are trusted, and
    so is a text that already writes most of its ZWNJs: there only slips that careful
    writers never make are fixed (میشود, می شود, کتاب ها), not matters of style
    (سالهای, این گونه).

    >>> text = "کتاب ها را میخوانند"
    >>> repair(text, OffsetMap.identity(len(text)))[0] == "کتاب\u200cها را می\u200cخوانند"
    True
    """
    lexicon = load_lexicon()
    pieces = _WORD.split(text)  # separator, word, separator, word, ..., separator
    if len(pieces) < 2:
        return text, offsets
    # The loops below run over C-level maps: a per-word Python loop costs too much.
    words = pieces[1::2]
    fixes = list(map(_word_cache.get, words))
    for k in compress(range(len(words)), map(is_, fixes, repeat(None))):
        fixes[k] = _repair_cached(words[k], lexicon)
    starts = list(accumulate(map(len, pieces)))  # word k spans starts[2k]..starts[2k+1]
    word_edits: list[tuple[int, int, str, int]] = []  # (start, end, replacement, strength)
    # A plural in "های" after a non-joining letter looks the same with or without its ZWNJ
    # (منظرهای): it is left as it is, unless no ezafe can follow it (see below).
    for k in compress(range(len(words)), map(_ends_plural_ezafe, words)):
        if fixes[k] == words[k] and len(words[k]) > 4 and words[k][-4] in NON_LEFT_JOINING:
            fixes[k] = _indefinite_if_no_ezafe(words[k], words[k], pieces, 2 * k + 1, lexicon)
    for k in compress(range(len(words)), map(ne, fixes, words)):
        if fixes[k].endswith(_PLURAL_EZAFE):
            fixes[k] = _indefinite_if_no_ezafe(words[k], fixes[k], pieces, 2 * k + 1, lexicon)
        strength = _word_strength(words[k], fixes[k], lexicon)
        word_edits.extend((s, e, new, strength)
                          for s, e, new in _insertions(words[k], fixes[k], starts[2 * k]))
    gap_edits: list[tuple[int, int, str, int]] = []
    triggered = map(or_, map(or_, map(lexicon.heads.__contains__, words[:-1]),
                             map(lexicon.tails.__contains__, words[1:])),
                    map(lexicon.glue.__contains__, zip(words[:-1], words[1:])))
    spaced = map(" ".__eq__, pieces[2:-1:2])
    for k in compress(range(len(words) - 1), map(and_, triggered, spaced)):
        strength = _glue_strength(words[k], words[k + 1], lexicon)
        if strength:
            end = starts[2 * k + 1]
            gap_edits.append((end, end + 1, _seam(words[k]), strength))
    if not word_edits and not gap_edits:
        return text, offsets
    edits = _follow_habit(word_edits, gap_edits, written=text.count(ZWNJ))
    return _splice(text, offsets, edits)


def _word_strength(word: str, fixed: str, lexicon: Lexicon) -> int:
    if word not in lexicon.standard or fixed.rsplit(ZWNJ, 1)[-1] in ANY_SUFFIXES:
        return WEAK
    return STRONG


def _indefinite_if_no_ezafe(word: str, fixed: str, pieces: list[str], i: int,
                            lexicon: Lexicon) -> str:
    """زمینهای: "زمین\u200cهای" needs a word after its ezafe; before "که", "را" or a full
    stop it is "زمینه\u200cای", when "زمینه" is a word too."""
    after = pieces[i + 1].lstrip(" ")
    ends = i + 2 >= len(pieces) or after[:1] in _CLAUSE_END  # the text, clause or line ends
    if not ends and (after or pieces[i + 2] not in NO_EZAFE_AFTER):
        return fixed
    stem = _known(word[:-2], lexicon)
    return stem + ZWNJ + "ای" if stem is not None and stem[-1] == "ه" else fixed


def _repair_cached(word: str, lexicon: Lexicon) -> str:
    if len(_word_cache) > _CACHE_LIMIT:
        _word_cache.clear()
    fixed = word if ZWNJ in word or len(word) < 3 else repair_word(word, lexicon)
    _word_cache[word] = fixed
    return fixed


def _follow_habit(word_edits: list[tuple[int, int, str, int]],
                  gap_edits: list[tuple[int, int, str, int]],
                  written: int) -> list[tuple[int, int, str, int]]:
    """Keep the edits that fit how this writer types a half-space.

    The STRONG edits are slips nobody makes on purpose, so they show the habit: a
    writer who types ZWNJs (``written``), one who leaves them out (میشود) or one who
    types spaces (می شود). WEAK edits of another habit than the writer's are dropped:
    a space in a text with joined slips is a real space, and a word without ZWNJ in a
    text that types ZWNJ or spaces was meant that way.
    """
    joined = sum(1 for edit in word_edits if edit[3] == STRONG)
    spaced = sum(1 for edit in gap_edits if edit[3] == STRONG)
    if written and written >= AWARE_SHARE * (written + len(word_edits) + len(gap_edits)):
        keep_word, keep_gap = STRONG, STRONG
    elif joined > spaced:
        keep_word, keep_gap = WEAK, STRONG
    elif spaced > joined:
        keep_word, keep_gap = STRONG, WEAK
    elif joined:  # both habits seen: a careless writer
        keep_word, keep_gap = WEAK, WEAK
    elif len(gap_edits) > len(word_edits):  # no slip seen: the likelier habit
        keep_word, keep_gap = STRONG, WEAK
    elif word_edits:  # as many joined words as spaced compounds
        keep_word, keep_gap = WEAK, STRONG
    else:
        keep_word, keep_gap = WEAK, WEAK
    edits = [e for e in word_edits if e[3] >= keep_word]
    edits += [e for e in gap_edits if e[3] >= keep_gap]
    edits.sort()
    return edits


def _insertions(word: str, fixed: str, start: int) -> list[tuple[int, int, str]]:
    """Edits that turn ``word`` into ``fixed``, which only adds ZWNJs."""
    edits = []
    j = 0
    for ch in fixed:
        if ch == ZWNJ and (j >= len(word) or word[j] != ZWNJ):
            edits.append((start + j, start + j, ZWNJ))
        else:
            j += 1
    return edits


def _splice(text: str, offsets: OffsetMap,
            edits: list[tuple[int, int, str, int]]) -> tuple[str, OffsetMap]:
    """Apply one-character edits and carry the offset map along.

    Not ``normalize.rewrite``: edits are decided over a run of words, and one
    ``rewrite`` match spanning several edits would give the letters between them a
    single origin. Here an insertion takes the origin of the character after it, a
    replaced space keeps its origin, and a deleted one has none.
    """
    origin = offsets.origin
    text_parts: list[str] = []
    new_origin: list[int] = []
    last = 0
    for start, end, new, _ in edits:
        text_parts.append(text[last:start])
        text_parts.append(new)
        new_origin.extend(origin[last:start])
        new_origin.extend([origin[start]] * len(new))
        last = end
    text_parts.append(text[last:])
    new_origin.extend(origin[last:])
    return "".join(text_parts), OffsetMap(tuple(new_origin))
