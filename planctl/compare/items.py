"""The nodes two plans are aligned on — headings, measures, 专栏 — with the texts each is
scored on. Collected once per document and kept with it (``Document.derived``).

Example::

    >>> from planctl.model import Document, Node, SourceRef
    >>> doc = Document("x", "", "plan", SourceRef("x", 1, 2), children=[
    ...     Node("chapter", "一", "总体要求", children=[Node("measure", title="稳就业", text="扩大就业容量")])])
    >>> [(str(it.group), it.node.title, it.context) for it in items_of(doc)]
    [('heading', '总体要求', ''), ('measure', '稳就业', '总体要求')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planctl.compare.kinds import ItemGroup
from planctl.model import APPENDIX, ARTICLE, COLUMN, HEADING_KINDS, MEASURE, PARAGRAPH, SECTION, TABLE, Document, Node


def node_text(node: Node) -> str:
    parts = [node.title, node.text]
    for row in node.rows:
        parts.extend(row)
    return " ".join(p for p in parts if p)


def subtree_text(node: Node) -> str:
    return " ".join(node_text(n) for n in node.walk())


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
    group: ItemGroup
    """Only items of one group are compared (a leaf heading with headings and measures)."""
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
    ancestors: tuple[Node, ...] = ()
    """The enclosing headings, outermost first."""
    in_box: bool = False
    """A numbered item of a 专栏 (a box's project list rather than the body's policy text)."""


def collect_items(doc: Document) -> list[Item]:
    """Headings, measures (专栏 items included) and 专栏 of ``doc`` in document order."""
    items: list[Item] = []

    def add(node: Node, group: ItemGroup, text: str, ancestors: list[Node], context: list[Node]) -> None:
        # ``context`` is what encloses the node for scoring: its headings, plus the box for a box item.
        items.append(Item(
            node, len(items), group, ancestors[-1] if ancestors else None, text,
            " ".join(a.title for a in context),
            in_appendix=node.kind == APPENDIX or any(a.kind == APPENDIX for a in ancestors),
            depth=len(context), ancestors=tuple(ancestors), in_box=any(c.kind == COLUMN for c in context),
        ))

    def visit(nodes: Sequence[Node], ancestors: list[Node]) -> None:
        for node in nodes:
            if node.kind in HEADING_KINDS and _is_leaf_heading(node):
                # "1. 就业规模总体平稳" over a paragraph is a measure in all but form: it may
                # match a heading or, failing that, a measure.
                add(node, ItemGroup.LEAF, subtree_text(node), ancestors, ancestors)
            elif node.kind in HEADING_KINDS:
                add(node, ItemGroup.HEADING, subtree_text(node), ancestors, ancestors)
                visit(node.children, [*ancestors, node])
            elif node.kind == COLUMN:
                add(node, ItemGroup.COLUMN, subtree_text(node), ancestors, ancestors)
                # A box's numbered items are measures too; the box title is part of their context.
                for child in node.children:
                    if child.kind == MEASURE:
                        add(child, ItemGroup.MEASURE, node_text(child), ancestors, [*ancestors, node])
            elif node.kind == MEASURE:
                add(node, ItemGroup.MEASURE, node_text(node), ancestors, ancestors)
            elif node.kind == ARTICLE:
                # A regulation's 第X条 is its measure: its paragraphs and （一） items are part of it.
                add(node, ItemGroup.MEASURE, subtree_text(node), ancestors, ancestors)
            elif node.kind != TABLE:
                visit(node.children, ancestors)

    visit(doc.children, [])
    return items


def items_of(doc: Document) -> list[Item]:
    """``collect_items(doc)``, computed once per tree and kept with the document (a metadata-only
    document that later gets its tree gets new items)."""
    held = doc.derived.get("align_items")
    if held is None or held[0] is not doc.children:
        held = doc.derived["align_items"] = (doc.children, collect_items(doc))
    return held[1]


def idf_texts(doc: Document) -> list[str]:
    """The texts of ``doc`` that count as documents for IDF: each item's own text (a heading's
    title and intro only, not its whole subtree)."""
    return [node_text(it.node) if it.group == ItemGroup.HEADING else it.own for it in items_of(doc)]
