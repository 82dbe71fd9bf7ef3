"""Which measures across a corpus may correspond, found without comparing every pair.

Aligning every two plans of a corpus costs N² / 2 alignments; most pairs of measures have
nothing to do with each other. Two indexes find the few that may, in time that grows about
linearly with the corpus:

- **Reused text** — MinHash LSH (datasketch) over the character shingles of each measure: a
  measure copied or edited from another keeps most of its 5-character runs, so the two land in
  one LSH bucket with high probability while unrelated measures almost never do. Each measure
  costs one signature and a few bucket look-ups, whatever the size of the corpus.
- **The same thing in other words** — nearest neighbours over measure vectors: a measure's
  vector is the IDF-weighted mean of its words' domain word vectors (what the matcher's
  ``semantic`` feature compares; the corpus's latent model when there are no word vectors).
  Measures whose cosine reaches :attr:`CandidateSettings.vector_floor` are candidates, at most
  :attr:`CandidateSettings.vector_neighbours` per measure.

Both are **blocked by subject**: only documents of one topic (``Document.topic``) are compared.

A candidate is a pair of measures (document index, item index in
:func:`~planctl.compare.items.items_of`), with the estimated shingle Jaccard and the vector
cosine that made it. Candidates do not decide anything: the matcher then aligns the documents
they connect (``planctl trace``, ``planctl compare``), so a pair's label means what it means in
``planctl diff``.

Example::

    >>> from planctl.corpus import load_corpus
    >>> from planctl.compare.similarity import documents_statistics
    >>> c = load_corpus()
    >>> docs = [c.by_id("wuwei-employment-2022"), c.by_id("gansu-employment-2021")]
    >>> found = measure_candidates(docs, documents_statistics(docs))
    >>> len(plan_pairs(found)[(0, 1)]) > 10
    True
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from planctl.cjk import han_count, is_han
from planctl.compare.features import MEASURE_GROUPS, sentence_vector
from planctl.compare.items import items_of
from planctl.compare.similarity import Statistics, tokens_of, weighted
from planctl.model import Document
from planctl.settings import CandidateSettings


@dataclass(frozen=True, order=True)
class MeasureKey:
    """A measure of one of the documents given: ``docs[doc]``, ``items_of(docs[doc])[item]``."""

    doc: int
    item: int


@dataclass
class CandidatePair:
    """Two measures of different documents that may correspond (``left.doc`` a source, or the
    smaller index when every document is compared)."""

    left: MeasureKey
    right: MeasureKey
    text: float = 0.0
    """Estimated Jaccard similarity of the two measures' shingles (0: not found by LSH)."""
    meaning: float = 0.0
    """Cosine of the two measures' vectors (0: not among each other's neighbours)."""

    @property
    def via(self) -> str:
        """``text`` (found by LSH), ``meaning`` (by vectors) or ``both``."""
        if self.text and self.meaning:
            return "both"
        return "text" if self.text else "meaning"


def candidate_items(doc: Document, settings: CandidateSettings | None = None) -> list[int]:
    """Indices (in :func:`items_of`) of the measures of ``doc`` that take part: measures, 专栏
    items, articles and sections over running text, outside a 附件 task list, long enough."""
    s = settings or CandidateSettings()
    return [k for k, it in enumerate(items_of(doc))
            if it.group in MEASURE_GROUPS and not it.in_appendix and han_count(it.own) >= s.min_han]


def _shingles(text: str, size: int) -> list[bytes]:
    han = "".join(ch for ch in text if is_han(ch))
    return list({han[k:k + size].encode() for k in range(max(1, len(han) - size + 1))})


def _hash32(data: bytes) -> int:
    """CRC-32 of a shingle: a 32-bit hash in C (datasketch's default, SHA-1 in Python, is the
    slowest step of signing a corpus)."""
    return zlib.crc32(data)


def _vectors(texts: Sequence[str], stats: Statistics) -> Any:
    """One unit vector per text (rows of a float32 matrix), or None when there is nothing to
    embed with: the domain word vectors, else the latent model."""
    import numpy as np

    model = stats.model
    if stats.vectors is None and model is None:
        return None
    dim = stats.vectors.dim if stats.vectors is not None else model.terms.shape[1]  # type: ignore[union-attr]
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        tokens = tokens_of(text)
        if stats.vectors is not None:
            vec = sentence_vector(weighted(tokens, stats.idf), stats.vectors)
        else:
            vec = model.embed(tokens)  # type: ignore[union-attr]
        if vec is not None:
            out[row] = vec
    return out


def measure_candidates(docs: Sequence[Document], stats: Statistics, settings: CandidateSettings | None = None,
                       *, sources: Sequence[int] | None = None,
                       block: Callable[[Document], str] = lambda d: d.topic) -> list[CandidatePair]:
    """Candidate measure pairs among ``docs`` (their trees loaded): pairs of measures of two
    documents of one ``block`` (default: the same topic) that share text (LSH) or meaning
    (vectors). With ``sources`` (indices into ``docs``), only pairs of a source's measure with a
    measure of a document that is not a source; otherwise every two documents, once each."""
    s = settings or CandidateSettings()
    blocks: dict[str, list[int]] = defaultdict(list)
    for k, doc in enumerate(docs):
        blocks[block(doc)].append(k)
    chosen = set(sources) if sources is not None else None
    found: dict[tuple[MeasureKey, MeasureKey], CandidatePair] = {}
    for members in blocks.values():
        if len(members) < 2 or (chosen is not None and not chosen & set(members)):
            continue
        keys = [MeasureKey(d, i) for d in members for i in candidate_items(docs[d], s)]
        texts = [items_of(docs[key.doc])[key.item].own for key in keys]
        queries = [n for n, key in enumerate(keys) if chosen is None or key.doc in chosen]
        _by_text(keys, texts, queries, chosen, s, found)
        _by_meaning(keys, texts, queries, chosen, stats, s, found)
    return sorted(found.values(), key=lambda p: (p.left, p.right))


def _pair_key(a: MeasureKey, b: MeasureKey, chosen: set[int] | None) -> tuple[MeasureKey, MeasureKey] | None:
    """The pair in its kept order (a source first, else the smaller first); None when both
    are of one document, or both sources."""
    if a.doc == b.doc:
        return None
    if chosen is not None:
        if (a.doc in chosen) == (b.doc in chosen):
            return None
        return (a, b) if a.doc in chosen else (b, a)
    return (a, b) if a < b else (b, a)


def _by_text(keys: list[MeasureKey], texts: list[str], queries: list[int], chosen: set[int] | None,
             s: CandidateSettings, found: dict[tuple[MeasureKey, MeasureKey], CandidatePair]) -> None:
    from datasketch import MinHash, MinHashLSH

    signatures = MinHash.bulk((_shingles(t, s.shingle_chars) for t in texts), num_perm=s.permutations,
                              hashfunc=_hash32)
    lsh = MinHashLSH(threshold=s.lsh_threshold, num_perm=s.permutations)
    with lsh.insertion_session() as session:
        for n, sig in enumerate(signatures):
            if chosen is None or keys[n].doc not in chosen:
                session.insert(n, sig, check_duplication=False)
    for q in queries:
        for n in lsh.query(signatures[q]):
            pair = _pair_key(keys[q], keys[n], chosen)
            if pair is None:
                continue
            held = found.setdefault(pair, CandidatePair(*pair))
            held.text = round(float(signatures[q].jaccard(signatures[n])), 3) or 0.001


def _by_meaning(keys: list[MeasureKey], texts: list[str], queries: list[int], chosen: set[int] | None,
                stats: Statistics, s: CandidateSettings,
                found: dict[tuple[MeasureKey, MeasureKey], CandidatePair]) -> None:
    import numpy as np

    matrix = _vectors(texts, stats)
    if matrix is None:
        return
    docs = np.array([k.doc for k in keys])
    targets = np.ones(len(keys), dtype=bool) if chosen is None else ~np.isin(docs, sorted(chosen))
    step = max(1, s.block_cells // max(1, len(keys)))
    for start in range(0, len(queries), step):
        rows = queries[start:start + step]
        sims = matrix[rows] @ matrix.T
        sims[docs[rows][:, None] == docs[None, :]] = -1.0  # a document's own measures
        sims[:, ~targets] = -1.0
        take = min(s.vector_neighbours, sims.shape[1])
        top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
        for r, q in enumerate(rows):
            for n in top[r]:
                cos = float(sims[r, n])
                if cos < s.vector_floor:
                    continue
                pair = _pair_key(keys[q], keys[int(n)], chosen)
                if pair is not None:
                    held = found.setdefault(pair, CandidatePair(*pair))
                    held.meaning = max(held.meaning, round(cos, 3))


def plan_pairs(candidates: Sequence[CandidatePair]) -> dict[tuple[int, int], list[CandidatePair]]:
    """The candidates grouped by the two documents they connect (``(left.doc, right.doc)``)."""
    out: dict[tuple[int, int], list[CandidatePair]] = defaultdict(list)
    for c in candidates:
        out[(c.left.doc, c.right.doc)].append(c)
    return dict(out)


def plans_to_align(candidates: Sequence[CandidatePair], settings: CandidateSettings | None = None, *,
                   limit: int | None = None) -> list[tuple[int, int]]:
    """The document pairs worth aligning: those sharing at least
    :attr:`CandidateSettings.plan_pairs_from` candidate measure pairs; with ``limit``, each
    document only with the ``limit`` documents it shares the most candidates with (a pair is kept
    when either side chose it), so N documents cost at most N × limit alignments however much
    they all share."""
    s = settings or CandidateSettings()
    shared = {pair: len(found) for pair, found in plan_pairs(candidates).items() if len(found) >= s.plan_pairs_from}
    if limit is None:
        return sorted(shared)
    partners: dict[int, list[tuple[int, tuple[int, int]]]] = defaultdict(list)
    for pair, count in shared.items():
        partners[pair[0]].append((count, pair))
        partners[pair[1]].append((count, pair))
    chosen = {pair for ranked in partners.values() for _, pair in sorted(ranked, key=lambda x: (-x[0], x[1]))[:limit]}
    return sorted(chosen)
