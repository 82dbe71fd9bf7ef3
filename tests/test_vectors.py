"""The shipped word vectors: they load, memory-mapped; they know the domain; bad files are errors.

"Related" pairs come from planctl's own dictionaries (synonyms.tsv, related.tsv), never from
the matcher's gold.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pytest

from planctl.compare.vectors import WordVectors, load_vectors
from planctl.errors import PlanctlError
from planctl.paths import dictionaries_dir
from planctl.workspace import shipped_vectors

SHIPPED = dictionaries_dir() / "vectors"
MAX_BYTES = 30 * 1024 * 1024


def _dictionary_pairs(name: str) -> list[tuple[str, str]]:
    pairs = set()
    for line in (dictionaries_dir() / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            terms = [t.strip() for t in line.split("\t") if t.strip()]
            pairs.update(itertools.combinations(terms, 2))
    return sorted(pairs)


@pytest.fixture(scope="module")
def wv() -> WordVectors:
    return WordVectors(SHIPPED).load()


def _random_cosines(wv: WordVectors, n: int = 2000) -> np.ndarray:
    rng = np.random.default_rng(0)
    words = wv.words
    a, b = rng.integers(0, len(words), n), rng.integers(0, len(words), n)
    return np.array([wv.similarity(words[i], words[j]) for i, j in zip(a, b, strict=True) if i != j])


def test_shipped_vectors_load_within_budget(wv: WordVectors) -> None:
    files = sorted(SHIPPED.iterdir())
    assert {p.name for p in files} >= {"words.txt", "words.npy", "chars.txt", "chars.npy", "meta.json"}
    assert sum(p.stat().st_size for p in files) <= MAX_BYTES
    assert len(wv) > 10_000
    assert wv.meta()["dim"] == wv.dim
    v = wv.vector(wv.words[0])
    assert v is not None and v.dtype == np.float32 and v.shape == (wv.dim,)
    assert abs(float(np.linalg.norm(v)) - 1) < 1e-5


def test_arrays_are_memory_mapped_float16(wv: WordVectors) -> None:
    tables = wv._load()
    for matrix in (tables.matrix, tables.char_matrix):
        assert isinstance(matrix, np.memmap)
        assert matrix.dtype == np.float16


def test_nothing_is_read_before_a_vector_is_asked_for(tmp_path: Path) -> None:
    lazy = WordVectors(tmp_path / "absent")  # no error yet: nothing read
    with pytest.raises(PlanctlError, match="missing"):
        lazy.vector("就业")


@pytest.mark.parametrize("name", ["synonyms.tsv", "related.tsv"])
def test_dictionary_pairs_are_closer_than_random_pairs(wv: WordVectors, name: str) -> None:
    pairs = [(a, b) for a, b in _dictionary_pairs(name) if a in wv and b in wv]
    assert len(pairs) >= 20, "too few dictionary pairs in the vocabulary to judge"
    pair_cos = np.array([wv.similarity(a, b) for a, b in pairs])
    random_cos = _random_cosines(wv)
    # AUC: how often a dictionary pair beats a random pair
    auc = (pair_cos[:, None] > random_cos[None, :]).mean()
    assert auc > 0.85, f"{name}: AUC {auc:.3f}"


def test_related_terms_are_nearer_than_unrelated(wv: WordVectors) -> None:
    # pairs from synonyms.tsv / related.tsv against a word of another line
    assert wv.similarity("农民工", "务工人员") > wv.similarity("农民工", "退役军人")
    assert wv.similarity("脱贫人口", "防止返贫") > wv.similarity("脱贫人口", "劳动合同")
    assert wv.similarity("灵活就业", "新就业形态") > wv.similarity("灵活就业", "最低工资")


def test_nearest_is_ordered_and_leaves_the_word_out(wv: WordVectors) -> None:
    near = wv.nearest("扶贫", 10)
    assert len(near) == 10
    assert "扶贫" not in [w for w, _ in near]
    scores = [s for _, s in near]
    assert scores == sorted(scores, reverse=True)
    assert wv.nearest("\u0000", 5) == []


def test_unseen_compound_gets_a_vector_from_its_parts(wv: WordVectors) -> None:
    word = "零工市场驿站服务点"  # not a corpus word; its parts are
    assert word not in wv
    parts = wv.parts(word)
    assert "".join(parts) == word
    v = wv.vector(word)
    assert v is not None and abs(float(np.linalg.norm(v)) - 1) < 1e-5
    assert wv.similarity(word, "零工市场") > np.quantile(_random_cosines(wv), 0.99)


def test_fallback_approximates_held_out_words(wv: WordVectors) -> None:
    """In-vocabulary compounds built from their parts only land near their own vector."""
    rng = np.random.default_rng(1)
    band = [w for w in wv.words[5000:] if len(w) >= 3]
    held = [band[i] for i in rng.choice(len(band), 200, replace=False)]
    cos = []
    for w in held:
        parts = wv.parts(w)
        assert w not in parts
        vecs = [wv._part_vector(p) for p in parts]
        if vecs:
            v = np.sum(vecs, axis=0)
            cos.append(float(v @ wv.vector(w)) / float(np.linalg.norm(v)))
    assert np.mean(cos) > np.quantile(_random_cosines(wv), 0.95)


def test_embed_is_a_weighted_unit_mean(wv: WordVectors) -> None:
    assert not wv.embed({}).any()
    assert not wv.embed({"\u0000": 1.0}).any()
    one = wv.embed({"就业": 1.0})
    assert np.allclose(one, wv.vector("就业"), atol=1e-6)
    mixed = wv.embed({"就业": 3.0, "生态环境": 1.0})
    assert abs(float(np.linalg.norm(mixed)) - 1) < 1e-5
    assert mixed @ wv.vector("就业") > mixed @ wv.vector("生态环境")


def test_load_vectors_is_cached_and_clearable() -> None:
    first = shipped_vectors()
    assert first.directory == SHIPPED
    assert shipped_vectors() is first is load_vectors(SHIPPED)
    load_vectors.cache_clear()
    assert shipped_vectors() is not first


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "vectors"
    shutil.copytree(SHIPPED, target)
    return target


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "words.npy").unlink(), "missing"),
        (lambda d: (d / "chars.txt").unlink(), "missing"),
        (lambda d: (d / "words.npy").write_bytes((d / "words.npy").read_bytes()[:1000]), "damaged"),
        (lambda d: (d / "chars.npy").write_bytes(b"not an array"), "damaged"),
        (lambda d: (d / "words.txt").write_text("多余\t1\n" + (d / "words.txt").read_text("utf-8"), "utf-8"), "shape"),
        (lambda d: np.save(d / "chars.npy", np.zeros((3, 3), dtype=np.float32)), "float32"),
        (lambda d: (d / "words.txt").write_bytes(b"\xff\xfe\x00"), "cannot read"),
    ],
)
def test_damaged_files_are_one_line_errors(tmp_path: Path, damage, message: str) -> None:
    directory = _copy(tmp_path)
    damage(directory)
    with pytest.raises(PlanctlError, match=message) as caught:
        WordVectors(directory).vector("就业")
    assert "\n" not in str(caught.value)
