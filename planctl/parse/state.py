"""What the line rules read and write: the parse state (markdown-it-py's ``StateBlock``) and the
flat blocks they emit.

The state holds the cleaned lines, the settings and what reading so far has learnt (the names
a cover notice announced, whether content has started); the rules in
:mod:`planctl.parse.rules` are free functions of it. A rule that claims lines pushes its blocks
and moves :attr:`ParseState.line` past them with :meth:`ParseState.claim`.

Example::

    >>> from planctl.model import Line
    >>> from planctl.parse.clean import clean_line
    >>> state = ParseState([clean_line(Line(k, t)) for k, t in enumerate(["一、总体要求", "", "加强协同"], 1)])
    >>> state.next_nonblank(1), state.joined(0, 2)
    (2, '一、总体要求\\n加强协同')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planctl.model import Node
from planctl.parse.clean import CleanLine
from planctl.parse.numbering import Rank
from planctl.parse.tables import next_nonblank
from planctl.settings import ParseSettings


@dataclass
class Block:
    """A flat parse result: one node plus what nesting needs to know about it."""

    node: Node
    """The node (a column block already holds its items as children)."""
    rank: Rank | None = None
    """Heading rank for headings, None for everything else."""
    inline: bool = False
    """A numbered heading that carried its body on the same line (may become a measure)."""
    boundary: str = ""
    """Document boundary signal: ``issuer_head``, ``web_meta``, ``source``, ``title``."""
    seq: int | None = None
    """Numeric value of the numbering (for consecutive-item checks)."""
    issuer: str = ""
    """For a title: the issuing organs it names before 关于/印发 (joint issuers spaced)."""
    fields: dict[str, str] = field(default_factory=dict)
    """For a metadata block: the fields it states (``发文字号``, ``成文日期``, ``发布部门`` …)."""
    header: bool = False
    """The fields were read off a copier's or scraper's header (``- **标题**：…``), not the page's or
    document's own lines: they yield to those."""


_DEFAULT_SETTINGS = ParseSettings()


@dataclass
class ParseState:
    """The lines being read and what the rules have learnt from them so far."""

    lines: list[CleanLine]
    """The cleaned lines (wrapped lines already folded in)."""
    settings: ParseSettings = _DEFAULT_SETTINGS
    duplicates: list[tuple[int, int, int]] = field(default_factory=list)
    """(first, last, original) line indices of a body printed twice (see :mod:`duplicates`)."""
    announced: set[str] = field(default_factory=set)
    """Name keys of the documents a cover notice in this file issues or relays."""
    content_started: bool = False
    """A content block (not head or tail furniture) has been read."""
    blocks: list[Block] = field(default_factory=list)
    """The blocks read so far, in line order."""
    line: int = 0
    """The index after the lines the last claiming rule read."""
    duplicate_at: dict[int, int] = field(init=False)
    """The first line index of each repeated copy → its last."""

    def __post_init__(self) -> None:
        self.duplicate_at = {first: last for first, last, _ in self.duplicates}

    def claim(self, blocks: list[Block], end: int) -> bool:
        """Push ``blocks`` and move on to line ``end``; a rule's way of saying it claimed."""
        self.blocks.extend(blocks)
        self.line = end
        return True

    def next_nonblank(self, i: int) -> int:
        return next_nonblank(self.lines, i)

    def text_at(self, i: int) -> str:
        return self.lines[i].text if i < len(self.lines) else ""

    def joined(self, first: int, last: int) -> str:
        """The non-blank lines ``first``..``last`` (inclusive), one per line of the result."""
        return "\n".join(self.lines[k].text for k in range(first, last + 1) if not self.lines[k].blank)

    def node(self, kind: str, first: int, last: int, **fields: object) -> Node:
        """A node of ``kind`` spanning lines ``first``..``last``."""
        node = Node(kind=kind, line_start=self.lines[first].number, line_end=self.lines[last].last_number, **fields)  # type: ignore[arg-type]
        node.page = self.lines[first].page
        return node

    def cleaned_texts(self, count: int) -> list[str]:
        """The text of each of the source's ``count`` lines as the rules saw it (markup gone, CJK
        spacing squeezed, tabs kept); a line folded into the one before it is empty."""
        texts = [""] * count
        for line in self.lines:
            if 0 < line.number <= count:
                texts[line.number - 1] = line.text
        return texts
