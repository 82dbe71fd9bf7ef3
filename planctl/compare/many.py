"""``planctl compare``: many plans at once — how alike each two are, the indicator targets side by
side, and which measures recur across plans (clusters), from the pairwise alignments.

Cost. Every plan gets a document vector (TF-IDF over its items); each plan is aligned only with
its ``neighbours`` (:class:`~planctl.settings.MatchSettings`) most similar plans (all pairs when
there are few), so N plans cost about N × neighbours / 2 alignments, not N² / 2; the N² document
similarities are one matrix product.
Alignments come from the corpus's alignment cache and, when several are missing, are computed in
parallel worker processes (each stores its result in the cache).

Example::

    >>> from planctl.corpus import load_corpus
    >>> c = load_corpus()
    >>> r = compare_plans(c, plans_for(c, topic="employment"))
    >>> [p.id for p in r.plans]
    ['gansu-employment-2021', 'qinghai-employment-2021', 'wuwei-employment-2022']
    >>> r.clusters[0].size
    3
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from planctl.compare.align import indicator_concept, indicator_key, indicators_of
from planctl.compare.diff import COMPARE, Diff, are_editions, cached_diff
from planctl.compare.items import items_of, node_text
from planctl.corpus import Corpus
from planctl.errors import PlanctlError
from planctl.indicators import Indicator
from planctl.model import MEASURE_KINDS, Document, Node
from planctl.settings import MatchSettings

PARALLEL_FROM = 6
"""Missing alignments computed in worker processes from this many on."""


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


def plans_for(corpus: Corpus, refs: Sequence[str] = (), *, topic: str | None = None, level: str | None = None,
              region: str | None = None) -> list[Document]:
    """The plans to compare: those named, else every document of ``topic`` that is not a notice
    (one edition of each plan), narrowed by ``level`` and ``region`` (a region and the regions
    under it)."""
    if refs:
        docs = corpus.resolve_group(refs, topic=topic)
    else:
        if topic is None:
            raise PlanctlError("name the plans to compare, or a --topic (see `planctl list`)")
        docs = [d for d in corpus.documents if d.topic == topic and d.kind != "notice"]
    if level:
        docs = [d for d in docs if d.level == level]
    if region:
        from planctl.regions import region_table

        table = region_table()
        found = table.get(region)
        if found is None:
            raise PlanctlError(f"unknown region '{region}'")
        names = set(table.with_descendants(found))
        docs = [d for d in docs if d.region in names]
    corpus.ensure_trees(docs)  # editions are told by their measures too, not only their titles
    unique: list[Document] = []
    for d in sorted({id(d): d for d in docs}.values(), key=lambda d: (d.region, d.id)):
        if refs or not any(are_editions(d, u) for u in unique):
            unique.append(d)
    if len(unique) < 2:
        raise PlanctlError(f"compare needs two plans or more; found {len(unique)}"
                           + (f" for topic '{topic}'" if topic else ""))
    return sorted(unique, key=lambda d: d.id)


def _document_vectors(plans: list[Document], idf: dict[str, float]) -> list[dict[str, float]]:
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


def _pairs_to_align(sims: list[list[float]], neighbours: int, all_pairs_up_to: int) -> list[tuple[int, int]]:
    n = len(sims)
    if n <= all_pairs_up_to:
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen: set[tuple[int, int]] = set()
    for i in range(n):
        nearest = sorted((j for j in range(n) if j != i), key=lambda j: -sims[i][j])[:neighbours]
        chosen |= {(min(i, j), max(i, j)) for j in nearest}
    return sorted(chosen)


_WORKER: dict[str, Corpus] = {}


def _start_worker(root: str, cache_root: str) -> None:
    """Worker process: load the corpus once (trees come from the cache as needed)."""
    os.environ["PLANCTL_CACHE"] = cache_root
    from planctl.corpus import load_corpus

    _WORKER["corpus"] = load_corpus(root, lazy=True)


def _align_in_worker(ids: tuple[str, str]) -> None:
    """Worker process: align two corpus documents, leaving the result in the cache."""
    corpus = _WORKER["corpus"]
    left, right = corpus.by_id(ids[0]), corpus.by_id(ids[1])
    if left is not None and right is not None:
        corpus.ensure_trees([left, right])
        cached_diff(corpus, left, right, COMPARE)


def _diffs(corpus: Corpus, plans: list[Document], pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Diff]:
    from planctl.paths import cache_dir

    members = all(corpus.is_member(p) for p in plans)
    workers = min(len(pairs), os.cpu_count() or 1, 8)
    if members and len(pairs) >= PARALLEL_FROM and workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        jobs = [(plans[i].id, plans[j].id) for i, j in pairs]
        tick = corpus.env.progress("aligning plans", total=len(jobs), minimum=PARALLEL_FROM)
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                                 initargs=(str(corpus.root), str(cache_dir()))) as pool:
            for done, _ in enumerate(pool.map(_align_in_worker, jobs), start=1):
                tick(done)
    out = {}
    for i, j in pairs:
        out[(i, j)] = cached_diff(corpus, plans[i], plans[j], COMPARE)
    return out


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


def _clusters(plans: list[Document], diffs: dict[tuple[int, int], Diff], settings: MatchSettings) -> list[Cluster]:
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


def _indicators(plans: list[Document], diffs: dict[tuple[int, int], Diff],
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


def compare_plans(corpus: Corpus, plans: list[Document], *, settings: MatchSettings | None = None) -> Comparison:
    """Compare ``plans`` (see the module's docstring)."""
    s = settings or MatchSettings()
    from planctl.compare.similarity import corpus_idf

    corpus.ensure_trees(plans)
    idf = corpus_idf(corpus)
    vectors = _document_vectors(plans, idf)
    n = len(plans)
    sims = [[sum(w * vectors[j].get(t, 0.0) for t, w in vectors[i].items()) if i != j else 1.0 for j in range(n)]
            for i in range(n)]
    pairs = _pairs_to_align(sims, s.neighbours, s.all_pairs_up_to)
    diffs = _diffs(corpus, plans, pairs)
    matrix = [[Similarity(None, None, round(sims[i][j], 3)) for j in range(n)] for i in range(n)]
    for i in range(n):
        matrix[i][i] = Similarity(1.0, 1.0, 1.0)
    for (i, j), d in diffs.items():
        matrix[i][j] = matrix[j][i] = _similarity(d, sims[i][j])
    files = {p.source.path: str(corpus.file_of(p)) for p in plans}
    return Comparison(plans, matrix, _indicators(plans, diffs, s), _clusters(plans, diffs, s), len(diffs), files)
