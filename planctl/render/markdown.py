"""Clean markdown for a document: headings at their true depth, 专栏 as blockquotes,
tables as pipe tables. The output reads back through planctl's own parser.

Example::

    >>> from planctl.model import Node
    >>> print(nodes_to_markdown([Node(kind="measure", title="稳岗", text="落实补贴。")]))
    **稳岗。**落实补贴。
    <BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Iterable

from planctl.cjk import is_complete
from planctl.model import (
    APPENDIX,
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
    Document,
    Node,
)
from planctl.parse.rules import opens_block
from planctl.render import md_cell
from planctl.settings import ParseSettings

_MAX_HEADING = 6


def table_to_markdown(node: Node) -> list[str]:
    """A pipe table; the header row first (an empty one when the table has none)."""
    rows = node.rows
    if not rows:
        return []
    width = max(len(r) for r in rows)
    padded = [r + [""] * (width - len(r)) for r in rows]
    header, body = (padded[0], padded[1:]) if node.header else ([""] * width, padded)
    out = ["| " + " | ".join(md_cell(c) for c in header) + " |", "|" + "---|" * width]
    out += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in body]
    if node.note:
        out += ["", node.note]
    return out


def measure_line(node: Node) -> str:
    """A measure as printed: its numbering or marker, lead phrase, body and responsibility."""
    body = node.text + (f"（{node.responsibility}）" if node.responsibility else "")
    if node.number:
        # The parser cut a long numbered item's lead at its first comma: put the comma back.
        sep = "，" if len(node.title) > ParseSettings().heading_max_chars else "。"
        return f"{numbered_label(node.number, node.title)}{sep}{body}"
    return f"{node.marker}**{node.title}。**{body}"


def numbered_label(number: str, title: str) -> str:
    """Canonical GB/T 9704 numbering in front of a title: ``一、总体要求``, ``（一）指导思想``, ``1. …``."""
    if not number or number == title:
        return title
    if number.startswith("第"):
        sep = " "
    elif number.startswith("（") or number.startswith("附件"):
        sep = " " if number.startswith("附件") else ""
    elif number.isdecimal():
        sep = ". "
    elif not number.isalpha():  # ①
        sep = ""
    else:
        sep = "、"
    return f"{number}{sep}{title}"


def _heading(node: Node, depth: int) -> str:
    label = numbered_label(node.number, node.title)
    if node.kind == APPENDIX and node.title:
        label = f"{node.marker}\n\n{node.title}"
    hashes = "#" * min(depth, _MAX_HEADING)
    # A heading's text came inline ("(三)加快发展…。大力发展…"): keep it inline.
    return f"{hashes} {label}" + (f"。{node.text}" if node.text else "")


_PLAIN = (PARAGRAPH, METADATA, FURNITURE)  # rendered as bare text, which a re-parse may join


def _render(nodes: Iterable[Node], depth: int, quote: bool = False, state: dict[str, bool] | None = None) -> list[str]:
    # state["open"]: the last bare text rendered ends mid-sentence, so a re-parse would join the
    # next bare text to it; a "---" line keeps them apart (the parser never joins across one).
    state = {"open": False} if state is None else state
    out: list[str] = []
    for node in nodes:
        if node.role in ("ocr_duplicate", "duplicate", "tail"):
            # kept in the tree; shown instead: the repaired table cell, the text printed once, and
            # nothing of the site's links and footer after the document
            continue
        first_line = node.text.split("\n")[0]
        if node.kind in _PLAIN and state["open"] and not opens_block(first_line):
            out += ["---", ""]
        # A one-line pattern (文号, date, contact …) never takes a continuation.
        state["open"] = (node.kind in _PLAIN and not is_complete(node.text.split("\n")[-1])
                         and not opens_block(first_line))
        lines: list[str]
        if node.kind in (CHAPTER, SECTION, APPENDIX):
            lines = [_heading(node, depth)]
            out += [*lines, ""]
            out += _render(node.children, depth + 1, state=state)
            continue
        if node.kind == COLUMN:
            inner = _render(node.children, depth + 1, quote=True, state=state)
            lines = [f"专栏{node.number} {node.title}".rstrip(), "", *inner]
            out += [("> " + ln).rstrip() for ln in lines] + [""]
            continue
        if node.kind == TABLE:
            lines = table_to_markdown(node)
        elif node.kind in (MEASURE, ITEM):  # an article's item: number, lead and body, like a measure
            lines = [measure_line(node)]
        elif node.kind == TITLE:
            lines = [f"# {node.title}"]
        elif node.kind in (FURNITURE, METADATA):  # tables of contents stay recognisable as such
            lines = node.text.split("\n")
        elif node.title:  # an article's own title: "第一条（目的和依据）为了…"
            lines = [f"{node.marker}（{node.title}）{node.text}"]
        else:
            lines = [f"{node.marker}{node.text}"]
        out += [*lines, ""]
        if node.children and node.kind != TABLE:
            out += _render(node.children, depth + 1, quote, state)
    return out


def nodes_to_markdown(nodes: Iterable[Node], depth: int = 2) -> str:
    """Markdown for a list of nodes whose top level sits at heading ``depth``."""
    return "\n".join(_render(nodes, depth)) + ""


def document_to_markdown(doc: Document) -> str:
    """The whole document in source order; its title line is the level-1 heading."""
    return nodes_to_markdown(doc.children)
