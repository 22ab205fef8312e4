"""Statistical named-entity tagger: a linear-chain CRF (python-crfsuite) over cached word features.

``tag(words)`` gives one BIO tag per normalised token. The model, word clusters and lexicon
(and, for a model built with them, label projections of word vectors) ship in
``rokhdad/data/ner/`` and are rebuilt by ``scripts/train_ner.py``.
"""

from __future__ import annotations

import functools
import gzip
import itertools
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
    "DATA_DIR", "ENTITY_TYPES", "entry_hash", "FastDecoder", "features", "Featurizer",
    "Lexicon", "lexicon_key", "load", "load_clusters", "load_lexicon", "load_projections",
    "load_vectors", "NerTagger", "number_kind", "read_crfsuite", "tag", "tag_many", "to_bilou",
    "WordVectors",
]

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "ner"
MODEL_FILE = "model.crfsuite"
CLUSTERS_FILE = "clusters.tsv.gz"  # word, then one cluster id per granularity, tab-separated
LEXICON_FILE = "lexicon.txt.gz"    # sections of names, see load_lexicon
CONFIG_FILE = "config.json"        # FEATURES version, tag scheme, whether it uses projections
ATTRIBUTES_FILE = "attributes.txt.gz"  # the model's attributes (features with a weight)
PROJECTIONS_FILE = "projections.tsv.gz"  # optional: word, then label-projection features
VECTORS_FILE = "vectors.npy"  # optional: float16 word vectors, rows in clusters-file order

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
    # runs collapsed by groupby (a regex with a "\1" template expands it in Python per run)
    return "".join([c for c, _ in itertools.groupby(word.translate(_SHAPE_CLASSES))][:6])


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Gazetteer lists compiled for features: word flags and hashed multi-token entries.

    ``entries`` maps ``hash(tuple(keys))`` to a bit mask over ``SPAN_TYPES``; hashing keeps
    a few hundred thousand names in a few megabytes and a collision only adds one feature.
    (A tuple of the sentence's keys hashes from their cached string hashes: no string is
    built per lookup.)
    ``lengths`` maps a first key to the entry lengths (longest first) that start with it.
    """

    words: Mapping[str, str]
    entries: Mapping[int, int]
    lengths: Mapping[str, tuple[int, ...]]

    def spans(self, keys: Sequence[str]) -> list[tuple[int, int, int]]:
        """Every ``(token_start, token_end, mask)`` of a lexicon entry inside ``keys``."""
        found = []
        keys = tuple(keys)
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
                mask = entries.get(hash(keys[i:i + length]))
                if mask:
                    found.append((i, i + length, mask))
        return found


def entry_hash(name: str) -> int:
    """The ``Lexicon.entries`` key of a name: its space-separated token keys, hashed as a tuple."""
    return hash(tuple(name.split(" ")))


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
                h = entry_hash(name)
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


class WordVectors:
    """Dense word vectors as CRF features: ``index`` maps a cleaned word to its row of
    ``array`` (float16, rows in clusters-file order, scaled by the build).

    Each dimension j is a real-valued feature of the word itself ("vj"), of the token after
    it ("-vj": its left neighbour's vector) and of the token before it ("+vj").
    """

    PREFIXES = ("", "-", "+")  # own, as the left neighbour, as the right neighbour

    def __init__(self, index: Mapping[str, int], array) -> None:
        self.index = index
        self.array = array
        self.names = [[f"{p}v{j}" for j in range(array.shape[1])] for p in self.PREFIXES]

    def features(self, row: int) -> tuple[dict[str, float], ...]:
        """The three feature dicts of the word at ``row`` (empty for -1: no vector)."""
        if row < 0:
            return ({}, {}, {})
        values = self.array[row].astype(float).tolist()
        return tuple(dict(zip(names, values)) for names in self.names)


def load_vectors(directory: Path) -> WordVectors:
    """Read ``VECTORS_FILE`` and the word order of ``CLUSTERS_FILE`` in ``directory``."""
    import numpy as np

    with gzip.open(directory / CLUSTERS_FILE, "rt", encoding="utf-8") as lines:
        index = {line.partition("\t")[0]: i for i, line in enumerate(lines)}
    array = np.load(directory / VECTORS_FILE, allow_pickle=False)
    if array.ndim != 2 or len(array) != len(index):
        raise ValueError(f"{directory / VECTORS_FILE}: {array.shape} does not match the "
                         f"{len(index)} words of {CLUSTERS_FILE}")
    return WordVectors(index, array)


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
                 number_runs: bool = True, vectors: WordVectors | None = None) -> None:
        self.clusters = clusters
        self.lexicon = lexicon
        self.projections = projections or {}
        self.vectors = vectors  # dense features: see ``items``
        self.number_runs = number_runs  # False: features version 1
        # With the model's attribute list, features it has no weight for are dropped before
        # they reach crfsuite (each costs a lookup there) and cached strings are shared.
        self.known = None if known is None else {a: a for a in known}
        self._cache: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def _word(self, word: str, only_known: bool = True) -> tuple:
        """Per-word parts: (form, lexicon key, own features, as seen from -1, +1, -2, +2,
        number kind); with ``only_known`` and a model's attribute list, only the features
        the model has weights for.

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
        elif any(map(str.isdigit, w)):
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
        lists = (own, left, right, ["-2w:" + w], ["+2w:" + w])
        known = self.known
        if only_known and known is not None:
            lists = tuple([known[f] for f in feats if f in known] for feats in lists)
        row = -1
        if self.vectors is not None:
            index = self.vectors.index
            row = index.get(w, index.get(key, -1))
        return (w, key, *lists, number_kind(w), row)

    @functools.cached_property
    def _pair_starts(self) -> frozenset[str]:
        """Words that begin a word-pair feature the model knows ("bg:a|b", "fg:a|b"; a word
        may hold "|" itself, so every prefix before a "|" counts). Only the crfsuite path
        needs them (``FastDecoder`` keeps its own map), so they are found on first use."""
        return frozenset("|".join(parts[:k]) for a in self.known or ()
                         if a.startswith(("bg:", "fg:"))
                         for parts in [a[3:].split("|")] for k in range(1, len(parts)))

    def word_info(self, word: str) -> tuple:
        """``_word`` of ``word``, from the cache (filled here)."""
        info = self._cache.get(word)
        if info is None:
            info = self._word(word)
            with self._lock:
                if len(self._cache) >= MAX_CACHE:
                    self._cache.clear()
                self._cache[word] = info
        return info

    def extras(self, forms: Sequence[str], keys: Sequence[str],
               kinds: Sequence[str], pairs: bool = True) -> list[tuple[int, str]]:
        """``(token, feature)`` pairs of the features that span words: word bigrams (unless
        ``pairs`` is false), number runs and lexicon entries, from each token's form, lexicon
        key and number kind (fields 0, 1 and 7 of ``_word``), in the order ``sentence``
        appends them."""
        known = self.known
        n = len(forms)
        out: list[tuple[int, str]] = []
        if not pairs:
            pass
        elif known is None:
            for i in range(n):
                if i:
                    out.append((i, "bg:" + forms[i - 1] + "|" + forms[i]))
                if i + 1 < n:
                    out.append((i, "fg:" + forms[i] + "|" + forms[i + 1]))
        else:
            starts = self._pair_starts
            for i in range(n - 1):
                if forms[i] in starts:
                    pair = forms[i] + "|" + forms[i + 1]
                    if "fg:" + pair in known:
                        out.append((i, "fg:" + pair))
                    if "bg:" + pair in known:
                        out.append((i + 1, "bg:" + pair))
        if self.number_runs:
            self._number_runs(forms, kinds, out)
        for start, end, mask in self.lexicon.spans(keys):
            for bit, kind in enumerate(SPAN_TYPES):
                if mask >> bit & 1:
                    if end - start == 1:
                        out.append((start, "g" + kind + "U"))
                    else:
                        out.append((start, "g" + kind + "B"))
                        out += [(j, "g" + kind + "I") for j in range(start + 1, end)]
                        if start:
                            out.append((start - 1, "+1g" + kind))
                        if end < n:
                            out.append((end, "-1g" + kind))
        return out

    def _number_runs(self, forms: Sequence[str], kinds: Sequence[str],
                     out: list[tuple[int, str]]) -> None:
        """Features of number runs (see ``_NUMBER_WORDS``): the words after and before."""
        known = self.known
        n = len(kinds)
        i = 0
        while i < n:
            if kinds[i] not in ("d", "n"):
                i += 1
                continue
            last = j = i
            while j + 1 < n and kinds[j + 1]:
                j += 1
                if kinds[j] != "j":
                    last = j
            end = last + 1
            after = forms[end] if end < n else "EOS"
            run = ["nx:" + after, "np:" + (forms[i - 1] if i else "BOS")]
            first = run + ["nB", "nB:" + after]
            inner = run + ["nI", "nI:" + after]
            for t in range(i, end):
                out += [(t, f) for f in (first if t == i else inner) if known is None or f in known]
            if end < n and (known is None or "na" in known):
                out.append((end, "na"))
            i = end

    def sentence(self, words: Sequence[str]) -> list[list[str]]:
        """One list of feature strings per token of ``words``."""
        infos = [_LEFT, _LEFT, *map(self.word_info, words), _RIGHT, _RIGHT]
        rows = [infos[i][2] + infos[i - 1][3] + infos[i - 2][5] + infos[i + 1][4]
                + infos[i + 2][6] for i in range(2, len(infos) - 2)]
        inner = infos[2:-2]
        for i, feature in self.extras([info[0] for info in inner], [info[1] for info in inner],
                                      [info[7] for info in inner]):
            rows[i].append(feature)
        return rows

    def items(self, words: Sequence[str]) -> list[dict[str, float]] | list[list[str]]:
        """``sentence`` as crfsuite items: with word vectors, each token's binary features
        (value 1) plus the real-valued vectors of the word ("v0"…), of the word before it
        ("-v0"…) and of the word after it ("+v0"…); without, ``sentence`` itself."""
        rows = self.sentence(words)
        if self.vectors is None:
            return rows
        dense = [self.vectors.features(self.word_info(w)[8]) for w in words]
        items = []
        for i, row in enumerate(rows):
            # a feature twice in a row (two lexicon entries) counts twice, as in a list
            item: dict[str, float] = {}
            for feature in row:
                item[feature] = item.get(feature, 0.0) + 1.0
            item.update(dense[i][0])
            if i:
                item.update(dense[i - 1][1])
            if i + 1 < len(rows):
                item.update(dense[i + 1][2])
            items.append(item)
        return items


def read_crfsuite(path: Path) -> tuple[list[str], list[str], object]:
    """Labels, attributes and features of a crfsuite CRF1d model file, with exact weights.

    The file is crfsuite's own layout (``crf1d_model.c``): a header of offsets, a chunk of
    20-byte features (type 0 state: attribute -> label, type 1 transition: label -> label,
    then a little-endian double weight) and two constant quark databases (CQDB) of label and
    attribute names, each with a table from id to the record of its name.
    ``Tagger.info()`` gives the same numbers rounded to six decimals, ten times slower.
    """
    import struct

    import numpy as np

    data = path.read_bytes()
    try:
        magic, _, kind, _, _, _, _, off_features, off_labels, off_attrs = struct.unpack_from(
            "<4sI4sIIIIIII", data, 0)
        chunk, _, count = struct.unpack_from("<4sII", data, off_features)
        if magic != b"lCRF" or kind != b"FOMC" or chunk != b"FEAT":
            raise ValueError("not a crfsuite CRF1d model")
        features = np.frombuffer(data, dtype=np.dtype([("type", "<u4"), ("src", "<u4"),
                                                       ("dst", "<u4"), ("weight", "<f8")]),
                                 count=count, offset=off_features + 12)

        def names(offset: int) -> list[str]:
            chunk, _, _, _, size, backward = struct.unpack_from("<4sIIIII", data, offset)
            if chunk != b"CQDB":
                raise ValueError("a name table is not a CQDB chunk")
            out = [""] * size
            for record in np.frombuffer(data, "<u4", size, offset + backward).tolist():
                ident, length = struct.unpack_from("<iI", data, offset + record)
                out[ident] = data[offset + record + 8 : offset + record + 7 + length].decode()
            return out

        return names(off_labels), names(off_attrs), features
    except (struct.error, IndexError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: unreadable crfsuite model ({exc})") from exc


class FastDecoder:
    """The CRF's best tags without crfsuite: the same weights and the same Viterbi search.

    crfsuite turns every feature string of every token into an id on each call (about 15
    strings a token), which costs more than the search itself. Here each word's features
    are summed once into label-score vectors, one per role (the word itself, as the left or
    right neighbour, two to the left or right; fields 2-6 of ``Featurizer._word``), so a
    token's label scores are five cached vectors plus the few features that span words
    (``Featurizer.extras``). The Viterbi search over all sentences of a call runs in C
    (``_viterbi.c``). The tags are crfsuite's own: tests compare them on real news.
    Not thread-safe by itself; ``NerTagger`` holds a lock around ``scores``.
    """

    ROLES = (2, 3, 4, 5, 6)  # fields of Featurizer._word, in the order of ``_roles[:, k]``
    CAPACITY = 65_536  # words whose vectors are kept (5 x labels doubles each: 40 MB when full)

    def __init__(self, model_path: Path, featurizer: Featurizer, viterbi) -> None:
        import numpy as np

        self._np = np
        self._viterbi = viterbi
        self.featurizer = featurizer
        labels, attributes, features = read_crfsuite(model_path)
        self.labels = labels
        size = len(labels)
        state = features[features["type"] == 0]
        trans = features[features["type"] == 1]
        # one row per attribute, plus a last row of zeros for strings the model lacks
        self._state = np.zeros((len(attributes) + 1, size))
        self._state[state["src"].astype(np.intp), state["dst"].astype(np.intp)] = state["weight"]
        self._transitions = np.zeros((size, size))
        self._transitions[trans["src"].astype(np.intp), trans["dst"].astype(np.intp)] = trans["weight"]
        self._rows = {name: row for row, name in enumerate(attributes)}
        self._missing = len(attributes)
        self._bos = self._state[self._rows.get("BOS", self._missing)]
        self._eos = self._state[self._rows.get("EOS", self._missing)]
        # slot 0: the zero vectors of the padding around sentences
        self._roles = np.zeros((self.CAPACITY, len(self.ROLES), size))
        self._words: dict[str, tuple[int, str, str, str, dict | None]] = {}
        # dense features: per role, a (dimensions x labels) matrix of the vector weights
        self._dense = None
        vectors = featurizer.vectors
        if vectors is not None:
            self._dense = np.zeros((3, vectors.array.shape[1], size))
            for k, names in enumerate(vectors.names):
                for j, name in enumerate(names):
                    self._dense[k, j] = self._state[self._rows.get(name, self._missing)]
        # word pairs the model weighs: first word -> second word -> [(0 for "fg:" (a feature
        # of the first token) or 1 for "bg:" (of the second), row)]; a word may hold "|"
        # itself, so a name is entered under every split at a "|"
        self._pairs: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for name, row in self._rows.items():
            if name.startswith(("bg:", "fg:")):
                parts = name[3:].split("|")
                for k in range(1, len(parts)):
                    second = self._pairs.setdefault("|".join(parts[:k]), {})
                    second.setdefault("|".join(parts[k:]), []).append((name[0] == "b", row))
        self._new: list[tuple[int, tuple]] = []  # slots given out by _add, not yet filled

    def _add(self, word: str) -> tuple[int, str, str, str, dict | None]:
        """Give a new word a slot; its vectors are summed in ``_fill`` (one numpy call for
        all new words of a call)."""
        info = self.featurizer._word(word, only_known=False)  # rows.get drops the others
        slot = len(self._words) + 1
        self._new.append((slot, info))
        entry = self._words[word] = (slot, info[0], info[1], info[7], self._pairs.get(info[0]))
        return entry

    def _fill(self) -> None:
        """Sum the feature weights of the words ``_add`` gave slots to into their vectors."""
        get = self._rows.get
        cells: list[int] = []
        rows: list[int] = []
        width = len(self.ROLES)
        for slot, info in self._new:
            for k, field in enumerate(self.ROLES):
                found = [row for row in map(get, info[field]) if row is not None]
                rows += found
                cells += [slot * width + k] * len(found)
        if rows:
            flat = self._roles.reshape(-1, self._roles.shape[-1])
            self._np.add.at(flat, cells, self._state[rows])
        if self._dense is not None:  # the word's vector as its own, left and right features
            dense = [(slot, info[8]) for slot, info in self._new if info[8] >= 0]
            if dense:
                slots, vector_rows = zip(*dense)
                values = self.featurizer.vectors.array[list(vector_rows)].astype(float)
                for k in range(3):  # roles 0, 1, 2: fields 2, 3, 4 of _word
                    self._roles[list(slots), k] += values @ self._dense[k]
        self._new.clear()

    def scores(self, sentences: Sequence[Sequence[str]]):
        """Label scores (tokens x labels) of all tokens of ``sentences``, one after another.

        The sentences must hold fewer than ``CAPACITY // 2`` tokens together.
        """
        np = self._np
        words = self._words
        if len(words) + sum(map(len, sentences)) >= self.CAPACITY:
            self._roles[1 : len(words) + 1] = 0.0  # only the slots in use (untouched pages stay unmapped)
            words.clear()
        slots = [0, 0]
        positions: list[int] = []
        firsts: list[int] = []
        lasts: list[int] = []
        extra_tokens: list[int] = []
        extra_rows: list[int] = []
        get = self._rows.get
        extras = self.featurizer.extras
        for sentence in sentences:
            if not sentence:
                continue
            base = len(positions)
            entries = [words.get(w) or self._add(w) for w in sentence]
            ids, forms, keys, kinds, pairs = zip(*entries)
            positions += range(len(slots), len(slots) + len(entries))
            slots += ids
            slots += (0, 0)
            firsts.append(base)
            lasts.append(len(positions) - 1)
            for i, (second, following) in enumerate(zip(pairs, forms[1:]), base):
                if second is not None and (hits := second.get(following)):
                    for is_bg, row in hits:
                        extra_tokens.append(i + is_bg)
                        extra_rows.append(row)
            for i, feature in extras(forms, keys, kinds, pairs=False):
                row = get(feature)
                if row is not None:
                    extra_tokens.append(base + i)
                    extra_rows.append(row)
        if self._new:
            self._fill()
        ids = np.array(slots, dtype=np.intp)
        at = np.array(positions, dtype=np.intp)
        roles = self._roles
        scores = (roles[ids[at], 0] + roles[ids[at - 1], 1] + roles[ids[at + 1], 2]
                  + roles[ids[at - 2], 3] + roles[ids[at + 2], 4])
        scores[firsts] += self._bos
        scores[lasts] += self._eos
        if extra_rows:
            np.add.at(scores, extra_tokens, self._state[extra_rows])
        return scores

    def decode(self, scores, lengths: Sequence[int]) -> list[list[str]]:
        """Best labels of consecutive sentences of ``lengths`` tokens, from their ``scores``."""
        np = self._np
        out = np.zeros(len(scores), dtype=np.int32)
        self._viterbi(np.ascontiguousarray(scores), self._transitions,
                      np.array(lengths, dtype=np.int64), out)
        labels = self.labels
        flat = [labels[i] for i in out.tolist()]
        result, offset = [], 0
        for n in lengths:
            result.append(flat[offset : offset + n])
            offset += n
        return result


def _viterbi_extension():
    """The compiled Viterbi search, or None where the extension was not built."""
    try:
        from rokhdad.entities._viterbi import viterbi
    except ImportError:
        return None
    return viterbi


class NerTagger:
    """A loaded CRF model with its featurizer. ``tag`` is safe to call from several threads.

    With the compiled extension (built by ``pip install``) and numpy, tags come from
    ``FastDecoder``; without them, or with ``fast=False``, from crfsuite. The tags are the
    same either way.
    """

    def __init__(self, model_path: Path, featurizer: Featurizer, fast: bool = True) -> None:
        import pycrfsuite  # imported here: only the tagger needs the C extension

        self.featurizer = featurizer
        self.model_path = model_path
        self._local = threading.local()
        self._pycrfsuite = pycrfsuite
        # the model's labels as BIO (identity for a BIO model; U-/L- of a BILOU one)
        self._bio = {label: _bio_label(label) for label in self._crf().labels()}
        self._lock = threading.Lock()
        self.fast: FastDecoder | None = None
        viterbi = _viterbi_extension() if fast else None
        if viterbi is not None:
            try:
                self.fast = FastDecoder(model_path, featurizer, viterbi)
            except ImportError:  # no numpy
                log.info("numpy missing: NER decodes with crfsuite")
            except ValueError as exc:
                raise ConfigError(f"cannot read NER model {model_path}: {exc}; "
                                  "rebuild it with scripts/train_ner.py") from exc

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
        return self.tag_many([words])[0]

    def tag_many(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO tags of each sentence (a sequence of normalised tokens): one call per article
        is faster than one per sentence."""
        bio = self._bio
        fast = self.fast
        if fast is None:
            return [[bio[label] for label in self._crf().tag(self.featurizer.items(words))]
                    if words else [] for words in sentences]
        out: list[list[str]] = []
        limit = fast.CAPACITY // 2
        batch: list[Sequence[str]] = []
        size = 0
        for words in [*sentences, None]:
            if batch and (words is None or size + len(words) > limit):
                with self._lock:
                    scores = fast.scores(batch)
                for tags in fast.decode(scores, [len(w) for w in batch]):
                    out.append([bio[label] for label in tags])
                batch, size = [], 0
            if words is None:
                break
            if len(words) > limit:  # a "sentence" as long as a book: crfsuite tags it
                out.append([bio[label] for label in self._crf().tag(self.featurizer.items(words))])
                continue
            batch.append(words)
            size += len(words)
        return out


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
        vectors = load_vectors(directory) if config.get("dense") else None
        featurizer = Featurizer(load_clusters(directory / CLUSTERS_FILE),
                                load_lexicon(directory / LEXICON_FILE), known=known,
                                projections=projections, number_runs=version >= 2,
                                vectors=vectors)
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


def tag_many(sentences: Sequence[Sequence[str]]) -> list[list[str]]:
    """``tag`` of each sentence, in one call (faster than one call per sentence)."""
    return _shipped().tag_many(sentences)


def features(words: Sequence[str], i: int) -> list[str]:
    """Feature strings of token ``i`` as the shipped model sees them (for inspection and tests)."""
    return _shipped().featurizer.sentence(words)[i]
