"""Aligning two plans: which headings, measures, 专栏 and indicators correspond, how sure
planctl is of each pair, and what text the two share.

The matching itself is :mod:`planctl.compare.matcher` (structure, then measures in mapped
regions, then across; task lists linked to what they restate; groups). Here its result becomes
pairs in reading order, each with a score, a calibrated confidence and label, the passages both
texts hold and a relation (``same``, ``adapted``, ``related``). Indicators are aligned by meaning
(synonyms, fuzzy name, unit and period). Every score is symmetric and the two plans are always
aligned in a canonical order, so ``align(b, a)`` mirrors ``align(a, b)``.

Example::

    >>> from planctl.corpus import load_corpus
    >>> c = load_corpus()
    >>> al = align(c.resolve("wuwei"), c.resolve("gansu-employment"), corpus=c.documents)
    >>> any(p.left.title == "坚持政府引导与市场主导相结合" and p.right.title == "坚持政府引导与市场主导结合"
    ...     for p in al.pairs if p.left and p.right)
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from planctl.compare import matcher
from planctl.compare.confidence import Calibration, shipped_calibration
from planctl.compare.features import Candidate, Evidence, Prepared, evidence_of, prepare
from planctl.compare.items import items_of
from planctl.compare.kinds import Side
from planctl.compare.matcher import Group, Restatement
from planctl.compare.matching import max_weight_matching
from planctl.compare.passages import Passage, relation_of, shared_passages, shared_share
from planctl.compare.similarity import Statistics, documents_statistics, ratio
from planctl.indicators import Indicator, indicator_tables
from planctl.lexicon import lexicon
from planctl.model import ARTICLE, MEASURE, PARAGRAPH, Document, Node
from planctl.settings import MatchSettings


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
    confidence: float = 0.0
    """Estimated probability that the pair is right (0 for unmatched nodes)."""
    label: str = ""
    """``strong``, ``likely`` or ``weak`` (empty for unmatched nodes)."""
    relation: str = ""
    """``same`` (mostly shared text), ``adapted`` (partly) or ``related`` (other words)."""
    passages: list[Passage] = field(default_factory=list)
    """Runs of text both hold (offsets into ``title + "。" + text`` of each side)."""
    shared: float = 0.0
    """Share of the shorter text the passages cover."""
    group: list[Node] = field(default_factory=list)
    """For a heading with no single partner: the other plan's headings it corresponds to as a
    group (甘肃 三、主要任务 ↔ 青海 三、–八、)."""
    stage: str = ""
    """Where the matcher made the pair: ``structure``, ``region`` (measures under paired
    headings) or ``across``."""
    features: dict[str, float] = field(default_factory=dict)
    """The feature values the pair was judged on (:data:`~planctl.compare.features.FEATURES`)."""
    evidence: Evidence | None = None
    """The words the two share and the differently worded terms planctl related."""

    def mirrored(self) -> Pair:
        text = compared_text(self.right) if self.right is not None else ""
        passages = [Passage(text[p.right_start:p.right_end], p.length, p.right_start, p.right_end, p.left_start,
                            p.left_end) for p in self.passages]
        evidence = self.evidence.mirrored() if self.evidence is not None else None
        return replace(self, kind=self.right.kind if self.right else self.kind, left=self.right, right=self.left,
                       passages=passages, evidence=evidence)


def compared_text(node: Node) -> str:
    """The text passages are found in (offsets of :class:`Passage` refer to it): the title, then
    the body — a section over plain paragraphs (武威's ``1. 就业规模总体平稳``) has its paragraphs
    as its body, a 第X条 its paragraphs and （一） items."""
    body = node.text
    if node.kind == ARTICLE or (not body and node.kind != MEASURE and node.children
                                and all(c.kind == PARAGRAPH for c in node.children)):
        body = node.whole_text()
    return f"{node.title}。{body}" if node.title and body else (node.title or body)


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
    restatements: list[Restatement] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)

    def mirrored(self) -> Alignment:
        pairs = _ordered([p.mirrored() for p in self.pairs], self.right, self.left)
        inds = _ordered_rows([p.mirrored() for p in self.indicators])
        return Alignment(self.right, self.left, pairs, inds, [r.mirrored() for r in self.restatements],
                         [g.mirrored() for g in self.groups])



def _spans(doc: Document) -> tuple[dict[int, int], dict[int, list[tuple[int, int]]]]:
    """Each node's position in document order, and the [start, end) position spans of its
    enclosing nodes, nearest first."""
    pos: dict[int, int] = {}
    end: dict[int, int] = {}
    chains: dict[int, list[Node]] = {}

    def visit(nodes: list[Node], chain: list[Node]) -> None:
        for node in nodes:
            pos[id(node)] = len(pos)
            chains[id(node)] = chain
            visit(node.children, [node, *chain])
            end[id(node)] = len(pos)

    visit(doc.children, [])
    return pos, {k: [(pos[id(a)], end[id(a)]) for a in chain] for k, chain in chains.items()}


def _ordered(pairs: list[Pair], left: Document, right: Document) -> list[Pair]:
    """Left document order; a node only the right plan has goes after the pair holding its
    nearest preceding relative (a sibling's or its parent's partner), so it stays beside them."""
    lpos = {id(n): k for k, n in enumerate(left.walk())}
    rpos, rspans = _spans(right)
    placed = sorted((p for p in pairs if p.left), key=lambda p: lpos[id(p.left)])
    keyed = [(float(k), p) for k, p in enumerate(placed)]
    anchors = sorted((rpos[id(p.right)], key) for key, p in keyed if p.right is not None)
    for p in sorted((p for p in pairs if not p.left), key=lambda p: rpos[id(p.right)]):
        r = rpos[id(p.right)]
        base = None
        for start, _end in rspans[id(p.right)]:
            # matched nodes of the same parent (its whole subtree) before this one, else the parent
            inside = [key for pos, key in anchors if start <= pos < r]
            if inside:
                base = max(inside)
                break

        if base is None:
            before = [key for pos, key in anchors if pos < r]
            base = max(before) if before else -1.0
        keyed.append((base + 0.5 + r / 1e6, p))
    return [p for _, p in sorted(keyed, key=lambda kp: kp[0])]


def _ordered_rows(pairs: list[IndicatorPair]) -> list[IndicatorPair]:
    def key(p: IndicatorPair) -> tuple[int, int, int]:
        ind = p.left or p.right
        return (0 if p.left else 1, ind.line if ind else 0, (ind.seq or 0) if ind else 0)

    return sorted(pairs, key=key)


def indicator_concept(ind: Indicator) -> str:
    """An indicator's name as a concept: synonyms mapped to their class (城镇新增就业 → 城镇新增就业人数)."""
    lex = lexicon()
    name = ind.name
    return lex.canonical(name) if name in lex.synonyms else lex.canonical_text(name) or name


def _period(ind: Indicator) -> str:
    return ind.table.period if ind.table else ""


def _indicator_score(a: Indicator, b: Indicator, s: MatchSettings) -> float:
    na, nb = indicator_concept(a), indicator_concept(b)
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


def indicator_key(ind: Indicator) -> tuple[int, int | None, str]:
    """An indicator's identity across reads of its table: line, sequence number, name."""
    return (ind.line, ind.seq, ind.name_raw)


def align_indicators(left: Document, right: Document, settings: MatchSettings | None = None) -> list[IndicatorPair]:
    """Optimal one-to-one pairing of the two plans' indicators."""
    s = settings or MatchSettings()
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


def _pair(c: Candidate, a: Prepared, b: Prepared, settings: MatchSettings, calibration: Calibration,
          vectors: Any = None) -> Pair:
    left, right = a.item.node, b.item.node
    ltext, rtext = compared_text(left), compared_text(right)
    passages = shared_passages(ltext, rtext, settings.min_run)
    share = shared_share(passages, ltext, rtext)
    return Pair(left.kind, round(c.score, 3), left, right, confidence=round(c.confidence, 3),
                label=calibration.label(c.confidence), relation=relation_of(share, settings), passages=passages,
                shared=round(share, 3), stage=c.stage, features={k: round(v, 4) for k, v in c.features.items()},
                evidence=evidence_of(a, b, vectors=vectors))


def align(
    left: Document,
    right: Document,
    stats: Statistics | None = None,
    *,
    corpus: Iterable[Document] = (),
    settings: MatchSettings | None = None,
    calibration: Calibration | None = None,
    trace: list[Candidate] | None = None,
) -> Alignment:
    """Align two documents: a pure function of the two trees, the :class:`Statistics` (IDF and
    latent model; without them, fitted on ``corpus`` and the two documents), the settings and
    the calibration (default: the one shipped). ``trace``, when given, receives every candidate
    pair the matcher scored."""
    if not _canonical_order(left, right):
        return align(right, left, stats, corpus=corpus, settings=settings, calibration=calibration,
                     trace=trace).mirrored()
    s = settings or MatchSettings()
    cal = calibration or shipped_calibration()
    if stats is None:
        stats = documents_statistics([*corpus, left, right])
    lp = prepare(items_of(left), stats.idf, stats.model, s, stats.vectors)
    rp = prepare(items_of(right), stats.idf, stats.model, s, stats.vectors)
    found = matcher.run(lp, rp, s, cal, trace=trace is not None)
    if trace is not None:
        trace.extend(found.trace)
    pairs = [_pair(c, lp[c.i], rp[c.j], s, cal, stats.vectors) for c in found.pairs]
    used = {id(p.left) for p in pairs} | {id(p.right) for p in pairs}
    used |= {id(link.item) for link in found.links}
    restated, groups = found.links, found.groups
    for g in groups:
        if id(g.node) not in used:
            one, other = (g.node, None) if g.side == Side.LEFT else (None, g.node)
            pairs.append(Pair(g.node.kind, 0.0, one, other, relation="group", group=g.members))
            used.add(id(g.node))
            used |= {id(n) for n in g.members}  # a member answers the group: not one plan's alone
    pairs += [Pair(p.item.node.kind, 0.0, p.item.node, None) for p in lp if id(p.item.node) not in used]
    pairs += [Pair(p.item.node.kind, 0.0, None, p.item.node) for p in rp if id(p.item.node) not in used]
    return Alignment(left, right, _ordered(pairs, left, right), align_indicators(left, right, s), restated, groups)
