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

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from planctl.assign import max_weight_matching
from planctl.export import indicator_rows
from planctl.lexicon import lexicon
from planctl.model import APPENDIX, CHAPTER, COLUMN, MEASURE, PARAGRAPH, SECTION, TABLE, Document, Node
from planctl.settings import AlignSettings

HEADING_KINDS = (CHAPTER, SECTION, APPENDIX)
ITEM_KINDS = (*HEADING_KINDS, MEASURE, COLUMN)
Vector = dict[str, float]


def _node_text(node: Node) -> str:
    parts = [node.title, node.text]
    for row in node.rows:
        parts.extend(row)
    return " ".join(p for p in parts if p)


def _subtree_text(node: Node) -> str:
    return " ".join(_node_text(n) for n in node.walk())


def _is_leaf_heading(node: Node) -> bool:
    """A section holding nothing but running text (no measures, boxes or sub-sections)."""
    return node.kind == SECTION and bool(node.children) and all(c.kind == PARAGRAPH for c in node.children)


@dataclass
class Item:
    """A node taking part in alignment, with the texts it is scored on."""

    node: Node
    """The node."""
    order: int
    """Position in document order."""
    group: str
    """``heading``, ``measure`` or ``column``: only items of one group are compared."""
    parent: Node | None
    """Nearest enclosing heading."""
    own: str
    """Text scored as content: lead + body (a heading or 专栏: everything under it)."""
    context: str
    """Titles of the enclosing headings."""
    in_appendix: bool = False
    """Inside a 附件 (task lists restate the body)."""
    depth: int = 0
    """Number of enclosing headings."""
    lead: str = ""
    """Canonical lead phrase / title."""
    own_vec: Vector = field(default_factory=dict)
    context_vec: Vector = field(default_factory=dict)
    title_vec: Vector = field(default_factory=dict)


def collect_items(doc: Document) -> list[Item]:
    """Headings, measures (专栏 items included) and 专栏 of ``doc`` in document order."""
    items: list[Item] = []

    def add(node: Node, group: str, text: str, ancestors: list[Node], context: list[Node]) -> None:
        # ``context`` is what encloses the node for scoring: its headings, plus the box for a box item.
        items.append(Item(
            node, len(items), group, ancestors[-1] if ancestors else None, text,
            " ".join(a.title for a in context),
            in_appendix=node.kind == APPENDIX or any(a.kind == APPENDIX for a in ancestors),
            depth=len(context),
        ))

    def visit(nodes: Sequence[Node], ancestors: list[Node]) -> None:
        for node in nodes:
            if node.kind in HEADING_KINDS and _is_leaf_heading(node):
                # "1. 就业规模总体平稳" over a paragraph is a measure in all but form: it may
                # match a heading or, failing that, a measure.
                add(node, "leaf", _subtree_text(node), ancestors, ancestors)
            elif node.kind in HEADING_KINDS:
                add(node, "heading", _subtree_text(node), ancestors, ancestors)
                visit(node.children, [*ancestors, node])
            elif node.kind == COLUMN:
                add(node, "column", _subtree_text(node), ancestors, ancestors)
                # A box's numbered items are measures too; the box title is part of their context.
                for child in node.children:
                    if child.kind == MEASURE:
                        add(child, "measure", _node_text(child), ancestors, [*ancestors, node])
            elif node.kind == MEASURE:
                add(node, "measure", _node_text(node), ancestors, ancestors)
            elif node.kind != TABLE:
                visit(node.children, ancestors)

    visit(doc.children, [])
    return items


# ---- vectors -------------------------------------------------------------------------------
_token_cache: dict[str, list[str]] = {}


def canonical_tokens(text: str) -> list[str]:
    """Canonical tokens of ``text`` (memoised: plans repeat their phrases)."""
    cached = _token_cache.get(text)
    if cached is None:
        cached = _token_cache[text] = lexicon().canonical_tokens(text)
    return cached


def idf_table(docs: Iterable[Document]) -> dict[str, float]:
    """Inverse document frequency of canonical tokens, each measure/heading/专栏 a 'document'."""
    df: Counter[str] = Counter()
    n = 0
    for doc in docs:
        for item in collect_items(doc):
            text = _node_text(item.node) if item.group == "heading" else item.own
            df.update(set(canonical_tokens(text)))
            n += 1
    return {t: math.log((n + 1) / (c + 1)) + 1 for t, c in df.items()} | {"": math.log(n + 1) + 1}


def vectorize(text: str, idf: dict[str, float]) -> Vector:
    """L2-normalised TF-IDF vector (sublinear tf)."""
    counts = Counter(canonical_tokens(text))
    default = idf.get("", 1.0)
    vec = {t: (1 + math.log(c)) * idf.get(t, default) for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {t: w / norm for t, w in vec.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) / 100 if a and b else 0.0


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
    """Two aligned indicator rows (export rows), or a row one side lacks."""

    score: float
    left: dict[str, Any] | None
    right: dict[str, Any] | None

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
    title = max(_ratio(a.lead, b.lead), cosine(a.title_vec, b.title_vec))
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
    parts = ((s.measure_content, cosine(a.own_vec, b.own_vec)), (s.measure_lead, _ratio(a.lead, b.lead)))
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
        row = p.left or p.right or {}
        return (0 if p.left else 1, row.get("source_line") or 0, row.get("seq") or 0)

    return sorted(pairs, key=key)


def _indicator_name(row: dict[str, Any]) -> str:
    lex = lexicon()
    name = row.get("name") or ""
    return lex.canonical(name) if name in lex.synonyms else lex.canonical_text(name) or name


def _indicator_score(a: dict[str, Any], b: dict[str, Any], s: AlignSettings) -> float:
    na, nb = _indicator_name(a), _indicator_name(b)
    score = 1.0 if na == nb else _ratio(na, nb)
    ua, ub = a.get("unit") or "", b.get("unit") or ""
    if ua and ub and not (ua.startswith(ub) or ub.startswith(ua)):  # 万人 ~ 万人次, not % ~ 年
        score *= s.unit_mismatch_factor
    if (a.get("period") or "") != (b.get("period") or ""):
        score *= s.period_mismatch_factor
    return score


def align_indicators(left: Document, right: Document, settings: AlignSettings | None = None) -> list[IndicatorPair]:
    """Optimal one-to-one pairing of the two plans' indicator rows."""
    s = settings or AlignSettings()
    lrows, rrows = indicator_rows([left]), indicator_rows([right])
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
        docs = {id(d): d for d in [*corpus, left, right]}
        idf = idf_table(docs.values())
    litems, ritems = collect_items(left), collect_items(right)
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
