"""The matcher: which nodes of two plans correspond, and how sure it is of each pair.

1. **Structure.** Chapters and sections of both bodies are aligned in one optimal assignment;
   a heading pair is judged on its titles, its text, and whether the measures under the two
   headings correspond (*kids*). A second pass rewards pairs whose parents were paired with each
   other and penalises pairs whose parents went elsewhere (*parents*). A chapter is never paired
   with a section whose own parent would be the better partner.
2. **Measures** (and 专栏 with 专栏) are aligned inside the mapped regions first — both under
   headings paired with each other — then across the plans for what is left; a measure still
   alone whose best candidate is a much longer measure already paired corresponds to it too
   (many to one: one plan merged what the other says in several).
3. **附件 task lists** restate the body: a task-list item is linked to the body measure of its
   own plan it restates (``restates``), and is neither matched with the other plan nor counted
   as missing there; what an appendix holds besides (an assessment's indicator list, a programme
   of its own) is aligned like the body. Two plans that both have task lists have them aligned
   with each other.
4. **Groups.** A heading left without a partner whose measures went to several headings of the
   other plan, which in turn send theirs back to it, corresponds to that group (甘肃 三、主要任务
   ↔ 青海 三、–八、).

Every candidate has features (:mod:`planctl.compare.features`), a *score* (a fixed weighted sum
of them) and a *confidence* (:mod:`planctl.compare.confidence`: a logistic model of the same
features fitted on the dev gold, then Platt-scaled). The assignments maximise total confidence;
pairs below the calibrated threshold are not made. Every threshold and weight is a field of the
:class:`~planctl.settings.MatchSettings` the matcher is given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from planctl.compare.confidence import Calibration
from planctl.compare.features import (
    MEASURE_GROUPS,
    Candidate,
    Partners,
    Prepared,
    add_margins,
    base_features,
    parent_agreement,
    region_of,
    score_of,
    shingle_share,
)
from planctl.compare.kinds import ItemGroup, Side
from planctl.compare.matching import max_weight_matching
from planctl.compare.similarity import cosine
from planctl.model import Node
from planctl.settings import MatchSettings

BOX_GROUPS = ((ItemGroup.MEASURE, ItemGroup.LEAF), (ItemGroup.COLUMN,))
"""Measures are aligned with measures, 专栏 with 专栏."""
HEADING_GROUPS = (ItemGroup.HEADING, ItemGroup.LEAF)
"""What structure is aligned on (a leaf heading may match a heading)."""


@dataclass
class Restatement:
    """A 附件 task-list item and the body measure of the same plan it restates."""

    side: Side
    item: Node
    body: Node
    score: float

    def mirrored(self) -> Restatement:
        return replace(self, side=self.side.other)


@dataclass
class Group:
    """A heading of one plan that corresponds to several headings of the other."""

    side: Side
    """The side ``node`` is on."""
    node: Node
    members: list[Node]
    share: float
    """Share of the node's matched measures that went to the members."""

    def mirrored(self) -> Group:
        return replace(self, side=self.side.other)


@dataclass
class Matches:
    """The matcher's result: pairs (indices), task-list links, groups and, when traced, every
    candidate considered."""

    pairs: list[Candidate] = field(default_factory=list)
    links: list[Restatement] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    trace: list[Candidate] = field(default_factory=list)


def _assign(cands: list[Candidate], floor: float, rank_floor: float) -> list[Candidate]:
    """One-to-one assignment maximising the total candidate probability (candidates below
    ``rank_floor`` left out); of the pairs it makes, those less likely to be right than
    ``floor`` are dropped."""
    weights = {(c.i, c.j): c.rank for c in cands if c.rank >= rank_floor}
    chosen = max_weight_matching(weights, rank_floor)
    by_key = {(c.i, c.j): c for c in cands}
    return [by_key[e] for e in sorted(chosen) if by_key[e].confidence >= floor]


class Matcher:
    """Aligns two prepared item lists (one per plan)."""

    def __init__(self, left: list[Prepared], right: list[Prepared], settings: MatchSettings,
                 calibration: Calibration, *, trace: bool = False) -> None:
        self.left, self.right = left, right
        self.settings = settings
        self.calibration = calibration
        self.trace = trace
        self.result = Matches()
        self.threshold = calibration.floor
        self.partners = Partners(left, right, settings)
        self.content = self.partners.content

    def _assign(self, cands: list[Candidate]) -> list[Candidate]:
        return _assign(cands, self.threshold, self.settings.rank_floor)

    def _candidates(self, lefts: Sequence[int], rights: Sequence[int], heading: bool,
                    extra: Callable[[Prepared, Prepared, dict[str, float]], None]) -> list[Candidate]:
        cands = []
        for i in lefts:
            a = self.left[i]
            row = self.content[i]
            for j in rights:
                b = self.right[j]
                content = float(row[j])
                if not heading and content < self.settings.prefilter and not (a.lead and a.lead == b.lead):
                    continue
                f = base_features(a, b, content)
                extra(a, b, f)
                cands.append(Candidate(i, j, f, score_of(f, heading, self.settings)))
        add_margins(cands, self.left, self.right)
        for c in cands:
            if self.left[c.i].exact and self.left[c.i].exact == self.right[c.j].exact:
                c.rank = c.confidence = 1.0  # the same text: no doubt left
                continue
            c.rank = self.calibration.probability(c.features, heading, c.score)
            c.confidence = self.calibration.calibrated(c.rank, heading)
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
                f["kids"] = self.partners.kids_share(a, b)
                f["parents"] = parent_agreement(a, b, prev, taken, lpos, rpos) if rnd else 0.0

            cands = self._candidates(lefts, rights, True, extra)
            cands = [c for c in cands  # two leaf headings are two measures: paired later, as measures
                     if not (self.left[c.i].item.group == self.right[c.j].item.group == ItemGroup.LEAF)]
            cands = self._without_worse_parents(cands, lpos, rpos)
            chosen = self._assign(cands)
            paired = {c.i: c.j for c in chosen}
        self._keep(chosen, "structure", cands)
        return paired

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
    def measures(self, lefts: list[int], rights: list[int], heads: set[tuple[int, int]]) -> None:
        """Measures and 专栏: inside mapped regions first, then across."""
        for kinds in BOX_GROUPS:
            li = [i for i in lefts if self.left[i].item.group in kinds]
            rj = [j for j in rights if self.right[j].item.group in kinds]

            def extra(a: Prepared, b: Prepared, f: dict[str, float]) -> None:
                f["region"] = region_of(a, b, heads)

            cands = self._candidates(li, rj, False, extra)
            inside = self._assign([c for c in cands if c.features["region"] > 0])
            used_l, used_r = {c.i for c in inside}, {c.j for c in inside}
            across = self._assign([c for c in cands if c.i not in used_l and c.j not in used_r])
            self._keep(inside, "region", [])
            self._keep(across, "across", cands)
            self._keep(self._merged(cands, inside + across), "merged", [])

    def _merged(self, cands: list[Candidate], made: list[Candidate]) -> list[Candidate]:
        """Many to one: a measure left without a partner whose best candidate is a measure already
        paired, at least ``merge_length`` times as long as itself and at least ``merge_confidence`` sure,
        corresponds to it too — one plan merged into one measure what the other says in several
        (2018's 加强农村思想道德建设, 传承…优秀传统文化, 开展移风易俗行动 → 2023's 加强农村精神文明建设)."""
        used_l, used_r = {c.i for c in made}, {c.j for c in made}
        best_l: dict[int, Candidate] = {}
        best_r: dict[int, Candidate] = {}
        for c in cands:
            if c.i not in used_l and (c.i not in best_l or c.rank > best_l[c.i].rank):
                best_l[c.i] = c
            if c.j not in used_r and (c.j not in best_r or c.rank > best_r[c.j].rank):
                best_r[c.j] = c
        ratio, floor = self.settings.merge_length, max(self.threshold, self.settings.merge_confidence)
        out = [c for c in best_l.values() if c.j in used_r and c.confidence >= floor
               and self.right[c.j].han >= ratio * self.left[c.i].han]
        out += [c for c in best_r.values() if c.i in used_l and c.confidence >= floor
                and self.left[c.i].han >= ratio * self.right[c.j].han]
        return sorted(out, key=lambda c: (c.i, c.j))

    # ---- 3. task lists --------------------------------------------------------------------
    def restatements(self, side: Side, items: list[Prepared], appendix: list[int], body: list[int]) -> set[int]:
        """Link each task-list item to the body measure it restates; the linked indices."""
        linked: set[int] = set()
        for k in appendix:
            a = items[k]
            if a.item.group not in MEASURE_GROUPS:
                continue
            best, best_score = None, 0.0
            for m in body:
                b = items[m]
                if b.item.group not in MEASURE_GROUPS:
                    continue
                s = max(cosine(a.vec, b.vec), shingle_share(a, b))
                if s > best_score:
                    best, best_score = m, s
            if best is not None and best_score >= self.settings.restates:
                self.result.links.append(Restatement(side, a.item.node, items[best].item.node, round(best_score, 3)))
                linked.add(k)
        return linked

    # ---- 4. groups -------------------------------------------------------------------------
    def groups(self, heads: dict[int, int]) -> None:
        pairs = {(c.i, c.j) for c in self.result.pairs}
        self._groups_of(Side.LEFT, self.left, self.right, {i for i, _ in pairs}, dict(pairs))
        self._groups_of(Side.RIGHT, self.right, self.left, {j for _, j in pairs}, {j: i for i, j in pairs})

    def _groups_of(self, side: Side, mine: list[Prepared], other: list[Prepared], used: set[int],
                   partner: dict[int, int]) -> None:
        other_pos = {id(p.item.node): k for k, p in enumerate(other)}
        for k, p in enumerate(mine):
            if p.item.group != ItemGroup.HEADING or k in used or p.item.in_appendix:
                continue
            landed = [other[partner[kid]].item.parent for kid in p.kids if kid in partner]
            landed_nodes = [n for n in landed if n is not None]
            if len(landed_nodes) < self.settings.group_min_landed:
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
                if back and inside / len(back) >= self.settings.group_reciprocal:
                    reciprocal.append(node)
            share = sum(counts[id(n)] for n in reciprocal) / len(landed_nodes)
            reciprocal.sort(key=lambda n: other_pos.get(id(n), 0))
            if len(reciprocal) >= 2 and share >= self.settings.group_min_share:
                self.result.groups.append(Group(side, p.item.node, reciprocal, round(share, 3)))


def _unlinked(items: list[Prepared], appendix: list[int], linked: set[int]) -> list[int]:
    """The appendix items that restate nothing of their own plan's body: its measures not linked,
    and its headings under which at most half the measures are linked (a heading over a task
    list stays with its list)."""
    out = []
    for k in appendix:
        p = items[k]
        if p.item.group in HEADING_GROUPS and p.item.group != ItemGroup.LEAF:
            if sum(kid in linked for kid in p.kids) * 2 <= len(p.kids):
                out.append(k)
        elif k not in linked:
            out.append(k)
    return out


def _partners_of(kids: Iterable[int], partner: dict[int, int]) -> list[int]:
    reverse = {v: k for k, v in partner.items()}
    return [reverse[k] for k in kids if k in reverse]


def run(left: list[Prepared], right: list[Prepared], settings: MatchSettings, calibration: Calibration, *,
        trace: bool = False) -> Matches:
    """Align two plans' prepared items (see the module's docstring)."""
    m = Matcher(left, right, settings, calibration, trace=trace)
    lb = [k for k, p in enumerate(left) if not p.item.in_appendix]
    rb = [k for k, p in enumerate(right) if not p.item.in_appendix]
    la = [k for k, p in enumerate(left) if p.item.in_appendix]
    ra = [k for k, p in enumerate(right) if p.item.in_appendix]
    both_lists = bool(la and ra)
    if not both_lists:
        # A 附件 item that restates a body measure of its own plan is linked to it; the rest of
        # an appendix (an assessment's indicator list, rules, a programme of its own) is content
        # and is aligned with the other plan like the body.
        lb += _unlinked(left, la, m.restatements(Side.LEFT, left, la, lb))
        rb += _unlinked(right, ra, m.restatements(Side.RIGHT, right, ra, rb))
    heads = m.headings([i for i in lb if left[i].item.group in HEADING_GROUPS],
                       [j for j in rb if right[j].item.group in HEADING_GROUPS])
    head_nodes = {(id(left[i].item.node), id(right[j].item.node)) for i, j in heads.items()}
    used_l, used_r = set(heads), set(heads.values())
    m.measures([i for i in lb if i not in used_l], [j for j in rb if j not in used_r], head_nodes)
    if both_lists:  # both have task lists: aligned with each other, headings first
        app_heads = m.headings([i for i in la if left[i].item.group in HEADING_GROUPS],
                               [j for j in ra if right[j].item.group in HEADING_GROUPS])
        head_nodes |= {(id(left[i].item.node), id(right[j].item.node)) for i, j in app_heads.items()}
        heads |= app_heads
        m.measures([i for i in la if i not in app_heads], [j for j in ra if j not in set(app_heads.values())],
                   head_nodes)
    m.groups(heads)
    return m.result
