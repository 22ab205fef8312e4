"""The compiled NER decoder: crfsuite's weights read exactly, Viterbi in C, crfsuite's tags."""

from __future__ import annotations

import doctest
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rokhdad.entities as entities_module
from rokhdad.entities import bio_spans, ner
from rokhdad.text.normalize import normalize
from rokhdad.text.segment import segment

NEWS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ir-news-2020" / "articles.jsonl"
needs_model = pytest.mark.skipif(not (ner.DATA_DIR / ner.MODEL_FILE).exists(),
                                 reason="NER model not built: run scripts/train_ner.py")


def test_extension_is_built() -> None:
    # pip install compiles it (setup.py); without it tagging falls back to crfsuite, slower
    assert ner._viterbi_extension() is not None


def brute_force(emissions: np.ndarray, transitions: np.ndarray) -> list[int]:
    n, labels = emissions.shape
    best, arg = -np.inf, None
    for path in itertools.product(range(labels), repeat=n):
        score = sum(emissions[t, path[t]] for t in range(n))
        score += sum(transitions[path[t - 1], path[t]] for t in range(1, n))
        if score > best:
            best, arg = score, list(path)
    return arg


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=4), st.integers(1, 4), st.integers(0, 2**31))
def test_viterbi_finds_the_best_path_of_each_sentence(lengths: list[int], labels: int, seed: int) -> None:
    viterbi = ner._viterbi_extension()
    rng = np.random.default_rng(seed)
    emissions = rng.normal(size=(sum(lengths), labels))
    transitions = rng.normal(size=(labels, labels))
    out = np.full(sum(lengths), -1, dtype=np.int32)
    viterbi(emissions, transitions, np.array(lengths, dtype=np.int64), out)
    offset = 0
    for n in lengths:
        if n:
            assert out[offset:offset + n].tolist() == brute_force(emissions[offset:offset + n], transitions)
        offset += n


def test_viterbi_rejects_bad_buffers() -> None:
    viterbi = ner._viterbi_extension()
    em, tr = np.zeros((4, 3)), np.zeros((3, 3))
    out, lengths = np.zeros(4, dtype=np.int32), np.array([4], dtype=np.int64)
    with pytest.raises(TypeError, match="emissions"):
        viterbi(em.astype(np.float32), tr, lengths, out)
    with pytest.raises(TypeError, match="out"):
        viterbi(em, tr, lengths, np.zeros(4, dtype=np.int64))
    with pytest.raises(ValueError, match="disagree"):
        viterbi(em, tr, np.array([3], dtype=np.int64), out)
    with pytest.raises(ValueError, match="square"):
        viterbi(em, np.zeros((3, 2)), lengths, out)
    with pytest.raises(ValueError, match="negative"):
        viterbi(em, tr, np.array([5, -1], dtype=np.int64), out)
    with pytest.raises(ValueError, match="C-contiguous"):
        viterbi(np.zeros((3, 4)).T, tr, lengths, out)  # a view, not contiguous
    with pytest.raises(ValueError, match="disagree"):
        viterbi(np.zeros((4, 2)), np.zeros((2, 2)), lengths, out[:3].copy())
    with pytest.raises(BufferError, match="not writable"):
        viterbi(em, tr, lengths, bytes(16))


@needs_model
def test_model_file_is_read_exactly() -> None:
    import pycrfsuite

    labels, attributes, features = ner.read_crfsuite(ner.DATA_DIR / ner.MODEL_FILE)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(ner.DATA_DIR / ner.MODEL_FILE))
    info = tagger.info()
    assert labels == tagger.labels()
    assert {name: str(i) for i, name in enumerate(attributes)} == info.attributes
    state = {(attributes[f["src"]], labels[f["dst"]]): f["weight"] for f in features if f["type"] == 0}
    trans = {(labels[f["src"]], labels[f["dst"]]): f["weight"] for f in features if f["type"] == 1}
    assert state.keys() == info.state_features.keys()
    assert trans.keys() == info.transitions.keys()
    # info() prints six decimals; the file holds the doubles crfsuite computes with
    assert max(abs(state[k] - w) for k, w in info.state_features.items()) <= 5e-7
    assert max(abs(trans[k] - w) for k, w in info.transitions.items()) <= 5e-7


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "model.crfsuite"
    bad.write_bytes(b"lCRF" + bytes(10))
    with pytest.raises(ValueError, match="unreadable crfsuite model"):
        ner.read_crfsuite(bad)
    bad.write_bytes(bytes(64))
    with pytest.raises(ValueError, match="not a crfsuite"):
        ner.read_crfsuite(bad)


def news_sentences(articles: int) -> list[list[list[str]]]:
    if not NEWS.exists():
        pytest.skip(f"{NEWS} missing")
    out = []
    with NEWS.open(encoding="utf-8") as lines:
        for line in itertools.islice(lines, articles):
            seg = segment(normalize(json.loads(line)["text"]))
            out.append([[t.norm for t in seg.tokens[s.token_start:s.token_end]] for s in seg.sentences])
    return out


@pytest.fixture(scope="module")
def taggers():
    fast = ner.load()
    if fast.fast is None:
        pytest.fail("the compiled decoder did not load")
    return fast, ner.NerTagger(fast.model_path, fast.featurizer, fast=False)


@needs_model
def test_fast_tags_are_crfsuite_tags_on_real_news(taggers) -> None:
    fast, slow = taggers
    articles = news_sentences(150)
    assert sum(map(len, articles)) > 2000
    entities = 0
    for sentences in articles:
        tags = fast.tag_many(sentences)
        assert tags == [slow.tag(words) for words in sentences]
        entities += sum(t.startswith("B-") for s in tags for t in s)
    assert entities > 1000  # the comparison covers real entity tags, not only O


@needs_model
def test_batches_and_a_full_word_cache_change_nothing(taggers) -> None:
    fast, slow = taggers
    decoder = fast.fast
    decoder.CAPACITY = 64  # an instance attribute: batches of 32 tokens, frequent clears
    try:
        sentences = [words for article in news_sentences(20) for words in article]
        sentences += [[], ["تهران"], ["تهران"] * 40]  # empty, one token, longer than a batch
        assert fast.tag_many(sentences) == [slow.tag(words) for words in sentences]
        assert len(decoder._words) < 64
    finally:
        del decoder.CAPACITY
        decoder._words.clear()
        decoder._roles[1:] = 0.0  # the test reset: all of it


@needs_model
def test_ner_entities_takes_a_tagger_or_a_function(taggers) -> None:
    fast, slow = taggers
    text = "حسن روحانی رئیس جمهور ایران روز گذشته در تهران با هیئتی از سازمان ملل دیدار کرد."
    normalized = normalize(text)
    by_tagger = entities_module.ner_entities(text, normalized, fast)
    by_function = entities_module.ner_entities(text, normalized, slow.tag)
    assert by_tagger == by_function
    assert by_tagger and all(text[e.start:e.end] == e.text for e in by_tagger)


def test_bio_spans() -> None:
    assert bio_spans([]) == []
    assert bio_spans(["O", "O"]) == []
    assert bio_spans(["B-PER", "I-PER", "I-PER"]) == [(0, 3, "PER")]
    assert bio_spans(["B-PER", "B-PER"]) == [(0, 1, "PER"), (1, 2, "PER")]
    assert bio_spans(["I-ORG", "O", "I-ORG"]) == [(0, 1, "ORG"), (2, 3, "ORG")]
    assert doctest.testmod(entities_module).failed == 0


def test_dense_features_give_crfsuite_tags(tmp_path: Path) -> None:
    # a small model trained here on real-valued word-vector features (and binary ones):
    # the compiled decoder folds the vectors into each word's cached label scores
    import pycrfsuite

    rng = np.random.default_rng(7)
    vocabulary = ["علی", "رضا", "در", "تهران", "و", "اصفهان", "گفت", "به", "سازمان", "ملل", "رفت", "دیروز"]
    index = {w: i for i, w in enumerate(vocabulary[:-1])}  # the last word has no vector
    vectors = ner.WordVectors(index, rng.normal(size=(len(index), 4)).astype(np.float16))
    lexicon = ner.Lexicon(words={}, entries={ner.entry_hash("سازمان ملل"): 2},
                          lengths={"سازمان": (2,)})
    featurizer = ner.Featurizer({"تهران": ("1", "7")}, lexicon, vectors=vectors)
    tags = {"علی": "B-PER", "رضا": "I-PER", "تهران": "B-LOC", "اصفهان": "B-LOC",
            "سازمان": "B-ORG", "ملل": "I-ORG"}
    sentences = [list(rng.choice(vocabulary, size=rng.integers(1, 9))) for _ in range(120)]
    trainer = pycrfsuite.Trainer(verbose=False)
    for words in sentences:
        labels = [tags.get(w, "O") for w in words]
        labels = [("I-" if i and t != "O" and labels[i - 1][2:] == t[2:] else "B-") + t[2:]
                  if t != "O" else t for i, t in enumerate(labels)]
        trainer.append(featurizer.items(words), labels)
    trainer.set_params({"c1": 0.0, "c2": 0.01, "max_iterations": 50})
    trainer.train(str(tmp_path / "model.crfsuite"))
    items = featurizer.items(["علی", "دیروز"])
    assert items[0]["v0"] == float(vectors.array[0, 0]) and "+v0" not in items[0]  # no vector
    assert items[1]["-v3"] == float(vectors.array[0, 3])

    fast = ner.NerTagger(tmp_path / "model.crfsuite", featurizer)
    slow = ner.NerTagger(tmp_path / "model.crfsuite", featurizer, fast=False)
    assert fast.fast is not None and fast.fast._dense is not None
    assert np.abs(fast.fast._dense).sum() > 0  # the model did weigh the vectors
    tests = [list(rng.choice(vocabulary, size=rng.integers(1, 12))) for _ in range(200)]
    assert fast.tag_many(tests) == [slow.tag(words) for words in tests]
