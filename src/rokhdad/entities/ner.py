"""Statistical named-entity tagger: a linear-chain CRF (python-crfsuite) over cached word features.

``tag(words)`` gives one BIO tag per normalised token. The model, word clusters and lexicon
(and, for a model built with them, label projections of word vectors) ship in
``rokhdad/data/ner/`` and are rebuilt by ``scripts/train_ner.py``.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rokhdad.errors import ConfigError
from rokhdad.resolve import numbers
from rokhdad.text import chars

__all__ = [
    "DATA_DIR", "ENTITY_TYPES", "Featurizer", "Lexicon", "NerTagger", "features", "load",
    "load_clusters", "load_lexicon", "load_projections", "lexicon_key", "number_kind", "tag",
    "to_bilou",
]

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "ner"
MODEL_FILE = "model.crfsuite"
CLUSTERS_FILE = "clusters.tsv.gz"  # word, then one cluster id per granularity, tab-separated
LEXICON_FILE = "lexicon.txt.gz"    # sections of names, see load_lexicon
CONFIG_FILE = "config.json"        # FEATURES version, tag scheme, whether it uses projections
ATTRIBUTES_FILE = "attributes.txt.gz"  # the model's attributes (features with a weight)
PROJECTIONS_FILE = "projections.tsv.gz"  # optional: word, then label-projection features

ENTITY_TYPES = ("PER", "ORG", "LOC", "DAT", "TIM", "MON", "PCT")
# Bump when Featurizer output changes: a model trained on other features refuses to load.
# Version 2 adds the number-run features (see ``_NUMBER_WORDS``); this code still makes
# version 1 for a model built with it (``Featurizer(number_runs=False)``).
FEATURES = 2
FEATURE_VERSIONS = (1, 2)
# Lexicon types matched as token spans inside a sentence (B/I/U features) ...
SPAN_TYPES = ("LOC", "ORG", "FAC", "PER")
# ... and types that are single words (a flag on the word itself).
WORD_TYPES = ("FN", "SN", "TT")  # first name, surname, title or job word
MAX_CACHE = 50_000  # words; the per-word cache is cleared when it grows past this
# Tag schemes a model may be trained on. BILOU (U- a one-token entity, L- the last token
# of a longer one) scored higher than BIO on dev; ``tag`` always returns BIO.
TAG_SCHEMES = ("bio", "bilou")

ZWNJ = chars.ZWNJ
_MARKS = re.compile(f"[{chars.DELETED_CLASS}]")
_SHAPE_CLASSES = str.maketrans(
    {**{chr(c): "a" for c in range(0x0621, 0x064B)},
     **{c: "a" for c in "پچژگکیآ"},
     **{chr(c): "X" for c in range(0x41, 0x5B)},
     **{chr(c): "x" for c in range(0x61, 0x7B)},
     **{chr(c): "d" for c in range(0x30, 0x3A)},
     ZWNJ: "z"}
)
_RUNS = re.compile(r"(.)\1+")

# Number runs: digit tokens and number words (cardinal or ordinal, from rokhdad's number
# reader), joined by these words ("and", "to", "to", a thousands comma). Every token of a
# run is told the word right after the run and the word right before it, so the first
# token of "سه میلیون و 200 هزار تومان" sees the currency five tokens away.
_NUMBER_WORDS = frozenset(numbers.WORD_KINDS) | frozenset(
    numbers.squash(w) for w in numbers.IRREGULAR_ORDINALS)
_ORDINAL = re.compile(numbers.ORDINAL_SUFFIX + "$")
_NUMBER_JOINERS = frozenset({"و", "تا", "الی", ","})
_DIGITS = re.compile(r"\d+(?:[.,/:\u066b\u066c]\d+)*")


def number_kind(word: str) -> str:
    """``d`` for a digit token, ``n`` for a number word, ``j`` for a joiner, else ``""``.

    ``word`` is a cleaned token (see ``clean``).
    """
    if _DIGITS.fullmatch(word):
        return "d"
    key = word.replace(ZWNJ, "")
    if key in _NUMBER_WORDS or (key.endswith("هزار") and key[:-4] in _NUMBER_WORDS):
        return "n"
    ordinal = _ORDINAL.search(key)
    if ordinal and ordinal.start() and (key[:ordinal.start()] in _NUMBER_WORDS
                                        or key[:ordinal.start()].isdigit()):
        return "n"
    if word in _NUMBER_JOINERS:
        return "j"
    return ""


def clean(word: str) -> str:
    """The character unification of ``normalize`` for one token (a no-op on normalised tokens)."""
    word = word.translate(chars.ONE_TO_ONE)
    if _MARKS.search(word):
        word = _MARKS.sub("", word)
    return word.lower()


def lexicon_key(word: str) -> str:
    """Lookup key of one token: cleaned, without ZWNJ (lexicons spell half-spaces both ways)."""
    return clean(word).replace(ZWNJ, "")


def to_bilou(tags: Sequence[str]) -> list[str]:
    """IOB2 tags to BILOU (for training)."""
    out = []
    for i, t in enumerate(tags):
        if t == "O":
            out.append(t)
            continue
        nxt = tags[i + 1] if i + 1 < len(tags) else "O"
        more = nxt.startswith("I-") and nxt[2:] == t[2:]
        if t.startswith("B-"):
            out.append(("B-" if more else "U-") + t[2:])
        else:
            out.append(("I-" if more else "L-") + t[2:])
    return out


def _bio_label(label: str) -> str:
    """A BILOU (or BIO) label as BIO: ``U-`` is ``B-``, ``L-`` is ``I-``."""
    if label.startswith("U-"):
        return "B-" + label[2:]
    if label.startswith("L-"):
        return "I-" + label[2:]
    return label


def shape(word: str) -> str:
    """Collapsed character classes: ``a`` letter, ``X``/``x`` Latin case, ``d`` digit, ``z`` ZWNJ."""
    return _RUNS.sub(r"\1", word.translate(_SHAPE_CLASSES))[:6]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Gazetteer lists compiled for features: word flags and hashed multi-token entries.

    ``entries`` maps ``hash(" ".join(keys))`` to a bit mask over ``SPAN_TYPES``; hashing keeps
    a few hundred thousand names in a few megabytes and a collision only adds one feature.
    ``lengths`` maps a first key to the entry lengths (longest first) that start with it.
    """

    words: Mapping[str, str]
    entries: Mapping[int, int]
    lengths: Mapping[str, tuple[int, ...]]

    def spans(self, keys: Sequence[str]) -> list[tuple[int, int, int]]:
        """Every ``(token_start, token_end, mask)`` of a lexicon entry inside ``keys``."""
        found = []
        n = len(keys)
        lengths = self.lengths
        entries = self.entries
        for i, key in enumerate(keys):
            options = lengths.get(key)
            if options is None:
                continue
            for length in options:
                if i + length > n:
                    continue
                mask = entries.get(hash(" ".join(keys[i:i + length])) if length > 1 else hash(key))
                if mask:
                    found.append((i, i + length, mask))
        return found


def load_lexicon(path: Path) -> Lexicon:
    """Read a lexicon file written by the training script.

    The file is sections: a ``<TAB>KIND`` line, then one entry per line (token keys joined
    by spaces). Entries never hold a tab, so splitting on tabs finds the sections.
    """
    span_bits = {t: 1 << n for n, t in enumerate(SPAN_TYPES)}
    words: dict[str, str] = {}
    entries: dict[int, int] = {}
    length_bits: dict[str, int] = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        text = f.read()
    for section in text.split("\t")[1:]:
        kind, *names = section.rstrip("\n").split("\n")
        if kind in span_bits:
            bit = span_bits[kind]
            for name in names:
                h = hash(name)
                entries[h] = entries.get(h, 0) | bit
                first = name.partition(" ")[0]
                length_bits[first] = length_bits.get(first, 0) | 1 << (name.count(" ") + 1)
        elif kind in WORD_TYPES:
            flag = kind.lower()
            for name in names:
                words[name] = words.get(name, "") + flag
        else:
            raise ConfigError(f"{path}: unknown lexicon section {kind!r} "
                              f"(expected one of {', '.join(SPAN_TYPES + WORD_TYPES)})")
    longest_first = {m: tuple(n for n in range(m.bit_length() - 1, 0, -1) if m >> n & 1)
                     for m in set(length_bits.values())}
    return Lexicon(words, entries, {k: longest_first[m] for k, m in length_bits.items()})


Projection = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def load_projections(path: Path) -> dict[str, Projection]:
    """Read ``word<TAB>own<TAB>as left neighbour<TAB>as right neighbour`` lines.

    Each of the three fields holds space-separated feature names: the labels that a CRF
    over dense word vectors scored highest for the word in that position (see
    ``scripts/train_ner.py``), so the tagger gets what the vectors say without their cost.
    """
    projections: dict[str, Projection] = {}
    shared: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            word, *fields = line.rstrip("\n").split("\t")
            if len(fields) != 3:
                raise ValueError(f"{path}: bad line for {word!r} (expected 4 tab-separated fields)")
            projections[word] = tuple(  # type: ignore[assignment]
                tuple(shared.setdefault(f, f) for f in field.split()) for field in fields)
    return projections


def load_clusters(path: Path) -> dict[str, tuple[str, ...]]:
    """Read ``word<TAB>id<TAB>id…`` lines: one cluster id per granularity, coarse to fine."""
    clusters: dict[str, tuple[str, ...]] = {}
    shared: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            word, *ids = line.rstrip("\n").split("\t")
            clusters[word] = tuple(shared.setdefault(i, i) for i in ids)
    return clusters


# Sentence-edge neighbours: "BOS"/"EOS" as the next word's view of them, nothing two away.
_LEFT = ("", "", [], ["BOS"], [], [], [])
_RIGHT = ("", "", [], [], ["EOS"], [], [])


class Featurizer:
    """Feature strings for every token of a sentence; per-word parts are computed once and cached.

    Not a pure function: it holds the clusters, the lexicon and the cache. One instance serves
    training and inference, so both see exactly the same features.
    """

    def __init__(self, clusters: Mapping[str, tuple[str, ...]], lexicon: Lexicon,
                 known: Iterable[str] | None = None,
                 projections: Mapping[str, Projection] | None = None,
                 number_runs: bool = True) -> None:
        self.clusters = clusters
        self.lexicon = lexicon
        self.projections = projections or {}
        self.number_runs = number_runs  # False: features version 1
        # With the model's attribute list, features it has no weight for are dropped before
        # they reach crfsuite (each costs a lookup there) and cached strings are shared.
        self.known = None if known is None else {a: a for a in known}
        self._cache: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def _word(self, word: str) -> tuple:
        """Per-word parts: (form, lexicon key, own features, as seen from -1, +1, -2, +2).

        The set was pruned by 5-fold cross-validation on the training documents: one-letter
        affixes, length, the coarsest clusters and neighbours' shape and coarse clusters
        added nothing, and fewer features make tagging faster. Projections (what a dense
        word-vector model says of the word, see ``load_projections``) join when given.
        """
        w = clean(word)
        key = w.replace(ZWNJ, "")
        flags = self.lexicon.words.get(key, "")
        flag_features = [f"x{flags[j:j + 2]}" for j in range(0, len(flags), 2)]
        n = len(w)
        own = ["b", "w:" + w, "sh:" + shape(w)]
        for k in (2, 3, 4):
            if n > k:
                own.append(f"p{k}:{w[:k]}")
                own.append(f"s{k}:{w[-k:]}")
        if w.isdigit():
            own.append("dg")
        elif any(c.isdigit() for c in w):
            own.append("hd")
        if ZWNJ in w:
            parts = w.split(ZWNJ)
            own += ["zw", "h:" + parts[0], "t:" + parts[-1]]
        if n > 3 and w.startswith("ال"):
            own.append("al")
        if w.endswith("ی"):
            own.append("ey")
        if w.endswith("های"):
            own.append("hay")
        elif w.endswith("ها"):
            own.append("ha")
        cl = self.clusters.get(w) or self.clusters.get(key)
        own += [f"k{g}:{c}" for g, c in enumerate(cl)] if cl else ["k:none"]
        own += flag_features
        near = ["w:" + w, *flag_features]
        if cl:
            near.append(f"k{len(cl) - 1}:{cl[-1]}")  # the finest clusters only
        if n > 2:
            near.append("s2:" + w[-2:])
        left = ["-1" + f for f in near]
        right = ["+1" + f for f in near]
        projection = self.projections.get(w) or self.projections.get(key)
        if projection:
            own += projection[0]
            left += ["-1" + f for f in projection[1]]
            right += ["+1" + f for f in projection[2]]
        return (*self._known(w, key, own, left, right, ["-2w:" + w], ["+2w:" + w]),
                number_kind(w))

    def _known(self, w: str, key: str, *lists: list[str]) -> tuple:
        known = self.known
        if known is None:
            return (w, key, *lists)
        return (w, key, *([known[f] for f in feats if f in known] for feats in lists))

    def _number_runs(self, infos: Sequence[tuple], rows: list[list[str]]) -> None:
        """Features of number runs (see ``_NUMBER_WORDS``): the words after and before."""
        known = self.known
        n = len(infos)
        i = 0
        while i < n:
            if infos[i][7] not in ("d", "n"):
                i += 1
                continue
            last = j = i
            while j + 1 < n and infos[j + 1][7]:
                j += 1
                if infos[j][7] != "j":
                    last = j
            end = last + 1
            after = infos[end][0] if end < n else "EOS"
            run = ["nx:" + after, "np:" + (infos[i - 1][0] if i else "BOS")]
            first = run + ["nB", "nB:" + after]
            inner = run + ["nI", "nI:" + after]
            for t in range(i, end):
                rows[t] += [f for f in (first if t == i else inner) if known is None or f in known]
            if end < n and (known is None or "na" in known):
                rows[end].append("na")
            i = end

    def sentence(self, words: Sequence[str]) -> list[list[str]]:
        """One list of feature strings per token of ``words``."""
        cache = self._cache
        infos = [_LEFT, _LEFT]
        for word in words:
            info = cache.get(word)
            if info is None:
                info = self._word(word)
                with self._lock:
                    if len(cache) >= MAX_CACHE:
                        cache.clear()
                    cache[word] = info
            infos.append(info)
        infos += (_RIGHT, _RIGHT)
        known = self.known
        rows: list[list[str]] = []
        for i in range(2, len(infos) - 2):
            prev, info, nxt = infos[i - 1], infos[i], infos[i + 1]
            row = info[2] + prev[3] + infos[i - 2][5] + nxt[4] + infos[i + 2][6]
            if prev is not _LEFT:
                pair = "bg:" + prev[0] + "|" + info[0]
                if known is None or pair in known:
                    row.append(pair)
            if nxt is not _RIGHT:
                pair = "fg:" + info[0] + "|" + nxt[0]
                if known is None or pair in known:
                    row.append(pair)
            rows.append(row)
        if self.number_runs:
            self._number_runs(infos[2:-2], rows)
        n = len(rows)
        for start, end, mask in self.lexicon.spans([info[1] for info in infos[2:-2]]):
            for bit, kind in enumerate(SPAN_TYPES):
                if mask >> bit & 1:
                    if end - start == 1:
                        rows[start].append("g" + kind + "U")
                    else:
                        rows[start].append("g" + kind + "B")
                        for j in range(start + 1, end):
                            rows[j].append("g" + kind + "I")
                        if start:
                            rows[start - 1].append("+1g" + kind)
                        if end < n:
                            rows[end].append("-1g" + kind)
        return rows


class NerTagger:
    """A loaded CRF model with its featurizer. ``tag`` is safe to call from several threads."""

    def __init__(self, model_path: Path, featurizer: Featurizer) -> None:
        import pycrfsuite  # imported here: only the tagger needs the C extension

        self.featurizer = featurizer
        self.model_path = model_path
        self._local = threading.local()
        self._pycrfsuite = pycrfsuite
        # the model's labels as BIO (identity for a BIO model; U-/L- of a BILOU one)
        self._bio = {label: _bio_label(label) for label in self._crf().labels()}

    def _crf(self):
        crf = getattr(self._local, "crf", None)
        if crf is None:
            crf = self._pycrfsuite.Tagger()
            try:
                crf.open(str(self.model_path))
            except (OSError, ValueError) as exc:
                raise ConfigError(f"cannot open NER model {self.model_path}: {exc}; "
                                  "rebuild it with scripts/train_ner.py") from exc
            self._local.crf = crf
        return crf

    def tag(self, words: Sequence[str]) -> list[str]:
        """BIO tags (``B-PER``, ``I-LOC``, ``O`` …) for normalised tokens of one sentence."""
        if not words:
            return []
        bio = self._bio
        return [bio[label] for label in self._crf().tag(self.featurizer.sentence(words))]


def load(directory: Path | None = None) -> NerTagger:
    """Load model, clusters and lexicon from ``directory`` (default: the shipped data).

    Raises:
        ConfigError: a file is missing or unreadable.
    """
    directory = DATA_DIR if directory is None else Path(directory)
    try:
        config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
        attributes = directory / ATTRIBUTES_FILE
        known = None
        if attributes.exists():
            with gzip.open(attributes, "rt", encoding="utf-8") as lines:
                known = lines.read().split("\n")
        version = config.get("features")
        if version not in FEATURE_VERSIONS:
            raise ConfigError(f"{directory / CONFIG_FILE}: model built for features version "
                              f"{version}, this code makes versions "
                              f"{', '.join(map(str, FEATURE_VERSIONS))}; "
                              "rebuild it with scripts/train_ner.py")
        projections = None
        if config.get("projections"):
            projections = load_projections(directory / PROJECTIONS_FILE)
        featurizer = Featurizer(load_clusters(directory / CLUSTERS_FILE),
                                load_lexicon(directory / LEXICON_FILE), known=known,
                                projections=projections, number_runs=version >= 2)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read NER data in {directory}: {exc}; "
                          "rebuild it with scripts/train_ner.py") from exc
    tagger = NerTagger(directory / MODEL_FILE, featurizer)
    log.debug("loaded NER model from %s", directory)
    return tagger


_default: NerTagger | None = None
_default_lock = threading.Lock()


def _shipped() -> NerTagger:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = load()
    return _default


def tag(words: Sequence[str]) -> list[str]:
    """BIO tags for one sentence of normalised tokens, from the shipped model (loaded on first use).

    >>> tag(["حسن", "روحانی", "به", "تهران", "رفت", "."])
    ['B-PER', 'I-PER', 'O', 'B-LOC', 'O', 'O']
    """
    return _shipped().tag(words)


def features(words: Sequence[str], i: int) -> list[str]:
    """Feature strings of token ``i`` as the shipped model sees them (for inspection and tests)."""
    return _shipped().featurizer.sentence(words)[i]
