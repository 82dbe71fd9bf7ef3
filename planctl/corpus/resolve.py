"""Resolving plan references (``PLAN`` on the command line) to documents.

A reference may be:

* an id: ``gansu-employment-2021``;
* an alias: ``gansu``, ``甘肃``, ``甘肃省``, ``wuwei`` (region names from the region table), or an
  id prefix such as ``gansu-employment``;
* a file path, parsed on the fly; ``PATH#N`` picks its N-th document (1-based).

When a reference names several documents, plans win over notices, a topic shared with the
other side of a ``diff`` wins, and among editions of one plan the one with a 文号 is primary.
Anything still ambiguous, or unknown, is a :class:`PlanctlError` listing candidates or
suggestions.

Example::

    >>> from planctl.model import Document, SourceRef
    >>> docs = [Document("wuwei-employment-2022", "武威市“十四五”就业促进规划", "plan", SourceRef("w.txt", 1, 9),
    ...                  aliases=["wuwei", "武威"])]
    >>> [d.id for d in match_reference(docs, "武威")]
    ['wuwei-employment-2022']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from planctl.errors import PlanctlError
from planctl.model import Document

_PATH_INDEX_RE = re.compile(r"^(.*)#(\d+)$")
_PATH_SUFFIXES = (".txt", ".md", ".text", ".pdf")


def path_reference(ref: str) -> tuple[str, int | None] | None:
    """``(path, index)`` when ``ref`` names a file (``PATH`` or ``PATH#N``), None when it is a
    name; a reference that looks like a path to a missing file is an error."""
    m = _PATH_INDEX_RE.match(ref)
    if Path(ref).exists():  # a file whose name happens to contain "#2" is still that file
        return ref, None
    if m and Path(m.group(1)).exists():
        return m.group(1), int(m.group(2))
    path = m.group(1) if m else ref
    if "/" in ref or "\\" in ref or Path(path).suffix.lower() in _PATH_SUFFIXES:
        raise PlanctlError(f"{path}: no such file")
    return None


def select_index(ref: str, docs: list[Document], index: int | None) -> list[Document]:
    """All of a file's documents, or its ``index``-th (1-based)."""
    if index is None:
        return docs
    if not 1 <= index <= len(docs):
        raise PlanctlError(f"{ref}: the file holds {len(docs)} document(s); #{index} is out of range")
    return [docs[index - 1]]


def substantive(docs: Sequence[Document]) -> list[Document]:
    """A file's documents with a body of their own: all but the cover notices that issue another
    document of the same file (their 文号, issuer and date are already that document's)."""
    covers = {d.issued_by for d in docs if d.issued_by}
    return [d for d in docs if d.id not in covers]


def match_reference(documents: Iterable[Document], ref: str) -> list[Document]:
    """Documents whose id is ``ref``, or that carry it as an alias or id prefix."""
    docs = list(documents)
    exact = [d for d in docs if d.id == ref]
    if exact:
        return exact[:1]
    key = ref.lower()
    return [d for d in docs if key in (a.lower() for a in d.aliases) or d.id.startswith(key + "-")]


def _edition_key(doc: Document) -> tuple[str, str, str]:
    return (doc.kind, doc.region, re.sub(r"\W", "", doc.title))


def prefer(cands: list[Document], topic: str | None = None) -> list[Document]:
    """Narrow candidates: topic match, a document over the notice that issues it (a plan, scheme,
    opinion … over its cover notice), primary edition of each."""
    if topic:
        same = [d for d in cands if d.topic == topic]
        cands = same or cands
    issued = [d for d in cands if d.kind != "notice"]
    cands = issued or cands
    primary: dict[tuple[str, str, str], Document] = {}
    for doc in cands:
        key = _edition_key(doc)
        held = primary.get(key)
        if held is None or (doc.doc_number and not held.doc_number):
            primary[key] = doc
    return list(primary.values())


Label = Callable[[Document], str]
"""How to name a document so that the name resolves back to it (an id, or ``PATH#N``)."""


def _by_id(doc: Document) -> str:
    return doc.id


def pick_one(ref: str, cands: list[Document], documents: Sequence[Document],
             prefer_topic: str | None = None, label: Label = _by_id) -> Document:
    """The one document ``cands`` settle on, or an error naming the candidates or suggestions."""
    if not cands:
        raise unknown_reference(ref, documents)
    if len(cands) == 1:
        return cands[0]
    narrowed = prefer(cands, prefer_topic)
    if len(narrowed) == 1:
        return narrowed[0]
    raise ambiguous_reference(ref, narrowed, label)


def pick_group(refs: Sequence[str], cands: Sequence[list[Document]], documents: Sequence[Document],
               label: Label = _by_id, topic: str | None = None) -> list[Document]:
    """One document per reference, letting the references settle each other: an ambiguous one
    takes the topic the settled ones share most (``topic`` first when given), or, when none is
    settled, the one topic under which every ambiguous reference settles."""
    narrowed = [prefer(c, topic) for c in cands]
    for ref, found in zip(refs, narrowed, strict=True):
        if not found:
            raise unknown_reference(ref, documents)
    settled = Counter(c[0].topic for c in narrowed if len(c) == 1)
    if settled and any(len(c) > 1 for c in narrowed):
        common = settled.most_common(1)[0][0]
        narrowed = [prefer(c, common) if len(c) > 1 else c for c in narrowed]
    elif not settled and len(narrowed) > 1:
        shared = set.intersection(*({d.topic for d in c} for c in narrowed))
        options = [[prefer(c, t) for c in narrowed] for t in sorted(shared)]
        options = [o for o in options if all(len(c) == 1 for c in o)]
        if len(options) == 1:
            narrowed = options[0]
    for ref, found in zip(refs, narrowed, strict=True):
        if len(found) > 1:
            raise ambiguous_reference(ref, found, label)
    return [c[0] for c in narrowed]


def pick_pair(refs: tuple[str, str], cands: tuple[list[Document], list[Document]],
              documents: Sequence[Document], label: Label = _by_id) -> tuple[Document, Document]:
    """Both sides of a comparison, letting each side's topic settle the other."""
    left, right = pick_group(refs, cands, documents, label)
    return left, right


def ambiguous_reference(ref: str, cands: Iterable[Document], label: Label = _by_id) -> PlanctlError:
    """An error listing the candidates by names that resolve (the hints hold the names alone)."""
    docs = list(cands)
    shown = [f"{label(d)} ({d.title})" for d in docs]
    return PlanctlError(f"'{ref}' is ambiguous; candidates: {', '.join(shown)}", hints=[label(d) for d in docs])


def unknown_reference(ref: str, documents: Sequence[Document]) -> PlanctlError:
    from rapidfuzz import fuzz, process  # only needed when a name is wrong

    names = sorted({d.id for d in documents} | {a for d in documents for a in d.aliases})
    close = [m[0] for m in process.extract(ref, names, scorer=fuzz.WRatio, limit=3, score_cutoff=50)]
    hint = f"; did you mean: {', '.join(close)}" if close else "; run 'planctl list' to see the corpus"
    return PlanctlError(f"unknown plan '{ref}'{hint}", hints=close)
