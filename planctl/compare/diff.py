"""The difference between two plans as pure data (renderers print it).

Compare mode lines up two different plans; versions mode (two editions of one plan) also
shows, inside each matched measure, what changed word by word (jieba words, git
``--word-diff`` style).

Example::

    >>> from planctl.corpus import load_corpus
    >>> c = load_corpus()
    >>> d = diff_documents(c.resolve("wuwei"), c.resolve("wuwei"), corpus=c.documents)
    >>> d.summary["left_only"], d.summary["right_only"], d.summary["changed"], d.has_differences
    (0, 0, 0, False)
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from planctl.cjk import han_count, words_only
from planctl.compare.align import Alignment, IndicatorPair, Pair, Restatement, align, compared_text
from planctl.compare.confidence import Calibration
from planctl.compare.items import items_of
from planctl.compare.kinds import ItemGroup, PairStatus, Side
from planctl.compare.similarity import Statistics
from planctl.lexicon import lexicon
from planctl.model import ARTICLE, HEADING_KINDS, MEASURE, MEASURE_KINDS, Document, Node
from planctl.settings import MatchSettings

COMPARE, VERSIONS = "compare", "versions"


def _node_content(node: Node) -> str:
    return words_only(compared_text(node) + "".join("".join(r) for r in node.rows))


@dataclass
class Change:
    """One word-level edit inside a matched pair: ``op`` is ``-`` (removed) or ``+`` (added)."""

    op: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


@dataclass
class DiffPair:
    """A pair with its status and, when the texts differ, the word-level changes."""

    pair: Pair
    status: PairStatus
    """``matched`` (same content), ``changed``, ``left_only``, ``right_only``, or ``grouped`` (a
    heading that corresponds to several of the other plan's, ``pair.group``)."""
    changes: list[Change] = field(default_factory=list)
    word_diff: str = ""
    """``[-removed-]{+added+}`` rendering of the changes (versions mode)."""
    segments: list[tuple[str, str]] = field(default_factory=list)
    """The whole text as (op, text) runs, op one of ``=``, ``-``, ``+`` (versions mode)."""


@dataclass
class IndicatorDiff:
    """An indicator pair with what differs between the two rows."""

    pair: IndicatorPair
    status: PairStatus
    changed_fields: list[str] = field(default_factory=list)


@dataclass
class Diff:
    """Everything ``planctl diff`` shows."""

    left: Document
    right: Document
    mode: str
    pairs: list[DiffPair]
    indicators: list[IndicatorDiff]
    restatements: list[Restatement] = field(default_factory=list)
    """附件 task-list items linked to the body measure of their own plan they restate."""
    files: dict[str, str] = field(default_factory=dict)
    """Each plan's file (absolute) by its source path as shown, for links in reports."""
    explain: bool = False
    """Views show why each pair was made (its features and evidence: ``planctl diff --explain``)."""
    refs: tuple[str, str] = ("", "")
    """How to name the two plans again (an id, or ``PATH#N`` for a file given by path): the first
    line of a gold file written from this diff."""
    calibrated_on: int = 0
    """How many of the user's own judged pairs the confidence was calibrated on (0: the shipped
    calibration alone)."""

    @property
    def summary(self) -> dict[str, int]:
        statuses = [p.status for p in self.pairs] + [i.status for i in self.indicators]
        paired = (PairStatus.MATCHED, PairStatus.CHANGED)
        labels = [p.pair.label for p in self.pairs if p.status in paired]
        relations = [p.pair.relation for p in self.pairs if p.status in paired]
        return {
            "matched": sum(s in paired for s in statuses),
            "left_only": statuses.count(PairStatus.LEFT_ONLY),
            "right_only": statuses.count(PairStatus.RIGHT_ONLY),
            "changed": statuses.count(PairStatus.CHANGED),
            "grouped": statuses.count(PairStatus.GROUPED),
            "restated": len(self.restatements),
            "strong": labels.count("strong"),
            "likely": labels.count("likely"),
            "weak": labels.count("weak"),
            "same": relations.count("same"),
            "adapted": relations.count("adapted"),
            "related": relations.count("related"),
        }

    @property
    def has_differences(self) -> bool:
        s = self.summary
        return bool(s["left_only"] or s["right_only"] or s["changed"])

    def shared(self) -> dict[str, float]:
        """Per side, the share of the plan's text (Han characters of its headings, measures and
        专栏) found word for word in the other plan."""
        shared = sum(p.length for d in self.pairs if d.pair.kind not in HEADING_KINDS for p in d.pair.passages)
        out = {}
        for side, doc in (("left", self.left), ("right", self.right)):
            total = sum(han_count(it.node.title if it.group == ItemGroup.HEADING else compared_text(it.node))
                        for it in items_of(doc))
            out[side] = round(min(1.0, shared / total), 4) if total else 0.0
        return out

    def measure_pairs(self) -> list[DiffPair]:
        """The pairs with a measure (or article) on either side (a measure may pair with a leaf section)."""
        return [p for p in self.pairs
                if p.pair.kind in MEASURE_KINDS or (p.pair.right is not None and p.pair.right.kind in MEASURE_KINDS)]

    def adoption(self) -> dict[str, object] | None:
        """For a city (or county) plan against its province's (either order): measures adopted
        word for word, adapted, taken up in other words, added by the city, not taken up."""
        lower, upper = _lower_upper(self.left, self.right)
        if lower is None or upper is None:
            return None
        lower_side = Side.LEFT if lower is self.left else Side.RIGHT
        lower_only, upper_only = (PairStatus.LEFT_ONLY, PairStatus.RIGHT_ONLY) if lower_side == Side.LEFT else (
            PairStatus.RIGHT_ONLY, PairStatus.LEFT_ONLY)
        measures = self.measure_pairs()
        matched = [p for p in measures if p.status in (PairStatus.MATCHED, PairStatus.CHANGED)]
        return {
            "city": lower.id, "province": upper.id,
            "adopted": sum(p.pair.relation == "same" for p in matched),
            "adapted": sum(p.pair.relation == "adapted" for p in matched),
            "reworded": sum(p.pair.relation == "related" for p in matched),
            "added": sum(p.status == lower_only for p in measures),
            "not_taken_up": sum(p.status == upper_only for p in measures),
        }


def _lower_upper(a: Document, b: Document) -> tuple[Document | None, Document | None]:
    """(city plan, its province's plan) when one of the two is the other's parent region."""
    from planctl.regions import region_table

    table = region_table()
    ra, rb = table.by_name.get(a.region), table.by_name.get(b.region)
    if ra is None or rb is None:
        return None, None
    if _within(ra, rb.name, table):
        return a, b
    if _within(rb, ra.name, table):
        return b, a
    return None, None


def _within(region: Any, ancestor: str, table: Any) -> bool:
    parent = region.parent
    while parent:
        if parent == ancestor:
            return True
        up = table.by_name.get(parent)
        parent = up.parent if up else ""
    return False


def word_segments(left: str, right: str) -> list[tuple[str, str]]:
    """``left`` → ``right`` as runs of kept (``=``), removed (``-``) and added (``+``) jieba words.

        >>> word_segments("加快推进就业", "加快促进就业")
        [('=', '加快'), ('-', '推进'), ('+', '促进'), ('=', '就业')]
    """
    lex = lexicon()
    a = [t for t in re.split(r"(\s+)", left) for t in ([t] if t.isspace() else lex.tokens(t))]
    b = [t for t in re.split(r"(\s+)", right) for t in ([t] if t.isspace() else lex.tokens(t))]
    # Editions differ in punctuation width (，/,): compare NFKC forms, show the original words.
    ka = [unicodedata.normalize("NFKC", t) for t in a]
    kb = [unicodedata.normalize("NFKC", t) for t in b]
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("+", "".join(b[j1:j2])))
    return segments


def word_changes(left: str, right: str) -> tuple[list[Change], str, list[tuple[str, str]]]:
    """Edits, the ``[-removed-]{+added+}`` string, and the segments."""
    segments = word_segments(left, right)
    changes = [Change(op, text) for op, text in segments if op != "="]
    marked = "".join(t if op == "=" else (f"[-{t}-]" if op == "-" else f"{{+{t}+}}") for op, t in segments)
    return changes, marked, segments


def are_editions(left: Document, right: Document, settings: MatchSettings | None = None) -> bool:
    """Two editions of one plan: same region and title, or mostly the same measure leads."""
    s = settings or MatchSettings()
    if left.region != right.region:
        return False
    if left.title and words_only(left.title) == words_only(right.title) and left.kind == right.kind:
        return True
    leads_l = {words_only(it.node.title) for it in items_of(left) if it.node.kind == MEASURE}
    leads_r = {words_only(it.node.title) for it in items_of(right) if it.node.kind == MEASURE}
    smaller = min(len(leads_l), len(leads_r))
    return smaller > 0 and len(leads_l & leads_r) / smaller >= s.editions_lead_overlap


_VALUE_FIELDS = ("unit", "base_value", "base_comparator", "base_cumulative", "target_value", "target_comparator",
                 "target_cumulative", "target_qualitative", "attribute")


def _indicator_diff(pair: IndicatorPair) -> IndicatorDiff:
    if pair.left is None:
        return IndicatorDiff(pair, PairStatus.RIGHT_ONLY)
    if pair.right is None:
        return IndicatorDiff(pair, PairStatus.LEFT_ONLY)
    lv, rv = pair.left.values(), pair.right.values()
    changed = [f for f in _VALUE_FIELDS if lv[f] != rv[f]]
    return IndicatorDiff(pair, PairStatus.CHANGED if changed else PairStatus.MATCHED, changed)


def _pair_diff(pair: Pair, mode: str) -> DiffPair:
    if pair.group:
        return DiffPair(pair, PairStatus.GROUPED)
    if pair.left is None:
        return DiffPair(pair, PairStatus.RIGHT_ONLY)
    if pair.right is None:
        return DiffPair(pair, PairStatus.LEFT_ONLY)
    same = _node_content(pair.left) == _node_content(pair.right)
    if same:
        return DiffPair(pair, PairStatus.MATCHED)
    result = DiffPair(pair, PairStatus.CHANGED)
    if mode == VERSIONS and pair.left.kind in MEASURE_KINDS and pair.right.kind in MEASURE_KINDS:
        result.changes, result.word_diff, result.segments = word_changes(compared_text(pair.left),
                                                                         compared_text(pair.right))
    return result


def diff_from_alignment(al: Alignment, mode: str) -> Diff:
    """Statuses and word changes for an alignment."""
    pairs = [_pair_diff(p, mode) for p in al.pairs]
    return Diff(al.left, al.right, mode, pairs, [_indicator_diff(p) for p in al.indicators], al.restatements)


def diff_documents(
    left: Document,
    right: Document,
    stats: Statistics | None = None,
    *,
    corpus: Iterable[Document] = (),
    mode: str | None = None,
    settings: MatchSettings | None = None,
    calibration: Calibration | None = None,
) -> Diff:
    """Align and compare two documents (see :func:`~planctl.compare.align.align` for ``stats``
    and ``corpus``); ``mode`` None detects editions (versions mode)."""
    chosen = mode or (VERSIONS if are_editions(left, right, settings) else COMPARE)
    al = align(left, right, stats, corpus=corpus, settings=settings, calibration=calibration)
    return diff_from_alignment(al, chosen)


def filter_diff(d: Diff, kinds: Sequence[str] = (), only: str | None = None,
                threshold: float | None = None) -> Diff:
    """A view of ``d``: some kinds, only some statuses, pairs under ``threshold`` split apart."""
    pairs: list[DiffPair] = []
    for p in d.pairs:
        if threshold is not None and p.pair.left and p.pair.right and p.pair.score < threshold:
            left = DiffPair(Pair(p.pair.left.kind, 0.0, p.pair.left, None), PairStatus.LEFT_ONLY)
            right = DiffPair(Pair(p.pair.right.kind, 0.0, None, p.pair.right), PairStatus.RIGHT_ONLY)
            pairs += [left, right]
        else:
            pairs.append(p)
    indicators = list(d.indicators)
    if kinds:
        pairs = [p for p in pairs if p.pair.kind in kinds or (p.pair.kind == "appendix" and "chapter" in kinds)
                 or (p.pair.kind == ARTICLE and MEASURE in kinds)]
        indicators = indicators if "indicator" in kinds else []
    keep: tuple[PairStatus, ...]
    if only == "matched":
        keep = (PairStatus.MATCHED, PairStatus.CHANGED)
    elif only == "unmatched":
        keep = (PairStatus.LEFT_ONLY, PairStatus.RIGHT_ONLY)
    elif only == "changed":
        keep = (PairStatus.CHANGED,)
    else:
        keep = tuple(PairStatus)
    return Diff(d.left, d.right, d.mode, [p for p in pairs if p.status in keep],
                [i for i in indicators if i.status in keep], d.restatements, d.files, d.explain, d.refs,
                d.calibrated_on)


def diff_view(d: Diff, kinds: Sequence[str] = (), only: str | None = None,
              threshold: float | None = None) -> tuple[Diff, bool]:
    """What ``planctl diff`` shows of ``d`` (``kinds``, ``only``, ``threshold`` applied) and
    whether the two plans differ in the kinds asked for, whatever ``only`` hides."""
    compared = filter_diff(d, kinds, None, threshold)
    return filter_diff(compared, (), only), compared.has_differences
