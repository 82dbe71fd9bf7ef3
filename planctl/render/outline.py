"""A compact plain-text outline of a document: one line per node.

Used by ``planctl show --format outline`` and by the golden tests, where input excerpt and
expected outline sit side by side.

Example::

    >>> from planctl.model import Node
    >>> outline_lines([Node(kind="chapter", number="一", title="总体要求", path="一")])
    ['chapter 一 总体要求']
"""

from __future__ import annotations

from collections.abc import Iterable

from planctl.cjk import clip
from planctl.model import MEASURE, PARAGRAPH, TABLE, Node


def _label(node: Node, width: int) -> str:
    parts = [node.kind]
    if node.role:
        parts[0] += f"[{node.role}]"
    if node.number:
        parts.append(node.number)
    if node.title:
        parts.append(node.title)
    if node.weight:
        parts.append(f"[{node.weight}]")
    if node.kind == TABLE:
        parts.append(f"({len(node.rows)} rows{', header' if node.header else ''})")
        if node.note:
            parts.append(f"note={node.note}")
    elif node.kind in (MEASURE, PARAGRAPH) or (node.text and not node.title):
        text = node.text.replace("\n", " ")
        if text:
            parts.append("| " + clip(text, width))
    if node.departments:
        parts.append("@" + "、".join(node.departments))
    return " ".join(parts)


def outline_lines(nodes: Iterable[Node], depth: int = 0, width: int = 12) -> list[str]:
    """Indented one-line labels for ``nodes`` and their descendants."""
    out: list[str] = []
    for node in nodes:
        out.append("  " * depth + _label(node, width))
        out.extend(outline_lines(node.children, depth + 1, width))
    return out
