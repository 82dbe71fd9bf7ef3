"""The matcher: which nodes of two plans correspond, and how sure it is of each pair.

1. **Structure.** Chapters and sections of both bodies are aligned in one optimal assignment;
   a heading pair is judged on its titles, its text, and whether the measures under the two
   headings correspond (*kids*). A second pass rewards pairs whose parents were paired with each
   other and penalises pairs whose parents went elsewhere (*parents*). A chapter is never paired
   with a section whose own parent would be the better partner.
2. **Measures** (and 专栏 with 专栏) are aligned inside the mapped regions first — both under
   headings paired with each other — then across the plans for what is left.
3. **附件 task lists** restate the body: a task-list item is linked to the body measure of its
   own plan it restates (``restates``), and is neither matched with the other plan nor counted
   as missing there. Two plans that both have task lists have them aligned with each other.
4. **Groups.** A heading left without a partner whose measures went to several headings of the
   other plan, which in turn send theirs back to it, corresponds to that group (甘肃 三、主要任务
   ↔ 青海 三、–八、).

Every pair has a *score* (a fixed weighted sum of its features) and a *confidence* (a logistic
model of the same features fitted on the dev gold; :mod:`planctl.compare.scoring`). The
assignments maximise total confidence; pairs below the calibrated threshold are not made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from planctl.compare.matching import max_weight_matching
from planctl.compare.scoring import Prepared, base_features, calibrated, confidence_of, score_of, threshold
from planctl.model import Node

MEASURE_GROUPS = (("measure", "leaf"), ("column",))
_PREFILTER = 0.04
_RANK_FLOOR = 0.01


@dataclass
class Candidate:
    """A scored candidate pair (indices into the two prepared lists)."""

    i: int
    j: int
    features: dict[str, float]
    score: float
    confidence: float = 0.0
    """Probability that the pair is right if made (see :func:`~planctl.compare.scoring.calibrated`)."""
    rank: float = 0.0
    """Probability that the candidate is right among all candidates: what the assignment maximises."""
    stage: str = ""
    nodes: tuple[Node, Node] | None = None
    """The two nodes (filled in when the matcher is traced)."""


@dataclass
class Restatement:
    """A 附件 task-list item and the body measure of the same plan it restates."""

    side: str
    """``left`` or ``right``."""
    item: Node
    body: Node
    score: float

    def mirrored(self) -> Restatement:
        return replace(self, side="right" if self.side == "left" else "left")


@dataclass
class Group:
    """A heading of one plan that corresponds to several headings of the other."""

    side: str
    """The side ``node`` is on."""
    node: Node
    members: list[Node]
    share: float
    """Share of the node's matched measures that went to the members."""

    def mirrored(self) -> Group:
        return replace(self, side="right" if self.side == "left" else "left")


@dataclass
class Matches:
    """The matcher's result: pairs (indices), task-list links, groups and, when traced, every
    candidate considered."""

    pairs: list[Candidate] = field(default_factory=list)
    links: list[Restatement] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    trace: list[Candidate] = field(default_factory=list)


def _margins(cands: list[Candidate], left: list[Prepared], right: list[Prepared]) -> None:
    """``margin``: how far a candidate's score is above the best rival of either node. A rival
    enclosing or enclosed by the candidate's own node (a chapter and its sections) is not one."""
    def related(x: Prepared, y: Prepared) -> bool:
        return id(y.item.node) in x.enclosing or id(x.item.node) in y.enclosing

    by_i: dict[int, list[Candidate]] = {}
    by_j: dict[int, list[Candidate]] = {}
    for c in cands:
        by_i.setdefault(c.i, []).append(c)
        by_j.setdefault(c.j, []).append(c)
    for c in cands:
        mine_l, mine_r = left[c.i], right[c.j]
        rival = 0.0
        for o in by_i[c.i]:
            if o is not c and o.score > rival and not related(right[o.j], mine_r):
                rival = o.score
        for o in by_j[c.j]:
            if o is not c and o.score > rival and not related(left[o.i], mine_l):
                rival = o.score
        c.features["margin"] = c.score - rival


def _assign(cands: list[Candidate], floor: float) -> list[Candidate]:
    """One-to-one assignment maximising the total candidate probability; of the pairs it makes,
    those less likely to be right than ``floor`` are dropped."""
    weights = {(c.i, c.j): c.rank for c in cands if c.rank >= _RANK_FLOOR}
    chosen = max_weight_matching(weights, _RANK_FLOOR)
    by_key = {(c.i, c.j): c for c in cands}
    return [by_key[e] for e in sorted(chosen) if by_key[e].confidence >= floor]


class Matcher:
    """Aligns two prepared item lists (one per plan)."""

    def __init__(self, left: list[Prepared], right: list[Prepared], *, trace: bool = False) -> None:
        self.left, self.right = left, right
        self.trace = trace
        self.result = Matches()
        self.threshold = threshold()
        self._measure_matrix()

    # ---- helpers --------------------------------------------------------------------------
    def _measure_matrix(self) -> None:
        """Content similarity (TF-IDF cosine) of every left item with every right item (numpy),
        and each measure's mutual best partner on the other side by the better of that and the
        latent similarity."""
        import numpy as np

        vocab: dict[str, int] = {}
        for p in (*self.left, *self.right):
            for t in p.vec:
                vocab.setdefault(t, len(vocab))

        def dense(items: list[Prepared]) -> Any:
            m = np.zeros((len(items), max(1, len(vocab))), dtype=np.float32)
            for row, p in enumerate(items):
                for t, w in p.vec.items():
                    m[row, vocab[t]] = w
            return m

        self.content = dense(self.left) @ dense(self.right).T
        li = [k for k, p in enumerate(self.left) if p.item.group in ("measure", "leaf")]
        rj = [k for k, p in enumerate(self.right) if p.item.group in ("measure", "leaf")]
        sim = self.content[np.ix_(li, rj)].copy() if li and rj else np.zeros((len(li), len(rj)), dtype=np.float32)
        if li and rj and all(self.left[i].latent is not None for i in li) and all(
                self.right[j].latent is not None for j in rj):
            latent = np.stack([self.left[i].latent for i in li]) @ np.stack([self.right[j].latent for j in rj]).T
            sim = np.maximum(sim, 0.8 * np.clip(latent, 0, None))
        # Only mutual best partners count: between plans on different subjects every measure
        # still has a best partner, and one long chapter of the other plan can collect them all.
        best_right = {i: rj[int(sim[k].argmax())] for k, i in enumerate(li)} if rj else {}
        best_left = {j: li[int(sim[:, k].argmax())] for k, j in enumerate(rj)} if li else {}
        self.best_right = {i: j for i, j in best_right.items() if best_left.get(j) == i}
        self.best_left = {j: i for j, i in best_left.items() if best_right.get(i) == j}

    def kids_share(self, a: Prepared, b: Prepared) -> float:
        """Share of the measures under two headings whose mutual best partner is under the other."""
        ka, kb = set(a.kids), set(b.kids)
        if not ka or not kb:
            return 0.0
        hits = sum(1 for i in ka if self.best_right.get(i) in kb) + sum(1 for j in kb if self.best_left.get(j) in ka)
        return hits / (len(ka) + len(kb))

    def _candidates(self, lefts: Sequence[int], rights: Sequence[int], heading: bool,
                    extra: Callable[[Prepared, Prepared, dict[str, float]], None]) -> list[Candidate]:
        cands = []
        for i in lefts:
            a = self.left[i]
            row = self.content[i]
            for j in rights:
                b = self.right[j]
                content = float(row[j])
                if not heading and content < _PREFILTER and not (a.lead and a.lead == b.lead):
                    continue
                f = base_features(a, b, content)
                extra(a, b, f)
                cands.append(Candidate(i, j, f, score_of(f, heading)))
        _margins(cands, self.left, self.right)
        for c in cands:
            if self.left[c.i].exact and self.left[c.i].exact == self.right[c.j].exact:
                c.rank = c.confidence = 1.0  # the same text: no doubt left
                continue
            c.rank = confidence_of(c.features, heading, c.score)
            c.confidence = calibrated(c.rank, heading)
        return cands

    def _keep(self, chosen: list[Candidate], stage: str, cands: list[Candidate]) -> None:
        for c in chosen:
            c.stage = stage
        self.result.pairs.extend(chosen)
        if self.trace:
            for c in cands:
                c.stage = c.stage or stage
                c.nodes = (self.left[c.i].item.node, self.right[c.j].item.node)
            self.result.trace.extend(cands)

    # ---- 1. structure ----------------------------------------------------------------------
    def headings(self, lefts: list[int], rights: list[int]) -> dict[int, int]:
        """Pair chapters and sections (leaf sections take part: one may match a heading)."""
        paired: dict[int, int] = {}
        lpos = {id(self.left[i].item.node): i for i in lefts}
        rpos = {id(self.right[j].item.node): j for j in rights}
        chosen: list[Candidate] = []
        cands: list[Candidate] = []
        for rnd in range(2):
            previous, taken = dict(paired), set(paired.values())

            def extra(a: Prepared, b: Prepared, f: dict[str, float], prev: dict[int, int] = previous,
                      taken: set[int] = taken, rnd: int = rnd) -> None:
                f["kids"] = self.kids_share(a, b)
                f["parents"] = self._parent_agreement(a, b, prev, taken, lpos, rpos) if rnd else 0.0

            cands = self._candidates(lefts, rights, True, extra)
            cands = [c for c in cands
                     if not (self.left[c.i].item.group == "leaf" and self.right[c.j].item.group == "leaf")]
            cands = self._without_worse_parents(cands, lpos, rpos)
            chosen = _assign(cands, self.threshold)
            paired = {c.i: c.j for c in chosen}
        self._keep(chosen, "structure", cands)
        return paired

    @staticmethod
    def _parent_agreement(a: Prepared, b: Prepared, paired: dict[int, int], taken: set[int],
                          lpos: dict[int, int], rpos: dict[int, int]) -> float:
        """1 when the two headings' parents were paired with each other (or both are top-level),
        -1 when each parent went elsewhere (or is the top level while the other's went elsewhere)."""
        pa, pb = a.item.parent, b.item.parent
        if pa is None and pb is None:
            return 1.0
        ia = lpos.get(id(pa)) if pa is not None else None
        jb = rpos.get(id(pb)) if pb is not None else None
        if ia is not None and jb is not None and paired.get(ia) == jb:
            return 1.0
        left_elsewhere = ia is not None and ia in paired
        right_elsewhere = jb is not None and jb in taken
        return -1.0 if (pa is None or left_elsewhere) and (pb is None or right_elsewhere) else 0.0

    def _without_worse_parents(self, cands: list[Candidate], lpos: dict[int, int],
                               rpos: dict[int, int]) -> list[Candidate]:
        """Drop chapter ↔ section candidates where the section's own parent is the better
        partner: it scores at least as well with the chapter, and the chapter is its best."""
        score = {(c.i, c.j): c.score for c in cands}
        best_of_l: dict[int, tuple[float, int]] = {}
        best_of_r: dict[int, tuple[float, int]] = {}
        for c in cands:
            if c.score > best_of_l.get(c.i, (-1.0, -1))[0]:
                best_of_l[c.i] = (c.score, c.j)
            if c.score > best_of_r.get(c.j, (-1.0, -1))[0]:
                best_of_r[c.j] = (c.score, c.i)
        kept = []
        for c in cands:
            a, b = self.left[c.i].item, self.right[c.j].item
            worse = False
            if a.depth < b.depth and b.parent is not None and id(b.parent) in rpos:
                parent = rpos[id(b.parent)]
                worse = score.get((c.i, parent), 0.0) >= c.score and best_of_r.get(parent, (0, -1))[1] == c.i
            elif b.depth < a.depth and a.parent is not None and id(a.parent) in lpos:
                parent = lpos[id(a.parent)]
                worse = score.get((parent, c.j), 0.0) >= c.score and best_of_l.get(parent, (0, -1))[1] == c.j
            if not worse:
                kept.append(c)
        return kept

    # ---- 2. measures -----------------------------------------------------------------------
    def _region(self, a: Prepared, b: Prepared, heads: set[tuple[int, int]]) -> float:
        """1 when the two items sit under headings paired with each other, ½ when some
        ancestors are, 0 otherwise."""
        if a.item.parent is None and b.item.parent is None:
            return 1.0
        if (id(a.item.parent), id(b.item.parent)) in heads:
            return 1.0
        la = [id(n) for n in a.item.ancestors]
        lb = [id(n) for n in b.item.ancestors]
        return 0.5 if any((x, y) in heads for x in la for y in lb) else 0.0

    def measures(self, lefts: list[int], rights: list[int], heads: set[tuple[int, int]]) -> None:
        """Measures and 专栏: inside mapped regions first, then across."""
        for kinds in MEASURE_GROUPS:
            li = [i for i in lefts if self.left[i].item.group in kinds]
            rj = [j for j in rights if self.right[j].item.group in kinds]

            def extra(a: Prepared, b: Prepared, f: dict[str, float]) -> None:
                f["region"] = self._region(a, b, heads)

            cands = self._candidates(li, rj, False, extra)
            inside = _assign([c for c in cands if c.features["region"] > 0], self.threshold)
            used_l, used_r = {c.i for c in inside}, {c.j for c in inside}
            across = _assign([c for c in cands if c.i not in used_l and c.j not in used_r], self.threshold)
            self._keep(inside, "region", [])
            self._keep(across, "across", cands)

    # ---- 3. task lists --------------------------------------------------------------------
    def restatements(self, side: str, items: list[Prepared], appendix: list[int], body: list[int]) -> set[int]:
        """Link each task-list item to the body measure it restates; the linked indices."""
        from planctl.compare.scoring import shingle_share
        from planctl.compare.similarity import cosine

        linked: set[int] = set()
        for k in appendix:
            a = items[k]
            if a.item.group not in ("measure", "leaf"):
                continue
            best, best_score = None, 0.0
            for m in body:
                b = items[m]
                if b.item.group not in ("measure", "leaf"):
                    continue
                s = max(cosine(a.vec, b.vec), shingle_share(a, b))
                if s > best_score:
                    best, best_score = m, s
            if best is not None and best_score >= 0.35:
                self.result.links.append(Restatement(side, a.item.node, items[best].item.node, round(best_score, 3)))
                linked.add(k)
        return linked

    # ---- 4. groups -------------------------------------------------------------------------
    def groups(self, heads: dict[int, int]) -> None:
        pairs = {(c.i, c.j) for c in self.result.pairs}
        self._groups_of("left", self.left, self.right, {i for i, _ in pairs}, dict(pairs))
        self._groups_of("right", self.right, self.left, {j for _, j in pairs}, {j: i for i, j in pairs})

    def _groups_of(self, side: str, mine: list[Prepared], other: list[Prepared], used: set[int],
                   partner: dict[int, int]) -> None:
        other_pos = {id(p.item.node): k for k, p in enumerate(other)}
        for k, p in enumerate(mine):
            if p.item.group != "heading" or k in used or p.item.in_appendix:
                continue
            landed = [other[partner[kid]].item.parent for kid in p.kids if kid in partner]
            landed_nodes = [n for n in landed if n is not None]
            if len(landed_nodes) < 3:
                continue
            counts = Counter(id(n) for n in landed_nodes)
            members = list({id(n): n for n in landed_nodes}.values())
            if len(members) < 2:
                continue
            mine_ids = {id(n) for n in p.item.node.walk()}
            reciprocal = []
            for node in members:
                q = other[other_pos[id(node)]] if id(node) in other_pos else None
                if q is None:
                    continue
                back = [mine[partner_back] for partner_back in _partners_of(q.kids, partner)]
                inside = sum(1 for b in back if id(b.item.node) in mine_ids)
                if back and inside / len(back) >= 0.5:
                    reciprocal.append(node)
            share = sum(counts[id(n)] for n in reciprocal) / len(landed_nodes)
            reciprocal.sort(key=lambda n: other_pos.get(id(n), 0))
            if len(reciprocal) >= 2 and share >= 0.6:
                self.result.groups.append(Group(side, p.item.node, reciprocal, round(share, 3)))


def _partners_of(kids: Iterable[int], partner: dict[int, int]) -> list[int]:
    reverse = {v: k for k, v in partner.items()}
    return [reverse[k] for k in kids if k in reverse]


def run(left: list[Prepared], right: list[Prepared], *, trace: bool = False) -> Matches:
    """Align two plans' prepared items (see the module's docstring)."""
    m = Matcher(left, right, trace=trace)
    lb = [k for k, p in enumerate(left) if not p.item.in_appendix]
    rb = [k for k, p in enumerate(right) if not p.item.in_appendix]
    la = [k for k, p in enumerate(left) if p.item.in_appendix]
    ra = [k for k, p in enumerate(right) if p.item.in_appendix]
    heading_groups = ("heading", "leaf")
    heads = m.headings([i for i in lb if left[i].item.group in heading_groups],
                       [j for j in rb if right[j].item.group in heading_groups])
    head_nodes = {(id(left[i].item.node), id(right[j].item.node)) for i, j in heads.items()}
    used_l, used_r = set(heads), set(heads.values())
    m.measures([i for i in lb if i not in used_l], [j for j in rb if j not in used_r], head_nodes)
    if la and ra:  # both have task lists: aligned with each other, headings first
        app_heads = m.headings([i for i in la if left[i].item.group in heading_groups],
                               [j for j in ra if right[j].item.group in heading_groups])
        head_nodes |= {(id(left[i].item.node), id(right[j].item.node)) for i, j in app_heads.items()}
        heads |= app_heads
        m.measures([i for i in la if i not in app_heads], [j for j in ra if j not in set(app_heads.values())],
                   head_nodes)
    else:
        m.restatements("left", left, la, lb)
        m.restatements("right", right, ra, rb)
    m.groups(heads)
    return m.result
