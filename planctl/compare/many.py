"""``planctl compare``: many plans at once — how alike each two are, the indicator targets side by
side, and which measures recur across plans (clusters), from the pairwise alignments.

Cost. Two plans are aligned only when they share candidate measure pairs
(:mod:`planctl.compare.candidates`: reused text by MinHash LSH, the same thing in other words by
vector neighbours), not every two of N; every plan also gets a document vector (TF-IDF over its
items) whose cosine is shown for pairs not aligned. Which pairs to align, and the alignments
themselves, are the workspace's business (cached, run on its engine): here they come in as
values. (Earlier releases aligned each plan with its most similar plans by that cosine.)

Example::

    >>> from planctl.corpus import load_corpus
    >>> from planctl.compare.diff import diff_documents
    >>> c = load_corpus()
    >>> plans = [c.by_id(i) for i in ("gansu-employment-2021", "qinghai-employment-2021", "wuwei-employment-2022")]
    >>> c.ensure_trees(plans)
    >>> diffs = {(i, j): diff_documents(plans[i], plans[j], corpus=c.documents, mode="compare")
    ...          for i, j in ((0, 1), (0, 2), (1, 2))}
    >>> r = comparison(plans, [[1.0] * 3] * 3, diffs)
    >>> r.clusters[0].size
    3
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from planctl.compare.align import indicator_concept, indicator_key, indicators_of
from planctl.compare.diff import Diff, are_editions
from planctl.compare.items import items_of, node_text
from planctl.indicators import Indicator
from planctl.model import MEASURE_KINDS, Document, Node
from planctl.settings import MatchSettings


@dataclass
class Similarity:
    """How alike two plans are."""

    measures: float | None
    """Share of the two plans' measures matched (2 × pairs / (measures of A + measures of B));
    None when the two were not aligned (too unlike, or beyond the neighbours)."""
    text: float | None
    """Share of the two plans' text held word for word by the other (mean of both sides)."""
    document: float
    """Cosine of the two document vectors (always computed)."""


@dataclass
class IndicatorRow:
    """One indicator concept across plans."""

    name: str
    unit: str
    cells: dict[int, Indicator] = field(default_factory=dict)
    """Plan index → that plan's indicator."""


@dataclass
class Cluster:
    """Equivalent measures across plans: at most one per plan."""

    members: dict[int, Node] = field(default_factory=dict)
    """Plan index → that plan's measure."""

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Comparison:
    """Everything ``planctl compare`` shows."""

    plans: list[Document]
    matrix: list[list[Similarity]]
    indicators: list[IndicatorRow]
    clusters: list[Cluster]
    aligned_pairs: int = 0
    """How many pairwise alignments the comparison rests on."""
    files: dict[str, str] = field(default_factory=dict)
    """Each plan's file (absolute) by its source path as shown, for links in reports."""


def one_edition_each(docs: Iterable[Document]) -> list[Document]:
    """``docs`` in (region, id) order with only the first edition of each plan kept (editions
    are told by title or by their measures: the trees must be loaded)."""
    unique: list[Document] = []
    for d in sorted({id(d): d for d in docs}.values(), key=lambda d: (d.region, d.id)):
        if not any(are_editions(d, u) for u in unique):
            unique.append(d)
    return unique


def _document_vectors(plans: list[Document], idf: Mapping[str, float]) -> list[dict[str, float]]:
    from planctl.compare.similarity import tokens_of

    vectors = []
    for doc in plans:
        counts: Counter[str] = Counter()
        for it in items_of(doc):
            counts.update(tokens_of(node_text(it.node)))
        vec = {t: (1 + math.log(c)) * idf.get(t, idf.get("", 1.0)) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def document_similarities(plans: list[Document], idf: Mapping[str, float]) -> list[list[float]]:
    """The cosine of every two plans' document vectors (TF-IDF over all their items)."""
    vectors = _document_vectors(plans, idf)
    n = len(plans)
    return [[sum(w * vectors[j].get(t, 0.0) for t, w in vectors[i].items()) if i != j else 1.0 for j in range(n)]
            for i in range(n)]


def _similarity(d: Diff, document: float) -> Similarity:
    measures = d.measure_pairs()
    matched = sum(p.status in ("matched", "changed") for p in measures)
    total = sum((p.pair.left is not None) + (p.pair.right is not None) for p in measures)
    shared = d.shared()
    return Similarity(round(2 * matched / total, 3) if total else 0.0,
                      round((shared["left"] + shared["right"]) / 2, 3), round(document, 3))


class _Clusters:
    """Union-find over (plan, node) that never lets a cluster hold two measures of one plan."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, int], tuple[int, int]] = {}
        self.plans: dict[tuple[int, int], set[int]] = {}
        self.nodes: dict[tuple[int, int], Node] = {}

    def find(self, x: tuple[int, int]) -> tuple[int, int]:
        self.parent.setdefault(x, x)
        self.plans.setdefault(x, {x[0]})
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.plans[ra] & self.plans[rb]:
            return  # already together, or merging would put two measures of one plan together
        self.parent[rb] = ra
        self.plans[ra] |= self.plans.pop(rb)


def _clusters(plans: list[Document], diffs: Mapping[tuple[int, int], Diff], settings: MatchSettings) -> list[Cluster]:
    uf = _Clusters()
    links = []
    for (i, j), d in diffs.items():
        for p in d.pairs:
            if p.pair.left is None or p.pair.right is None or p.pair.left.kind not in MEASURE_KINDS:
                continue
            a, b = (i, id(p.pair.left)), (j, id(p.pair.right))
            uf.nodes[a], uf.nodes[b] = p.pair.left, p.pair.right
            if p.pair.confidence >= settings.cluster_confidence:
                links.append((p.pair.confidence, a, b))
    for _, a, b in sorted(links, key=lambda x: -x[0]):  # surest first: they decide when two would clash
        uf.union(a, b)
    groups: dict[tuple[int, int], Cluster] = {}
    for k, doc in enumerate(plans):
        for it in items_of(doc):
            if it.node.kind not in MEASURE_KINDS or it.in_appendix:
                continue
            key = (k, id(it.node))
            uf.nodes.setdefault(key, it.node)
            groups.setdefault(uf.find(key), Cluster()).members[k] = it.node
    order = {id(it.node): n for doc in plans for n, it in enumerate(items_of(doc))}
    return sorted(groups.values(), key=lambda c: (-c.size, min(c.members), order[id(c.members[min(c.members)])]))


def _indicators(plans: list[Document], diffs: Mapping[tuple[int, int], Diff],
                settings: MatchSettings) -> list[IndicatorRow]:
    """Rows of indicator concepts: the pairwise indicator alignments joined (one per plan per
    row), then any indicator left alone in a row of its own; 十三五 results are left out."""
    uf = _Clusters()
    keyed: dict[tuple[int, int], Indicator] = {}

    def key(k: int, ind: Indicator) -> tuple[int, int]:
        return (k, hash(indicator_key(ind)))

    for (i, j), d in diffs.items():
        for ip in d.indicators:
            if ip.pair.left is not None and ip.pair.right is not None and ip.pair.score >= settings.indicator_cluster:
                a, b = key(i, ip.pair.left), key(j, ip.pair.right)
                keyed[a], keyed[b] = ip.pair.left, ip.pair.right
                uf.union(a, b)

    rows: dict[tuple[int, int], IndicatorRow] = {}
    for k, doc in enumerate(plans):
        for ind in indicators_of(doc):
            if ind.table is not None and ind.table.period and ind.table.period != _latest(plans):
                continue
            kk = key(k, ind)
            row = rows.setdefault(uf.find(kk), IndicatorRow(ind.name, ind.unit))
            row.cells.setdefault(k, ind)
    return sorted(rows.values(), key=lambda r: (-len(r.cells), min(r.cells), indicator_concept(r.cells[min(r.cells)])))


def _latest(plans: list[Document]) -> str:
    periods = [p.period for p in plans if p.period]
    return Counter(periods).most_common(1)[0][0] if periods else ""


def comparison(plans: list[Document], sims: list[list[float]], diffs: Mapping[tuple[int, int], Diff],
               settings: MatchSettings | None = None) -> Comparison:
    """Many plans compared, from their document similarities and the pairwise diffs of the pairs
    aligned (keyed by plan indices, ``i < j``)."""
    s = settings or MatchSettings()
    n = len(plans)
    matrix = [[Similarity(None, None, round(sims[i][j], 3)) for j in range(n)] for i in range(n)]
    for i in range(n):
        matrix[i][i] = Similarity(1.0, 1.0, 1.0)
    for (i, j), d in diffs.items():
        matrix[i][j] = matrix[j][i] = _similarity(d, sims[i][j])
    return Comparison(plans, matrix, _indicators(plans, diffs, s), _clusters(plans, diffs, s), len(diffs))
