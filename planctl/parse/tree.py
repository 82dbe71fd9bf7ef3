"""Flat blocks to a tree, in one separate step.

Headings nest by rank with a stack (levels may be skipped); everything else hangs under the
nearest open heading. Then: the top rank becomes ``chapter``; an inline numbered heading
that got no sub-structure becomes a ``measure``; paths and line spans are filled in.

Example::

    >>> from planctl.parse.rules import lines_to_blocks
    >>> from planctl.ingest import decode_bytes
    >>> src = "一、总体要求\\n（一）指导思想。\\n坚持稳中求进。推动高质量发展。\\n".encode()
    >>> roots = blocks_to_tree(lines_to_blocks(decode_bytes(src).lines))
    >>> [(n.kind, n.path) for r in roots for n in r.walk()]
    [('chapter', '一'), ('section', '一/（一）'), ('measure', '一/（一）')]
"""

from __future__ import annotations

from collections.abc import Sequence

from planctl.model import (
    APPENDIX,
    ARTICLE,
    CHAPTER,
    COLUMN,
    FURNITURE,
    ITEM,
    MEASURE,
    METADATA,
    PARAGRAPH,
    SECTION,
    TABLE,
    TITLE,
    Node,
)
from planctl.parse.numbering import Rank
from planctl.parse.state import Block

# Nodes that belong to the document, not to whatever heading happens to be open:
# head lines, 版记, web chrome, tables of contents.
_ROOT_KINDS = (TITLE, METADATA, FURNITURE)


def blocks_to_tree(blocks: Sequence[Block]) -> list[Node]:
    """Nest one document's blocks; returns the document's top-level nodes."""
    ranks = [b.rank for b in blocks if b.rank not in (None, Rank.TOP, Rank.APPENDIX, Rank.ARTICLE)]
    top = min(ranks) if ranks else 1
    roots: list[Node] = []
    stack: list[tuple[int, Node]] = []
    inline_ids: set[int] = set()
    for block in blocks:
        node = block.node
        if block.rank is None:
            if node.kind in _ROOT_KINDS:
                # Head and 版记 lines are the document's, not the open section's.
                stack.clear()
                roots.append(node)
            else:
                (stack[-1][1].children if stack else roots).append(node)
            continue
        rank = top if block.rank == Rank.TOP else block.rank
        while stack and stack[-1][0] >= rank:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((rank, node))
        if node.kind not in (APPENDIX, ARTICLE):
            node.kind = CHAPTER if rank == top else SECTION
        if block.inline:
            inline_ids.add(id(node))
    for root in roots:
        _settle_inline(root, inline_ids)
    roots = _lift_from_measures(roots)
    for root in roots:
        _items_in_articles(root)
    for root in roots:
        _fill_paths(root, "")
        _fill_spans(root)
    return roots


def _settle_inline(node: Node, inline_ids: set[int]) -> None:
    """An inline heading (``(一)推动形成促进就业政策合力。坚持…``) with no headings or
    measures below it is a measure (what followed it is lifted out beside it); with
    sub-structure it stays a heading whose ``text`` is its intro."""
    for child in node.children:
        _settle_inline(child, inline_ids)
    if (
        id(node) in inline_ids
        and node.kind != CHAPTER
        and all(c.kind in (COLUMN, PARAGRAPH, TABLE) for c in node.children)
    ):
        node.kind = MEASURE


def _lift_from_measures(nodes: list[Node]) -> list[Node]:
    """Boxes and paragraphs that followed a measure-turned heading belong beside it."""
    out: list[Node] = []
    for node in nodes:
        node.children = _lift_from_measures(node.children)
        out.append(node)
        if node.kind == MEASURE and node.children:
            out.extend(node.children)
            node.children = []
    return out


def _items_in_articles(node: Node) -> None:
    """An article's numbered sub-entries (``（一）…的；``) are items of the article, not headings."""
    for child in node.children:
        if node.kind == ARTICLE and child.number and child.kind in (SECTION, MEASURE):
            child.kind = ITEM
        _items_in_articles(child)


def _fill_paths(node: Node, parent_path: str) -> None:
    part = node.number
    if node.kind == COLUMN:
        part = f"专栏{node.number}"
    node.path = f"{parent_path}/{part}".strip("/") if part else parent_path
    for child in node.children:
        _fill_paths(child, node.path)


def _fill_spans(node: Node) -> None:
    for child in node.children:
        _fill_spans(child)
        node.line_end = max(node.line_end, child.line_end)
    if node.children:
        node.line_start = min(node.line_start, *(c.line_start for c in node.children))
