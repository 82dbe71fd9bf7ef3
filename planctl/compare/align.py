"""Aligning two plans: which headings, measures, 专栏 and indicators correspond.

Structure first: chapters and sections of both plans are aligned in one optimal assignment
(a chapter of one plan may match a section of the other). Then measures and 专栏, scored on
content (TF-IDF cosine over canonical jieba tokens, IDF from the corpus), lead phrase
(rapidfuzz) and context (the enclosing headings), with a bonus inside aligned sections. Then
indicators by meaning (synonyms, fuzzy name, unit and period). Every score is symmetric and
the two plans are always aligned in a canonical order, so ``align(b, a)`` mirrors ``align(a, b)``.

Example::

    >>> from planctl.corpus import load_corpus
    >>> c = load_corpus()
    >>> al = align(c.resolve("wuwei"), c.resolve("gansu-employment"), corpus=c.documents)
    >>> any(p.left.title == "坚持政府引导与市场主导相结合" and p.right.title == "坚持政府引导与市场主导结合"
    ...     for p in al.pairs if p.left and p.right)
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from planctl.compare.items import Item, items_of
from planctl.compare.matching import max_weight_matching
from planctl.compare.similarity import cosine, documents_idf, ratio, vectorize
from planctl.indicators import Indicator, indicator_tables
from planctl.lexicon import lexicon
from planctl.model import Document, Node
from planctl.settings import AlignSettings


# ---- alignment ---------------------------------------------------------------------------
@dataclass
class Pair:
    """Two aligned nodes, or a node one side lacks (the other side None)."""

    kind: str
    """Kind of the left node (else the right one)."""
    score: float
    """Similarity in [0, 1]; 0 for unmatched nodes."""
    left: Node | None
    right: Node | None

    def mirrored(self) -> Pair:
        return Pair(self.right.kind if self.right else self.kind, self.score, self.right, self.left)


@dataclass
class IndicatorPair:
    """Two aligned indicators, or an indicator one side lacks."""

    score: float
    left: Indicator | None
    right: Indicator | None

    def mirrored(self) -> IndicatorPair:
        return IndicatorPair(self.score, self.right, self.left)


@dataclass
class Alignment:
    """The result of :func:`align`: pairs in left document order, right-only nodes placed
    after their nearest matched predecessor."""

    left: Document
    right: Document
    pairs: list[Pair]
    indicators: list[IndicatorPair]

    def mirrored(self) -> Alignment:
        pairs = _ordered([p.mirrored() for p in self.pairs], self.right, self.left)
        inds = _ordered_rows([p.mirrored() for p in self.indicators])
        return Alignment(self.right, self.left, pairs, inds)


def _prepare(items: list[Item], idf: dict[str, float]) -> None:
    lex = lexicon()
    for item in items:
        item.own_vec = vectorize(item.own, idf)
        item.context_vec = vectorize(item.context, idf)
        item.title_vec = vectorize(item.node.title, idf)
        item.lead = lex.canonical_phrase(item.node.title) or item.node.title


def _combine(parts: Sequence[tuple[float, float]], a: Item, b: Item, context_weight: float, s: AlignSettings,
             aligned: set[tuple[int, int]]) -> float:
    """Weighted sum; a top-level node has no context, so its context weight is spread over
    the other parts instead of counting as a mismatch (a chapter may match a section)."""
    total = sum(w * v for w, v in parts)
    if a.context_vec and b.context_vec:
        total += context_weight * cosine(a.context_vec, b.context_vec)
    else:
        total /= 1 - context_weight
    if a.parent is not None and b.parent is not None and (id(a.parent), id(b.parent)) in aligned:
        total += s.aligned_section_bonus
    return min(total, 1.0)


def _heading_score(a: Item, b: Item, s: AlignSettings, aligned: set[tuple[int, int]]) -> float:
    title = max(ratio(a.lead, b.lead), cosine(a.title_vec, b.title_vec))
    parts = ((s.heading_title, title), (s.heading_body, cosine(a.own_vec, b.own_vec)))
    score = _combine(parts, a, b, s.heading_context, s, aligned)
    # A chapter may match a section, but headings at the same depth, and of the same shape
    # (a section over running text vs one over measures), are the likelier pair.
    if a.depth != b.depth:
        score *= s.level_mismatch_factor
    if (a.group == "leaf") != (b.group == "leaf"):
        score *= s.level_mismatch_factor
    return score


def _measure_score(a: Item, b: Item, s: AlignSettings, aligned: set[tuple[int, int]]) -> float:
    parts = ((s.measure_content, cosine(a.own_vec, b.own_vec)), (s.measure_lead, ratio(a.lead, b.lead)))
    return _combine(parts, a, b, s.measure_context, s, aligned)


def _match(left: list[Item], right: list[Item], score_fn: Any, threshold: float,
           floor: float) -> dict[tuple[int, int], float]:
    """Optimal assignment over pairs scoring ≥ ``threshold``, plus pairs between ``floor`` and
    ``threshold`` that are each other's best candidate (mutual nearest neighbours)."""
    weights: dict[tuple[int, int], float] = {}
    best_l: dict[int, tuple[float, int]] = {}
    best_r: dict[int, tuple[float, int]] = {}
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            w = score_fn(a, b)
            if w < floor:
                continue
            weights[(i, j)] = w
            if w > best_l.get(i, (0.0, -1))[0]:
                best_l[i] = (w, j)
            if w > best_r.get(j, (0.0, -1))[0]:
                best_r[j] = (w, i)
    kept = {
        (i, j): w for (i, j), w in weights.items()
        if w >= threshold or (best_l[i][1] == j and best_r[j][1] == i)
    }
    chosen = max_weight_matching(kept, 0.0)
    return {e: kept[e] for e in chosen}


def _ordered(pairs: list[Pair], left: Document, right: Document) -> list[Pair]:
    """Left document order; a right-only node goes after the pair holding its right predecessor."""
    lpos = {id(n): k for k, n in enumerate(left.walk())}
    rpos = {id(n): k for k, n in enumerate(right.walk())}
    placed = sorted((p for p in pairs if p.left), key=lambda p: lpos[id(p.left)])
    anchors: list[tuple[int, float]] = []  # (right position, sort key)
    keyed = [(float(k), p) for k, p in enumerate(placed)]
    for key, p in keyed:
        if p.right is not None:
            anchors.append((rpos[id(p.right)], key))
    anchors.sort()
    for p in sorted((p for p in pairs if not p.left), key=lambda p: rpos[id(p.right)]):
        r = rpos[id(p.right)]
        before = [key for pos, key in anchors if pos < r]
        base = max(before) if before else -1.0
        keyed.append((base + 0.5 + r / 1e6, p))
    return [p for _, p in sorted(keyed, key=lambda kp: kp[0])]


def _ordered_rows(pairs: list[IndicatorPair]) -> list[IndicatorPair]:
    def key(p: IndicatorPair) -> tuple[int, int, int]:
        ind = p.left or p.right
        return (0 if p.left else 1, ind.line if ind else 0, (ind.seq or 0) if ind else 0)

    return sorted(pairs, key=key)


def _indicator_name(ind: Indicator) -> str:
    lex = lexicon()
    name = ind.name
    return lex.canonical(name) if name in lex.synonyms else lex.canonical_text(name) or name


def _period(ind: Indicator) -> str:
    return ind.table.period if ind.table else ""


def _indicator_score(a: Indicator, b: Indicator, s: AlignSettings) -> float:
    na, nb = _indicator_name(a), _indicator_name(b)
    score = 1.0 if na == nb else ratio(na, nb)
    ua, ub = a.unit, b.unit
    if ua and ub and not (ua.startswith(ub) or ub.startswith(ua)):  # 万人 ~ 万人次, not % ~ 年
        score *= s.unit_mismatch_factor
    if _period(a) != _period(b):
        score *= s.period_mismatch_factor
    return score


def indicators_of(doc: Document) -> list[Indicator]:
    """Every indicator of ``doc``, table by table."""
    return [ind for table in indicator_tables(doc) for ind in table.indicators]


def align_indicators(left: Document, right: Document, settings: AlignSettings | None = None) -> list[IndicatorPair]:
    """Optimal one-to-one pairing of the two plans' indicators."""
    s = settings or AlignSettings()
    lrows, rrows = indicators_of(left), indicators_of(right)
    weights = {(i, j): _indicator_score(a, b, s) for i, a in enumerate(lrows) for j, b in enumerate(rrows)}
    chosen = max_weight_matching(weights, s.indicator_threshold)
    pairs = [IndicatorPair(round(weights[(i, j)], 3), lrows[i], rrows[j]) for i, j in chosen]
    used_l, used_r = {i for i, _ in chosen}, {j for _, j in chosen}
    pairs += [IndicatorPair(0.0, r, None) for i, r in enumerate(lrows) if i not in used_l]
    pairs += [IndicatorPair(0.0, None, r) for j, r in enumerate(rrows) if j not in used_r]
    return _ordered_rows(pairs)


def _canonical_order(a: Document, b: Document) -> bool:
    """True when (a, b) is already in canonical order (so results never depend on argument order)."""
    return (a.id, a.source.path, a.source.index) <= (b.id, b.source.path, b.source.index)


def align(
    left: Document,
    right: Document,
    *,
    corpus: Iterable[Document] = (),
    settings: AlignSettings | None = None,
    idf: dict[str, float] | None = None,
) -> Alignment:
    """Align two documents. ``corpus`` supplies IDF statistics (the two documents are added),
    unless a ready ``idf`` table is given (a corpus caches its own: :meth:`Corpus.idf`)."""
    if not _canonical_order(left, right):
        return align(right, left, corpus=corpus, settings=settings, idf=idf).mirrored()
    s = settings or AlignSettings()
    if idf is None:
        idf = documents_idf([*corpus, left, right])
    litems, ritems = items_of(left), items_of(right)
    _prepare(litems, idf)
    _prepare(ritems, idf)

    def group(items: list[Item], *names: str) -> list[Item]:
        return [it for it in items if it.group in names and id(it.node) not in used]

    pairs: list[Pair] = []
    used: set[int] = set()
    aligned_headings: set[tuple[int, int]] = set()
    lh, rh = group(litems, "heading", "leaf"), group(ritems, "heading", "leaf")
    # Twice: the second pass rewards sections whose parents the first pass aligned.
    for _ in range(2):
        previous = aligned_headings
        matched = _match(lh, rh, lambda a, b, prev=previous: _heading_score(a, b, s, prev), s.heading_threshold,
                         s.mutual_floor)
        aligned_headings = {(id(lh[i].node), id(rh[j].node)) for i, j in matched}
    for (i, j), w in matched.items():
        if lh[i].group == "leaf" and rh[j].group == "leaf":
            continue  # two leaf sections are compared as measures, on their content
        pairs.append(Pair(lh[i].node.kind, round(w, 3), lh[i].node, rh[j].node))
        used.update((id(lh[i].node), id(rh[j].node)))
    # Body measures first; an attachment's task list restates the body and takes what is left.
    for names, appendix in ((("measure", "leaf"), False), (("measure", "leaf"), True), (("column",), False)):
        lm, rm = group(litems, *names), group(ritems, *names)
        if not appendix:
            lm, rm = [it for it in lm if not it.in_appendix], [it for it in rm if not it.in_appendix]
        matched = _match(lm, rm, lambda a, b: _measure_score(a, b, s, aligned_headings), s.measure_threshold,
                         s.mutual_floor)
        for (i, j), w in matched.items():
            pairs.append(Pair(lm[i].node.kind, round(w, 3), lm[i].node, rm[j].node))
            used.update((id(lm[i].node), id(rm[j].node)))
    pairs += [Pair(it.node.kind, 0.0, it.node, None) for it in litems if id(it.node) not in used]
    pairs += [Pair(it.node.kind, 0.0, None, it.node) for it in ritems if id(it.node) not in used]
    return Alignment(left, right, _ordered(pairs, left, right), align_indicators(left, right, s))
