"""A measure's parts: its lead phrase, its body and the departments it names.

A measure leads with a short phrase — bold, its first sentence, or a label before a colon — and
may close with the departments responsible for it (``（省人社厅、省财政厅等按职责分工负责）``).

Example::

    >>> split_departments("加强就业政策协同。（省人社厅、省财政厅等按职责分工负责）")
    ('加强就业政策协同。', '省人社厅、省财政厅等按职责分工负责', ['省人社厅', '省财政厅'])
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from planctl.parse import patterns as pt


def shift_spans(spans: Sequence[tuple[int, int]], offset: int) -> list[tuple[int, int]]:
    """Bold spans of a text, for the text that starts ``offset`` characters later."""
    return [(s - offset, e - offset) for s, e in spans if e > offset]


def split_lead(text: str, bold: Sequence[tuple[int, int]] = ()) -> tuple[str, str]:
    """Split ``text`` into (lead phrase, body).

    A bold span at the start is the lead; else the first sentence. Punctuation between the
    two is dropped; neither part loses a Han character or digit.

        >>> split_lead("保持经济就业良性互动。加强就业政策")
        ('保持经济就业良性互动', '加强就业政策')
    """
    lead_end = None
    if bold and bold[0][0] <= 1:
        lead_end = bold[0][1]
    if lead_end is None:
        m = pt.LEAD_END_RE.search(text)
        if not m:
            return text.strip().rstrip("：:"), ""
        lead_end = m.start()
    lead = text[:lead_end].strip().rstrip("。：:；;，,、 ")
    body = text[lead_end:].lstrip("。：:；;，,、！？!? ")
    return lead, body


def split_departments(body: str) -> tuple[str, str, list[str]]:
    """Split a measure's closing ``（…负责）`` / ``（责任单位：…）`` off its body.

    Returns (body without it, the parenthesis content, department names).
    """
    m = pt.RESPONSIBILITY_RE.search(body)
    if not m:
        return body, "", []
    inner = m.group(1).strip()
    departments: list[str] = []
    for clause in re.split(r"[，,；;]", inner):
        clause = clause.strip()
        labelled = pt.DEPT_LABEL_RE.match(clause)
        if labelled:  # "责任单位：省经济和信息化厅、省财政厅"
            clause = labelled.group(1)
        elif pt.DEPT_TAIL_RE.search(clause):
            clause = pt.DEPT_TAIL_RE.sub("", clause)
        else:
            continue  # only clauses that assign a role name departments ("不再一一列出" does not)
        departments.extend(d.strip() for d in pt.DEPT_SPLIT_RE.split(clause) if d.strip())
    return body[: m.start()].rstrip(), inner, departments




def colon_lead(text: str, max_chars: int) -> tuple[str, str] | None:
    """``一核：构建…`` → ("一核", "构建…") when the label is short and comma-free."""
    for sep in ("：", ":"):
        k = text.find(sep)
        if 0 < k <= max_chars and "，" not in text[:k] and text[k + 1 :].strip():
            return text[:k], text[k + 1 :]
    return None
