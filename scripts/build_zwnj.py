"""Build the ZWNJ lexicon shipped in ``src/rokhdad/data/zwnj/lexicon.txt.gz``.

Usage evidence comes from the news and NER corpora and gazetteer names under
``shared/data`` (never ``shared/data/zwnj``, and skipping the articles of
``shared/eval/dev``); spelling evidence from the word list of the hazm package
(``hazm/data/words.dat``, MIT), read from its wheel. See ``data/zwnj/README.md``.
Run: ``python scripts/build_zwnj.py [--shared ../shared] [--hazm WHEEL]`` (about a
minute and a half); without ``--hazm`` the wheel is fetched with ``pip download``.
``--holdout DIR`` keeps one news article in ten out of the counts and writes its
careful sentences as a benchmark (gold, joined, spaced) to check the lexicon on.
"""

from __future__ import annotations

import argparse
import collections
import csv
import dataclasses
import gzip
import json
import logging
import pickle
import re
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rokhdad.text import chars
from rokhdad.text.normalize import normalize
from rokhdad.text.zwnj import (
    AFTER_HEH_SUFFIXES,
    AFTER_YE_SUFFIXES,
    ANY_SUFFIXES,
    MIN_HEH_HEAD,
    MIN_HEH_TAIL,
    MIN_NEW_STEM,
    MIN_STEM,
    NEW_STEM_SUFFIXES,
    PATRONYMIC_LINKS,
    VERB_ENDINGS,
    VERB_PREFIX,
    VERB_SHAPE,
    Lexicon,
    analyse,
    canonical,
    glues,
)

log = logging.getLogger("build_zwnj")

ZWNJ = chars.ZWNJ
NON_LEFT_JOINING = chars.NON_LEFT_JOINING
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "rokhdad" / "data" / "zwnj" / "lexicon.txt.gz"
WORD = re.compile(r"[^\W\d_]+(?:\u200c[^\W\d_]+)*")

# A document is "careful" when it writes ZWNJ where the standard wants one and almost
# never leaves a telltale space or joined form; only careful documents tell us which
# words are really written plain and which word pairs are really two words.
CAREFUL_MIN_ZWNJ = 3        # ZWNJ words a document needs before it can be judged
CAREFUL_MAX_SLIPS = 0.03    # share of slips (spaced affixes, joined standard forms)
SLIP_SUFFIXES = frozenset({"ها", "های", "هایی", "اند", "ترین", "هایش", "هایشان"})
SLIP_MIN_COUNT = 30         # a form is "standard with ZWNJ" from this many uses ...
SLIP_MIN_SHARE = 0.95       # ... when at least this share of them has the ZWNJ

# Joined repair: a word gets its ZWNJ spelling when, counting the rule that splits it as
# PRIOR_WEIGHT uses that went its usual way, ZWNJ uses outnumber plain ones in careful docs.
PRIOR_WEIGHT = 1.5
CARELESS_WEIGHT = 0.25      # a plain use in a careless document counts this much
NEUTRAL_SHARE = 0.5         # prior for a ZWNJ form no affix rule explains
# A word used this often in careful documents is judged by its uses there: ZWNJ and plain
# uses elsewhere count CARELESS_WEIGHT each, as otherwise careless plain uses are
# discounted but careless ZWNJ uses are not (اینها).
CAREFUL_ENOUGH = 20
VERB_MIN_COUNT = 2          # uses of "می\u200cX" before X counts as a verb body
NAME_WEIGHT = 2             # gazetteer names count as this many plain uses
# "Standard" spellings are fixed even in text that already uses ZWNJ (see zwnj.repair):
# forms almost nobody writes plain in careful documents.
STANDARD_MIN_COUNT = 3
STANDARD_MIN_SHARE = 0.9

# Known words (stems and parts for affix rules): seen this often in any document.
KNOWN_MIN_COUNT = 2

# The dictionary (hazm's word list) says how a word is spelt; the corpora say how it is
# used. Where the dictionary prefers the ZWNJ spelling, it wins when at least this share
# of the word's corpus uses have the ZWNJ, or when the word is too rare in the corpora
# to judge; where it prefers the plain one, the ZWNJ spelling needs 1 - this share.
# Lower shares (0.2, 0.35) let the dictionary overrule news usage (همزمان، پنجشنبه) and
# did worse on held-out news (see --holdout).
DICT_MIN_SHARE = 0.5
PLURAL_CLITICS = frozenset({"مان", "تان", "شان"})  # see attached_clitic
COMPARATIVES = frozenset({"تر", "ترین"})  # see separate_comparative
LEXICALISED_COMPARATIVES = frozenset(w + s for w in ("بیش", "کم", "به", "مه", "که")
                                     for s in ("تر", "ترین"))
DICT_MAX_UNSEEN = 3           # uses; fewer and the dictionary alone decides
# A pair of words that the dictionary writes as one word (پاک\u200cکن) is glued only when
# the corpora have not seen it (fewer than DICT_MAX_UNSEEN uses): pairs of function words
# (به طور، آن که) are written both ways by careful writers, and there usage decides.
# Determiners and quantifiers make phrases with nouns (این گونه، آن قدر، هیچ کس) that
# are as standard written apart as together: a space after them is no slip to repair.
FREE_HEADS = frozenset({"این", "آن", "همین", "همان", "هیچ", "چنین", "چنان", "هر", "یک", "چند"})
HAZM_VERSION = "0.10.0"       # the word list read from the hazm wheel
HOLDOUT_BUCKETS = 10          # --holdout keeps news articles with crc32(id) % 10 == 0

# Affixes: a part seen after (before) a ZWNJ with this many different known words is
# productive; its share is the fraction of known words taking it with a ZWNJ rather than
# glued on. Suffixes always listed: the inflectional ones.
AFFIX_MIN_TYPES = 10
AFFIX_MIN_SHARE = 0.75
# Bound parts glue across a space: at least this share of their uses are inside a word.
BOUND_MIN_SHARE = 0.75
BOUND_MIN_LENGTH = 3          # shorter learned parts are mostly noise (اد، ند)
BOUND_BEFORE_MIN_SHARE = 0.8  # first parts: only prefixes used with very many words (بی)
BOUND_BEFORE_MIN_TYPES = 100

# Spaced repair: a pair "a b" is glued when it is written with a ZWNJ at the seam at least
# this often, and this many times more often than it is written as two words in careful docs.
GLUE_MIN_COUNT = 1
GLUE_MIN_RATIO = 1.5
# Rules (می ..., ... ها, bound parts) glue by default; a pair is kept apart when careful
# documents write it as two words this often and more often than as one (the month "می").
APART_MIN_COUNT = 3


def read_documents(shared: Path) -> Iterator[tuple[str, str, str]]:
    """Yield ``(source, id, text)`` for every training document, skipping evaluation articles."""
    data = shared / "data"
    excluded = set()
    eval_articles = shared / "eval" / "dev" / "articles.jsonl"
    if eval_articles.exists():
        with eval_articles.open(encoding="utf-8") as f:
            excluded = {json.loads(line)["id"] for line in f if line.strip()}
    for name in ("ir-news-2020", "fars-news-1500"):
        with (data / name / "articles.jsonl").open(encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                if record["id"] in excluded:
                    continue
                parts = (record.get("title"), record.get("abstract"), record.get("text"))
                yield name, record["id"], "\n".join(p for p in parts if p)
    # PEYMA 300K writes a ZWNJ inside a token as a space ("می شود"); 600K keeps the ZWNJ.
    yield from read_conll(data / "ner-peyma" / "peyma_300k.conll", "peyma", space_is_zwnj=True)
    yield from read_conll(data / "ner-peyma" / "peyma_600k.conll", "peyma")
    for fold in (1, 2, 3):
        yield from read_conll(data / "ner-arman" / f"fold{fold}.conll", "arman")


def held_out(doc_id: str) -> bool:
    """Is this news article kept out of the counts by ``--holdout``? (stable across runs)"""
    return zlib.crc32(doc_id.encode()) % HOLDOUT_BUCKETS == 0


def read_conll(path: Path, source: str, space_is_zwnj: bool = False,
               sentences_per_doc: int = 40) -> Iterator[tuple[str, str, str]]:
    """Tokens joined by spaces, one sentence a line; ``# doc =`` lines start documents."""
    sentences: list[str] = []
    tokens: list[str] = []
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f):
            line = line.rstrip("\n")
            if line.startswith("# doc = ") or not line.strip():
                if tokens:
                    sentences.append(" ".join(tokens))
                    tokens = []
                # ARMAN has no document marks: cut it into chunks so "careful" is local
                new_doc = line.startswith("# doc = ") or len(sentences) >= sentences_per_doc
                if sentences and new_doc:
                    yield source, f"{path.stem}-{line_no}", "\n".join(sentences)
                    sentences = []
                continue
            token = line.split("\t")[0]
            tokens.append(token.replace(" ", ZWNJ) if space_is_zwnj else token)
    if tokens:
        sentences.append(" ".join(tokens))
    if sentences:
        yield source, f"{path.stem}-end", "\n".join(sentences)


def _normalize(text: str) -> str:
    return normalize(text, repair_zwnj=False).text


def tokenize(text: str) -> list[list[str]]:
    """Runs of words separated by single spaces (punctuation and digits break a run)."""
    runs: list[list[str]] = []
    run: list[str] = []
    last_end = -1
    for match in WORD.finditer(text):
        if run and not (match.start() == last_end + 1 and text[last_end] == " "):
            runs.append(run)
            run = []
        run.append(match.group())
        last_end = match.end()
    if run:
        runs.append(run)
    return runs


class Counts:
    """Everything the lexicon is computed from."""

    def __init__(self) -> None:
        self.words: collections.Counter[str] = collections.Counter()       # any doc, canonical
        self.zwnj_forms: collections.Counter[str] = collections.Counter()  # any doc, canonical
        self.careful_zwnj: collections.Counter[str] = collections.Counter()  # careful docs, key
        self.seams: collections.Counter[tuple[str, str]] = collections.Counter()  # a|b at a ZWNJ
        self.plain: collections.Counter[str] = collections.Counter()       # careful docs
        self.pairs: collections.Counter[tuple[str, str]] = collections.Counter()  # careful docs
        self.verb_bodies: collections.Counter[str] = collections.Counter()


def count(docs: list[tuple[str, list[list[str]]]]) -> Counts:
    """Count forms everywhere, and plain words and word pairs in careful documents."""
    counts = Counts()
    for _, runs in docs:
        for run in runs:
            for word in run:
                counts.words[canonical(word)] += 1
    slips = _standard_zwnj_keys(counts.words)
    careful = 0
    for _, runs in docs:
        is_careful = careful_document(runs, slips)
        careful += is_careful
        for run in runs:
            for i, raw in enumerate(run):
                word = canonical(raw)
                if ZWNJ in raw:
                    parts = raw.split(ZWNJ)
                    for a, b in zip(parts, parts[1:]):
                        if a and b:
                            counts.seams[a, b] += 1
                    if ZWNJ in word:
                        counts.zwnj_forms[word] += 1
                    prefix = VERB_PREFIX.match(word)
                    if prefix and word[prefix.end():prefix.end() + 1] == ZWNJ:
                        counts.verb_bodies[word[prefix.end() + 1:]] += 1
                if not is_careful:
                    continue
                if ZWNJ not in word:
                    counts.plain[word] += 1
                else:
                    counts.careful_zwnj[word.replace(ZWNJ, "")] += 1
                if i + 1 < len(run) and ZWNJ not in raw and ZWNJ not in run[i + 1]:
                    counts.pairs[raw, run[i + 1]] += 1
    log.info("careful documents: %d of %d", careful, len(docs))
    return counts


def careful_document(runs: list[list[str]], slips: set[str]) -> bool:
    """Does the document write its ZWNJs and (almost) never leave a telltale slip?"""
    words = [canonical(w) for run in runs for w in run]
    good = sum(1 for w in words if ZWNJ in w)
    bad = sum(1 for w in words if w in slips or w in SLIP_SUFFIXES)
    bad += sum(1 for run in runs for a in run[:-1] if a in ("می", "نمی"))
    return good >= CAREFUL_MIN_ZWNJ and bad <= CAREFUL_MAX_SLIPS * (good + bad)


def _standard_zwnj_keys(forms: collections.Counter[str]) -> set[str]:
    """Plain spellings of words that are nearly always written with a ZWNJ."""
    zwnj_total: collections.Counter[str] = collections.Counter()
    for form, n in forms.items():
        if ZWNJ in form:
            zwnj_total[form.replace(ZWNJ, "")] += n
    return {key for key, n in zwnj_total.items()
            if n >= SLIP_MIN_COUNT and n >= SLIP_MIN_SHARE * (n + forms.get(key, 0))}


def read_names(shared: Path) -> collections.Counter[str]:
    """Single words of gazetteer names: proper nouns that affix rules must not split."""
    data = shared / "data" / "gazetteer-fa"
    names: collections.Counter[str] = collections.Counter()
    texts: list[str] = []
    with (data / "person_first_names.csv").open(encoding="utf-8") as f:
        texts.extend(row["name_fa"] for row in csv.DictReader(f))
    with (data / "places.csv").open(encoding="utf-8") as f:
        texts.extend(row["name_fa"] for row in csv.DictReader(f))
    with (data / "person_full_names.txt").open(encoding="utf-8") as f:
        texts.extend(f.read().split("\n"))
    for text in texts:
        for word in WORD.findall(_normalize(text)):
            if ZWNJ not in word:
                names[word] += 1
    return names


def read_given_names(shared: Path, words: collections.Counter[str]) -> set[str]:
    """Names that make up Arabic-style names with بن/ابن ("son of"), for ``zwnj.patronymic``:
    the words next to the link in gazetteer full names, and the gazetteer's first names
    that the corpora use (KNOWN_MIN_COUNT times)."""
    data = shared / "data" / "gazetteer-fa"
    names: set[str] = set()
    with (data / "person_full_names.txt").open(encoding="utf-8") as f:
        for line in f:
            parts = _normalize(line.strip()).split()
            names.update(part for i, part in enumerate(parts)
                         if (i + 1 < len(parts) and parts[i + 1] in PATRONYMIC_LINKS)
                         or (i > 0 and parts[i - 1] in PATRONYMIC_LINKS))
    with (data / "person_first_names.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = _normalize(row["name_fa"]).strip()
            if words[canonical(name)] >= KNOWN_MIN_COUNT:
                names.add(name)
    return {canonical(name) for name in names
            if len(name) >= 2 and WORD.fullmatch(name) and name not in PATRONYMIC_LINKS}


@dataclasses.dataclass(frozen=True)
class Dictionary:
    """Spellings listed in a word list: which words it writes with a ZWNJ, which plain."""

    zwnj: dict[str, tuple[str, int]]  # plain key -> (spelling with ZWNJ, its frequency)
    plain: dict[str, int]             # words listed plain as real entries -> frequency

    def spelling(self, key: str) -> str | None:
        """The dictionary's spelling of ``key`` (canonical, see ``zwnj.canonical``) when it
        prefers the one with a ZWNJ, "" when it prefers the plain one, None when it does
        not say."""
        listed = self.zwnj.get(key)
        if listed is None:
            return "" if key in self.plain else None
        form, n = listed
        if key not in self.plain or n > self.plain[key]:
            return canonical(form)
        return "" if n < self.plain[key] else None

    def pairs(self) -> Iterator[tuple[str, str]]:
        """Neighbouring parts of the ZWNJ spellings it prefers (پاک\u200cکن: پاک, کن), also
        where the ZWNJ is invisible (آزاد\u200cسازی): written apart, they are one word."""
        for key, (form, _) in self.zwnj.items():
            if self.spelling(key):
                parts = form.split(ZWNJ)
                yield from zip(parts, parts[1:])


def read_hazm(wheel: Path) -> Dictionary:
    """hazm's ``data/words.dat`` ("word<TAB>frequency<TAB>tags"), read from the wheel.

    Only entries with part-of-speech tags are read: the untagged ones ("کتابها 0 0",
    "صنعت\u200cنفت 0 0") are bare spellings added for the hazm normaliser and tokenizer,
    some of them apparently taken from treebank text (the benchmark's kind), not
    dictionary words.
    """
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read("hazm/data/words.dat").decode("utf-8")
    zwnj: dict[str, tuple[str, int]] = {}
    plain: dict[str, int] = {}
    for line in text.splitlines():
        word, frequency, tags = line.split("\t")
        if tags == "0":
            continue
        word = _normalize(word).strip(ZWNJ)
        if not WORD.fullmatch(word):
            continue
        n = int(frequency)
        if ZWNJ in word:
            key = word.replace(ZWNJ, "")
            if key not in zwnj or n > zwnj[key][1]:
                zwnj[key] = (word, n)
        elif tags != "0":
            plain[word] = max(n, plain.get(word, 0))
    log.info("hazm %s: %d ZWNJ spellings, %d plain words", wheel.name, len(zwnj), len(plain))
    return Dictionary(zwnj, plain)


def fetch_hazm(folder: Path) -> Path:
    """The hazm wheel (data only is read; the package is never imported or installed)."""
    wheel = folder / f"hazm-{HAZM_VERSION}-py3-none-any.whl"
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary", ":all:", "-d", str(folder), f"hazm=={HAZM_VERSION}"],
                       check=True)
    return wheel


def affix_shares(counts: Counts, known: set[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Share of known words that take each productive suffix (prefix) after a ZWNJ."""
    after: dict[str, set[str]] = collections.defaultdict(set)
    before: dict[str, set[str]] = collections.defaultdict(set)
    for a, b in counts.seams:
        if a[-1] in NON_LEFT_JOINING or (b in AFTER_HEH_SUFFIXES and a[-1] != "ه"):
            continue
        if a in known and VERB_PREFIX.fullmatch(a) is None:
            after[b].add(a)
        if b in known:
            before[a].add(b)
    # one-letter parts are mostly names cut at an odd ZWNJ (چوک\u200cا)
    suffixes = {b for b, heads in after.items() if len(heads) >= AFFIX_MIN_TYPES and len(b) >= 2}
    suffixes |= ANY_SUFFIXES | AFTER_HEH_SUFFIXES
    prefixes = {a for a, tails in before.items() if len(tails) >= AFFIX_MIN_TYPES
                and len(a) >= 2 and VERB_PREFIX.fullmatch(a) is None}
    glued_after: collections.Counter[str] = collections.Counter()
    glued_before: collections.Counter[str] = collections.Counter()
    for word in counts.plain:
        for i in range(MIN_STEM, len(word)):
            a, b = word[:i], word[i:]
            if a[-1] in NON_LEFT_JOINING or (b in AFTER_HEH_SUFFIXES and a[-1] != "ه"):
                continue
            if b in suffixes and a in known:
                glued_after[b] += 1
            if a in prefixes and b in known:
                glued_before[a] += 1

    def share(zwnj: int, glued: int) -> float:
        return round(zwnj / (zwnj + glued), 3) if zwnj + glued else 0.0

    suffix_share = {b: share(len(after.get(b, ())), glued_after[b]) for b in suffixes}
    prefix_share = {a: share(len(before[a]), glued_before[a]) for a in prefixes}
    suffix_share = {b: s for b, s in suffix_share.items()
                    if s >= AFFIX_MIN_SHARE or b in ANY_SUFFIXES or b in AFTER_HEH_SUFFIXES}
    prefix_share = {a: s for a, s in prefix_share.items() if s >= AFFIX_MIN_SHARE}
    return suffix_share, prefix_share


def bound_parts(counts: Counts) -> tuple[set[str], set[str]]:
    """Parts mostly seen inside words (سازی، کننده؛ بی): a space before (after) them is a slip."""
    after: collections.Counter[str] = collections.Counter()
    before: collections.Counter[str] = collections.Counter()
    after_types: collections.Counter[str] = collections.Counter()
    before_types: collections.Counter[str] = collections.Counter()
    for (a, b), n in counts.seams.items():
        if VERB_PREFIX.fullmatch(a) is None:  # می\u200cآید says nothing about آید alone
            after[b] += n
            after_types[b] += 1
        before[a] += n
        before_types[a] += 1

    def bound(inside: int, alone: int, minimum: float) -> bool:
        return inside >= minimum * (inside + alone)

    bound_after = {b for b, n in after.items()
                   if len(b) >= BOUND_MIN_LENGTH and b not in AFTER_HEH_SUFFIXES  # their own rule
                   and b not in ANY_SUFFIXES and after_types[b] >= AFFIX_MIN_TYPES
                   and bound(n, counts.plain.get(b, 0), BOUND_MIN_SHARE)}
    bound_before = {a for a, n in before.items()
                    if len(a) >= 2 and before_types[a] >= BOUND_BEFORE_MIN_TYPES
                    and VERB_PREFIX.fullmatch(a) is None
                    and bound(n, counts.plain.get(a, 0), BOUND_BEFORE_MIN_SHARE)}
    return bound_after, bound_before


def separate_comparative(key: str, form: str) -> bool:
    """Is ``form`` an adjective with the comparative "تر" / "ترین" after a ZWNJ? The
    Academy's orthography writes them apart (بزرگ\u200cترین، پیش\u200cتر) except in a few
    lexicalised words (بیشتر، کمتر، بهتر، مهتر، کهتر); news glues the most common ones about
    as often, so wherever the ZWNJ spelling is in use at all, the standard decides.
    """
    head, _, tail = form.rpartition(ZWNJ)
    return (bool(head) and tail in COMPARATIVES and ZWNJ not in head
            and key not in LEXICALISED_COMPARATIVES)


def attached_clitic(form: str) -> bool:
    """Does ``form`` put a ZWNJ before a plural personal clitic (مان، تان، شان) after a
    letter other than "ه" or "ی"? The Academy's orthography (دستور خط فارسی) attaches
    these clitics to such words (کتابشان، دستتان): news usage is split about evenly, so
    the standard decides. After a silent "ه" they keep the ZWNJ (خانه\u200cشان), and after
    "ی" usage decides (زندگی\u200cشان).
    """
    head, _, tail = form.rpartition(ZWNJ)
    return bool(head) and tail in PLURAL_CLITICS and head[-1] not in "هی"


def choose_words(counts: Counts, lexicon: Lexicon, known: set[str],
                 names: collections.Counter[str],
                 dictionary: Dictionary) -> tuple[dict[str, str], set[str]]:
    """Plain key -> ZWNJ spelling, for every word whose ZWNJ spelling wins.

    The evidence: uses with ZWNJ anywhere, plain uses (careful documents count fully,
    careless ones a little, gazetteer names too), as a prior the share of known words
    for which the affix rule that splits this word holds, and the dictionary's spelling,
    which decides where usage is mixed (see DICT_MIN_SHARE) or too thin to judge.
    """
    best: dict[str, tuple[int, str]] = {}
    zwnj_total: collections.Counter[str] = collections.Counter()
    for form, n in counts.zwnj_forms.items():
        key = form.replace(ZWNJ, "")
        zwnj_total[key] += n
        if key not in best or n > best[key][0]:
            best[key] = (n, form)
    joined: dict[str, str] = {}
    standard: set[str] = set()
    for key in set(zwnj_total) | known | dictionary.zwnj.keys():
        if len(key) < 3:
            continue
        z = zwnj_total.get(key, 0)
        careful = counts.plain.get(key, 0)
        careless = counts.words.get(key, 0) - careful
        p = careful + CARELESS_WEIGHT * careless + NAME_WEIGHT * names.get(key, 0)
        careful_z = counts.careful_zwnj.get(key, 0)
        if careful + careful_z >= CAREFUL_ENOUGH:  # ZWNJ uses discounted like plain ones
            z = careful_z + CARELESS_WEIGHT * (z - careful_z)
        if attached_clitic(best.get(key, (0, key))[1]):
            continue
        if z and separate_comparative(key, best[key][1]):
            joined[key] = best[key][1]
            continue
        said = dictionary.spelling(key)
        if said:  # the dictionary writes it with a ZWNJ
            form = best[key][1] if z and said not in counts.zwnj_forms else said
            if form != key and (z + p < DICT_MAX_UNSEEN or z >= DICT_MIN_SHARE * (z + p)):
                joined[key] = form
            continue
        if said == "" and z < (1 - DICT_MIN_SHARE) * (z + p):
            continue  # the dictionary writes it plain, and so do most writers
        found = analyse(key, lexicon)
        if z:
            form = best[key][1]
            explained = found is not None and found.form == form
            prior = found.share if explained else NEUTRAL_SHARE
        elif found is not None:
            form, prior = found.form, found.share
        else:
            continue
        if form != key and z + PRIOR_WEIGHT * prior > p + PRIOR_WEIGHT * (1 - prior):
            joined[key] = form
    for key in joined:
        z = zwnj_total.get(key, 0)
        if z >= STANDARD_MIN_COUNT and z >= STANDARD_MIN_SHARE * (z + counts.plain.get(key, 0)):
            standard.add(key)
    return joined, standard


def choose_glue(counts: Counts, lexicon: Lexicon,
                dictionary: Dictionary) -> tuple[set[str], set[str]]:
    """Pairs to glue although no rule says so, and pairs the rules must keep apart."""
    glue: set[str] = set()
    for (a, b), n in counts.seams.items():
        if len(a) < 2 or len(b) < 2 or a in FREE_HEADS or glues(a, b, lexicon):
            continue
        if n >= GLUE_MIN_COUNT and n >= GLUE_MIN_RATIO * counts.pairs.get((a, b), 0):
            glue.add(f"{a} {b}")
    for a, b in dictionary.pairs():
        if len(a) < 2 or len(b) < 2 or a in FREE_HEADS or glues(a, b, lexicon):
            continue
        if counts.seams.get((a, b), 0) + counts.pairs.get((a, b), 0) < DICT_MAX_UNSEEN:
            glue.add(f"{a} {b}")
    apart: set[str] = set()
    for (a, b), n in counts.pairs.items():
        if n >= APART_MIN_COUNT and glues(a, b, lexicon) and n > counts.seams.get((a, b), 0):
            apart.add(f"{a} {b}")
    return glue, apart


def verb_stems(bodies: Iterable[str]) -> set[str]:
    """Verb bodies seen after می/نمی, and what is left of them without a personal ending."""
    stems = set()
    for body in bodies:
        if ZWNJ in body:
            continue
        stems.add(body)
        for ending in VERB_ENDINGS:
            if ending and body.endswith(ending) and len(body) - len(ending) >= 2:
                stems.add(body[: -len(ending)])
    return stems


def verb_share(counts: Counts) -> float:
    """Share of rare words shaped "می + verb" that are written with the ZWNJ."""
    zwnj = glued = 0
    for word, n in counts.words.items():
        key = word.replace(ZWNJ, "")
        prefix = VERB_PREFIX.match(key)
        if prefix is None or n > 2 or VERB_SHAPE.fullmatch(key[prefix.end():]) is None:
            continue
        if ZWNJ in word:
            zwnj += 1
        elif counts.plain.get(word, 0):
            glued += 1
    return round(zwnj / max(zwnj + glued, 1), 3)


def ye_share(counts: Counts, known: set[str]) -> float:
    """Share of known words in "ی" written with a ZWNJ before a personal ending or the
    indefinite "ای" (صندلی\u200cام), rather than glued on (صندلیام)."""
    zwnj = sum(1 for a, b in counts.seams
               if a[-1] == "ی" and b in AFTER_YE_SUFFIXES and a in known)
    glued = sum(1 for word in counts.plain for b in AFTER_YE_SUFFIXES
                if word.endswith(b) and word[: -len(b)][-1:] == "ی"
                and word[: -len(b)] in known and word[: -len(b)] + "ا" not in known)
    return round(zwnj / max(zwnj + glued, 1), 3)


def new_stem_share(counts: Counts, known: set[str], suffixes: frozenset[str]) -> float:
    """Share of rare words made of a stem that is no known word and one of ``suffixes``
    (ساتراپ\u200cها) written with the ZWNJ."""
    zwnj = glued = 0
    for word, n in counts.words.items():
        key = word.replace(ZWNJ, "")
        if n > 2:
            continue
        for suffix in suffixes:
            stem = key[: -len(suffix)]
            if (key.endswith(suffix) and len(stem) >= MIN_NEW_STEM
                    and stem[-1] not in NON_LEFT_JOINING and stem not in known):
                if word == stem + ZWNJ + suffix:
                    zwnj += 1
                elif word == key and counts.plain.get(word, 0):
                    glued += 1
                break
    return round(zwnj / max(zwnj + glued, 1), 3)


def heh_share(counts: Counts, known: set[str]) -> float:
    """Share of compounds of two known words after a final "ه" written with the ZWNJ."""
    zwnj = sum(1 for a, b in counts.seams
               if a[-1] == "ه" and len(a) >= MIN_HEH_HEAD and len(b) >= MIN_HEH_TAIL
               and a in known and b in known)
    glued = 0
    for word in counts.plain:
        i = word.find("ه", MIN_HEH_HEAD - 1)
        while 0 <= i < len(word) - MIN_HEH_TAIL:
            if word[: i + 1] in known and word[i + 1 :] in known:
                glued += 1
                break
            i = word.find("ه", i + 1)
    return round(zwnj / max(zwnj + glued, 1), 3)


def write_lexicon(path: Path, sections: dict[str, Iterable[str]], header: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [header]
    for name, items in sections.items():
        lines.append(f"[{name}]")
        lines.extend(sorted(items))
    # mtime=0: the same inputs give the same bytes
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))


def build(counts: Counts, names: collections.Counter[str], given_names: set[str],
          dictionary: Dictionary) -> dict[str, list[str]]:
    """All lexicon sections, as lines."""
    slips = _standard_zwnj_keys(counts.words)  # "میشود" is seen, but it is no word
    known = {w for w, n in counts.words.items()
             if n >= KNOWN_MIN_COUNT and ZWNJ not in w and len(w) >= 2 and w not in slips}
    suffixes, prefixes = affix_shares(counts, known)
    bound_after, bound_before = bound_parts(counts)
    verbs = verb_stems(b for b, n in counts.verb_bodies.items() if n >= VERB_MIN_COUNT)
    shares = {"verb": verb_share(counts), "heh": heh_share(counts, known),
              "ye": ye_share(counts, known)}
    shares |= {name: new_stem_share(counts, known, suffixes)
               for name, suffixes in NEW_STEM_SUFFIXES.items()}
    lexicon = Lexicon.empty(words=frozenset(known), verbs=frozenset(verbs), suffixes=suffixes,
                            prefixes=prefixes, shares=shares, bound_after=frozenset(bound_after),
                            bound_before=frozenset(bound_before))
    # a name is needed only where the rules would split it (most names are not)
    known |= {w for w in names if len(w) >= 2 and w not in known and analyse(w, lexicon)}
    lexicon = dataclasses.replace(lexicon, words=frozenset(known))
    joined, standard = choose_words(counts, lexicon, known, names, dictionary)
    known -= joined.keys()
    lexicon = dataclasses.replace(lexicon, joined=joined, words=frozenset(known))
    glue, apart = choose_glue(counts, lexicon, dictionary)
    return {
        "shares": [f"{k}\t{v}" for k, v in shares.items()],
        "suffixes": [f"{k}\t{v}" for k, v in suffixes.items()],
        "prefixes": [f"{k}\t{v}" for k, v in prefixes.items()],
        "standard": [form for key, form in joined.items() if key in standard],
        "joined": [form for key, form in joined.items() if key not in standard],
        "words": list(known),
        "verbs": list(verbs),
        "bound_after": list(bound_after),
        "bound_before": list(bound_before),
        "glue": list(glue),
        "apart": list(apart),
        "names": list(given_names),
    }


def write_holdout(folder: Path, docs: list[tuple[str, list[list[str]]]], texts: list[str],
                  slips: set[str]) -> None:
    """The careful held-out articles as a benchmark in the format of ``shared/data/zwnj``."""
    folder.mkdir(parents=True, exist_ok=True)
    gold = [line for (_, runs), text in zip(docs, texts) if careful_document(runs, slips)
            for line in text.split("\n") if line.strip()]
    variants = {"gold": gold, "joined": [line.replace(ZWNJ, "") for line in gold],
                "spaced": [line.replace(ZWNJ, " ") for line in gold]}
    for name, lines in variants.items():
        (folder / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    log.info("held-out benchmark: %d lines of %d careful articles in %s", len(gold),
             sum(careful_document(runs, slips) for _, runs in docs), folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--hazm", type=Path, help="hazm wheel (default: pip download it)")
    parser.add_argument("--no-dictionary", action="store_true",
                        help="usage evidence only (to measure what the dictionary adds)")
    parser.add_argument("--holdout", type=Path, metavar="DIR",
                        help="keep 1 news article in 10 out and write it as a benchmark here")
    parser.add_argument("--cache", type=Path, help="pickle of the normalised corpora (reused)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    started = time.perf_counter()

    if args.cache and args.cache.exists():
        with args.cache.open("rb") as f:
            sources, ids, texts = pickle.load(f)
    else:
        sources, ids, texts = zip(*read_documents(args.shared))
        with ProcessPoolExecutor() as pool:
            texts = list(pool.map(_normalize, texts, chunksize=64))
        if args.cache:
            with args.cache.open("wb") as f:
                pickle.dump((sources, ids, texts), f)
    docs = [(s, tokenize(t)) for s, t in zip(sources, texts)]
    log.info("%d documents read and normalised in %.1f s", len(docs), time.perf_counter() - started)
    if args.holdout:
        keep = [not (s not in ("peyma", "arman") and held_out(i)) for s, i in zip(sources, ids)]
        held = [(d, t) for d, t, k in zip(docs, texts, keep) if not k]
        docs = [d for d, k in zip(docs, keep) if k]
    counts = count(docs)
    if args.holdout:
        write_holdout(args.holdout, [d for d, _ in held], [t for _, t in held],
                      _standard_zwnj_keys(counts.words))
    names = read_names(args.shared)
    if args.no_dictionary:
        dictionary = Dictionary({}, {})
    else:
        dictionary = read_hazm(args.hazm or fetch_hazm(Path(tempfile.gettempdir()) / "rokhdad-build"))
    sections = build(counts, names, read_given_names(args.shared, counts.words), dictionary)
    header = ("# rokhdad ZWNJ lexicon, built by scripts/build_zwnj.py from ir-news-2020, "
              "fars-news-1500, ner-peyma, ner-arman, gazetteer-fa names and the word list "
              f"of hazm {HAZM_VERSION} (MIT)")
    write_lexicon(args.out, sections, header)
    log.info(", ".join(f"{name} {len(items)}" for name, items in sections.items()))
    log.info("wrote %s (%.0f KB) in %.1f s", args.out, args.out.stat().st_size / 1024,
             time.perf_counter() - started)


if __name__ == "__main__":
    main()
