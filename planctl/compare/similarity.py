"""Text similarity for the matcher: canonical tokens, IDF over a corpus, TF-IDF vectors,
cosine and string ratio.

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

from planctl import cache
from planctl.compare.items import idf_texts
from planctl.compare.semantics import LatentModel, build_latent, latent_model, with_concepts
from planctl.corpus import Corpus
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


def _texts(corpus: Corpus, extra: list[list[str]]) -> list[list[str]]:
    """The IDF 'documents' of every corpus document, then of ``extra`` (loads the trees)."""
    corpus.ensure_trees()
    return [*(idf_texts(doc) for doc in corpus.documents), *extra]


def _idf(corpus: Corpus, key: str, extra: list[list[str]]) -> dict[str, float]:
    """IDF over the corpus's items and ``extra``, cached on disk under ``key`` (the corpus's
    trees are loaded only when the table must be computed)."""
    table = cache.load_json("idf", key, dict, corpus.env)
    if table is None or not all(isinstance(v, (int, float)) for v in table.values()):
        table = idf_table(_texts(corpus, extra))
        cache.store_json("idf", key, table, corpus.env)
    return table


def _model(corpus: Corpus, key: str, extra: list[list[str]]) -> LatentModel | None:
    """The latent (LSA) model over the corpus's items and ``extra``, cached on disk under ``key``."""
    return latent_model(key, lambda: [tokens_of(t) for group in _texts(corpus, extra) for t in group], corpus.env)


def _corpus_key(corpus: Corpus) -> str:
    return f"{corpus.fingerprint()}-{lexicon().fingerprint}"


def corpus_idf(corpus: Corpus) -> dict[str, float]:
    """IDF over every alignable item of the corpus, cached on disk by corpus and dictionaries."""
    return _idf(corpus, _corpus_key(corpus), [])


def corpus_model(corpus: Corpus) -> LatentModel | None:
    """The corpus's latent (LSA) model over all its alignable items (cached on disk)."""
    return _model(corpus, _corpus_key(corpus), [])


def statistics_for(corpus: Corpus, docs: Iterable[Document]) -> tuple[dict[str, float], LatentModel | None]:
    """IDF and latent model for comparing ``docs``: the corpus's own when every one belongs to
    it; otherwise fitted on the corpus together with the files given by path, so that words
    the corpus never uses (a user's plans on another subject) are weighted and modelled like
    the rest (cached on disk by corpus, dictionaries and the outside documents' text)."""
    outside = [d for d in {id(d): d for d in docs}.values() if not corpus.is_member(d)]
    if not outside:
        return corpus_idf(corpus), corpus_model(corpus)
    texts = [idf_texts(d) for d in outside]
    joined = "\x01".join("\x00".join(t) for t in texts)
    key = cache.content_key(joined.encode(), corpus.fingerprint(), lexicon().fingerprint)
    return _idf(corpus, key, texts), _model(corpus, key, texts)


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
