"""``planctl trace``: where the measures of one document went in a corpus.

For each measure of a source document, the documents that took it up — ``same`` (mostly its
text), ``adapted`` (partly) or ``related`` (the same thing in other words) — with the matcher's
calibrated confidence, so a label means what it means in ``planctl diff``; per document, the
share of the source it took up; for each passage a measure shares word for word, its earliest
dated appearance among the documents holding it.

The input is the alignments of the source with the documents its candidate measures
(:mod:`planctl.compare.candidates`) point to, the source always on the left; which documents
those are, and where the alignments come from, is the workspace's business.

Example::

    >>> from planctl.corpus import load_corpus
    >>> from planctl.compare.align import align
    >>> c = load_corpus()
    >>> gansu, wuwei = c.resolve("gansu-employment-2021"), c.resolve("wuwei")
    >>> t = trace_of(gansu, [align(gansu, wuwei, corpus=c.documents)])
    >>> t.documents[0].document.id, t.documents[0].measures > 10
    ('wuwei-employment-2022', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from planctl.cjk import han_count
from planctl.compare.align import Alignment, compared_text
from planctl.compare.features import MEASURE_GROUPS
from planctl.compare.items import items_of
from planctl.model import Document, Node

UNDATED = "9999-12-31"
"""Sorts undated documents after every dated one."""


def date_key(doc: Document) -> tuple[str, str]:
    """Date order (成文日期, else 发布日期; undated last), then id."""
    return (doc.dated or UNDATED, doc.id)


@dataclass
class Adoption:
    """A measure of the source and what one document made of it."""

    document: Document
    node: Node
    """The document's measure (or section) paired with the source's."""
    confidence: float
    label: str
    """``strong``, ``likely`` or ``weak``, as in ``planctl diff``."""
    relation: str
    """``same``, ``adapted`` or ``related``, as in ``planctl diff``."""
    shared: float
    """Share of the shorter text the shared passages cover."""
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    """The shared passages as (start, end, text) in the source measure's compared text."""


@dataclass
class SharedPassage:
    """A run of text the source measure shares with documents, and where it appeared first."""

    text: str
    start: int
    end: int
    """Offsets in the source measure's compared text (``title。text``)."""
    holders: list[Document]
    """The documents holding it besides the source, in date order."""
    first: Document
    """The earliest dated document holding it (the source among them)."""


@dataclass
class MeasureTrace:
    """One measure of the source, the documents that took it up (date order), its passages."""

    node: Node
    adoptions: list[Adoption] = field(default_factory=list)
    passages: list[SharedPassage] = field(default_factory=list)


@dataclass
class Uptake:
    """How much of the source one document took up."""

    document: Document
    measures: int
    """Source measures it took up (paired with one of its own)."""
    share: float
    """``measures`` over the source's measures."""
    text_share: float
    """Share of the source measures' Han characters it holds word for word."""
    relations: dict[str, int] = field(default_factory=dict)
    """How many of those measures it took up as ``same``, ``adapted``, ``related``."""
    confidence: float = 0.0
    """Mean confidence of its pairs."""


@dataclass
class Trace:
    """Everything ``planctl trace`` shows."""

    source: Document
    measures: list[MeasureTrace]
    documents: list[Uptake]
    """Every document that took up at least one measure, in date order."""
    considered: int = 0
    """Documents of the source's subject in the corpus (the block candidates were sought in)."""
    candidates: int = 0
    """Candidate measure pairs found (LSH and vectors)."""
    aligned: int = 0
    """Documents aligned with the source (those a candidate pointed to)."""
    files: dict[str, str] = field(default_factory=dict)
    """Each document's file (absolute) by its source path as shown, for links in reports."""


def source_measures(doc: Document) -> list[Node]:
    """The measures of ``doc`` that are traced: what the matcher aligns as measures (measures,
    专栏 items, articles, sections over running text), outside a 附件 task list."""
    return [it.node for it in items_of(doc) if it.group in MEASURE_GROUPS and not it.in_appendix]


def _union(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _passages(source: Document, node: Node, adoptions: list[Adoption]) -> list[SharedPassage]:
    """The measure's shared runs, overlapping runs of several documents taken as one passage (the
    longest run its text), each with the documents holding it and the earliest of them."""
    text = compared_text(node)
    runs = sorted(((start, end, a.document) for a in adoptions for start, end, _ in a.spans), key=lambda r: r[:2])
    out: list[SharedPassage] = []
    for start, end in _union([(s, e) for s, e, _ in runs]):
        inside = [(s, e, d) for s, e, d in runs if s < end and e > start]
        longest = max(inside, key=lambda r: (r[1] - r[0], -r[0]))
        holders = sorted({id(d): d for _, _, d in inside}.values(), key=date_key)
        first = min([source, *holders], key=date_key)
        out.append(SharedPassage(text[longest[0]:longest[1]], longest[0], longest[1], holders, first))
    return out


def trace_of(source: Document, alignments: Sequence[Alignment]) -> Trace:
    """The trace of ``source`` from its alignments with other documents (``source`` the left
    side of each)."""
    nodes = source_measures(source)
    index = {id(n): k for k, n in enumerate(nodes)}
    per_measure: list[list[Adoption]] = [[] for _ in nodes]
    uptakes: list[Uptake] = []
    total_han = sum(han_count(compared_text(n)) for n in nodes) or 1
    for al in alignments:
        if al.left is not source:
            raise ValueError(f"trace_of: an alignment of {al.left.id}, not of the source {source.id}")
        taken: dict[int, list[Adoption]] = {}
        for p in al.pairs:
            if p.left is None or p.right is None or id(p.left) not in index:
                continue
            ltext = compared_text(p.left)
            spans = [(x.left_start, x.left_end, ltext[x.left_start:x.left_end]) for x in p.passages]
            adoption = Adoption(al.right, p.right, p.confidence, str(p.label), p.relation, p.shared, spans)
            taken.setdefault(index[id(p.left)], []).append(adoption)
        if not taken:
            continue
        relations: dict[str, int] = {}
        han = 0
        confidences = []
        for k, found in taken.items():
            best = max(found, key=lambda a: (a.shared, a.confidence))
            relations[best.relation] = relations.get(best.relation, 0) + 1
            han += sum(han_count(compared_text(nodes[k])[s:e]) for s, e in _union([(s, e) for a in found
                                                                               for s, e, _ in a.spans]))
            confidences += [a.confidence for a in found]
            per_measure[k].extend(found)
        uptakes.append(Uptake(al.right, len(taken), round(len(taken) / len(nodes), 3), round(han / total_han, 3),
                              relations, round(sum(confidences) / len(confidences), 3)))
    measures = []
    for node, found in zip(nodes, per_measure, strict=True):
        found.sort(key=lambda a: (date_key(a.document), a.node.line_start))
        measures.append(MeasureTrace(node, found, _passages(source, node, found)))
    return Trace(source, measures, sorted(uptakes, key=lambda u: date_key(u.document)), aligned=len(alignments))
