"""Text similarity for the matcher: canonical tokens, IDF over a corpus, TF-IDF vectors,
cosine and string ratio, and the :class:`Statistics` an alignment is given.

Example::

    >>> idf = {"": 2.0}
    >>> v = weighted(canonical_tokens("稳定就业岗位"), idf)
    >>> round(cosine(v, v), 6)
    1.0
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from planctl.compare.items import idf_texts
from planctl.compare.semantics import LatentModel, build_latent, with_concepts
from planctl.lexicon import lexicon
from planctl.model import Document

Vector = dict[str, float]
_token_cache: dict[str, list[str]] = {}


def canonical_tokens(text: str) -> list[str]:
    """Canonical tokens of ``text`` (memoised: plans repeat their phrases)."""
    cached = _token_cache.get(text)
    if cached is None:
        cached = _token_cache[text] = lexicon().canonical_tokens(text)
    return cached


_concept_cache: dict[str, list[str]] = {}


def tokens_of(text: str) -> list[str]:
    """Canonical tokens and the concepts they belong to (词林 groups, related terms): what the
    matcher, its IDF table and the corpus model count (memoised: plans repeat their titles)."""
    held = _concept_cache.get(text)
    if held is None:
        held = _concept_cache[text] = with_concepts(canonical_tokens(text))
    return held


def forget_tokens() -> None:
    """Drop the memoised tokens (after the dictionaries or concept tables change in-process)."""
    _token_cache.clear()
    _concept_cache.clear()


def idf_table(texts_per_document: Iterable[Iterable[str]]) -> dict[str, float]:
    """Inverse document frequency of canonical tokens, each text a 'document'; the empty key
    holds the IDF of a token seen nowhere."""
    df: Counter[str] = Counter()
    n = 0
    for texts in texts_per_document:
        for text in texts:
            df.update(set(tokens_of(text)))
            n += 1
    return {t: math.log((n + 1) / (c + 1)) + 1 for t, c in df.items()} | {"": math.log(n + 1) + 1}


@dataclass(frozen=True)
class Statistics:
    """What an alignment knows about the documents around the two it compares: the inverse
    document frequency of every token, and the latent (LSA) model of the corpus. A value: the
    workspace computes it once per corpus (and the files given by path) and hands it over."""

    idf: Mapping[str, float]
    """Token → IDF; the empty key holds the IDF of a token seen nowhere."""
    model: LatentModel | None = None
    """The latent model (None: too few items to learn from, or switched off)."""
    vectors: Any = None
    """Domain word vectors (:class:`planctl.compare.vectors.WordVectors`; None: switched off)."""


def documents_statistics(docs: Iterable[Document]) -> Statistics:
    """IDF and latent model over ``docs`` alone (each document counted once)."""
    unique = list({id(d): d for d in docs}.values())
    return Statistics(documents_idf(unique), documents_model(unique))


def documents_model(docs: Iterable[Document]) -> LatentModel | None:
    """A latent model over ``docs`` alone (no corpus at hand)."""
    unique = {id(d): d for d in docs}
    return build_latent([tokens_of(t) for doc in unique.values() for t in idf_texts(doc)])


def documents_idf(docs: Iterable[Document]) -> dict[str, float]:
    """IDF over the alignable items of ``docs`` (each document counted once)."""
    unique = {id(d): d for d in docs}
    return idf_table(idf_texts(doc) for doc in unique.values())


def weighted(tokens: Iterable[str], idf: Mapping[str, float]) -> Vector:
    """L2-normalised TF-IDF vector of ``tokens`` (sublinear tf)."""
    counts = Counter(tokens)
    default = idf.get("", 1.0)
    vec = {t: (1 + math.log(c)) * idf.get(t, default) for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {t: w / norm for t, w in vec.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def ratio(a: str, b: str) -> float:
    """rapidfuzz's normalised edit similarity in [0, 1] (0 when either is empty)."""
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) / 100 if a and b else 0.0
